"""/admin/feedback and /admin/feedback.csv: signed-in moderators only; counts, texts and the export."""

from __future__ import annotations

import csv
import io

import pytest

from tests.service.web.test_admin import set_password, sign_in
from tests.service.web.test_feedback import AS_JSON, send


@pytest.mark.parametrize("path", ["/admin/feedback", "/admin/feedback?page=/faq/", "/admin/feedback.csv"])
def test_feedback_pages_need_a_moderator_session(client, path):
    send(client, AS_JSON, text="Private text.")
    response = client.get(path)
    assert response.status_code == 401
    assert "Private text." not in response.text
    assert 'name="password"' in response.text


def test_the_overview_lists_pages_with_the_most_no_answers_first_and_the_texts(client):
    send(client, AS_JSON, page="/faq/", helpful="yes")
    send(client, AS_JSON, page="/blog/first/", helpful="no")
    send(client, AS_JSON, page="/blog/first/", helpful="no", text="Where are the <b>prices</b>?")
    set_password(client)
    sign_in(client)
    html = client.get("/admin/feedback").text
    assert html.index("First article") < html.index("Questions people ask")
    assert "Where are the &lt;b&gt;prices&lt;/b&gt;?" in html  # escaped, never markup
    assert 'href="/admin/feedback.csv"' in html
    assert "Texts, newest first (1)" in html


def test_a_page_view_counts_this_week_and_pages_its_texts(make_client):
    client = make_client(feedback_rate_per_minute=0, feedback_rate_per_hour=0)
    set_password(client)
    sign_in(client)
    for n in range(55):
        send(client, AS_JSON, page="/faq/", helpful="no", text=f"Text number {n}.")
    first = client.get("/admin/feedback", params={"page": "/faq/"}).text
    assert "Page feedback: Questions people ask" in first
    assert first.count('<tr><th scope="row"><time') == 12
    assert "<td>0</td><td>55</td></tr>" in first  # this week, the last row
    assert "Text number 54." in first
    assert "Text number 4." not in first
    assert "Page 1 of 2" in first
    second = client.get("/admin/feedback", params={"page": "/faq/", "p": 2}).text
    assert "Text number 4." in second
    assert "Text number 5." not in second


def test_the_csv_download_is_the_export_with_neutralised_cells(client):
    send(client, AS_JSON, page="/faq/", helpful="no", text="=1+1")
    send(client, AS_JSON, page="/blog/first/", helpful="yes")
    set_password(client)
    sign_in(client)
    response = client.get("/admin/feedback.csv")
    assert response.headers["content-type"].startswith("text/csv")
    assert "attachment" in response.headers["content-disposition"]
    assert response.headers["cache-control"] == "no-store"
    rows = list(csv.reader(io.StringIO(response.text)))
    assert rows[0] == ["page", "time_utc", "helpful", "text"]
    assert [(r[0], r[2], r[3]) for r in rows[1:]] == [("/faq/", "no", "'=1+1"), ("/blog/first/", "yes", "")]
    only = list(csv.reader(io.StringIO(client.get("/admin/feedback.csv", params={"page": "/faq/"}).text)))
    assert len(only) == 2


def test_the_moderation_queue_links_to_page_feedback(client):
    set_password(client)
    sign_in(client)
    assert 'href="/admin/feedback"' in client.get("/admin").text
