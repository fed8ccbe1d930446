"""The message catalogue (core/messages.py): every message in every language, and the page's
language chosen by what the page says, never by the browser."""

from __future__ import annotations

import pytest

from comments_service.core.messages import (
    CATALOGUE,
    LANGUAGE_NAMES,
    LANGUAGES,
    PAGE_WORDS,
    Text,
    language,
    language_of_thread,
    placeholders,
)


@pytest.mark.parametrize("key", sorted(CATALOGUE))
def test_every_message_has_every_language_with_the_same_placeholders(key: str) -> None:
    texts = CATALOGUE[key]
    assert set(texts) == set(LANGUAGES)
    assert all(text.strip() for text in texts.values())
    assert len({frozenset(placeholders(text)) for text in texts.values()}) == 1, texts


def test_the_discussion_pages_words_have_every_language_with_the_same_keys_and_placeholders() -> None:
    assert set(PAGE_WORDS) == set(LANGUAGES) == set(LANGUAGE_NAMES)
    english = PAGE_WORDS["en"]
    for lang in LANGUAGES:
        assert set(PAGE_WORDS[lang]) == set(english), lang
        for key, text in PAGE_WORDS[lang].items():
            assert placeholders(text) == placeholders(english[key]), (lang, key)


def test_a_text_is_said_in_the_language_asked_for_with_its_values() -> None:
    text = Text("too-fast", seconds=30)
    assert text.in_language("es") == "Está publicando demasiado rápido. Inténtelo de nuevo en 30 segundos."
    assert str(text) == "You are posting too fast. Please try again in 30 seconds."


def test_a_key_not_in_the_catalogue_fails_where_it_is_written() -> None:
    with pytest.raises(KeyError, match="no message 'no-such-message'"):
        Text("no-such-message")


@pytest.mark.parametrize(
    ("lang", "thread", "expected"),
    [
        ("es", None, "es"),
        ("en", "es/articles/first", "en"),  # what the page names wins
        (None, "es/articles/first", "es"),
        ("fr", "es/articles/first", "es"),  # not a language of the site: the thread's
        ("ES", None, "en"),
        (None, "articles/first", "en"),
        (None, "eses/articles", "en"),
        (None, None, "en"),
    ],
)
def test_the_language_is_the_one_the_page_names_else_its_threads(
    lang: str | None, thread: str | None, expected: str
) -> None:
    assert language(lang, thread) == expected


def test_a_spanish_pages_thread_key_starts_with_es() -> None:
    assert language_of_thread("es/articles/medical-massage-in-san-diego") == "es"
    assert language_of_thread("articles/medical-massage-in-san-diego") == "en"
