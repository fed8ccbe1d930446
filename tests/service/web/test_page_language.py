"""The service answers in the page's language: JSON `detail`, the no-JavaScript page and
the moderation queue, for a Spanish page's thread (es/...) or a `lang` the widget sends."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from tests.harness import THREADS
from tests.service.helpers import form_token, post
from tests.service.web.test_admin import held, set_password, sign_in

SPANISH = "es/articles/first"


@pytest.fixture
def pages_file(tmp_path: Path) -> Path:
    """The test site's pages and a Spanish page with its own thread."""
    path = tmp_path / "comments-pages.json"
    threads = {**THREADS, SPANISH: {"url": "/es/blog/first/", "title": "Primer artículo"}}
    path.write_text(json.dumps({"generated": "2026-11-26T00:00:00+00:00", "threads": threads}))
    return path


def test_a_refusal_on_a_spanish_page_is_said_in_spanish(client: TestClient) -> None:
    response = post(client, text="x " * 10, thread=SPANISH, name="Ana", text_links=None)
    assert response.status_code == 422
    assert response.json()["detail"] == "text_links: no es un campo aceptado"
    missing = client.post(
        "/api/comments",
        json={"thread": SPANISH, "name": "Ana", "form_token": form_token(client, SPANISH)},
    )
    assert missing.json()["detail"] == "Escriba un comentario."
    english = client.post(
        "/api/comments",
        json={"thread": "articles/first", "name": "Ann", "form_token": form_token(client)},
    )
    assert english.json()["detail"] == "Please write a comment."


def test_the_widget_names_its_pages_language_and_the_service_answers_in_it(client: TestClient) -> None:
    body = {"text": "Hola."}
    assert (
        client.patch("/api/comments/99999?lang=es", json=body).json()["detail"] == "Ese comentario no existe."
    )
    assert client.patch("/api/comments/99999", json=body).json()["detail"] == "There is no such comment."
    # Anything but a language of the site is not taken: the thread's, else English.
    assert (
        client.patch("/api/comments/99999?lang=fr", json=body).json()["detail"] == "There is no such comment."
    )
    unknown = client.get("/api/comments", params={"thread": "es/no-such-page"})
    assert unknown.json()["detail"] == "Esta página no acepta comentarios."


def test_the_browsers_language_alone_never_chooses(client: TestClient) -> None:
    response = client.patch(
        "/api/comments/99999", json={"text": "x"}, headers={"Accept-Language": "es-MX,es;q=0.9"}
    )
    assert response.json()["detail"] == "There is no such comment."


def test_a_duplicate_on_a_spanish_page_is_refused_in_spanish(client: TestClient) -> None:
    assert post(client, text="Un comentario.", thread=SPANISH).status_code == 202
    again = client.post(
        "/api/comments",
        json={
            "thread": SPANISH,
            "name": "Ann",
            "text": "Un comentario.",
            "form_token": form_token(client, SPANISH),
        },
    )
    assert again.status_code == 409
    assert again.json()["detail"] == "Este comentario ya está en esta página."


def test_the_no_javascript_page_of_a_spanish_page_is_in_spanish(client: TestClient) -> None:
    page = client.get("/api/discussion", params={"thread": SPANISH}).text
    assert "Comentarios sobre «Primer artículo»" in page
    assert '<html lang="es">' in page
    assert "Publicar comentario" in page
    assert "Post comment" not in page
    assert "Todavía no hay comentarios." in page
    refused = client.post(
        "/api/discussion",
        data={"thread": SPANISH, "name": "", "text": "Hola.", "form_token": form_token(client, SPANISH)},
        headers={"Origin": "http://testserver"},
    )
    assert refused.status_code == 422
    assert "Escriba su nombre." in refused.text
    cross_site = client.post("/api/discussion", data={"thread": SPANISH, "name": "Ana", "text": "Hola."})
    assert "No se publicó nada" in cross_site.text
    english = client.get("/api/discussion", params={"thread": "articles/first"}).text
    assert "Post comment" in english
    assert "Publicar comentario" not in english


def test_the_no_javascript_page_says_a_spanish_post_is_awaiting_moderation_in_spanish(
    client: TestClient,
) -> None:
    done = client.post(
        "/api/discussion",
        data={"thread": SPANISH, "name": "Ana", "text": "Hola.", "form_token": form_token(client, SPANISH)},
        headers={"Origin": "http://testserver"},
        follow_redirects=True,
    )
    assert "¡Gracias! Su comentario está esperando moderación." in done.text


def test_the_moderation_queue_shows_each_comments_language(client: TestClient) -> None:
    held(client, "An English question.")
    assert post(client, text="Una pregunta en español.", thread=SPANISH).status_code == 202
    set_password(client)
    sign_in(client)
    queue = client.get("/admin").text
    assert '<span class="sdm-language">English</span>' in queue
    assert '<span class="sdm-language">Spanish</span>' in queue
    assert '<div class="sdm-body" lang="es"><p>Una pregunta en español.</p>' in queue
