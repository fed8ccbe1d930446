from tests.service.helpers import post


def test_posted_comment_waits_for_moderation_by_default(client):
    response = post(client)
    assert response.status_code == 202
    assert response.json()["status"] == "pending"
