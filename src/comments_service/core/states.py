"""The states a comment can be in, and the moderation modes that decide its first one."""

from __future__ import annotations

from enum import StrEnum


class State(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"
    DELETED = "deleted"  # a placeholder kept so replies keep their place


class ModerationMode(StrEnum):
    ALL = "all"  # every comment waits for a moderator
    FIRST_TIME = "first-time"  # a commenter with an approved comment goes straight through
    NONE = "none"  # comments appear at once
