"""Jinja templates for the pages the service renders, set inside the site's shell."""

from __future__ import annotations

from typing import Any

from fastapi.responses import HTMLResponse
from jinja2 import Environment, PackageLoader, select_autoescape

from .services import Services

env = Environment(
    loader=PackageLoader("comments_service", "templates"),
    autoescape=select_autoescape(default=True),
    trim_blocks=True,
    lstrip_blocks=True,
)


def page(svc: Services, template: str, title: str, status: int = 200, **context: Any) -> HTMLResponse:
    body = env.get_template(template).render(asset=svc.shell.asset, **context)
    head = f'<link rel="stylesheet" href="{svc.shell.asset("assets/stylesheets/comments.css")}">'
    return HTMLResponse(svc.shell.render(title, body, extra_head=head), status_code=status)
