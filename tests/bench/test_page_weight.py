"""What bench/page_weight.py counts for a response: what went over the wire."""

from __future__ import annotations

import importlib
from types import ModuleType, SimpleNamespace
from typing import Any

import pytest


@pytest.fixture
def page_weight(bench: SimpleNamespace) -> ModuleType:
    return importlib.import_module("page_weight")  # the bench fixture puts bench/ on the path


class Finished:
    """A finished request as Playwright reports it: its sizes, its headers as sent, its response."""

    def __init__(self, body: int, headers: int, sent: dict[str, str], content_length: str | None) -> None:
        self._sizes = {"responseBodySize": body, "responseHeadersSize": headers}
        self._sent = sent
        self._response = SimpleNamespace(headers={"content-length": content_length} if content_length else {})

    def sizes(self) -> dict[str, int]:
        return self._sizes

    def all_headers(self) -> dict[str, str]:
        return self._sent

    def response(self) -> Any:
        return self._response


def test_a_response_counts_its_headers_and_its_compressed_body(page_weight: ModuleType) -> None:
    assert page_weight.transferred(Finished(1180, 343, {"accept": "*/*"}, "1180")) == 1523


def test_a_revalidated_copy_counts_only_the_304s_headers(page_weight: ModuleType) -> None:
    """Chromium shows the 304 as the cached 200, Content-Length and all."""
    revalidated = Finished(0, 230, {"if-none-match": '"abc-gz"', "if-modified-since": "x"}, "1180")
    assert page_weight.transferred(revalidated) == 230
    assert page_weight.transferred(Finished(0, 230, {"if-modified-since": "x"}, "1180")) == 230


def test_a_worker_script_reported_without_its_body_counts_its_declared_length(
    page_weight: ModuleType,
) -> None:
    assert page_weight.transferred(Finished(0, 358, {"accept": "*/*"}, "1007")) == 1365
    assert page_weight.transferred(Finished(0, 200, {}, None)) == 200


@pytest.mark.parametrize(
    ("url", "kind", "expected"),
    [
        ("http://127.0.0.1:1/es/sitemap.xml", "xhr", "sitemap"),
        ("http://127.0.0.1:1/search/search_index.json", "xhr", "search index"),
        ("http://127.0.0.1:1/assets/javascripts/workers/search-worker.js?src=x", "script", "search worker"),
        ("http://127.0.0.1:1/api/comments?thread=articles%2Fx", "fetch", "comments widget"),
        ("http://127.0.0.1:1/es/assets/javascripts/comments.js", "script", "comments widget"),
        ("https://fonts.googleapis.com/css?family=Roboto", "stylesheet", "fonts"),
        ("http://127.0.0.1:1/assets/fonts/x.woff2", "font", "fonts"),
        ("http://127.0.0.1:1/es/", "document", "page (HTML)"),
        ("http://127.0.0.1:1/assets/stylesheets/site.css", "stylesheet", "stylesheets"),
        ("http://127.0.0.1:1/assets/javascripts/bundle.a5f9d56c.min.js", "script", "scripts"),
        ("http://127.0.0.1:1/assets/images/favicon.svg", "other", "images"),
    ],
)
def test_each_request_falls_in_one_part_of_the_first_view(
    page_weight: ModuleType, url: str, kind: str, expected: str
) -> None:
    assert page_weight.part({"url": url, "type": kind}) == expected
