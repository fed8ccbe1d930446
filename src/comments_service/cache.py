"""Serialised threads, compressed once per version of the thread.

A thread's row carries a version number that every public change bumps, so a read
costs one small query when nothing changed and never renders or sorts again.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import threading
from collections import OrderedDict
from collections.abc import Hashable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Body:
    """A ready-to-send JSON body, its gzip form and its ETag."""

    raw: bytes
    compressed: bytes
    etag: str

    @classmethod
    def of(cls, data: Any) -> Body:
        raw = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        etag = '"' + hashlib.blake2b(raw, digest_size=12).hexdigest() + '"'
        return cls(raw=raw, compressed=gzip.compress(raw, compresslevel=6, mtime=0), etag=etag)


class ThreadCache:
    """The public view of recently read threads, least recently used dropped first."""

    def __init__(self, capacity: int = 1024):
        self._capacity = capacity
        self._entries: OrderedDict[str, tuple[Hashable, Body]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: str, stamp: Hashable) -> Body | None:
        """The cached body, if it was made for this stamp (the thread's version and page)."""
        with self._lock:
            entry = self._entries.get(key)
            if entry is None or entry[0] != stamp:
                return None
            self._entries.move_to_end(key)
            return entry[1]

    def put(self, key: str, stamp: Hashable, body: Body) -> None:
        with self._lock:
            self._entries[key] = (stamp, body)
            self._entries.move_to_end(key)
            while len(self._entries) > self._capacity:
                self._entries.popitem(last=False)
