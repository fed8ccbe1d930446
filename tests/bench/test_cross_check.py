"""Reading wrk's report (bench/cross_check.py)."""

from __future__ import annotations

from types import SimpleNamespace

REPORT = """Running 5s test @ http://127.0.0.1:8000/
  1 threads and 16 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     2.10ms    1.02ms  30.11ms   90.00%
  Latency Distribution
     50%    1.95ms
     75%    2.40ms
     90%    3.01ms
     99%  812.00us
  30001 requests in 5.00s, 12.00MB read
  Socket errors: connect 0, read 2, write 0, timeout 1
  Non-2xx or 3xx responses: 4
Requests/sec:   6000.20
Transfer/sec:      2.40MB
"""


def test_wrk_figures_are_read_with_their_units(bench: SimpleNamespace) -> None:
    assert bench.cross_check.parse(REPORT) == {
        "requests_per_second": 6000.2,
        "p50_ms": 1.95,
        "p99_ms": 0.812,
        "non_2xx_3xx": 4,
        "socket_errors": 3,
    }


def test_a_post_script_makes_each_text_unique(bench: SimpleNamespace) -> None:
    script = bench.cross_check.post_script(
        "/api/comments", {"Accept": "application/json"}, '{"text": "%s"}', "ours"
    )
    assert '["Accept"] = "application/json"' in script
    assert 'wrk.format("POST", "/api/comments", headers, string.format(\'{"text": "%s"}\', text))' in script
    assert '"wrk post " .. n' in script
