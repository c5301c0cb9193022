"""`/healthz`: what a load balancer asks, and the benchmark's trivial baseline."""

from django.db import connection
from django.test.utils import CaptureQueriesContext


def test_healthz_answers_ok_in_plain_text(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.content == b"ok"
    assert response["Content-Type"] == "text/plain; charset=utf-8"


def test_healthz_asks_the_database_nothing_and_sets_no_cookie(client, db):
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/healthz")

    assert len(queries) == 0
    assert not response.cookies


def test_healthz_is_never_cached(client):
    response = client.get("/healthz")

    assert "no-store" in response["Cache-Control"]


def test_healthz_answers_head_and_refuses_post(client):
    assert client.head("/healthz").status_code == 200
    assert client.post("/healthz").status_code == 405
