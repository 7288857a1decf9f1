"""Handing the memory a large import freed back to the system.

glibc keeps freed heap pages in its arenas for reuse; after a 40 MB chat or an index build the
server's resident size stays at its high mark, and a server that imports many cases climbs
from one high mark to the next. `malloc_trim` returns the free pages (as Dask's workers do).
Elsewhere (musl, macOS) this does nothing.
"""

from __future__ import annotations

import ctypes
import ctypes.util
from functools import cache


@cache
def _glibc() -> ctypes.CDLL | None:
    name = ctypes.util.find_library("c")
    try:
        libc = ctypes.CDLL(name) if name else None
    except OSError:
        return None
    return libc if libc is not None and hasattr(libc, "malloc_trim") else None


def release_freed_memory() -> None:
    """Return the heap's free pages to the operating system, where the C library can."""
    libc = _glibc()
    if libc is not None:
        libc.malloc_trim(0)
