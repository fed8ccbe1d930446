"""Headers every page of the service carries (middleware.SecurityHeaders), here with the
plain shell of a service that serves no site, as in production behind nginx.

With a built site (`make serve`) the policy is the build's: see
tests/site/test_content_security_policy.py.
"""

from __future__ import annotations

import base64
import hashlib
import re

import httpx
from fastapi.testclient import TestClient

from comments_service.shell import FALLBACK_POLICY

ADMIN_POLICY = FALLBACK_POLICY.replace("frame-ancestors 'self'", "frame-ancestors 'none'")


def responses(client: TestClient) -> dict[str, httpx.Response]:
    return {
        "discussion": client.get("/api/discussion", params={"thread": "articles/first"}),
        "refused cross-site post": client.post(
            "/api/discussion", data={"thread": "articles/first"}, headers={"Origin": "https://a.example"}
        ),
        "unknown discussion": client.get("/api/discussion", params={"thread": "nope"}),
        "JSON": client.get("/api/comments", params={"thread": "articles/first"}),
        "JSON refusal": client.get("/api/comments", params={"thread": "nope"}),
        "sign-in": client.get("/admin"),
        "moderation link refused": client.get("/admin/moderate/1/approve", params={"token": "x"}),
    }


def test_every_page_carries_the_policy_and_refuses_framing(client: TestClient) -> None:
    wrong = []
    for name, response in responses(client).items():
        admin = response.request.url.path.startswith("/admin")
        expected: tuple[str | None, str | None] = (
            (ADMIN_POLICY, "DENY") if admin else (FALLBACK_POLICY, "SAMEORIGIN")
        )
        if name.startswith("JSON"):
            expected = (None, None)  # the policy rules documents only
        sent = (response.headers.get("content-security-policy"), response.headers.get("x-frame-options"))
        if sent != expected:
            wrong.append(f"{name} ({response.status_code}): {sent}")
    assert not wrong, "\n".join(wrong)


def test_the_plain_shell_policy_allows_its_own_style_and_no_script(client: TestClient) -> None:
    page = client.get("/api/discussion", params={"thread": "articles/first"}).text
    styles = re.findall(r"<style>(.*?)</style>", page, re.DOTALL)
    assert len(styles) == 1
    digest = base64.b64encode(hashlib.sha256(styles[0].encode()).digest()).decode()
    directives = dict(part.strip().split(" ", 1) for part in FALLBACK_POLICY.split(";"))
    assert directives["style-src"] == f"'self' 'sha256-{digest}'"
    assert directives["default-src"] == "'none'"
    assert "script-src" not in directives
    assert "<script" not in page
