"""bench/load_driver.merged: a run taken in slices is reported as one run of the same work."""

from __future__ import annotations

from types import SimpleNamespace

import pytest


def test_merged_adds_up_the_slices_and_takes_percentiles_over_every_latency(bench: SimpleNamespace) -> None:
    load = bench.load_driver.Load
    first = load("ours post", 16, seconds=1.0, done=3, errors=1, requests=4, latencies_ms=[1.0, 2.0, 3.0])
    first.server_cpu, first.client_cpu, first.spread = 0.5, 0.1, [9, 7]
    second = load("ours post", 16, seconds=1.0, done=2, requests=2, latencies_ms=[100.0, 200.0])
    second.server_cpu, second.client_cpu, second.error_samples = 0.25, 0.05, ["HTTP 500"]

    whole = bench.load_driver.merged("ours post", [first, second])

    assert (whole.seconds, whole.done, whole.errors, whole.requests) == (2.0, 5, 1, 6)
    assert whole.rate == 2.5
    assert sorted(whole.latencies_ms) == [1.0, 2.0, 3.0, 100.0, 200.0]
    assert whole.summary()["p99_ms"] > 100.0  # the slow slice is not averaged away
    assert whole.server_cpu == pytest.approx(0.75)
    assert whole.client_cpu == pytest.approx(0.15)
    assert whole.error_samples == ["HTTP 500"]
    assert whole.spread == [9, 7]
