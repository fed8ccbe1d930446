"""The comment rules and their data: states, moderation, posting, the spam guard, rendering.

Nothing here knows about HTTP or about how the service is deployed: no FastAPI or
Starlette import, nothing from `infra` or `web` (tests/service/test_layers.py fails
otherwise). What the rules need from outside (settings, transactions, the list of
pages that accept comments) they describe as Protocols that `infra` provides.
"""
