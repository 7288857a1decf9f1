"""Evidence uploads received as they stream: counted, hashed and refused at the first byte
past a limit, with names checked before a byte of the file is stored.

FastAPI's `UploadFile` parameters read the whole body (and spool it to disk) before the route
runs, so a 1 MB limit was checked after 300 MB had been read, and by anyone, signed in or not.
Here the route's dependencies (token, case) run first, then the body is parsed part by part.
"""

from __future__ import annotations

import hashlib
import unicodedata
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from python_multipart.exceptions import FormParserError
from python_multipart.multipart import MultipartParser, parse_options_header
from starlette.requests import ClientDisconnect

from tools.text_safety import BIDI_CONTROLS

MAX_NAME_BYTES = 255


class UploadRefused(Exception):
    """The upload is refused: `status` (400 or 413) and a one-line `detail` for the user."""

    def __init__(self, status: int, detail: str) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail


@dataclass
class ReceivedFile:
    """One uploaded file as stored: the name records will cite, what the client sent, where it
    is on disk, its size and SHA-256 (computed while it streamed)."""

    name: str
    sent_as: str
    path: Path
    size: int = 0
    sha256: str = ""

    def audit(self) -> dict[str, Any]:
        out: dict[str, Any] = {"file": self.name, "bytes": self.size, "sha256": self.sha256}
        if self.sent_as != self.name:
            out["sent_as"] = self.sent_as
        return out


def shown(text: str) -> str:
    """`text` with control and bidi characters spelled out (⟨U+202E⟩), never obeyed."""
    return "".join(f"⟨U+{ord(c):04X}⟩" if c in BIDI_CONTROLS or unicodedata.category(c) == "Cc"
                   else c for c in text)


def evidence_name(sent: str, n: int) -> str:
    """The name records will cite for the `n`th file, from the name the client sent.

    Folders are dropped (`../../x.json` is `x.json`, `C:\\case\\x.json` too); a name that is
    empty after that becomes `upload-<n>`. Raises UploadRefused (400) for `.` and `..`, names
    over 255 bytes, and names with control or bidi characters, naming the character.
    """
    # Browsers send `"`, CR and LF as %22, %0D, %0A (HTML forms); a name is checked as typed.
    for escaped, char in (("%22", '"'), ("%0D", "\r"), ("%0A", "\n")):
        sent = sent.replace(escaped, char)
    name = sent.replace("\\", "/").rsplit("/", 1)[-1]
    bad = sorted({c for c in name if c in BIDI_CONTROLS or unicodedata.category(c) == "Cc"})
    if bad:
        kinds = ", ".join(f"U+{ord(c):04X}" for c in bad)
        raise UploadRefused(400, f"{shown(name)[:120]}: a file name with control or "
                                 f"right-to-left characters ({kinds}); rename the file")
    if name in (".", ".."):
        raise UploadRefused(400, f"{name}: not a file name")
    if len(name.encode()) > MAX_NAME_BYTES:
        raise UploadRefused(400, f"{name[:60]}…: a file name of {len(name.encode())} bytes; "
                                 f"at most {MAX_NAME_BYTES}")
    return name or f"upload-{n}"


@dataclass
class UploadLimits:
    file_bytes: int
    request_bytes: int
    files: int


