"""HTML pages the service renders: our Jinja templates (templates/), set inside the site's page shell."""

from __future__ import annotations

from typing import Any

from fastapi.responses import HTMLResponse
from jinja2 import Environment, PackageLoader, select_autoescape

from ..core.messages import PAGE_WORDS, REFERENCE, Language
from .page_shell import PageShell

env = Environment(
    loader=PackageLoader("comments_service.web", "templates"),
    autoescape=select_autoescape(default=True),
    trim_blocks=True,
    lstrip_blocks=True,
)
# The words of a template given none (the reference language's).
env.globals["default_words"] = PAGE_WORDS[REFERENCE]


def page(
    shell: PageShell,
    template: str,
    title: str,
    status: int = 200,
    language: Language = REFERENCE,
    **context: Any,
) -> HTMLResponse:
    """A page in `language`: the shell of that edition, assets from it."""

    def asset(path: str) -> str:
        return shell.asset(path, language)

    body = env.get_template(template).render(asset=asset, **context)
    head = f'<link rel="stylesheet" href="{asset("assets/stylesheets/comments.css")}">'
    return HTMLResponse(shell.render(title, body, extra_head=head, language=language), status_code=status)


# /admin's own stylesheet and its one script (select all), served by routers/admin.py.
ADMIN_HEAD = (
    '<link rel="stylesheet" href="/admin/assets/admin.css">'
    '<script src="/admin/assets/admin.js" defer></script>'
)


def admin_page(
    shell: PageShell, template: str, title: str, status: int = 200, **context: Any
) -> HTMLResponse:
    """A moderator's page: the site's look without the reader's search, tabs and navigation."""
    body = env.get_template(template).render(asset=shell.asset, **context)
    head = f'<link rel="stylesheet" href="{shell.asset("assets/stylesheets/comments.css")}">{ADMIN_HEAD}'
    return HTMLResponse(shell.render(title, body, extra_head=head, reader_chrome=False), status_code=status)


def message_page(
    shell: PageShell,
    title: str,
    heading: str,
    message: str,
    link: str,
    link_text: str,
    status: int = 200,
    language: Language = REFERENCE,
) -> HTMLResponse:
    """A page that only says something, with one link onwards ("Done", "Not found", ...)."""
    return page(
        shell,
        "message.html",
        title,
        status=status,
        language=language,
        heading=heading,
        message=message,
        link=link,
        link_text=link_text,
    )
