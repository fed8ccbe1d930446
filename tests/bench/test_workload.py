"""The mixed workload's sampler, sizes and cache replay (bench/workload.py)."""

from __future__ import annotations

import random
from collections import Counter
from types import SimpleNamespace


def test_zipf_draws_each_rank_about_as_often_as_its_weight(bench: SimpleNamespace) -> None:
    zipf = bench.workload.Zipf(100)
    rng = random.Random(1)
    counts = Counter(zipf.draw(rng) for _ in range(200_000))
    harmonic = sum(1 / k for k in range(1, 101))
    for rank in (0, 1, 9, 99):
        expected = 1 / (rank + 1) / harmonic
        assert abs(zipf.probability(rank) - expected) < 1e-12
        assert abs(counts[rank] / 200_000 - expected) < 0.1 * expected + 0.001
    assert set(counts) <= set(range(100))


def test_thread_sizes_are_long_tailed_and_seeded(bench: SimpleNamespace) -> None:
    sizes = bench.workload.thread_sizes(2000, 7)
    assert sizes == bench.workload.thread_sizes(2000, 7)
    assert min(sizes) == 0
    assert max(sizes) <= 1000
    small = sum(size <= 5 for size in sizes) / len(sizes)
    large = sum(size >= 100 for size in sizes) / len(sizes)
    assert 0.82 < small < 0.88
    assert 0.01 < large < 0.035


def test_the_mix_posts_once_per_50_reads_and_sends_tokens_on_5_percent(bench: SimpleNamespace) -> None:
    mix = bench.workload.Mix(2000, 3)
    kinds = Counter(mix.step(client).kind for client in range(16) for _ in range(6_000))
    reads = kinds["read"] + kinds["author read"]
    assert 45 < reads / kinds["post"] < 56
    assert 0.04 < kinds["author read"] / reads < 0.06
    first, second = bench.workload.Mix(2000, 3), bench.workload.Mix(2000, 3)
    assert [first.step(5) for _ in range(200)] == [second.step(5) for _ in range(200)]


def test_lru_replay_counts_hits_per_worker_version_and_capacity(bench: SimpleNamespace) -> None:
    hits = bench.workload.lru_hits
    assert hits([(1, "a", "v1"), (1, "a", "v1"), (2, "a", "v1")], 10) == 1  # each worker its own cache
    assert hits([(1, "a", "v1"), (1, "a", "v2"), (1, "a", "v2")], 10) == 1  # a new version misses once
    # capacity 2: a, b, c evicts a (least recently used) -> a misses, b was evicted by a -> miss
    assert hits([(1, "a", "v"), (1, "b", "v"), (1, "c", "v"), (1, "a", "v"), (1, "c", "v")], 2) == 1
    assert hits([(1, "a", "v"), (1, "b", "v"), (1, "a", "v"), (1, "c", "v"), (1, "a", "v")], 2) == 2
