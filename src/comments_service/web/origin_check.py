"""Is a form post from this site's own page? The CSRF check of the plain HTML forms.

Browsers send Origin with every POST (Referer where an old one does not), and a page
cannot forge either. A post whose Origin (or Referer) is not this host came from another
site's page: the no-JavaScript comment form and the page feedback form refuse it.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from fastapi import Request


def same_origin(request: Request) -> bool:
    claimed = request.headers.get("origin") or request.headers.get("referer")
    host = request.headers.get("host")
    return bool(claimed and host) and urlsplit(claimed).netloc == host
