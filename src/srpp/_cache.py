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
        # the last key asked for and its value, both weakly: asked again for the same object,
        # no hashing and no comparison of keys
        self._last: tuple[weakref.ref[K], weakref.ref[V]] | None = None

    def __contains__(self, key: K) -> bool:
        return key in self._values

    def __call__(self, key: K) -> V:
        last = self._last
        if last is not None and last[0]() is key:
            value = last[1]()
            if value is not None:
                return value
        try:
            found = self._values[key]
        except KeyError:
            with self._lock:
                made = self._values.get(key)
                if made is None:
                    made = self._values[key] = self._make(key)
                found = made
        try:
            self._last = (weakref.ref(key), weakref.ref(found))
        except TypeError:  # a value that cannot be referred to weakly: no shortcut
            pass
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
