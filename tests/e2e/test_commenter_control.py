"""Commenters in Chromium: the character counter, every error at once, email notifications
from the checkbox to the confirmation page, their own data, and the no-JavaScript paths.

A second stack runs here with a mail server (aiosmtpd on 127.0.0.1, in this process),
so the checkbox is offered and the emails really arrive. Every new page and state is
checked by axe (WCAG 2.2 AA) in both palettes at phone and desktop widths.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from email.message import EmailMessage
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import (
    ARTICLES,
    MIN_SUBMIT_SECONDS,
    Stack,
    Visitor,
    assert_no_axe_violations,
    running_stack,
    unique,
    wait_for_thread,
)
from tests.harness import free_port
from tests.service.mailbox import Inbox, listening

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("e2e")]

THREAD = "articles/medical-massage-in-san-diego"
SCHEMES = [("light", "default"), ("dark", "slate")]
WIDTHS = (390, 1280)
SCREENSHOTS = Path("/tmp/screenshots-notify")


@pytest.fixture(scope="module")
def mail() -> Iterator[tuple[Inbox, int]]:
    with listening() as served:
        yield served


@pytest.fixture(scope="module")
def mail_stack(
    site_dir: Path, tmp_path_factory: pytest.TempPathFactory, mail: tuple[Inbox, int]
) -> Iterator[Stack]:
    """The site and service with email on: the checkbox is offered, emails go to `mail`."""
    _, port = mail
    settings = {"smtp_host": "127.0.0.1", "smtp_port": str(port), "smtp_starttls": "false"}
    with running_stack(site_dir, tmp_path_factory.mktemp("mail-stack"), free_port(), **settings) as stack:
        yield stack


def every_state_passes_axe(page: Page, what: str, shots: str | None = None, region: str = "body") -> None:
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        page.wait_for_timeout(600)  # Material's layout transitions settle first
        if shots:
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            page.locator(region).screenshot(path=str(SCREENSHOTS / f"{shots}-{width}.png"))
        assert_no_axe_violations(page, f"{what} at {width}px")


def open_article(page: Page) -> None:
    page.goto(ARTICLES[THREAD])
    wait_for_thread(page)


def message_to(inbox: Inbox, address: str, subject: str, timeout: float = 10.0) -> EmailMessage:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for recipients, message in inbox.messages:
            if address in recipients and subject in str(message["Subject"]):
                return message
        time.sleep(0.1)
    raise AssertionError(f"no email {subject!r} to {address}")


def link_in(message: EmailMessage, path: str) -> str:
    found = re.search(rf"https?://\S+/api/{path}\?token=\S+", message.get_content())
    assert found, message.get_content()
    return found.group(0)


@pytest.mark.parametrize(("scheme", "palette"), SCHEMES)
def test_the_counter_warns_before_the_limit_and_pasted_text_is_not_cut(
    new_visitor: Visitor, scheme: str, palette: str
) -> None:
    page = new_visitor(color_scheme=scheme)
    open_article(page)
    counter, text = page.locator("#sdm-counter"), page.locator("#sdm-text")
    text.fill("Short.")
    expect(counter).to_have_text("6 of 5,000 characters")
    text.fill("x" * 5_120)  # a paste over the limit: kept whole
    expect(text).to_have_value("x" * 5_120)
    expect(counter).to_have_class(re.compile("sdm-over"))
    live = page.locator(".sdm-form .sdm-sr[aria-live=polite]")
    expect(live).to_have_text("Your comment is 120 characters too long. Please shorten it.")
    text.fill("x" * 4_700)
    expect(live).to_have_text("300 characters left.")
    text.fill("x" * 5_120)
    page.locator(".sdm-form [type=submit]").click()  # no name either: both errors at once
    expect(page.locator("#sdm-err-name")).to_have_text("Please enter your name.")
    expect(page.locator("#sdm-err-text")).to_have_text(
        "Please shorten your comment to 5,000 characters or fewer (it has 5,120)."
    )
    expect(page.locator("#sdm-name")).to_be_focused()
    expect(page.locator("body")).to_have_attribute("data-md-color-scheme", palette)
    every_state_passes_axe(
        page, f"the widget with two errors and the counter over, {scheme}", f"counter-{scheme}"
    )


def test_the_live_region_is_quiet_while_typing_far_from_the_limit(new_visitor: Visitor) -> None:
    page = new_visitor()
    open_article(page)
    page.locator("#sdm-text").press_sequentially("Typing away.", delay=20)
    page.wait_for_timeout(1_800)
    expect(page.locator(".sdm-form .sdm-sr")).to_have_text("")
    expect(page.locator("#sdm-counter")).to_have_text("12 of 5,000 characters")


def test_without_a_mail_server_no_email_checkbox_is_offered(new_visitor: Visitor) -> None:
    page = new_visitor()
    open_article(page)
    page.locator("#sdm-email").fill("no-mail@example.org")
    page.locator("#sdm-text").focus()  # fetches the form token, which says whether email is on
    page.wait_for_timeout(500)
    expect(page.locator("#sdm-notify")).to_be_hidden()


@pytest.mark.parametrize(("scheme", "palette"), SCHEMES)
def test_opting_in_from_the_widget_then_confirming_from_the_email(
    new_visitor: Visitor, mail_stack: Stack, mail: tuple[Inbox, int], scheme: str, palette: str
) -> None:
    inbox, _ = mail
    address = f"{unique('reader')}@example.org"
    page = new_visitor(base_url=mail_stack.base_url, color_scheme=scheme)
    open_article(page)
    form = page.locator(".sdm-form")
    form.get_by_label("Name").fill("Pat")
    expect(page.locator("#sdm-notify")).to_be_hidden()  # no address yet
    page.locator("#sdm-email").fill(address)
    box = page.get_by_label("Email me when my comment is approved or someone replies")
    expect(box).to_be_visible()
    box.check()
    every_state_passes_axe(page, f"the widget offering emails, {scheme}", f"notify-{scheme}", ".sdm-form")
    form.get_by_role("textbox", name="Comment").fill(
        f"Please tell me when someone answers. {unique('notify')}"
    )
    page.wait_for_timeout(MIN_SUBMIT_SECONDS * 1000)
    page.get_by_role("button", name="Post comment").click()
    expect(page.locator(".sdm-comments > .sdm-status")).to_contain_text(
        "open the link in the email we sent you"
    )
    expect(page.locator(".sdm-mine")).to_be_visible()

    message = message_to(inbox, address, "Please confirm")
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    page.goto(link_in(message, "notifications/confirm"))
    expect(page.get_by_role("heading", name="Confirm emails about your comments?")).to_be_visible()
    expect(page.locator("body")).to_have_attribute("data-md-color-scheme", palette)
    every_state_passes_axe(page, f"the confirmation page, {scheme}", f"confirm-{scheme}")
    page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_role("heading", name="Emails confirmed")).to_be_visible()
    every_state_passes_axe(page, f"the confirmed page, {scheme}")

    page.goto(link_in(message, "notifications/unsubscribe"))
    expect(page.get_by_role("heading", name="Stop all emails from us?")).to_be_visible()
    every_state_passes_axe(page, f"the unsubscribe page, {scheme}")
    page.get_by_role("button", name="Stop all emails").click()
    expect(page.get_by_role("heading", name="No more emails")).to_be_visible()

    page.goto(link_in(message, "my-data"))
    expect(page.get_by_role("heading", name="Your comments and data")).to_be_visible()
    every_state_passes_axe(page, f"the my-data page, {scheme}", f"my-data-{scheme}")

    page.goto(link_in(message, "notifications/confirm").replace("token=", "token=AAAA"))
    expect(page.get_by_role("heading", name="This link does not work")).to_be_visible()
    every_state_passes_axe(page, f"the page for a forged link, {scheme}")


def test_a_commenter_downloads_then_deletes_their_comments_from_the_widget(
    new_visitor: Visitor, stack: Stack
) -> None:
    marker = unique("mine")
    posted = stack.post(THREAD, "Kim", f"Mine to download and delete. {marker}")
    page = new_visitor(accept_downloads=True)
    page.add_init_script(f"localStorage.setItem('sdm-comment-token', {posted['token']!r})")
    open_article(page)
    mine = page.locator(".sdm-mine")
    expect(mine).to_be_visible()
    with page.expect_download() as download:
        mine.get_by_role("button", name="Download my comments").click()
    assert marker in Path(download.value.path()).read_text(encoding="utf-8")
    page.once("dialog", lambda dialog: dialog.accept())
    mine.get_by_role("button", name="Delete my comments and email").click()
    expect(page.locator(".sdm-comments > .sdm-status")).to_have_text(
        "Your comments and email address are deleted."
    )
    expect(page.locator(".sdm-comment", has_text=marker)).to_have_count(0)
    expect(mine).to_be_hidden()
    assert marker not in stack.cli("list", "--state", "pending", "--limit", "500")


def test_with_javascript_off_the_plain_page_shows_the_author_their_waiting_comment(
    new_visitor: Visitor,
) -> None:
    page = new_visitor(java_script_enabled=False)
    page.goto(f"/api/discussion?thread={THREAD}")
    shown_at = time.monotonic()
    own = f"Waiting, seen without scripts. {unique('nojs-off')}"
    page.get_by_label("Name").fill("Uma")
    page.locator("#sdm-text").fill(own)
    time.sleep(max(0.0, MIN_SUBMIT_SECONDS + 0.2 - (time.monotonic() - shown_at)))
    page.get_by_role("button", name="Post comment").click()
    expect(page.locator(".sdm-comment", has_text=own)).to_contain_text(
        "Awaiting moderation (only you can see it)"
    )
    page.get_by_role("link", name="Your comments and data").click()
    page.get_by_role("button", name="Delete my comments and email address").click()
    expect(page.get_by_role("heading", name="Deleted")).to_be_visible()


# axe-core runs as a script, so the plain page's states are checked in a browser with
# JavaScript on: the page itself has no script of its own, it is the same page.
@pytest.mark.parametrize(("scheme", "palette"), SCHEMES)
def test_the_plain_page_with_errors_the_authors_comment_and_their_data_passes_axe(
    new_visitor: Visitor, scheme: str, palette: str
) -> None:
    page = new_visitor(color_scheme=scheme)
    page.goto(f"/api/discussion?thread={THREAD}")
    shown_at = time.monotonic()
    page.get_by_label("Email").fill("not an address")
    page.locator("#sdm-text").fill("x" * 5_010)
    page.get_by_role("button", name="Post comment").click()
    expect(page.locator("#sdm-err-name")).to_have_text("Please enter your name.")
    expect(page.locator("#sdm-err-email")).to_contain_text("Please check your email address")
    expect(page.locator("#sdm-err-text")).to_contain_text("it has 5,010")
    every_state_passes_axe(
        page, f"the no-JavaScript page with three errors, {scheme}", f"nojs-errors-{scheme}"
    )

    own = f"Waiting, and I can see it. {unique('nojs-own')}"
    page.get_by_label("Name").fill("Ola")
    page.get_by_label("Email").fill("")
    page.locator("#sdm-text").fill(own)
    time.sleep(max(0.0, MIN_SUBMIT_SECONDS + 0.2 - (time.monotonic() - shown_at)))
    page.get_by_role("button", name="Post comment").click()
    mine = page.locator(".sdm-comment", has_text=own)
    expect(mine).to_contain_text("Awaiting moderation (only you can see it)")
    every_state_passes_axe(page, f"the no-JavaScript page with the author's waiting comment, {scheme}")

    page.get_by_role("link", name="Your comments and data").click()
    expect(page.get_by_role("heading", name="Your comments and data")).to_be_visible()
    expect(page.locator("body")).to_contain_text(own[:40])
    every_state_passes_axe(page, f"the no-JavaScript my-data page, {scheme}")
    page.get_by_role("button", name="Delete my comments and email address").click()
    expect(page.get_by_role("heading", name="Deleted")).to_be_visible()


SPANISH_ARTICLE = "/es/blog/medical-massage-in-san-diego/"


@pytest.mark.parametrize(("scheme", "palette"), SCHEMES)
def test_on_a_spanish_page_the_counter_every_error_and_the_opt_in_are_in_spanish(
    new_visitor: Visitor, mail_stack: Stack, mail: tuple[Inbox, int], scheme: str, palette: str
) -> None:
    inbox, _ = mail
    page = new_visitor(base_url=mail_stack.base_url, color_scheme=scheme)
    page.goto(SPANISH_ARTICLE)
    wait_for_thread(page)
    form = page.locator(".sdm-form")
    text, counter = form.get_by_role("textbox", name="Comentario"), page.locator("#sdm-counter")
    live = page.locator(".sdm-form .sdm-sr[aria-live=polite]")
    text.fill("Hola.")
    expect(counter).to_have_text("5 de 5,000 caracteres")
    text.fill("x" * 4_700)
    expect(live).to_have_text("Quedan 300 caracteres.")
    text.fill("x" * 5_120)
    expect(live).to_have_text("Su comentario tiene 120 caracteres de más. Acórtelo, por favor.")
    box = page.get_by_label("Enviarme un correo cuando aprueben mi comentario o alguien responda")
    expect(box).to_be_hidden()  # no address yet
    page.locator("#sdm-email").fill("no es un correo")
    expect(box).to_be_visible()
    form.get_by_role("button", name="Publicar comentario").click()  # three problems: all at once
    expect(page.locator("#sdm-err-name")).to_have_text("Escriba su nombre.")
    expect(page.locator("#sdm-err-email")).to_have_text(
        "Revise su correo electrónico: debe tener la forma nombre@example.org."
    )
    expect(page.locator("#sdm-err-text")).to_have_text(
        "Acorte su comentario a 5,000 caracteres o menos (ahora tiene 5,120)."
    )
    expect(page.locator("#sdm-name")).to_be_focused()
    expect(page.locator("body")).to_have_attribute("data-md-color-scheme", palette)
    every_state_passes_axe(page, f"the Spanish widget with three errors, {scheme}", f"es-errors-{scheme}")

    address = f"{unique('lector')}@example.org"
    form.get_by_label("Nombre").fill("Ana")
    page.locator("#sdm-email").fill(address)
    box.check()
    text.fill(f"Avíseme cuando alguien responda. {unique('es-notify')}")
    page.wait_for_timeout(MIN_SUBMIT_SECONDS * 1000)
    form.get_by_role("button", name="Publicar comentario").click()
    expect(page.locator(".sdm-comments > .sdm-status")).to_contain_text(
        "abra el enlace del correo que le enviamos"
    )
    message = message_to(inbox, address, "Confirme, por favor")
    assert "Alguien, probablemente usted" in message.get_content()
    page.goto(link_in(message, "notifications/confirm"))
    expect(page.locator("html")).to_have_attribute("lang", "es")
    expect(page.get_by_role("heading", name="¿Confirmar los correos sobre sus comentarios?")).to_be_visible()
    every_state_passes_axe(page, f"the Spanish confirmation page, {scheme}", f"es-confirm-{scheme}")
    page.get_by_role("button", name="Confirmar").click()
    expect(page.get_by_role("heading", name="Correos confirmados")).to_be_visible()
