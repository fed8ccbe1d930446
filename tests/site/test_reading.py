"""Reading comfort on every built page, at phone and desktop widths.

At 320, 390 and 1280 pixels wide: nothing makes the page scroll sideways and no table
hides a column; no heading's permalink wraps to a line of its own; the text of
summaries, warnings, question blocks and tables is at least the body size; headings get
smaller from h1 to h2 to h3 and never bolder. The measurements come from Chromium's
computed styles, so they hold for what readers see. The dark palette changes colours
only (tests/site/test_accessibility.py checks its contrast), so layout is measured in
the light one.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page

pytestmark = pytest.mark.browser

WIDTHS = (320, 390, 1280)

# Runs in the page; returns what the checks below judge, so a failure names the element.
MEASURE = """
() => {
  const article = document.querySelector(".md-content article");
  const width = document.documentElement.clientWidth;
  const name = (el) => el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") +
    (el.className && typeof el.className === "string"
      ? "." + el.className.trim().split(/\\s+/).join(".") : "") +
    ' "' + (el.textContent || "").trim().slice(0, 40) + '"';
  const size = (el) => parseFloat(getComputedStyle(el).fontSize);
  const weight = (el) => parseInt(getComputedStyle(el).fontWeight, 10);

  // Tables whose own box, or the box Material scrolls them in, hides part of them.
  const clipped = [];
  for (const table of article.querySelectorAll("table")) {
    const box = table.closest(".md-typeset__scrollwrap") || table;
    if (box.scrollWidth > box.clientWidth + 1 || table.getBoundingClientRect().right > width + 1) {
      clipped.push(name(table.querySelector("th") || table));
    }
  }

  // Text that must be at least the body size: summaries, warnings and other boxes,
  // question blocks, and tables.
  const body = size(article);
  const small = [];
  const reading = article.querySelectorAll(
    ".admonition p, .admonition li, details p, details li, summary, table th, table td"
  );
  for (const el of reading) {
    if (el.getClientRects().length && size(el) < body - 0.01) small.push(name(el) + " " + size(el) + "px");
  }

  // Headings whose permalink (hidden until hovered) wrapped below their last line of text.
  const stranded = [];
  for (const heading of article.querySelectorAll("h1, h2, h3")) {
    const link = heading.querySelector(":scope > .headerlink");
    if (!link || !link.getClientRects().length) continue;
    const text = document.createRange();
    text.setStart(heading, 0);
    text.setEndBefore(link);
    const lines = text.getClientRects();
    if (lines.length && link.getBoundingClientRect().top > lines[lines.length - 1].top + 2) {
      stranded.push(name(heading));
    }
  }

  const headings = {};
  for (const level of ["h1", "h2", "h3"]) {
    headings[level] = [...article.querySelectorAll(level)]
      .filter((el) => el.getClientRects().length)
      .map((el) => ({ name: name(el), size: size(el), weight: weight(el) }));
  }
  return {
    overflow: document.documentElement.scrollWidth - width,
    clipped, body, checked: reading.length, small, headings, stranded,
  };
}
"""


def heading_problems(headings: dict[str, list[dict[str, Any]]]) -> list[str]:
    """Each level must be smaller than, and no bolder than, every heading of the level above."""
    problems = []
    for upper, lower in (("h1", "h2"), ("h2", "h3"), ("h1", "h3")):
        for high in headings[upper]:
            for low in headings[lower]:
                if not low["size"] < high["size"]:
                    problems.append(f"{low['name']} ({low['size']}px) not smaller than {high['name']}")
                if low["weight"] > high["weight"]:
                    problems.append(f"{low['name']} (weight {low['weight']}) bolder than {high['name']}")
    return problems


def measure_every_page(tab: Page, base: str, pages: list[str]) -> tuple[list[str], int]:
    problems: list[str] = []
    checked = 0
    for relative in pages:
        tab.goto(base + relative.removesuffix("index.html"), wait_until="load")
        for width in WIDTHS:
            tab.set_viewport_size({"width": width, "height": 900})
            found = tab.evaluate(MEASURE)
            where = f"{relative} at {width}px"
            checked += found["checked"]
            if found["overflow"] > 0:
                problems.append(f"{where}: the page scrolls sideways by {found['overflow']}px")
            problems += [f"{where}: table cut off at {cell}" for cell in found["clipped"]]
            problems += [
                f"{where}: smaller than body text ({found['body']}px): {el}" for el in found["small"]
            ]
            problems += [f"{where}: {problem}" for problem in heading_problems(found["headings"])]
            problems += [
                f"{where}: its permalink wrapped to a line of its own: {el}" for el in found["stranded"]
            ]
    return problems, checked


def test_every_page_reads_comfortably_at_phone_and_desktop_widths(
    browser: Browser, served_site: str, built_site: Path, built_pages: list[Path]
) -> None:
    # Reduced motion turns Material's transitions off, so a resize is measured once it is laid out.
    context = browser.new_context(
        color_scheme="light", reduced_motion="reduce", viewport={"width": WIDTHS[0], "height": 900}
    )
    try:
        tab = context.new_page()
        pages = [path.relative_to(built_site).as_posix() for path in built_pages]
        problems, checked = measure_every_page(tab, served_site, pages)
    finally:
        context.close()
    assert checked > 100, "too few boxes and table cells measured: are the selectors still right?"
    assert not problems, f"{len(problems)} problems, the first 60:\n" + "\n".join(problems[:60])


def test_heading_rule_catches_material_default_headings() -> None:
    # Material's own headings: h1 32px weight 300, h2 25px weight 300, h3 20px weight 400.
    material = {
        "h1": [{"name": "h1", "size": 32.0, "weight": 300}],
        "h2": [{"name": "h2", "size": 25.0, "weight": 300}],
        "h3": [{"name": "h3", "size": 20.0, "weight": 400}],
    }
    assert heading_problems(material) == ["h3 (weight 400) bolder than h2", "h3 (weight 400) bolder than h1"]
    flat = {
        "h1": [{"name": "h1", "size": 20.0, "weight": 700}],
        "h2": [],
        "h3": [{"name": "h3", "size": 20.0, "weight": 700}],
    }
    assert heading_problems(flat) == ["h3 (20.0px) not smaller than h1"]
