"""Every refusal answers the same way: a 4xx status and `{"detail", "field"}` in JSON.

The rules' refusals (core/errors.py) get their HTTP status here, and only here.
Malformed JSON, a body that is not an object, a wrong type, a missing or oversize
field: each names the field at fault. A refused request lists every field at fault
in `errors`, each with a message: for the fields a person fills in (name, email,
text, notify) a plain sentence from core/field_messages.py that the widget shows
beside the field; for the rest, what a developer needs. Nothing is stored on any refusal.

`detail` (and a person's field messages) are in the page's language (core/messages.py):
the one the widget names in the query (`?lang=es`), else the thread's (`?thread=es/...`,
or the posted comment's), else English; never the browser's Accept-Language.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from ..core.errors import Reason, Refused
from ..core.field_messages import field_text
from ..core.messages import CATALOGUE, Language, Text, language

log = logging.getLogger(__name__)

STATUS = {
    Reason.MALFORMED: 400,
    Reason.INVALID: 422,
    Reason.NOT_FOUND: 404,
    Reason.FORBIDDEN: 403,
    Reason.CONFLICT: 409,
    Reason.TOO_FAST: 429,
}


def status_of(refused: Refused) -> int:
    """The HTTP status that answers a refusal of the rules."""
    return STATUS[refused.reason]


class NotJson(Exception):
    """A write not sent as JSON: a cross-site HTML form cannot send JSON without CORS allowing it."""


def problem(status: int, detail: str, field: str | None = None, **extra: Any) -> JSONResponse:
    headers = {}
    # Retry-After is a header, never a body field (not even as null).
    retry_after = extra.pop("retry_after", None)
    if retry_after:
        headers["Retry-After"] = str(retry_after)
    return JSONResponse({"detail": detail, "field": field, **extra}, status_code=status, headers=headers)


def page_language(query: Any, thread: object = None) -> Language:
    """The language of the page a request comes from, by what the page says (see above)."""
    named = query.get("thread") or thread
    return language(query.get("lang"), named if isinstance(named, str) else None)


def _request_language(request: Request, body: object = None) -> Language:
    thread = body.get("thread") if isinstance(body, dict) else getattr(request.state, "thread", None)
    return page_language(request.query_params, thread)


def install(app: FastAPI) -> None:
    @app.exception_handler(Refused)
    async def _refused(request: Request, error: Refused) -> JSONResponse:
        said = error.said_in(_request_language(request))
        return problem(status_of(error), said, error.field, retry_after=error.retry_after)

    @app.exception_handler(NotJson)
    async def _not_json(request: Request, error: NotJson) -> JSONResponse:
        return problem(415, "Send the comment as JSON (Content-Type: application/json).", "Content-Type")

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, error: RequestValidationError) -> JSONResponse:
        lang = _request_language(request, error.body)
        if any(item["type"] == "json_invalid" for item in error.errors()):
            return problem(400, Text("not-json").in_language(lang), "body")
        errors = [_describe(item, lang) for item in error.errors()]
        first = errors[0] if errors else {"field": "body", "message": "is not valid", "type": ""}
        detail = first["message"] if first["field"] in PERSON_FIELDS else _field_detail(first, lang)
        return problem(422, detail, first["field"], errors=errors)

    @app.exception_handler(HTTPException)
    async def _http(request: Request, error: HTTPException) -> JSONResponse:
        return problem(error.status_code, str(error.detail))

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, error: Exception) -> JSONResponse:
        log.exception("unexpected error on %s %s", request.method, request.url.path)
        return problem(500, Text("failed").in_language(_request_language(request)))


# The API's field checks, as the catalogue says them (`errors` keeps pydantic's English).
FIELD_TEXTS = {
    "missing": "field-required",
    "extra_forbidden": "field-unknown",
    "string_too_long": "field-too-long",
    "string_too_short": "field-empty",
}


def _field_detail(described: dict[str, str], lang: Language) -> str:
    """ "name: is required", in the page's language."""
    if "key" in described:  # a check of core/comment_input.py
        return f"{described['field']}: {Text(described['key']).in_language(lang)}"
    key = FIELD_TEXTS.get(described["type"], "field-invalid")
    extra = {"max_length": described.get("max_length", "")} if key == "field-too-long" else {}
    return Text(key, field=described["field"], **extra).in_language(lang)


# The fields a person fills in: their messages are plain sentences, without the field's name.
PERSON_FIELDS = ("name", "email", "text", "notify")


# The fields a person fills in: their messages are plain sentences, without the field's name.
PERSON_FIELDS = ("name", "email", "text", "notify")


def _describe(item: Any, lang: Language) -> dict[str, str]:
    location = [str(part) for part in item.get("loc", ()) if part not in ("body", "query", "header", "path")]
    field = location[0] if location else "body"
    kind = item.get("type", "")
    if field in PERSON_FIELDS and len(location) == 1:
        message = field_text(field, item).in_language(lang)
        return {"field": field, "message": message, "type": kind}
    messages = {
        "missing": "is required",
        "extra_forbidden": "is not an accepted field",
        "string_too_long": f"is too long (at most {item.get('ctx', {}).get('max_length')} characters)",
        "string_too_short": "cannot be empty",
        "string_type": "must be text",
        "int_type": "must be a whole number",
        "model_type": "the body must be a JSON object",
        "model_attributes_type": "the body must be a JSON object",
        "dict_type": "the body must be a JSON object",
    }
    message = messages.get(kind) or str(item.get("msg", "is not valid")).removeprefix("Value error, ")
    checked = message if kind == "value_error" and message in CATALOGUE else None
    message = str(Text(checked)) if checked else message
    if kind in ("model_type", "model_attributes_type", "dict_type") and not location:
        field = "body"
    described = {"field": field, "message": message, "type": kind, **({"key": checked} if checked else {})}
    if kind == "string_too_long":
        described["max_length"] = str(item.get("ctx", {}).get("max_length"))
    return described
