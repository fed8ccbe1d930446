"""Blocks and trust: a moderator's word on a client, an email address or an author.

A block refuses a client (the HMAC the rate limits count it by: an IPv4 address or
its IPv6 network, see clients.py) or an email address (an HMAC of it, so the block
list holds no address) until it expires; posting says only that the comment could
not be posted. Trust is per author, known by the hash of their browser's edit token
(as first-time mode knows them): trusted authors' comments skip the queue, and an
author a moderator stopped trusting waits again, even in first-time mode. Trust
lasts as long as the author's edit token (author_token_days).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import and_, bindparam, or_, select
from sqlalchemy.orm import Session

from . import audit
from .errors import NotAllowed, Reason, Refused
from .messages import Text
from .models import AuthorTrust, Block, Comment
from .times import as_utc, utcnow
from .tokens import Signer

CLIENT, EMAIL = "client", "email"
# The same words whatever was blocked: a blocked poster learns nothing to work around.
BLOCKED_MESSAGE = Text("blocked")


def email_key(signer: Signer, email: str) -> str:
    return signer.email_key(email)


# Built once: every post asks, and building the statement cost more than running it.
_BLOCKED = (
    select(Block.id)
    .where(
        or_(
            and_(Block.kind == CLIENT, Block.value_hash == bindparam("client")),
            and_(Block.kind == EMAIL, Block.value_hash == bindparam("email")),
        ),
        Block.expires_at > bindparam("now"),
    )
    .limit(1)
)


def check_not_blocked(session: Session, client: str | None, email_hash: str | None) -> None:
    """Refused (with the neutral message) when the client or the email is blocked now."""
    if client is None and email_hash is None:
        return
    values = {"client": client, "email": email_hash, "now": utcnow()}
    if session.connection().execute(_BLOCKED, values).first() is not None:
        raise Refused(Reason.FORBIDDEN, "text", BLOCKED_MESSAGE)


def block_from(session: Session, signer: Signer, comment: Comment, kind: str, days: int, actor: str) -> Block:
    """Block the client or the email of `comment` for `days`; an existing block is extended or shortened."""
    if kind == CLIENT and comment.client_key:
        value, label = comment.client_key, f"the client that posted comment #{comment.id}"
    elif kind == EMAIL and comment.email:
        value, label = email_key(signer, comment.email), f"the email of comment #{comment.id}"
    else:
        raise NotAllowed(f"comment #{comment.id} has no {kind} to block")
    if not 1 <= days <= 3650:
        raise NotAllowed("a block lasts from 1 to 3650 days")
    block = session.scalar(select(Block).where(Block.kind == kind, Block.value_hash == value))
    if block is None:
        block = Block(kind=kind, value_hash=value, created_at=utcnow())
        session.add(block)
    block.label, block.created_by = label, actor[:80]
    block.expires_at = utcnow() + dt.timedelta(days=days)
    audit.record(session, actor, f"block {kind}", comment.id, f"for {days} days")
    return block


def unblock(session: Session, block_id: int, actor: str) -> None:
    block = session.get(Block, block_id)
    if block is None:
        raise NotAllowed("there is no such block")
    session.delete(block)
    audit.record(session, actor, f"unblock {block.kind}", None, block.label)


def active_blocks(session: Session) -> list[Block]:
    return list(session.scalars(select(Block).where(Block.expires_at > utcnow()).order_by(Block.expires_at)))


def blocks_of(session: Session, signer: Signer, comment: Comment) -> dict[str, Block]:
    """The active blocks that apply to this comment's client and email, by kind."""
    keys = {CLIENT: comment.client_key, EMAIL: email_key(signer, comment.email) if comment.email else None}
    found = {}
    for kind, value in keys.items():
        block = (
            session.scalar(select(Block).where(Block.kind == kind, Block.value_hash == value))
            if value
            else None
        )
        if block is not None and as_utc(block.expires_at) > utcnow():
            found[kind] = block
    return found


def standing(session: Session, token_hash: str | None) -> bool | None:
    """A moderator's word on this author: True trusted, False not, None no word (the mode decides)."""
    if token_hash is None:
        return None
    return session.scalar(select(AuthorTrust.trusted).where(AuthorTrust.author_token_hash == token_hash))


def set_trust(session: Session, comment: Comment, trusted: bool, actor: str) -> None:
    """Trust (or stop trusting) the author of `comment`."""
    if not comment.author_token_hash:
        raise NotAllowed(f"the author of comment #{comment.id} cannot be recognised any more")
    row = session.get(AuthorTrust, comment.author_token_hash)
    if row is None:
        row = AuthorTrust(author_token_hash=comment.author_token_hash)
        session.add(row)
    row.trusted, row.label = trusted, f"{comment.name or 'someone'} (comment #{comment.id})"
    row.updated_by, row.updated_at = actor[:80], utcnow()
    audit.record(session, actor, "trust author" if trusted else "stop trusting author", comment.id)


def forget_trust(session: Session, token_hash: str, actor: str) -> None:
    """Drop a moderator's word on an author: the moderation mode decides again."""
    row = session.get(AuthorTrust, token_hash)
    if row is None:
        raise NotAllowed("there is no such author")
    session.delete(row)
    audit.record(session, actor, "forget author", None, row.label)


def trust_list(session: Session) -> list[AuthorTrust]:
    return list(session.scalars(select(AuthorTrust).order_by(AuthorTrust.updated_at.desc())))
