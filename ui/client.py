"""The UI's only way to the case data: the Tergeu HTTP API, with the user's token."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

import httpx


class ApiError(Exception):
    """The API refused a request; `detail` is its message for the user."""

    def __init__(self, status: int, detail: str) -> None:
        super().__init__(f"{status}: {detail}")
        self.status = status
        self.detail = detail


class ApiClient:
    def __init__(self, base_url: str, token: str | None = None,
                 transport: httpx.BaseTransport | None = None, timeout: float = 120.0) -> None:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        self.http = httpx.Client(base_url=base_url, headers=headers, timeout=timeout,
                                 transport=transport)

    def close(self) -> None:
        self.http.close()

    def __enter__(self) -> ApiClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _json(self, resp: httpx.Response) -> Any:
        if resp.status_code >= 400:
            try:
                detail = resp.json().get("detail", resp.text)
            except ValueError:
                detail = resp.text
            if isinstance(detail, list):  # an import with every file rejected: one per file
                detail = "; ".join(d if isinstance(d, str) else json.dumps(d, ensure_ascii=False)
                                   for d in detail)
            raise ApiError(resp.status_code, str(detail))
        return resp.json()

    def me(self) -> dict[str, Any]:
        return self._json(self.http.get("/api/me"))

    def cases(self) -> list[str]:
        return self._json(self.http.get("/api/cases"))["data"]

    def overview(self, case: str) -> dict[str, Any]:
        return self._json(self.http.get(f"/api/cases/{case}/overview"))

    def deconflict(self, case: str) -> dict[str, Any]:
        return self._json(self.http.get(f"/api/cases/{case}/deconflict"))

    def record(self, case: str, record_id: str) -> dict[str, Any]:
        return self._json(self.http.get(f"/api/cases/{case}/records/{_path(record_id)}"))

    def neighbours(self, case: str, record_id: str) -> dict[str, Any]:
        return self._json(self.http.get(
            f"/api/cases/{case}/records/{_path(record_id)}/neighbours"))

    def trace(self, case: str, address: str, direction: str = "forward") -> dict[str, Any]:
        return self._json(self.http.post(f"/api/cases/{case}/trace",
                                         json={"addresses": [address], "direction": direction}))

    def letter(self, case: str, to: str, addresses: list[str], lang: str,
               trace_from: list[str] | None = None) -> dict[str, Any]:
        """A freeze or information request letter: summary, checks, DOCX and PDF (base64)."""
        body = {"to": to, "addresses": addresses, "lang": lang,
                "trace": {"addresses": trace_from} if trace_from else None}
        return self._json(self.http.post(f"/api/cases/{case}/letters", json=body))

    def watches(self, case: str) -> list[dict[str, Any]]:
        return self._json(self.http.get(f"/api/cases/{case}/watches"))["data"]

    def watch(self, case: str, addresses: list[str], note: str | None = None,
              threshold: str | None = None) -> list[dict[str, Any]]:
        body = {"addresses": addresses, "note": note, "threshold": threshold}
        return self._json(self.http.post(f"/api/cases/{case}/watches", json=body))["data"]

    def unwatch(self, case: str, address: str) -> None:
        resp = self.http.delete(f"/api/cases/{case}/watches/{_path(address)}")
        if resp.status_code >= 400:
            self._json(resp)

    def poll(self, case: str) -> dict[str, Any]:
        return self._json(self.http.post(f"/api/cases/{case}/watches/poll"))

    def alerts(self, case: str) -> list[dict[str, Any]]:
        return self._json(self.http.get(f"/api/cases/{case}/alerts"))["data"]

    def note_export(self, case: str, fmt: str, session: str, report: bytes | str) -> None:
        """Tell the server a report of the conversation `session` was handed to the user: it
        records the questions it kept for that conversation, with the report's hash and size."""
        data = report.encode() if isinstance(report, str) else report
        resp = self.http.post(f"/api/cases/{case}/audit/exports", json={
            "format": fmt, "session": session, "sha256": hashlib.sha256(data).hexdigest(),
            "bytes": len(data)})
        if resp.status_code >= 400:
            self._json(resp)

    def upload(self, case: str, files: list[tuple[str, bytes]]) -> dict[str, Any]:
        return self._json(self.http.post(
            f"/api/cases/{case}/files", files=[("uploads", (n, b)) for n, b in files]))

    def ask_stream(self, case: str, question: str,
                   session: str | None = None) -> Iterator[tuple[str, dict[str, Any]]]:
        """Server-sent events of the answer as they arrive: (event, data)."""
        body = {"question": question, "session": session}
        with self.http.stream("POST", f"/api/cases/{case}/ask/stream", json=body) as resp:
            if resp.status_code >= 400:
                resp.read()
                self._json(resp)
            event, data = "message", list[str]()
            for line in resp.iter_lines():
                if not line:
                    if data:
                        yield event, json.loads("\n".join(data))
                    event, data = "message", []
                elif line.startswith("event:"):
                    event = line[6:].strip()
                elif line.startswith("data:"):
                    data.append(line[5:].lstrip())


def _path(record_id: str) -> str:
    # Transfer ids carry '#': unescaped, it would end the URL's path.
    return quote(record_id, safe="/:")
