"""The built site as `make serve` sends it (web/site_files.py): each encoding of a file is its own
representation with its own ETag, and If-None-Match is read as a list of entity tags.

A few files in a temporary folder stand in for the built site.
"""

from __future__ import annotations

import gzip
import logging
import os
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from comments_service.infra.settings import Settings
from comments_service.web.app_factory import create_app
from comments_service.web.site_files import site_app

GZIP = {"Accept-Encoding": "gzip"}
PLAIN = {"Accept-Encoding": "identity"}


@pytest.fixture
def site(tmp_path: Path) -> TestClient:
    (tmp_path / "index.html").write_text("<!doctype html><title>Home</title>" + "<p>Text.</p>" * 200)
    (tmp_path / "404.html").write_text("<!doctype html><title>Not found</title>" + "<p>Gone.</p>" * 100)
    (tmp_path / "tiny.css").write_text("a{color:red}")
    (tmp_path / "assets").mkdir()
    (tmp_path / "assets/bundle.0123abcd.min.js").write_text("var x = 1;\n" * 200)
    return TestClient(site_app(tmp_path))


def test_gzip_and_plain_forms_of_a_file_have_their_own_etags(site: TestClient) -> None:
    zipped = site.get("/", headers=GZIP)
    plain = site.get("/", headers=PLAIN)
    assert zipped.headers["content-encoding"] == "gzip"
    assert "content-encoding" not in plain.headers
    assert zipped.text == plain.text  # httpx inflates the gzip body
    assert zipped.headers["etag"] != plain.headers["etag"]
    assert "accept-encoding" in zipped.headers["vary"].lower()
    assert "accept-encoding" in plain.headers["vary"].lower()


def test_a_form_revalidates_only_against_its_own_etag(site: TestClient) -> None:
    zipped = site.get("/", headers=GZIP).headers["etag"]
    plain = site.get("/", headers=PLAIN).headers["etag"]
    assert site.get("/", headers={**GZIP, "If-None-Match": zipped}).status_code == 304
    assert site.get("/", headers={**PLAIN, "If-None-Match": plain}).status_code == 304
    # A client holding the other form gets the body of the one it asked for.
    other = site.get("/", headers={**PLAIN, "If-None-Match": zipped})
    assert other.status_code == 200
    assert "content-encoding" not in other.headers
    assert site.get("/", headers={**GZIP, "If-None-Match": plain}).status_code == 200


@pytest.mark.parametrize(
    ("if_none_match", "status"),
    [
        ('"elsewhere", {etag}', 304),
        ("W/{etag}", 304),
        ('  "a" ,, {etag} ,', 304),
        ("*", 304),
        ("{etag}junk", 200),
        ('"x{bare}"', 200),
        ('"{bare}-more"', 200),
        ('"{bare}', 200),
    ],
)
def test_if_none_match_is_a_list_of_entity_tags_compared_weakly(
    site: TestClient, if_none_match: str, status: int
) -> None:
    etag = site.get("/", headers=GZIP).headers["etag"]
    field = if_none_match.format(etag=etag, bare=etag.strip('"'))
    response = site.get("/", headers={**GZIP, "If-None-Match": field})
    assert response.status_code == status, field
    assert response.headers["etag"] == etag


def test_a_304_keeps_the_caching_headers_of_its_form(site: TestClient) -> None:
    first = site.get("/assets/bundle.0123abcd.min.js", headers=GZIP)
    again = site.get(
        "/assets/bundle.0123abcd.min.js", headers={**GZIP, "If-None-Match": first.headers["etag"]}
    )
    assert again.status_code == 304
    assert again.headers["cache-control"] == "public, max-age=31536000, immutable"
    assert "accept-encoding" in again.headers["vary"].lower()


def test_head_of_a_compressed_file_has_its_length_and_no_body(site: TestClient) -> None:
    full = site.get("/", headers=GZIP)
    head = site.head("/", headers=GZIP)
    assert head.status_code == 200
    assert head.content == b""
    assert head.headers["etag"] == full.headers["etag"]
    assert int(head.headers["content-length"]) == int(full.headers["content-length"]) > 0


def test_small_files_and_the_not_found_page_are_sent_as_they_should(site: TestClient) -> None:
    tiny = site.get("/tiny.css", headers=GZIP)
    assert "content-encoding" not in tiny.headers
    assert site.get("/tiny.css", headers={**GZIP, "If-None-Match": tiny.headers["etag"]}).status_code == 304
    missing = site.get("/no-such-page/", headers=GZIP)
    assert missing.status_code == 404
    assert "Gone." in missing.text


def test_a_site_built_without_its_policy_is_served_with_framing_refused_and_a_warning(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """Material's own build (the page-weight benchmark's baseline) has no _headers/."""
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text("<!doctype html><title>Home</title><p>Material's defaults.</p>")
    settings = Settings(
        database_url=f"sqlite:///{tmp_path / 'c.sqlite3'}",
        secret_key="x",
        site_dir=site,
        pages_file=tmp_path / "p",
    )
    with caplog.at_level(logging.WARNING), TestClient(create_app(settings)) as client:
        page = client.get("/")
    assert page.headers["content-security-policy"] == "frame-ancestors 'self'"
    assert page.headers["x-frame-options"] == "SAMEORIGIN"
    assert any("content-security-policy.json is missing" in record.getMessage() for record in caplog.records)


def test_the_builds_own_gzip_form_is_sent_as_it_is(tmp_path: Path) -> None:
    """overrides/hooks/precompress.py writes `<file>.gz` (zopfli) beside a fingerprinted file."""
    script = tmp_path / "bundle.0123abcd.min.js"
    script.write_text("var x = 1;\n" * 200)
    built = gzip.compress(
        script.read_bytes(), compresslevel=1, mtime=0
    )  # not what the server makes (level 6)
    Path(f"{script}.gz").write_bytes(built)
    sent = TestClient(site_app(tmp_path)).get("/bundle.0123abcd.min.js", headers=GZIP)
    assert sent.headers["content-encoding"] == "gzip"
    assert sent.headers["content-length"] == str(len(built))
    assert sent.text == script.read_text()


def test_a_gzip_form_older_than_its_file_is_not_sent(tmp_path: Path) -> None:
    script = tmp_path / "bundle.0123abcd.min.js"
    Path(f"{script}.gz").write_bytes(gzip.compress(b"var old = 0;\n" * 200, mtime=0))
    os.utime(f"{script}.gz", (1_000_000, 1_000_000))
    script.write_text("var x = 1;\n" * 200)
    sent = TestClient(site_app(tmp_path)).get("/bundle.0123abcd.min.js", headers=GZIP)
    assert sent.headers["content-encoding"] == "gzip"
    assert sent.text == script.read_text()
