"""The mixed read workload, as pure functions of a seed: thread sizes, page popularity, the mix.

* Thread sizes: long-tailed, like comments on a real site. Most threads have 0-5
  comments (85%), some 6-99 (13%, log-uniform), a few 100-1,000 (2%, log-uniform).
* Popularity: Zipf (s = 1) over the pages, rank 1 the most read; which page has which
  rank is a seeded shuffle, so popularity and size are independent.
* The mix of one client: each step is a post with probability 1/51 (1 post per 50
  reads), else a read; 5% of reads send an author token.
"""

from __future__ import annotations

import bisect
import itertools
import math
import random
from dataclasses import dataclass

SIZE_BANDS = ((0.85, 0, 5), (0.13, 6, 99), (0.02, 100, 1000))  # (share, smallest, largest)
READS_PER_POST = 50
AUTHOR_SHARE = 0.05


def thread_size(rng: random.Random) -> int:
    """One thread's comment count from the long-tailed bands (log-uniform above the first)."""
    draw = rng.random()
    for share, low, high in SIZE_BANDS:
        if draw < share:
            if low == 0:
                return rng.randint(low, high)
            return min(high, int(math.exp(rng.uniform(math.log(low), math.log(high + 1)))))
        draw -= share
    return SIZE_BANDS[-1][2]


def thread_sizes(count: int, seed: int) -> list[int]:
    rng = random.Random(seed)
    return [thread_size(rng) for _ in range(count)]


class Zipf:
    """Draws 0..n-1 with probability proportional to 1 / (rank + 1) ** s."""

    def __init__(self, n: int, s: float = 1.0):
        weights = [1 / (rank + 1) ** s for rank in range(n)]
        self.cumulative = list(itertools.accumulate(weights))

    def probability(self, rank: int) -> float:
        previous = self.cumulative[rank - 1] if rank else 0.0
        return float((self.cumulative[rank] - previous) / self.cumulative[-1])

    def draw(self, rng: random.Random) -> int:
        point = rng.random() * self.cumulative[-1]
        return min(bisect.bisect_right(self.cumulative, point), len(self.cumulative) - 1)


@dataclass(frozen=True)
class Step:
    kind: str  # "read", "author read" or "post"
    page: int  # index of the thread


class Mix:
    """Each client's steps: seeded per client, so a rerun sends the same requests."""

    def __init__(self, pages: int, seed: int):
        self.zipf = Zipf(pages)
        self.by_rank = list(range(pages))
        random.Random(seed).shuffle(self.by_rank)
        self.seed = seed
        self.rngs: dict[int, random.Random] = {}

    def step(self, client: int) -> Step:
        rng = self.rngs.setdefault(client, random.Random(f"{self.seed}-{client}"))
        page = self.by_rank[self.zipf.draw(rng)]
        if rng.random() < 1 / (READS_PER_POST + 1):
            return Step("post", page)
        return Step("author read" if rng.random() < AUTHOR_SHARE else "read", page)


def lru_hits(reads: list[tuple[int, str, str]], capacity: int) -> int:
    """Hits of per-worker LRU caches of `capacity` threads, replaying (worker, thread, version) in order.

    A read hits when its worker holds that thread at that version (the body's ETag).
    """
    caches: dict[int, dict[str, str]] = {}
    hits = 0
    for worker, thread, version in reads:
        cache = caches.setdefault(worker, {})
        if cache.get(thread) == version:
            hits += 1
            cache[thread] = cache.pop(thread)  # most recently used goes last
            continue
        cache.pop(thread, None)
        cache[thread] = version
        if len(cache) > capacity:
            del cache[next(iter(cache))]
    return hits
