"""The comment form states the limits the service enforces, in the widget and without JavaScript.

The widget's form is written into each page at build time from mkdocs.yml's
extra.comments; the no-JavaScript form from the service's settings. Both must say
what the service will accept, so mkdocs.yml's values must be the service's own.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from mkdocs.utils.yaml import yaml_load

from comments_service.core.comment_input import EMAIL_MAX_LENGTH, NAME_MAX_LENGTH, TEXT_MAX_LENGTH
from comments_service.infra.settings import Settings
from tests.site.html_tree import parse_file
from tests.site.pages import ROOT

SERVICE_LIMITS = {
    "max_links": Settings.model_fields["max_links"].default,
    "name_max_length": NAME_MAX_LENGTH,
    "email_max_length": EMAIL_MAX_LENGTH,
    "text_max_length": TEXT_MAX_LENGTH,
}


def widget_limits(monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """extra.comments of mkdocs.yml as a build without COMMENTS_* variables reads it."""
    monkeypatch.delenv("COMMENTS_MAX_LINKS", raising=False)
    config = yaml_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))
    return {key: config["extra"]["comments"][key] for key in SERVICE_LIMITS}


def test_mkdocs_yml_states_the_services_default_limits(monkeypatch: pytest.MonkeyPatch) -> None:
    assert widget_limits(monkeypatch) == SERVICE_LIMITS


def test_the_built_widget_form_carries_the_limits(built_site: Path) -> None:
    threads = json.loads((built_site / "comments-pages.json").read_text(encoding="utf-8"))["threads"]
    url = next(iter(threads.values()))["url"]
    form = next(
        element
        for element in parse_file(built_site / url.strip("/") / "index.html").iter("form")
        if "sdm-form" in element.classes()
    )
    fields = {element.attrs.get("name"): element.attrs for element in form.iter("input", "textarea")}
    assert fields["name"]["maxlength"] == str(NAME_MAX_LENGTH)
    assert fields["email"]["maxlength"] == str(EMAIL_MAX_LENGTH)
    # The comment is counted, not cut: no maxlength, the limit for the widget's counter.
    assert "maxlength" not in fields["text"]
    assert fields["text"]["data-max-length"] == str(TEXT_MAX_LENGTH)
    limits = f"At most {SERVICE_LIMITS['max_links']} links and {TEXT_MAX_LENGTH:,} characters."
    assert limits in " ".join(form.text().split())
