"""The service's settings: every field documented, and COMMENTS_* variables parsed safely.

The README's configuration table is the operator's documentation; a field added to
Settings without a row there (or a row left for a removed field) fails here.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from pydantic import Field, ValidationError

from comments_service.core.states import ModerationMode
from comments_service.core.tokens import Signer
from comments_service.infra.settings import Settings
from tests.conftest import ROOT

ROW = re.compile(r"^\| `COMMENTS_([A-Z0-9_]+)` \| `[^`]*` \| (.+?) \|$", re.MULTILINE)


def readme_rows() -> dict[str, str]:
    """Variable name (without the prefix) -> its 'What it does' cell."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("### Configuration", 1)[1].split("\n## ", 1)[0].split("\n### ", 1)[0]
    return dict(ROW.findall(section))


def undocumented(settings_class: type[Settings], rows: dict[str, str]) -> set[str]:
    return {name.upper() for name in settings_class.model_fields} - set(rows)


@pytest.fixture
def environment(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    """No COMMENTS_* variables but the ones a test sets."""
    for name in list(os.environ):
        if name.startswith("COMMENTS_"):
            monkeypatch.delenv(name)
    return monkeypatch


def test_every_setting_has_a_description():
    missing = {name for name, info in Settings.model_fields.items() if not (info.description or "").strip()}
    assert missing == set()


def test_every_setting_is_in_the_readme_configuration_table():
    rows = readme_rows()
    assert len(rows) >= 20, "the README's configuration table was not found"
    assert undocumented(Settings, rows) == set()


def test_the_readme_lists_no_setting_that_does_not_exist():
    assert set(readme_rows()) - {name.upper() for name in Settings.model_fields} == set()


def test_readme_rows_say_what_the_field_descriptions_say():
    rows = readme_rows()
    differing = {
        name: (rows[name.upper()], info.description)
        for name, info in Settings.model_fields.items()
        if name.upper() in rows and rows[name.upper()] != info.description
    }
    assert differing == {}


def test_a_new_field_without_documentation_is_caught():
    class Extended(Settings):
        brand_new_knob: int = Field(1, description="Not in the README.")

    assert undocumented(Extended, readme_rows()) == {"BRAND_NEW_KNOB"}


@pytest.mark.parametrize("field", ["trusted_proxies", "cors_origins", "notify_emails"])
def test_comma_separated_lists_are_split_and_trimmed(environment, field):
    environment.setenv(f"COMMENTS_{field.upper()}", "10.0.0.1, 10.0.0.2 ,,")
    assert getattr(Settings(), field) == ["10.0.0.1", "10.0.0.2"]


def test_trusted_proxies_accept_networks_and_default_to_none(environment):
    assert Settings().trusted_proxies == []
    environment.setenv("COMMENTS_TRUSTED_PROXIES", "10.0.0.0/8,::1")
    assert Settings().trusted_proxies == ["10.0.0.0/8", "::1"]


@pytest.mark.parametrize(
    ("value", "mode"),
    [("all", ModerationMode.ALL), ("first-time", ModerationMode.FIRST_TIME), ("none", ModerationMode.NONE)],
)
def test_moderation_mode_is_read_from_the_environment(environment, value, mode):
    environment.setenv("COMMENTS_MODERATION", value)
    assert Settings().moderation is mode


def test_typed_values_are_converted(environment):
    environment.setenv("COMMENTS_COOKIE_SECURE", "true")
    environment.setenv("COMMENTS_MAX_DEPTH", "5")
    environment.setenv("COMMENTS_SQLITE_SYNCHRONOUS", "full")
    settings = Settings()
    assert (settings.cookie_secure, settings.max_depth, settings.sqlite_synchronous) == (True, 5, "FULL")


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("COMMENTS_MODERATION", "sometimes", "'all', 'first-time' or 'none'"),
        ("COMMENTS_MAX_DEPTH", "0", "greater than or equal to 1"),
        ("COMMENTS_RATE_PER_MINUTE", "five", "valid integer"),
        ("COMMENTS_SQLITE_SYNCHRONOUS", "sometimes", "OFF, NORMAL, FULL or EXTRA"),
        ("COMMENTS_TRUSTED_PROXIES", "proxy.example", "not an IP address"),
        ("COMMENTS_COOKIE_SECURE", "perhaps", "valid boolean"),
    ],
)
def test_an_invalid_value_is_an_error_naming_the_variable(environment, variable, value, message):
    environment.setenv(variable, value)
    with pytest.raises(ValidationError) as caught:
        Settings()
    field = variable.removeprefix("COMMENTS_").lower()
    [error] = caught.value.errors()
    assert error["loc"] == (field,)
    assert field in str(caught.value)
    assert message in str(caught.value)


# -- The generated secret (no COMMENTS_SECRET_KEY) --------------------------------------


def test_a_process_that_loses_the_race_to_create_the_secret_uses_the_winners(environment, tmp_path):
    # Another process creates the file just after this one looked and found none.
    environment.chdir(tmp_path)
    (tmp_path / "var").mkdir()
    (tmp_path / "var" / "secret.key").write_text("the-winners-secret-0123456789")
    environment.setattr(Path, "exists", lambda path: path.name != "secret.key" and os.path.exists(path))
    assert Settings().resolved_secret() == "the-winners-secret-0123456789"
    assert (tmp_path / "var" / "secret.key").read_text() == "the-winners-secret-0123456789"
    assert [path.name for path in (tmp_path / "var").iterdir()] == ["secret.key"]


def test_an_empty_secret_file_is_refused(environment, tmp_path):
    environment.chdir(tmp_path)
    (tmp_path / "var").mkdir()
    (tmp_path / "var" / "secret.key").write_text("\n")
    with pytest.raises(ValueError, match="COMMENTS_SECRET_KEY"):
        Settings().resolved_secret()


@pytest.mark.parametrize("secret", ["", "   "])
def test_the_service_never_signs_with_an_empty_secret(secret):
    with pytest.raises(ValueError, match="empty"):
        Signer(secret)
