"""A polite, cached JSON fetcher over httpx: rate limit, retries on 429/5xx, pages kept on disk."""

from __future__ import annotations

import hashlib
import logging
import time
from pathlib import Path
from typing import Any

import httpx
import orjson
from tenacity import (
    RetryCallState,
    retry,
    retry_if_exception,
    stop_after_attempt,
    wait_exponential,
)

from tools.errors import TergeuError

log = logging.getLogger(__name__)

# A page of an address's history is a few MB at most; a reply past this is refused while it
# streams in, before it is kept.
MAX_REPLY_BYTES = 64 * 2**20


class FetchError(TergeuError):
    """An upstream API failed or answered something that is not the expected JSON."""


class _Retryable(Exception):
    def __init__(self, response: httpx.Response) -> None:
        self.response = response
        super().__init__(f"{response.status_code} from {response.request.url}")


def _wait(state: RetryCallState) -> float:
    exc = state.outcome.exception() if state.outcome else None
    if isinstance(exc, _Retryable) and (after := exc.response.headers.get("Retry-After")):
        try:
            return float(after)
        except ValueError:
            pass
    return wait_exponential(multiplier=0.5, max=30)(state)


class CachedFetcher:
    """GETs JSON; each response is saved under `cache_dir` and becomes ingestible evidence."""

    def __init__(self, client: httpx.Client, cache_dir: Path, min_interval: float = 0.25,
                 attempts: int = 5) -> None:
        self.client = client
        self.cache_dir = cache_dir
        self.min_interval = min_interval
        self._last = 0.0
        self._get = retry(
            retry=retry_if_exception(lambda e: isinstance(e, _Retryable | httpx.TransportError)),
            wait=_wait, stop=stop_after_attempt(attempts), reraise=True,
        )(self._get_once)

    def path_for(self, url: str) -> Path:
        return self.cache_dir / f"{hashlib.sha256(url.encode()).hexdigest()[:32]}.json"

    def get(self, url: str, headers: dict[str, str] | None = None, fresh: bool = False
            ) -> tuple[Any, Path]:
        """(decoded JSON, file it is kept in); from the cache when fetched before, unless
        `fresh` (a poll for what is new must ask the API, not the cache)."""
        path = self.path_for(url)
        if fresh or not path.exists():
            try:
                body = self._get(url, headers or {})
            except (_Retryable, httpx.HTTPError) as exc:
                raise FetchError(f"{_shown(url)}: {_shown(str(exc))}") from exc
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(".part")
            tmp.write_bytes(body)
            tmp.replace(path)
        try:
            return orjson.loads(path.read_bytes()), path
        except orjson.JSONDecodeError as exc:
            path.unlink(missing_ok=True)
            raise FetchError(f"{_shown(url)}: not JSON: {exc}") from exc

    def _get_once(self, url: str, headers: dict[str, str]) -> bytes:
        pause = self.min_interval - (time.monotonic() - self._last)
        if pause > 0:
            time.sleep(pause)
        self._last = time.monotonic()
        # Never redirected: a key sent in a header would follow the redirect to any host.
        with self.client.stream("GET", url, headers=headers, follow_redirects=False) as response:
            if response.status_code == 429 or response.status_code >= 500:
                response.read()
                raise _Retryable(response)
            if response.status_code != 200:
                raise FetchError(f"{_shown(url)}: HTTP {response.status_code}")
            chunks, size = [], 0
            for chunk in response.iter_bytes():
                size += len(chunk)
                if size > MAX_REPLY_BYTES:
                    raise FetchError(f"{_shown(url)}: reply larger than "
                                     f"{MAX_REPLY_BYTES >> 20} MB, refused")
                chunks.append(chunk)
        log.debug("fetched %s (%d bytes)", _shown(url), size)
        return b"".join(chunks)


def _shown(url: str) -> str:
    """A URL for messages and logs: without an API key in its query."""
    return url.split("&apikey=", 1)[0].split("?apikey=", 1)[0]
