"""Every refusal answers the same way: a 4xx status and `{"detail", "field"}` in JSON.

The rules' refusals (core/errors.py) get their HTTP status here, and only here.
Malformed JSON, a body that is not an object, a wrong type, a missing or oversize
field: each names the field at fault. A refused request lists every field at fault
in `errors`, each with a message: for the fields a person fills in (name, email,
text, notify) a plain sentence from core/field_messages.py that the widget shows
beside the field; for the rest, what a developer needs. Nothing is stored on any refusal.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from ..core.errors import Reason, Refused
from ..core.field_messages import field_message

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


def install(app: FastAPI) -> None:
    @app.exception_handler(Refused)
    async def _refused(request: Request, error: Refused) -> JSONResponse:
        return problem(status_of(error), error.message, error.field, retry_after=error.retry_after)

    @app.exception_handler(NotJson)
    async def _not_json(request: Request, error: NotJson) -> JSONResponse:
        return problem(415, "Send the comment as JSON (Content-Type: application/json).", "Content-Type")

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, error: RequestValidationError) -> JSONResponse:
        errors = [_describe(item) for item in error.errors()]
        if any(item["type"] == "json_invalid" for item in error.errors()):
            return problem(400, "The request body is not valid JSON.", "body")
        first = errors[0] if errors else {"field": "body", "message": "is not valid"}
        detail = (
            first["message"] if first["field"] in PERSON_FIELDS else f"{first['field']}: {first['message']}"
        )
        return problem(422, detail, first["field"], errors=errors)

    @app.exception_handler(HTTPException)
    async def _http(request: Request, error: HTTPException) -> JSONResponse:
        return problem(error.status_code, str(error.detail))

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, error: Exception) -> JSONResponse:
        log.exception("unexpected error on %s %s", request.method, request.url.path)
        return problem(500, "Something went wrong on our side; your comment was not saved.")


# The fields a person fills in: their messages are plain sentences, without the field's name.
PERSON_FIELDS = ("name", "email", "text", "notify")


def _describe(item: Any) -> dict[str, str]:
    location = [str(part) for part in item.get("loc", ()) if part not in ("body", "query", "header", "path")]
    field = location[0] if location else "body"
    kind = item.get("type", "")
    if field in PERSON_FIELDS and len(location) == 1:
        return {
            "field": field,
            "message": field_message(field, kind, item.get("ctx"), item.get("input")),
            "type": kind,
        }
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
    if kind in ("model_type", "model_attributes_type", "dict_type") and not location:
        field = "body"
    return {"field": field, "message": message, "type": kind}
