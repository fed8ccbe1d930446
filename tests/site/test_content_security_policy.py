"""The site's Content-Security-Policy and framing headers: as the build writes them
(overrides/hooks/content_security_policy.py), as `make serve` sends them, and as
deploy/nginx.conf sends them (with every page; scripts, styles and data go without).

The policy must name exactly the inline scripts the built pages carry (read here with
the tests' own HTML parser, not the hook's), load nothing from another host and run
nothing else inline. Every page `make serve` sends carries it, and no other site may
frame a page. The browser sweep in test_accessibility.py checks that no page breaks
under it.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from pathlib import Path
from types import SimpleNamespace

import rjsmin  # type: ignore[import-untyped]
from httpx import Response

from tests.site.html_tree import parse_file
from tests.site.pages import ROOT

# Script types a browser runs; JSON-LD and Material's config are data.
RUNNABLE = {"", "text/javascript", "module"}
# Sources that allow no other host and no inline code beyond the hashed scripts.
LOCAL_SOURCES = {"'self'", "'none'", "data:"}


def built_policy(built_site: Path) -> dict[str, object]:
    return json.loads((built_site / "_headers/content-security-policy.json").read_text(encoding="utf-8"))


def directives(policy: str) -> dict[str, list[str]]:
    return {name: sources for name, *sources in (part.split() for part in policy.split(";"))}


def sha256_source(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


def test_policy_names_exactly_the_inline_scripts_of_the_built_pages(
    built_site: Path, built_pages: list[Path]
) -> None:
    runnable, data = set(), set()
    # One policy for the whole site: the Spanish edition's pages (es/) are read too.
    assert any(page.relative_to(built_site).parts[0] == "es" for page in built_pages)
    assert not (built_site / "es" / "_headers").exists()
    for page in built_pages:
        for script in parse_file(page).iter("script"):
            if "src" not in script.attrs:
                kind = script.attrs.get("type", "").lower()
                (runnable if kind in RUNNABLE else data).add(sha256_source(script.raw_text()))
    document = built_policy(built_site)
    assert document["inline_script_hashes"] == sorted(runnable)
    assert directives(str(document["content_security_policy"]))["script-src"] == ["'self'", *sorted(runnable)]
    # Ours among them: the search holder on every page, the comments loader on articles.
    # As built: minified (overrides/hooks/minify.py).
    lazy_search = rjsmin.jsmin(
        (ROOT / "overrides/assets/javascripts/lazy-search.js").read_text(encoding="utf-8")
    )
    assert sha256_source(lazy_search) in runnable
    assert len(runnable) >= 5
    assert data  # JSON-LD and Material's config: present, and never hashed
    assert not data & runnable


def test_policy_loads_nothing_from_another_host_and_runs_nothing_else_inline(built_site: Path) -> None:
    found = directives(str(built_policy(built_site)["content_security_policy"]))
    assert found["default-src"] == ["'none'"]
    assert found["object-src"] == ["'none'"]
    assert found["base-uri"] == ["'self'"]
    assert found["form-action"] == ["'self'"]
    assert found["frame-ancestors"] == ["'self'"]
    assert found["style-src"] == ["'self'"]  # Material's pages carry no style attributes
    assert found["img-src"] == ["'self'", "data:"]  # Material's icons are data: images in its CSS
    loose = {
        f"{name} {source}"
        for name, sources in found.items()
        for source in sources
        if source not in LOCAL_SOURCES and not source.startswith("'sha256-")
    }
    assert not loose


def test_a_comments_api_on_another_origin_may_be_reached_and_nothing_else(hooks: SimpleNamespace) -> None:
    policy = hooks.content_security_policy.content_security_policy
    assert directives(policy([], "/api/"))["connect-src"] == ["'self'"]
    elsewhere = directives(policy([], "https://comments.example.org/api/"))
    assert elsewhere["connect-src"] == ["'self'", "https://comments.example.org"]
    assert elsewhere["script-src"] == ["'self'"]


def test_the_hook_hashes_only_scripts_a_browser_runs_inline(hooks: SimpleNamespace) -> None:
    page = (
        "<script>one()</script><SCRIPT type='module'>two()</SCRIPT >"
        '<script type="application/ld+json">{"a": "</p>"}</script>'
        '<script id="__config" type="application/json">{}</script>'
        '<script src="x.js"></script><script type="text/plain">no()</script>'
        "<script>three('</scripts>')</script/>"
    )
    module = hooks.content_security_policy
    assert module.inline_scripts(page) == ["one()", "two()", "three('</scripts>')"]
    empty = "'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='"  # SHA-256 of nothing
    assert module.script_hash("") == empty
    assert module.script_hash("a\r\nb") == module.script_hash("a\nb")  # browsers normalise newlines


def test_make_serve_sends_the_policy_and_refuses_framing_on_every_page(
    built_site: Path, served_responses: dict[str, Response]
) -> None:
    policy = str(built_policy(built_site)["content_security_policy"])
    admin_policy = policy.replace("frame-ancestors 'self'", "frame-ancestors 'none'")
    assert served_responses["site page not found"].status_code == 404
    assert served_responses["discussion refusing a cross-site post"].status_code == 403
    wrong, pages = [], 0
    for name, response in served_responses.items():
        admin = response.request.url.path.startswith("/admin")
        expected: tuple[str | None, str | None] = (admin_policy, "DENY") if admin else (policy, "SAMEORIGIN")
        if not response.headers["content-type"].startswith("text/html"):
            expected = (None, None)  # scripts and JSON: the policy rules documents only
        else:
            pages += 1
        sent = (response.headers.get("content-security-policy"), response.headers.get("x-frame-options"))
        if sent != expected:
            wrong.append(f"{name} ({response.request.url.path}): {sent}")
    assert pages >= 12
    assert not wrong, "\n".join(wrong)


def test_the_build_header_files_are_not_served(served_responses: dict[str, Response]) -> None:
    response = served_responses["the build's policy file"]
    assert response.status_code == 404
    assert "content_security_policy" not in response.text


def nginx_blocks(conf: str) -> dict[str, str]:
    """Each `location ... {}` of the sample's HTTPS server, by its head, with its body."""
    lines = re.sub(r"#.*", "", conf)
    found = re.finditer(r"^\s*location\s+([^\n]*?)\s*\{\n(.*?)^\s*\}", lines, re.MULTILINE | re.DOTALL)
    return {match.group(1): match.group(2) for match in found}


