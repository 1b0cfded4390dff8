"""A cache of values made from a key, kept while the key lives, safe across threads."""

from __future__ import annotations

import threading
import weakref
from collections.abc import Callable, MutableMapping
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


def remember(cache: MutableMapping[K, V], key: K, value: V, limit: int) -> None:
    """Put ``value`` in a plain dict used as a bounded cache, dropping its oldest entry when full.

    Safe without a lock: another thread may drop the same oldest entry first.
    """
    if len(cache) >= limit:
        try:
            del cache[next(iter(cache))]
        except (KeyError, RuntimeError, StopIteration):  # another thread took it
            pass
    cache[key] = value
