"""Bounds on what a client may make the server hold: request bodies (other than uploads) and
the audit entries refused requests write.

A JSON body is read whole and parsed before a route's own limits (a question's 2,000
characters) are checked, so 300 MB posted to `/ask` was 300 MB read and parsed; here the
first byte past `limit` ends the request with 413. Uploads stream under their own limits
(`uploads.py`).
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections import deque
from typing import Any

UPLOAD_ROUTE = re.compile(r"^/api/cases/[^/]+/files/?$")


class BodyLimit:
    """ASGI middleware: 413 for a body over `limit` bytes, declared or counted as it comes."""

    def __init__(self, app: Any, limit: int) -> None:
        self.app, self.limit = app, limit

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http" or UPLOAD_ROUTE.match(scope["path"]):
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        declared = headers.get(b"content-length", b"")
        if declared.isdigit() and int(declared) > self.limit:
            await self._refuse(send)
            return
        received = 0
        started = refused = False

        async def counted() -> dict[str, Any]:
            # Past the limit: answer 413 here, and tell the app the client went away (an
            # exception would be turned into a 400 by FastAPI's body parsing).
            nonlocal received, refused
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.limit and not refused:
                    refused = True
                    if not started:
                        await self._refuse(send)
                    return {"type": "http.disconnect"}
            return message

        async def tracked(message: dict[str, Any]) -> None:
            nonlocal started
            if refused:
                return  # the app's own answer to the cut-off body is not sent
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counted, tracked)
        except Exception:
            if not refused:
                raise

    async def _refuse(self, send: Any) -> None:
        body = json.dumps({"detail": f"request body over {self.limit >> 10} KB"}).encode()
        await send({"type": "http.response.start", "status": 413, "headers": [
            (b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
            (b"connection", b"close")]})
        await send({"type": "http.response.body", "body": body})


class DeniedLog:
    """How many refused requests of one client go into the audit trail: `n` per `seconds`;
    past that they are counted, and the count goes into that client's next entry."""

    def __init__(self, n: int = 60, seconds: float = 60.0) -> None:
        self.n, self.seconds = n, seconds
        self.seen: dict[str, deque[float]] = {}
        self.suppressed: dict[str, int] = {}
        self.lock = threading.Lock()

    def admit(self, client: str) -> int | None:
        """None: do not log this one; else the number left out before it (to record)."""
        now = time.monotonic()
        with self.lock:
            if len(self.seen) > 10_000:  # a flood from many addresses: forget the quiet ones
                self.seen = {k: q for k, q in self.seen.items() if q and q[-1] > now - 60}
            q = self.seen.setdefault(client, deque())
            while q and q[0] < now - self.seconds:
                q.popleft()
            if len(q) >= self.n:
                self.suppressed[client] = self.suppressed.get(client, 0) + 1
                return None
            q.append(now)
            return self.suppressed.pop(client, 0)
