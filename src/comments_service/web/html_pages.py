"""HTML pages the service renders: our Jinja templates (templates/), set inside the site's page shell."""

from __future__ import annotations

from typing import Any

from fastapi.responses import HTMLResponse
from jinja2 import Environment, PackageLoader, select_autoescape

from .page_shell import PageShell

env = Environment(
    loader=PackageLoader("comments_service.web", "templates"),
    autoescape=select_autoescape(default=True),
    trim_blocks=True,
    lstrip_blocks=True,
)


def page(shell: PageShell, template: str, title: str, status: int = 200, **context: Any) -> HTMLResponse:
    body = env.get_template(template).render(asset=shell.asset, **context)
    head = f'<link rel="stylesheet" href="{shell.asset("assets/stylesheets/comments.css")}">'
    return HTMLResponse(shell.render(title, body, extra_head=head), status_code=status)


def message_page(
    shell: PageShell, title: str, heading: str, message: str, link: str, link_text: str, status: int = 200
) -> HTMLResponse:
    """A page that only says something, with one link onwards ("Done", "Not found", ...)."""
    return page(
        shell,
        "message.html",
        title,
        status=status,
        heading=heading,
        message=message,
        link=link,
        link_text=link_text,
    )