@dataclass
class _Receiver:
    """python-multipart callbacks writing each file part to `folder` within the limits."""

    folder: Path
    limits: UploadLimits
    files: list[ReceivedFile] = field(default_factory=list)
    header_name: bytes = b""
    header_value: bytes = b""
    disposition: bytes = b""
    out: IO[bytes] | None = None
    digest: Any = None

    def on_part_begin(self) -> None:
        self.disposition = b""

    def on_header_field(self, data: bytes, start: int, end: int) -> None:
        self.header_name += data[start:end]
        if len(self.header_name) > 256:
            raise UploadRefused(400, "a part header name over 256 bytes")

    def on_header_value(self, data: bytes, start: int, end: int) -> None:
        self.header_value += data[start:end]
        if len(self.header_value) > 4096:
            raise UploadRefused(400, "a part header over 4 KB")

    def on_header_end(self) -> None:
        if self.header_name.lower() == b"content-disposition":
            self.disposition = self.header_value
        self.header_name = self.header_value = b""

    def on_headers_finished(self) -> None:
        _, options = parse_options_header(self.disposition)
        if b"filename" not in options:
            field_name = options.get(b"name", b"").decode("utf-8", "replace")
            raise UploadRefused(400, f"{shown(field_name)[:100]}: only files are accepted")
        if len(self.files) >= self.limits.files:
            raise UploadRefused(413, f"more than {self.limits.files} files in one upload; "
                                     "nothing was imported")
        raw = options[b"filename"]
        try:
            sent = raw.decode("utf-8")
        except UnicodeDecodeError:
            sent = raw.decode("latin-1")
        n = len(self.files)
        name = evidence_name(sent, n)
        target = self.folder / f"{n:04d}" / name
        target.parent.mkdir()
        self.files.append(ReceivedFile(name=name, sent_as=sent, path=target))
        self.out = target.open("wb")
        self.digest = hashlib.sha256()

    def on_part_data(self, data: bytes, start: int, end: int) -> None:
        if self.out is None:
            return
        current = self.files[-1]
        current.size += end - start
        if current.size > self.limits.file_bytes:
            raise UploadRefused(413, f"{current.name}: larger than "
                                     f"{_mb(self.limits.file_bytes)}, refused; nothing was "
                                     "imported")
        chunk = data[start:end]
        self.digest.update(chunk)
        self.out.write(chunk)

    def on_part_end(self) -> None:
        if self.out is not None:
            self.out.close()
            self.files[-1].sha256 = self.digest.hexdigest()
            self.out = None

    def close(self) -> None:
        if self.out is not None:
            self.out.close()
            self.files[-1].sha256 = self.digest.hexdigest()
            self.out = None


def _mb(n: int) -> str:
    return f"{n >> 20} MB" if n >= 1 << 20 else f"{n:,} bytes"


async def receive_files(headers: Any, body: AsyncIterator[bytes], folder: Path,
                        limits: UploadLimits) -> tuple[list[ReceivedFile], UploadRefused | None]:
    """Parse a multipart body into files under `folder`, stopping at the first limit passed.

    Returns the files received (with sizes and hashes; on refusal, the partial last one with
    what was counted of it) and the refusal, if any. Nothing is imported here.
    """
    receiver = _Receiver(folder, limits)
    declared = headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limits.request_bytes:
        return [], UploadRefused(413, f"an upload of {_mb(int(declared))}: larger than "
                                      f"{_mb(limits.request_bytes)} per request, refused; "
                                      "nothing was imported")
    ctype, params = parse_options_header(headers.get("content-type", ""))
    if ctype != b"multipart/form-data" or b"boundary" not in params:
        return [], UploadRefused(400, "expected multipart/form-data with files in 'uploads'")
    parser = MultipartParser(params[b"boundary"], {
        "on_part_begin": receiver.on_part_begin, "on_part_data": receiver.on_part_data,
        "on_part_end": receiver.on_part_end, "on_header_field": receiver.on_header_field,
        "on_header_value": receiver.on_header_value, "on_header_end": receiver.on_header_end,
        "on_headers_finished": receiver.on_headers_finished})
    total = 0
    try:
        async for chunk in body:
            total += len(chunk)
            if total > limits.request_bytes:
                raise UploadRefused(413, f"an upload larger than {_mb(limits.request_bytes)} "
                                         "per request, refused; nothing was imported")
            parser.write(chunk)
        parser.finalize()
    except UploadRefused as exc:
        return receiver.files, exc
    except ClientDisconnect:
        return receiver.files, UploadRefused(400, f"the client went away after {total:,} bytes")
    except FormParserError as exc:
        return receiver.files, UploadRefused(400, f"a damaged multipart body: {exc}"[:300])
    finally:
        receiver.close()
    if not receiver.files:
        return [], UploadRefused(400, "no files in the upload")
    return receiver.files, None
