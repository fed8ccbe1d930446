"""Every /admin route but sign-in, its assets and the signed email links needs a moderator.

The routes are read off the app itself, so a route added without the `Moderator` /
`ModeratorForm` dependency (web/admin_common.py) fails here: a page answers with the
sign-in form, a form post with "Please sign in again", and nothing of the queue shows.
"""

from __future__ import annotations

import importlib
import pkgutil

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from comments_service.web import routers
from tests.service.helpers import post
from tests.service.web.test_admin import held, set_password, sign_in

# Reachable without a session: signing in, its static files, and the signed email links.
OPEN = ("/admin/login", "/admin/assets/{name}", "/admin/moderate/{comment_id}/{action}")
FILLED = {"{comment_id}": "1", "{action}": "approve", "{block_id}": "1", "{kind}": "csv"}


def admin_routes() -> list[tuple[str, str]]:
    """Every route of every admin router module (web/routers/admin*.py)."""
    found = []
    for module in pkgutil.iter_modules(routers.__path__):
        if not module.name.startswith("admin"):
            continue
        router = importlib.import_module(f"{routers.__name__}.{module.name}").router
        for route in router.routes:
            if isinstance(route, APIRoute) and route.path not in OPEN:
                found.extend((method, route.path) for method in sorted(route.methods))
    return found


def concrete(path: str) -> str:
    for placeholder, value in FILLED.items():
        path = path.replace(placeholder, value)
    return path


@pytest.fixture
def routes() -> list[tuple[str, str]]:
    return admin_routes()


def test_the_admin_routes_are_found(routes):
    # The queue, a comment, bulk, people, the audit log and feedback are all among them.
    paths = {path for _, path in routes}
    assert {
        "/admin",
        "/admin/comments/{comment_id}",
        "/admin/bulk",
        "/admin/people",
        "/admin/feedback",
    } <= paths
    assert len(routes) >= 12


def test_without_a_session_every_admin_page_answers_with_the_sign_in_form(client: TestClient, routes):
    held(client, "A secret waiting comment.")
    for method, path in routes:
        response = client.request(method, concrete(path), follow_redirects=False)
        assert "A secret waiting comment." not in response.text, (method, path)
        if method == "GET":
            assert response.status_code in (200, 401), (method, path, response.status_code)
            assert 'action="/admin/login"' in response.text, (method, path)
        else:
            assert response.status_code == 403, (method, path, response.status_code)
            assert "Please sign in again" in response.text, (method, path)


def test_a_form_post_with_a_session_but_no_csrf_token_is_refused(client: TestClient, routes):
    set_password(client)
    sign_in(client)
    comment_id = held(client)
    response = client.post(f"/admin/comments/{comment_id}/approve", data={}, follow_redirects=False)
    assert response.status_code == 403
    assert "Please sign in again" in response.text
    assert post(client, text="Still open for readers.").status_code == 202


def test_with_a_session_the_admin_pages_open(client: TestClient, routes):
    set_password(client)
    sign_in(client)
    held(client, "A waiting comment the moderator sees.")
    for method, path in routes:
        if method != "GET":
            continue
        response = client.get(concrete(path), follow_redirects=False)
        assert 'action="/admin/login"' not in response.text, path
    assert "A waiting comment the moderator sees." in client.get("/admin").text
