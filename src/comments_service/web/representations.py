"""Which representation a response is, and whether the client already holds it.

A thread or a site file is sent gzip-compressed or as is; each form is its own
representation and needs its own entity tag (RFC 9110 §8.8.3), or a cache could
hand a client that cannot inflate it the compressed body. `If-None-Match` is a list
of entity tags (or `*`) compared weakly (RFC 9110 §13.1.2): not a substring test.
"""

from __future__ import annotations

import re

# One element of an If-None-Match list, which may be empty: an optional weak marker and
# a quoted opaque tag (etagc: any visible character but DQUOTE, or obs-text).
_ELEMENT = re.compile(r'[ \t]*(?:(?:W/)?("[\x21\x23-\x7e\x80-\xff]*"))?[ \t]*')


def accepts_gzip(accept_encoding: str) -> bool:
    """True when gzip is acceptable: named (or `*`) without `q=0`."""
    weights: dict[str, float] = {}
    for part in accept_encoding.lower().split(","):
        name, _, params = part.strip().partition(";")
        quality = 1.0
        for param in params.split(";"):
            key, _, value = param.strip().partition("=")
            if key == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        weights[name.strip()] = quality
    return weights.get("gzip", weights.get("*", 0.0)) > 0


def gzip_etag(etag: str) -> str:
    """The entity tag of the gzip form of the representation tagged `etag`."""
    return etag[:-1] + '-gz"'


def client_has(if_none_match: str | None, etag: str) -> bool:
    """True when the request's If-None-Match names `etag` (or is `*`): answer 304.

    An absent or malformed field is False, so the body is sent: ignoring a
    conditional is always safe.
    """
    if if_none_match is None:
        return False
    field = if_none_match.strip()
    if field == "*":
        return True
    held: list[str] = []
    position = 0
    while True:
        element = _ELEMENT.match(field, position)
        if element is None:  # never: every part of the pattern is optional
            return False
        if element.group(1):
            held.append(element.group(1))
        position = element.end()
        if position == len(field):
            break
        if field[position] != ",":
            return False
        position += 1
    # Weak comparison: the opaque tags match, whether either is marked W/ or not.
    return etag.removeprefix("W/") in held
