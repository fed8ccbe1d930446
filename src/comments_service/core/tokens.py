"""Signed tokens and keyed fingerprints: what the service hands out and can check later.

Every token is signed with the service's secret (itsdangerous), so the service can
tell its own tokens from forged ones without storing them; what it does store is
only a hash (author tokens, moderator sessions) or a keyed HMAC (client addresses).
Where the secret comes from is infra/secret_key.py's concern.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from dataclasses import dataclass

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer


def sha256(value: str) -> str:
    return hashlib.sha256(value.encode("utf-8")).hexdigest()


def new_secret_token() -> str:
    return secrets.token_urlsafe(32)


def thread_digest(thread: str) -> str:
    """A short stand-in for a thread key inside a form token (keys may be 200 characters)."""
    return hashlib.blake2b(thread.encode("utf-8", "surrogatepass"), digest_size=9).hexdigest()


class InvalidToken(Exception):
    """A token that is forged, tampered with, expired or meant for something else."""


class ExpiredToken(InvalidToken):
    """A token we signed, now too old."""


@dataclass(frozen=True)
class Signer:
    """Signs and checks the service's tokens; one salt per purpose, so they never mix."""

    secret: str

    def __post_init__(self) -> None:
        # An empty secret would make every token and link forgeable: never run with one.
        if not self.secret.strip():
            raise ValueError("the secret key is empty; set COMMENTS_SECRET_KEY")

    def _serializer(self, purpose: str) -> URLSafeTimedSerializer:
        return URLSafeTimedSerializer(self.secret, salt=f"comments.{purpose}")

    def sign(self, purpose: str, value: object) -> str:
        return str(self._serializer(purpose).dumps(value))

    def unsign(self, purpose: str, token: str, max_age: int | None = None) -> object:
        """The signed value; raises InvalidToken when forged, tampered with or too old."""
        try:
            return self._serializer(purpose).loads(token, max_age=max_age)
        except SignatureExpired as error:
            raise ExpiredToken("has expired") from error
        except BadSignature as error:
            raise InvalidToken("is not valid") from error

    def client_key(self, address: str) -> str:
        """A keyed, one-way fingerprint of a client address: the raw address is never stored."""
        return hmac.new(self.secret.encode(), address.encode(), hashlib.sha256).hexdigest()

    # -- Author tokens: let a browser edit its own comments for a short while ----------
    def new_author_token(self) -> str:
        return self.sign("author", secrets.token_urlsafe(18))

    def author_token_hash(self, token: str | None, max_age: int) -> str | None:
        """The stored form of a token we issued less than `max_age` seconds ago; None for anything else."""
        if not token or len(token) > 200:
            return None
        try:
            self.unsign("author", token, max_age)
        except InvalidToken:
            return None
        return sha256(token)

    # -- Form tokens: when the comment form was shown, and for which page ----------------
    def new_form_token(self, thread: str) -> str:
        return self.sign("form", [round(time.time(), 3), thread_digest(thread)])

    def read_form_token(self, token: str, max_age: int) -> tuple[float, str]:
        """When the form was shown and its thread's digest; InvalidToken when forged or too old."""
        try:
            data = self.unsign("form", token, max_age)
        except InvalidToken as error:
            raise type(error)(f"the form {error}") from error
        if not (isinstance(data, list) and len(data) == 2 and isinstance(data[1], str)):
            raise InvalidToken("the form is not valid")
        shown, thread = data
        if not isinstance(shown, int | float) or isinstance(shown, bool):
            raise InvalidToken("the form is not valid")
        return float(shown), thread

    # -- Moderation links in emails: one comment, one action, limited life ---------------
    def moderation_token(self, comment_id: int, action: str) -> str:
        return self.sign("moderate", {"c": comment_id, "a": action})

    def check_moderation_token(self, token: str, comment_id: int, action: str, max_age: int) -> None:
        try:
            data = self.unsign("moderate", token, max_age)
        except InvalidToken as error:
            raise InvalidToken(f"this link {error}") from error
        if not isinstance(data, dict) or data.get("c") != comment_id or data.get("a") != action:
            raise InvalidToken("this link is for another comment or action")

    # -- Commenter emails: one address, one purpose each ---------------------------------
    def email_key(self, address: str) -> str:
        """A keyed fingerprint of an email address, the same for any capitalisation of it."""
        return self.client_key("email:" + address.strip().casefold())

    def email_token(self, purpose: str, key: str) -> str:
        """A link token for the address with this `email_key`: confirm, unsubscribe or my-data."""
        return self.sign(purpose, key)

    def read_email_token(self, purpose: str, token: str, max_age: int | None) -> str:
        """The `email_key` a link token was made for; InvalidToken when forged, expired or another's."""
        if not token or len(token) > 500:
            raise InvalidToken("is not valid")
        key = self.unsign(purpose, token, max_age)
        if not isinstance(key, str) or len(key) != 64:
            raise InvalidToken("is not valid")
        return key
