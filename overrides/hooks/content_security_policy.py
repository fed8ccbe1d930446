"""The site's Content-Security-Policy, written at build time from the pages as built.

Scripts run only from this site, plus the exact inline scripts the pages carry:
Material's (its scope line differs with a page's depth), the search holder
(main.html) and the comments loader (partials/comments.html). After the build,
this hook hashes each inline script that a browser would run in every HTML page of
the output (JSON data such as JSON-LD and Material's config does not run, so it needs
no hash), and writes the policy where both servers read it, in _headers/. The pages
this build made are read as it wrote them (on_post_page, after every hook that
changes them); any other page in the output is read from its file:

- content-security-policy.json: `comments serve --site` (make serve) sends the policy
  with every page, its own pages included;
- nginx.conf: included by deploy/nginx.conf, which sends it with the site's pages.

Neither server publishes _headers/. Change an inline script and the next build names it.
The site's editions (see _editions.py) share one policy: each build reads every page
under the site's root folder, so the Spanish build, made last into site/es/, writes
the policy for both.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
from pathlib import Path
from urllib.parse import urlsplit

import _editions
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import event_priority
from mkdocs.structure.pages import Page

FOLDER = "_headers"
POLICY_FILE = "content-security-policy.json"
NGINX_FILE = "nginx.conf"

# A script element and its text. The text ends where a browser ends it: at the first
# "</script" followed by a space, "/" or ">".
_SCRIPT = re.compile(r"<script\b([^>]*)>(.*?)</script(?=[\s/>])", re.IGNORECASE | re.DOTALL)
_ATTRIBUTE = re.compile(r"""([^\s"'=<>/]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?""")
# Types a browser runs (HTML's JavaScript MIME types and modules); any other is data.
_RUNNABLE_TYPES = {
    "",
    "module",
    "text/javascript",
    "application/javascript",
    "application/ecmascript",
    "text/ecmascript",
}
# The hashes of the inline scripts of each page this build wrote, by its file.
_written: dict[str, set[str]] = {}


def on_pre_build(config: MkDocsConfig) -> None:
    _written.clear()


@event_priority(-100)  # after every hook that changes the page (minify.py minifies its scripts)
def on_post_page(output: str, page: Page, config: MkDocsConfig) -> str:
    _written[os.path.normpath(page.file.abs_dest_path)] = page_hashes(output)
    return output


@event_priority(-100)
def on_post_template(output_content: str, template_name: str, config: MkDocsConfig) -> str:
    if template_name.endswith(".html"):
        _written[os.path.normpath(os.path.join(config.site_dir, template_name))] = page_hashes(output_content)
    return output_content


@event_priority(-100)  # after every plugin has written its files
def on_post_build(config: MkDocsConfig) -> None:
    site = _editions.site_root(config) or Path(config.site_dir)
    found: set[str] = set()
    for page in site.rglob("*.html"):
        written = _written.get(os.path.normpath(page))
        found |= written if written is not None else page_hashes(page.read_text(encoding="utf-8"))
    hashes = sorted(found)
    policy = content_security_policy(hashes, str(config.extra["comments"]["api"]))
    folder = site / FOLDER
    folder.mkdir(exist_ok=True)
    document = {"content_security_policy": policy, "inline_script_hashes": hashes}
    (folder / POLICY_FILE).write_text(json.dumps(document, indent=1) + "\n", encoding="utf-8")
    (folder / NGINX_FILE).write_text(nginx_include(policy), encoding="utf-8")


def page_hashes(html: str) -> set[str]:
    return {script_hash(text) for text in inline_scripts(html)}


def inline_scripts(html: str) -> list[str]:
    """The text of every inline script of the page that a browser runs."""
    found = []
    for match in _SCRIPT.finditer(html):
        attributes = {name.lower(): "".join(values) for name, *values in _ATTRIBUTE.findall(match.group(1))}
        kind = attributes.get("type", "").strip().lower()
        if "src" not in attributes and kind in _RUNNABLE_TYPES:
            found.append(match.group(2))
    return found


def script_hash(text: str) -> str:
    """The CSP source for one inline script; browsers hash its text with newlines normalised."""
    normalised = text.replace("\r\n", "\n").replace("\r", "\n")
    digest = hashlib.sha256(normalised.encode("utf-8")).digest()
    return f"'sha256-{base64.b64encode(digest).decode('ascii')}'"


def content_security_policy(script_hashes: list[str], comments_api: str) -> str:
    """The whole policy: nothing from another host, scripts from us and the hashed inline ones.

    Material draws its icons with data: images in its stylesheet; its search runs in a
    worker from this site. The comments API adds its own origin only if it has one.
    """
    api = urlsplit(comments_api)
    connect = ["'self'"] + ([f"{api.scheme}://{api.netloc}"] if api.scheme and api.netloc else [])
    directives = {
        "default-src": ["'none'"],
        "script-src": ["'self'", *script_hashes],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "connect-src": connect,
        "worker-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'self'"],
    }
    return "; ".join(" ".join([name, *sources]) for name, sources in directives.items())


def nginx_include(policy: str) -> str:
    """Two variables for deploy/nginx.conf: the policy and X-Frame-Options, set for pages
    only (nginx sends no header whose value is empty)."""
    return (
        "# Written by the site build (overrides/hooks/content_security_policy.py); each build\n"
        "# replaces it. deploy/nginx.conf includes it: reload nginx after each build, so that\n"
        "# it sends the hashes of the scripts the new pages carry.\n"
        "map $sent_http_content_type $site_content_security_policy {\n"
        f'    "~^text/html" "{policy}";\n'
        '    default "";\n'
        "}\n"
        "map $sent_http_content_type $site_frame_options {\n"
        '    "~^text/html" "SAMEORIGIN";\n'
        '    default "";\n'
        "}\n"
    )