def test_nginx_sends_the_built_policy_with_the_site_and_never_serves_the_files(built_site: Path) -> None:
    include = (built_site / "_headers/nginx.conf").read_text(encoding="utf-8")
    maps = dict(re.findall(r"^map \$sent_http_content_type (\$\w+) \{\n(.*?)^\}", include, re.M | re.S))
    values = {
        name: dict(re.findall(r'^\s*"?([^"\s]+)"? "(.*)";$', body, re.M)) for name, body in maps.items()
    }
    policy = built_policy(built_site)["content_security_policy"]
    assert values == {
        "$site_content_security_policy": {"~^text/html": policy, "default": ""},
        "$site_frame_options": {"~^text/html": "SAMEORIGIN", "default": ""},
    }
    conf = (ROOT / "deploy/nginx.conf").read_text(encoding="utf-8")
    root = re.search(r"^\s*root (\S+);", conf, re.MULTILINE)
    assert root
    assert f"\ninclude {root.group(1)}/_headers/nginx.conf;\n" in conf  # at the top: maps live in http{}
    blocks = nginx_blocks(conf)
    proxied = [head for head, body in blocks.items() if "proxy_pass" in body]
    site = [head for head in blocks if head not in proxied and not head.startswith("^~ /_headers/")]
    assert {"/api/", "/admin", "= /admin/login"} <= set(proxied)
    assert len(site) == 2
    for head in site:
        for line in (
            "add_header Content-Security-Policy $site_content_security_policy always;",
            "add_header X-Frame-Options $site_frame_options always;",
            "add_header X-Content-Type-Options nosniff always;",
        ):
            assert line in blocks[head], f"{head}: {line}"
    # The service sends its own policy with /api/ and /admin: nginx adds none there (a
    # second policy would be enforced as well). A server-level add_header would reach them.
    for head in proxied:
        assert "add_header" not in blocks[head], head
    server = re.sub(r"#.*", "", conf[conf.index("listen 443") :])
    outside = re.sub(r"^\s*location\s[^\n]*\{\n.*?^\s*\}", "", server, flags=re.MULTILINE | re.DOTALL)
    assert "add_header" not in outside
    assert "return 404;" in blocks["^~ /_headers/"]


def test_nginx_sample_quotes_every_location_regex_with_braces() -> None:
    """Unquoted, nginx reads the `{` of `[0-9a-f]{8}` as the start of a block and refuses the file."""
    conf = re.sub(r"#.*", "", (ROOT / "deploy/nginx.conf").read_text(encoding="utf-8"))
    heads = re.findall(r"^\s*location\s+(~\*?)\s+(.*?)\s*\{\s*$", conf, re.MULTILINE)
    assert heads
    unquoted = [pattern for _, pattern in heads if "{" in pattern and not pattern.startswith('"')]
    assert not unquoted
