"""Stored XSS, in a real browser: every payload of xss_payloads.txt, approved, then rendered.

Each payload is posted as a comment's name and text (and, where it can pass as one,
inside the email, which moderators see). All are approved through the CLI, then
shown by the widget on the article, by the service's discussion page and by the
moderation queue in Chromium with JavaScript on. A canary (`window.__xss`) and a
dialog listener catch anything that runs; a DOM scan catches anything that could
run later (event-handler attributes, script-scheme URLs, active elements).

Corpus format: one payload per line; a literal `\\n` stands for a line break.
This module runs its own stack (fresh database, rate limits and link limit lifted),
so hundreds of hostile comments never reach the other tests' threads.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import (
    ARTICLES,
    Stack,
    Visitor,
    running_stack,
    sign_in,
    wait_for_thread,
)
from tests.harness import free_port

# One xdist worker runs every e2e test, so the site is built and served once.
pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("e2e")]

THREAD = "articles/massage-for-back-and-neck-pain-research"
CORPUS = Path(__file__).with_name("xss_payloads.txt")
EMAIL_LOCAL = re.compile(r"^[^@\s]{1,50}$")  # what the service accepts before "@"

# The DOM scan. `roots` holds user content; `ownForms` matches the page's own forms.
SCAN = """([roots, ownForms]) => {
  const ACTIVE = ["script", "iframe", "object", "embed", "svg", "math", "style", "link",
                  "meta", "base", "form", "frame", "frameset", "applet", "portal", "template"];
  const URL_ATTRS = ["href", "src", "action", "formaction", "xlink:href", "data", "poster",
                     "background", "srcset", "srcdoc", "ping"];
  const BAD = /^(javascript|data|vbscript):/;
  const problems = [];
  // As browsers read URLs (WHATWG): C0 controls and spaces trimmed at both ends, tabs
  // and newlines dropped anywhere; then the scheme the browser itself resolves.
  const scheme = (value) => {
    const cleaned = value.replace(/^[\\u0000-\\u0020]+|[\\u0000-\\u0020]+$/g, "").replace(/[\\t\\n\\r]/g, "");
    let resolved = "";
    try { resolved = new URL(value, document.baseURI).protocol; } catch (e) {}
    return BAD.test(cleaned.toLowerCase()) || BAD.test(resolved);
  };
  for (const root of document.querySelectorAll(roots)) {
    for (const el of root.querySelectorAll("*")) {
      const tag = el.localName;
      if (ACTIVE.includes(tag) && !el.matches(ownForms)) problems.push(`<${tag}> element`);
      for (const attr of el.attributes) {
        const name = attr.name.toLowerCase();
        if (name.startsWith("on")) problems.push(`${name}= on <${tag}>`);
        if (URL_ATTRS.includes(name) && scheme(attr.value)) {
          problems.push(`${name}="${attr.value}" on <${tag}>`);
        }
      }
    }
  }
  return problems;
}"""


@dataclass(frozen=True)
class Payload:
    text: str
    name: str  # as the page should show it: the service folds whitespace in names


# What the service strips from names (bidi controls, zero-width characters): a few payloads hold them.
INVISIBLE = re.compile("[\u061c\u180e\u200b\u200e\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")


def load_corpus() -> list[str]:
    # split("\n"), not splitlines(): payloads may hold U+2028 and other line-breaking characters.
    lines = CORPUS.read_text(encoding="utf-8").split("\n")
    return [line.replace("\\n", "\n") for line in lines if line.strip()]


@pytest.fixture(scope="module")
def xss_stack(site_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    # Every payload on one /admin page (its largest page size), so one look checks them all.
    limits = {"rate_per_minute": "0", "rate_per_hour": "0", "max_links": "1000", "admin_page_size": "500"}
    with running_stack(site_dir, tmp_path_factory.mktemp("e2e-xss"), free_port(), **limits) as stack:
        yield stack


@pytest.fixture(scope="module")
def payloads(xss_stack: Stack) -> list[Payload]:
    """Every payload posted (name, text, email where possible), then approved in one CLI call."""
    posted: list[Payload] = []
    ids: list[int] = []
    token = xss_stack.form_token(THREAD)  # waited for once, reused for the whole batch
    with httpx.Client(base_url=xss_stack.base_url) as client:
        for index, payload in enumerate(load_corpus()):
            suffix = f" #{index}"  # the service refuses the same text twice on a page
            name = payload.replace("\n", " ")[: 80 - len(suffix)] + suffix
            body: dict[str, Any] = {
                "thread": THREAD,
                "name": name,
                "text": payload + suffix,
                "form_token": token,
                "email": f"{payload}@example.org" if EMAIL_LOCAL.match(payload) else None,
            }
            response = client.post("/api/comments", json=body)
            assert response.status_code == 202, f"payload {index} {payload!r} refused: {response.text}"
            ids.append(int(response.json()["comment"]["id"]))
            shown = response.json()["comment"]["name"]
            if INVISIBLE.search(name):
                assert not INVISIBLE.search(shown), f"payload {index}: invisible characters kept in the name"
            else:
                assert shown == " ".join(name.split()), f"payload {index}: the name changed"
            posted.append(Payload(payload, shown))
    xss_stack.approve(*ids)
    return posted


def watch(page: Page) -> list[str]:
    """Install the canary before any script runs; collect every dialog that opens."""
    dialogs: list[str] = []
    page.add_init_script("window.__xss = 0")

    def record(dialog: Any) -> None:
        dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    page.on("dialog", record)
    return dialogs


def assert_nothing_ran(page: Page, dialogs: list[str], roots: str, own_forms: str) -> None:
    page.wait_for_timeout(500)  # let error events and timers of anything injected fire
    assert dialogs == [], f"dialogs opened on {page.url}: {dialogs}"
    assert page.evaluate("window.__xss") == 0, f"a payload set window.__xss on {page.url}"
    problems = page.evaluate(SCAN, [roots, own_forms])
    assert problems == [], f"dangerous markup on {page.url}:\n" + "\n".join(sorted(set(problems)))


def assert_names_are_text(page: Page, payloads: list[Payload], names: str) -> None:
    """Names are plain text: shown exactly as typed, never interpreted or double-escaped."""
    shown = page.locator(names).all_inner_texts()
    missing = [p.name for p in payloads if p.name not in shown]
    assert missing == [], f"{len(missing)} names not shown as typed, e.g. {missing[:3]}"


def test_payloads_stay_inert_in_the_widget(
    new_visitor: Visitor, xss_stack: Stack, payloads: list[Payload], capsys: pytest.CaptureFixture[str]
) -> None:
    with capsys.disabled():
        print(f"\n{len(payloads)} XSS payloads tried (each as name and text)")
    page = new_visitor(base_url=xss_stack.base_url)
    dialogs = watch(page)
    page.goto(ARTICLES[THREAD])
    wait_for_thread(page, "attached")  # attached: an injected style could hide it all
    expect(page.locator(".sdm-thread article.sdm-comment")).to_have_count(len(payloads))
    assert_nothing_ran(page, dialogs, ".sdm-comments", "form.sdm-form")
    assert_names_are_text(page, payloads, ".sdm-thread .sdm-name")


def test_payloads_stay_inert_on_the_discussion_page(
    new_visitor: Visitor, xss_stack: Stack, payloads: list[Payload]
) -> None:
    page = new_visitor(base_url=xss_stack.base_url)  # JavaScript on: the worst case
    dialogs = watch(page)
    page.goto(f"/api/discussion?thread={THREAD}")
    expect(page.locator("#comments article.sdm-comment")).to_have_count(len(payloads))
    assert_nothing_ran(page, dialogs, "#comments", "form.sdm-form")
    assert_names_are_text(page, payloads, "#comments .sdm-name")


def test_payloads_stay_inert_in_the_moderation_queue(
    new_visitor: Visitor, xss_stack: Stack, payloads: list[Payload]
) -> None:
    page = new_visitor(base_url=xss_stack.base_url)
    dialogs = watch(page)
    sign_in(page)
    page.goto("/admin?state=approved")
    expect(page.locator(".sdm-admin article.sdm-comment")).to_have_count(len(payloads))
    own_forms = 'form[method=post][action^="/admin/comments/"]'
    assert_nothing_ran(page, dialogs, ".sdm-admin .sdm-list", own_forms)
    assert_names_are_text(page, payloads, ".sdm-admin .sdm-name")
