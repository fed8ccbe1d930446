"""One abusive client: post COUNT comments as fast as possible and report what came back.

    python -m tests.reliability.flood_client http://127.0.0.1:PORT 1000 [CONNECTIONS]

Runs in its own process (test_flood.py starts it, and pauses it now and then with
SIGSTOP), so its work does not slow down the process that measures read latency.
Prints "ready" when about to start, then one JSON line: statuses, Retry-After values
of the 429s, and the wall-clock start and end (for the rate-limit windows).
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from collections import Counter
from typing import Any


async def flood(base: str, count: int, connections: int) -> dict[str, Any]:
    import httpx

    statuses: Counter[int] = Counter()
    retry_after: list[int | None] = []
    queue = iter(range(count))
    async with httpx.AsyncClient(base_url=base, timeout=30) as client:
        form = (await client.get("/api/form-token", params={"thread": "articles/first"})).json()["token"]
        print("ready", flush=True)

        async def connection() -> None:
            for i in queue:
                body = {
                    "thread": "articles/first",
                    "name": "Flood",
                    "text": f"Buy now {i}",
                    "form_token": form,
                }
                response = await client.post("/api/comments", json=body)
                statuses[response.status_code] += 1
                if response.status_code == 429:
                    value = response.headers.get("retry-after")
                    retry_after.append(int(value) if value and value.isdigit() else None)

        started = time.time()
        await asyncio.gather(*(connection() for _ in range(connections)))
        ended = time.time()
    return {"statuses": dict(statuses), "retry_after": retry_after, "started": started, "ended": ended}


if __name__ == "__main__":
    base_url, total = sys.argv[1], int(sys.argv[2])
    parallel = int(sys.argv[3]) if len(sys.argv) > 3 else 1
    print(json.dumps(asyncio.run(flood(base_url, total, parallel))))
