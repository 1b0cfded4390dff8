"""A cache of values made from a key, kept while the key lives, safe across threads."""

from __future__ import annotations

import threading
import weakref
from collections.abc import Callable
from typing import Generic, TypeVar

K = TypeVar("K")
V = TypeVar("V")


class WeakCache(Generic[K, V]):
    """``cache(key)`` makes ``make(key)`` once and keeps it while ``key`` is alive.

    Keys compare by value, so equal rule sets share one entry.
    """

    def __init__(self, make: Callable[[K], V]) -> None:
        self._make = make
        self.reset()

    def reset(self) -> None:
        """Forget everything (a forked worker does, so it never uses its parent's lock or
        compiled engines)."""
        self._values: weakref.WeakKeyDictionary[K, V] = weakref.WeakKeyDictionary()
        self._lock = threading.Lock()

    def __contains__(self, key: K) -> bool:
        return key in self._values

    def __call__(self, key: K) -> V:
        try:
            return self._values[key]
        except KeyError:
            pass
        with self._lock:
            found = self._values.get(key)
            if found is None:
                found = self._values[key] = self._make(key)
            return found
