"""The same scenarios driven by an independent load generator, wrk (Debian's package).

So that a reader need not trust our own client: wrk (C, epoll, one thread here, as our
generator is one process) sends the hot read and the post, and its figures are printed
beside ours. wrk counts requests: an Isso page view is two (its configuration, then the
thread), so its views/s are half its requests/s, and its latencies are per request.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

# A Lua script per scenario: `request()` builds each request; posts get a unique text.
READ_SCRIPT = """
local paths = {%s}
local headers = {%s}
local n = 0
request = function()
  n = n + 1
  return wrk.format("GET", paths[(n - 1) %% #paths + 1], headers)
end
"""
POST_SCRIPT = """
local headers = {%s}
local n = 0
request = function()
  n = n + 1
  local text = "wrk post " .. n .. " from %s: " .. string.rep("Massage may help some people feel better. ", 7)
  return wrk.format("POST", "%s", headers, string.format('%s', text))
end
"""


def available() -> bool:
    return shutil.which("wrk") is not None


def lua_table(values: dict[str, str] | list[str]) -> str:
    if isinstance(values, dict):
        return ", ".join(f'["{k}"] = "{v}"' for k, v in values.items())
    return ", ".join(f'"{v}"' for v in values)


def read_script(paths: list[str], headers: dict[str, str]) -> str:
    return READ_SCRIPT % (lua_table(paths), lua_table(headers))


def post_script(path: str, headers: dict[str, str], body_format: str, label: str) -> str:
    """`body_format`: the JSON body with one %s where the (JSON-safe) text goes."""
    return POST_SCRIPT % (lua_table(headers), label, path, body_format.replace("'", "\\'"))


def run_wrk(port: int, script: str, clients: int, seconds: float) -> dict[str, Any]:
    """wrk -t1 -c<clients> against 127.0.0.1:<port>; requests/s, p50/p99 ms, non-2xx/3xx, errors."""
    with tempfile.TemporaryDirectory(prefix="bench-wrk-") as folder:
        path = Path(folder) / "scenario.lua"
        path.write_text(script, encoding="utf-8")
        # --timeout: wrk's default (2 s) would drop every Isso read of a long thread under load.
        argv = ["wrk", "-t1", f"-c{clients}", f"-d{max(1, round(seconds))}s", "--timeout", "60s", "--latency",
                "-s", str(path), f"http://127.0.0.1:{port}/"]  # fmt: skip
        out = subprocess.run(argv, capture_output=True, text=True, check=True, timeout=seconds + 120).stdout
    return parse(out)


def parse(out: str) -> dict[str, Any]:
    """The figures of wrk's --latency report."""
    rate = re.search(r"Requests/sec:\s+([\d.]+)", out)
    latency = {q: re.search(rf"^\s+{q}%\s+([\d.]+)(us|ms|s)\s*$", out, re.M) for q in ("50", "99")}
    non_ok = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    socket_errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    scale = {"us": 0.001, "ms": 1.0, "s": 1000.0}
    return {
        "requests_per_second": float(rate.group(1)) if rate else float("nan"),
        **{
            f"p{q}_ms": float(m.group(1)) * scale[m.group(2)] if m else float("nan")
            for q, m in latency.items()
        },
        "non_2xx_3xx": int(non_ok.group(1)) if non_ok else 0,
        "socket_errors": sum(int(g) for g in socket_errors.groups()) if socket_errors else 0,
    }
