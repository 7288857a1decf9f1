"""One value per key for the life of the process, made once under a lock, optionally bounded."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

T = TypeVar("T")


class Memo(Generic[T]):
    """One value per key, made under a lock: API requests come at once, and two of them must
    not build the same store, index or table twice. With `most`, only that many values are
    kept, the least recently used going first (a server that has opened a hundred cases keeps
    the indexes of the ones in use, not all of them)."""

    def __init__(self, most: int | None = None) -> None:
        self.values: OrderedDict[Hashable, T] = OrderedDict()
        self.most = most
        self.lock = threading.Lock()

    def get(self, key: Hashable, make: Callable[[], T]) -> T:
        with self.lock:
            if key not in self.values:
                self.values[key] = make()
            self.values.move_to_end(key)
            while self.most is not None and len(self.values) > self.most:
                self.values.popitem(last=False)
            return self.values[key]

    def clear(self) -> None:
        with self.lock:
            self.values.clear()
