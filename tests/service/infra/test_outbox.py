"""The outbox's rounds within one instance: one at a time, so a round's return means 'tried'."""

from __future__ import annotations

import threading

from comments_service.core.models import OutboxMessage
from comments_service.infra.outbox import run_once
from tests.service.mailbox import Inbox

MESSAGE = "To: reader@example.org\nFrom: site@example.org\nSubject: Hello\n\nA confirmation.\n"


def test_a_round_started_while_another_sends_returns_only_once_that_one_is_done(make_client, smtp):
    inbox: Inbox
    inbox, port = smtp
    client = make_client(
        smtp_host="127.0.0.1", smtp_port=port, smtp_starttls=False, public_url="https://x.example"
    )
    state = client.app.state
    with state.database.write() as session:
        session.add(OutboxMessage(recipient_key="k", message=MESSAGE))
    inbox.open.clear()  # the first round will hang in DATA with the message claimed
    first = threading.Thread(target=run_once, args=(state.database, state.settings, state.signer))
    first.start()
    assert inbox.arriving.wait(timeout=10)
    second = threading.Thread(target=run_once, args=(state.database, state.settings, state.signer))
    second.start()
    second.join(timeout=0.5)
    # A post's round (the second) must not report 'done' while the message is still on its way.
    assert second.is_alive()
    inbox.open.set()
    first.join(timeout=10)
    second.join(timeout=10)
    assert not second.is_alive()
    assert len(inbox.messages) == 1
