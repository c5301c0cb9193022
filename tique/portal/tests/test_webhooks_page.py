"""An account administrator manages the account's webhooks in the panel: adds one and is
shown its secret, changes, disables, enables, pings, replaces the secret and deletes it,
and reads its delivery log. Members are refused (403), another account's subscription
does not exist (404), and the SSRF guard's refusal lands on the address field."""

import datetime as dt
import re
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from conftest import signed_in
from tique.accounts.models import User
from tique.webhooks import services
from tique.webhooks.choices import DeliveryState, DisabledReason
from tique.webhooks.models import WebhookDelivery, WebhookSubscription

WEBHOOKS = reverse("portal:webhooks")
PROFILE = reverse("portal:profile")
# A public address written as such: the guard needs no DNS lookup to accept it, and
# nothing is sent in these tests (deliveries are queued after a commit that never comes).
RECEIVER = "https://1.1.1.1/hooks/tique"
OTHER_RECEIVER = "https://1.0.0.1/crm/events"
METADATA = "http://169.254.169.254/latest/meta-data/"
NEW_SECRET = re.compile(r'<code id="new-webhook-secret"[^>]*>([^<]+)</code>')


@pytest.fixture(autouse=True)
def _guard_on(settings):
    """The SSRF guard as it is in production: private addresses refused."""
    settings.TIQUE_WEBHOOKS_ALLOW_PRIVATE = False


def url_of(name: str, subscription: WebhookSubscription) -> str:
    return reverse(f"portal:{name}", kwargs={"webhook_id": subscription.pk})


def acme_hook(acme_admin: User, **extra) -> WebhookSubscription:
    return services.webhook_create(
        actor=acme_admin,
        account=acme_admin.memberships.get().account,
        url=extra.pop("url", RECEIVER),
        events=extra.pop("events", ["ticket.created", "ticket.solved"]),
        **extra,
    )


def add_deliveries(subscription: WebhookSubscription, count: int) -> list[WebhookDelivery]:
    """`count` deliveries, a minute apart, the newest first in the returned list."""
    now = timezone.now()
    rows = [
        WebhookDelivery(
            subscription=subscription,
            event="ticket.created",
            payload={"n": i},
            state=DeliveryState.FAILED if i % 2 else DeliveryState.DELIVERED,
            attempts=1 + i % 3,
            last_status_code=500 if i % 2 else 200,
            last_error="HTTP 500" if i % 2 else "",
            created_at=now - dt.timedelta(minutes=i),
            last_attempt_at=now - dt.timedelta(minutes=i),
        )
        for i in range(count)
    ]
    WebhookDelivery.objects.bulk_create(rows)
    return list(
        WebhookDelivery.objects.filter(subscription=subscription).order_by("-created_at", "-id")
    )


def test_the_profile_links_to_the_webhooks_for_administrators_only(acme_admin, ana):
    assert WEBHOOKS in signed_in(acme_admin).get(PROFILE).content.decode()
    assert WEBHOOKS not in signed_in(ana).get(PROFILE).content.decode()


def test_an_admin_adds_a_webhook_and_is_shown_its_secret(acme_admin):
    client = signed_in(acme_admin)
    empty = client.get(WEBHOOKS)
    assert empty.status_code == 200
    assert "This account has no webhooks yet." in empty.content.decode()

    response = client.post(
        WEBHOOKS,
        {"url": RECEIVER, "events": ["ticket.solved", "message.created"], "description": "CRM"},
    )

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    subscription = WebhookSubscription.objects.get()
    page = response.content.decode()
    found = NEW_SECRET.search(page)
    assert found and found.group(1) == subscription.secret
    assert subscription.account == acme_admin.memberships.get().account
    assert subscription.created_by == acme_admin
    assert (subscription.url, subscription.description) == (RECEIVER, "CRM")
    assert subscription.events == ["message.created", "ticket.solved"]
    assert subscription.is_active
    assert url_of("webhook-detail", subscription) in page
    # The form is empty again, ready for another one.
    assert f'value="{RECEIVER}"' not in page

    # The list afterwards does not show it; the subscription's page does, on request.
    later = client.get(WEBHOOKS).content.decode()
    assert subscription.secret not in later
    assert RECEIVER in later and "CRM" in later
    detail = client.get(url_of("webhook-detail", subscription))
    assert detail.status_code == 200
    assert "no-store" in detail["Cache-Control"]
    assert re.search(
        r"<details[^>]*>\s*<summary>Show the secret</summary>\s*<p><code id=\"webhook-secret\""
        rf"[^>]*>{subscription.secret}</code>",
        detail.content.decode(),
    )


def test_the_list_shows_state_failures_and_last_delivery(acme_admin):
    healthy = acme_hook(acme_admin, description="Chat")
    broken = acme_hook(acme_admin, url=OTHER_RECEIVER, events=["ticket.updated"])
    add_deliveries(healthy, 2)  # the newest delivered (200)
    WebhookDelivery.objects.bulk_create(
        [
            WebhookDelivery(
                subscription=broken,
                event="ticket.updated",
                payload={},
                state=DeliveryState.FAILED,
                attempts=8,
                last_status_code=503,
            )
        ]
    )
    WebhookSubscription.objects.filter(pk=broken.pk).update(
        is_active=False,
        consecutive_failures=10,
        disabled_at=timezone.now(),
        disabled_reason=DisabledReason.FAILURES,
    )

    response = signed_in(acme_admin).get(WEBHOOKS)

    rows = {row.subscription.pk: row for row in response.context["rows"]}
    assert list(rows) == [broken.pk, healthy.pk]  # newest first
    assert (rows[healthy.pk].last_state, rows[broken.pk].last_state) == ("delivered", "failed")
    page = response.content.decode()
    assert ">Active</span>" in page and ">Disabled</span>" in page
    assert "Disabled after repeated failed deliveries" in page
    assert "HTTP 503" in page and "HTTP 200" in page
    assert ">Ticket updated</li>" in page and ">Ticket solved</li>" in page
    assert '<td data-label="Failed in a row" class="num">10</td>' in page


def test_the_list_costs_the_same_queries_for_one_or_many_webhooks(acme_admin):
    client = signed_in(acme_admin)
    add_deliveries(acme_hook(acme_admin), 3)
    client.get(WEBHOOKS)  # warm the session
    with CaptureQueriesContext(connection) as one:
        client.get(WEBHOOKS)
    for n in range(4):
        add_deliveries(acme_hook(acme_admin, url=f"https://1.1.1.{n + 2}/h"), 3)
    with CaptureQueriesContext(connection) as five:
        response = client.get(WEBHOOKS)
    assert len(response.context["rows"]) == 5
    assert len(five) == len(one)


def test_an_address_the_guard_refuses_shows_the_error_and_keeps_the_values(acme_admin):
    response = signed_in(acme_admin).post(
        WEBHOOKS,
        {"url": METADATA, "events": ["ticket.created", "ticket.solved"], "description": "Cloud"},
    )

    assert response.status_code == 400
    errors = response.context["form"].errors
    assert list(errors) == ["url"]
    assert "private network" in errors["url"][0]
    page = response.content.decode()
    assert f'value="{METADATA}"' in page
    assert 'value="Cloud"' in page
    ticked = re.findall(r'<input type="checkbox" name="events" value="([^"]+)"[^>]*checked', page)
    assert sorted(ticked) == ["ticket.created", "ticket.solved"]
    assert 'aria-invalid="true"' in page
    assert 'aria-describedby="id_url_help id_url_errors"' in page
    assert 'id="id_url_errors"' in page
    assert "new-webhook-secret" not in page
    assert not WebhookSubscription.objects.exists()


def test_no_event_ticked_is_refused_on_the_events_field(acme_admin):
    response = signed_in(acme_admin).post(WEBHOOKS, {"url": RECEIVER, "description": "CRM"})

    assert response.status_code == 400
    assert response.context["form"].errors == {"events": ["Choose at least one event."]}
    page = response.content.decode()
    assert f'value="{RECEIVER}"' in page
    assert 'aria-describedby="id_events_errors"' in page
    assert not WebhookSubscription.objects.exists()


def test_an_admin_changes_the_address_events_and_description(acme_admin):
    subscription = acme_hook(acme_admin, description="Old")
    client = signed_in(acme_admin)
    form = client.get(url_of("webhook-detail", subscription)).context["form"]
    assert form.initial["url"] == RECEIVER

    response = client.post(
        url_of("webhook-detail", subscription),
        {"url": OTHER_RECEIVER, "events": ["ticket.updated"], "description": "New"},
    )

    assert response.status_code == 302
    assert response["Location"] == url_of("webhook-detail", subscription)
    subscription.refresh_from_db()
    assert (subscription.url, subscription.events, subscription.description) == (
        OTHER_RECEIVER,
        ["ticket.updated"],
        "New",
    )
    assert "changes were saved" in client.get(response["Location"]).content.decode()


def test_a_refused_change_keeps_the_typed_values_and_changes_nothing(acme_admin):
    subscription = acme_hook(acme_admin)
    response = signed_in(acme_admin).post(
        url_of("webhook-detail", subscription),
        {"url": "http://10.0.0.5/hook", "events": ["ticket.updated"], "description": "x"},
    )
    assert response.status_code == 400
    assert list(response.context["form"].errors) == ["url"]
    assert 'value="http://10.0.0.5/hook"' in response.content.decode()
    subscription.refresh_from_db()
    assert (subscription.url, subscription.events) == (
        RECEIVER,
        ["ticket.created", "ticket.solved"],
    )


def test_an_admin_disables_and_enables_a_webhook_again(acme_admin):
    subscription = acme_hook(acme_admin)
    waiting = services.webhook_ping(subscription=subscription, actor=acme_admin)
    WebhookSubscription.objects.filter(pk=subscription.pk).update(consecutive_failures=4)
    client = signed_in(acme_admin)

    response = client.post(url_of("webhook-state", subscription), {"active": "false"})

    assert response.status_code == 302
    subscription.refresh_from_db()
    assert not subscription.is_active
    assert subscription.disabled_reason == DisabledReason.MANUAL
    waiting.refresh_from_db()
    assert waiting.state == DeliveryState.FAILED  # not sent while disabled
    page = client.get(response["Location"]).content.decode()
    assert "The webhook is disabled" in page
    assert "Disabled by hand" in page
    assert "Send a test ping" not in page

    # A ping is refused while it is disabled.
    refused = client.post(url_of("webhook-ping", subscription), follow=True)
    assert "This subscription is disabled: enable it first." in refused.content.decode()
    assert subscription.deliveries.count() == 1

    response = client.post(url_of("webhook-state", subscription), {"active": "true"})

    assert response.status_code == 302
    subscription.refresh_from_db()
    assert subscription.is_active
    assert (subscription.consecutive_failures, subscription.disabled_at) == (0, None)
    assert subscription.disabled_reason == DisabledReason.NONE
    assert "enabled again" in client.get(response["Location"]).content.decode()


def test_an_unknown_state_is_a_bad_request(acme_admin):
    subscription = acme_hook(acme_admin)
    response = signed_in(acme_admin).post(url_of("webhook-state", subscription), {"active": "x"})
    assert response.status_code == 400
    subscription.refresh_from_db()
    assert subscription.is_active


def test_an_admin_sends_a_test_ping_and_sees_it_in_the_log(acme_admin):
    subscription = acme_hook(acme_admin)
    client = signed_in(acme_admin)

    response = client.post(url_of("webhook-ping", subscription), follow=True)

    delivery = subscription.deliveries.get()
    assert (delivery.event, delivery.state) == ("ping", DeliveryState.PENDING)
    assert delivery.payload["data"]["subscription"] == subscription.pk
    page = response.content.decode()
    assert "A test ping is on its way" in page
    assert response.context["deliveries"] == [delivery]
    assert ">Pending</span>" in page and "<code>ping</code>" in page


def test_an_admin_replaces_the_secret_after_confirming(acme_admin):
    subscription = acme_hook(acme_admin)
    old = subscription.secret
    client = signed_in(acme_admin)

    confirm = client.get(url_of("webhook-rotate-secret", subscription))
    assert confirm.status_code == 200
    assert "Replace the webhook's secret?" in confirm.content.decode()
    subscription.refresh_from_db()
    assert subscription.secret == old  # asking is not replacing

    response = client.post(url_of("webhook-rotate-secret", subscription))

    assert response.status_code == 302
    assert response["Location"] == url_of("webhook-detail", subscription)
    subscription.refresh_from_db()
    assert subscription.secret != old
    page = client.get(response["Location"]).content.decode()
    assert "The secret was replaced" in page
    assert subscription.secret in page and old not in page


def test_an_admin_deletes_a_webhook_after_confirming(acme_admin):
    subscription = acme_hook(acme_admin)
    add_deliveries(subscription, 2)
    client = signed_in(acme_admin)

    confirm = client.get(url_of("webhook-delete", subscription))
    assert confirm.status_code == 200
    assert "Delete this webhook?" in confirm.content.decode()
    assert WebhookSubscription.objects.filter(pk=subscription.pk).exists()

    response = client.post(url_of("webhook-delete", subscription))

    assert response.status_code == 302
    assert response["Location"] == WEBHOOKS
    assert not WebhookSubscription.objects.exists()
    assert not WebhookDelivery.objects.exists()
    page = client.get(WEBHOOKS).content.decode()
    assert f"The webhook to {RECEIVER} was deleted" in page


def every_url(subscription: WebhookSubscription) -> list[tuple[str, str, dict[str, Any]]]:
    change: dict[str, Any] = {
        "url": OTHER_RECEIVER,
        "events": ["ticket.updated"],
        "description": "x",
    }
    return [
        ("get", url_of("webhook-detail", subscription), {}),
        ("post", url_of("webhook-detail", subscription), change),
        ("post", url_of("webhook-state", subscription), {"active": "false"}),
        ("post", url_of("webhook-ping", subscription), {}),
        ("get", url_of("webhook-rotate-secret", subscription), {}),
        ("post", url_of("webhook-rotate-secret", subscription), {}),
        ("get", url_of("webhook-delete", subscription), {}),
        ("post", url_of("webhook-delete", subscription), {}),
    ]


def assert_unchanged(subscription: WebhookSubscription) -> None:
    before = (subscription.url, subscription.secret, subscription.is_active)
    subscription.refresh_from_db()
    assert (subscription.url, subscription.secret, subscription.is_active) == before
    assert not subscription.deliveries.exists()


def test_a_member_is_refused_every_webhook_page(ana, acme_admin):
    subscription = acme_hook(acme_admin)
    client = signed_in(ana)
    listed = client.get(WEBHOOKS)
    assert listed.status_code == 403
    assert "Only the administrators of Acme" in listed.content.decode()
    assert RECEIVER not in listed.content.decode()
    assert client.post(WEBHOOKS, {"url": RECEIVER, "events": ["ticket.created"]}).status_code == (
        403
    )
    for method, url, data in every_url(subscription):
        response = getattr(client, method)(url, data)
        assert response.status_code == 403, (method, url)
        assert subscription.secret not in response.content.decode()
    assert WebhookSubscription.objects.count() == 1
    assert_unchanged(subscription)


def test_another_accounts_admin_does_not_find_the_subscription(beta_admin, acme_admin):
    subscription = acme_hook(acme_admin)
    client = signed_in(beta_admin)
    assert client.get(WEBHOOKS).status_code == 200
    assert RECEIVER not in client.get(WEBHOOKS).content.decode()
    for method, url, data in every_url(subscription):
        assert getattr(client, method)(url, data).status_code == 404, (method, url)
    assert_unchanged(subscription)


def test_staff_and_signed_out_visitors_do_not_reach_the_pages(agent, acme_admin, client):
    subscription = acme_hook(acme_admin)
    staff = signed_in(agent)
    assert staff.get(WEBHOOKS).status_code == 403
    assert staff.get(url_of("webhook-detail", subscription)).status_code == 403
    response = client.get(url_of("webhook-detail", subscription))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_writes_need_a_post_with_the_csrf_token(acme_admin):
    subscription = acme_hook(acme_admin)
    client = signed_in(acme_admin)
    assert client.get(url_of("webhook-state", subscription)).status_code == 405
    assert client.get(url_of("webhook-ping", subscription)).status_code == 405
    assert client.put(url_of("webhook-delete", subscription)).status_code == 405
    strict = Client(enforce_csrf_checks=True, HTTP_ACCEPT_LANGUAGE="en")
    strict.force_login(acme_admin)
    assert strict.post(url_of("webhook-delete", subscription)).status_code == 403
    assert strict.post(url_of("webhook-state", subscription), {"active": "false"}).status_code == (
        403
    )
    assert strict.post(WEBHOOKS, {"url": RECEIVER, "events": ["ticket.created"]}).status_code == (
        403
    )
    assert WebhookSubscription.objects.count() == 1
    assert_unchanged(subscription)


def detail_queries(client: Client, url: str) -> tuple[int, list[WebhookDelivery]]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries), response.context["deliveries"]


def test_the_delivery_log_costs_the_same_queries_for_3_or_30_deliveries(acme_admin):
    few = acme_hook(acme_admin)
    many = acme_hook(acme_admin, url=OTHER_RECEIVER)
    add_deliveries(few, 3)
    newest_first = add_deliveries(many, 30)
    client = signed_in(acme_admin)
    client.get(WEBHOOKS)  # warm the session

    count_few, shown_few = detail_queries(client, url_of("webhook-detail", few))
    count_many, shown_many = detail_queries(client, url_of("webhook-detail", many))

    assert len(shown_few) == 3
    assert shown_many == newest_first[:25]
    assert count_many == count_few
    # The "older" link leads to the last 5, for the same number of queries.
    page = client.get(url_of("webhook-detail", many)).content.decode()
    older = re.search(r'href="(\?older=[^"#]+)#deliveries"[^>]*>Older deliveries', page)
    assert older
    count_older, shown_older = detail_queries(
        client, url_of("webhook-detail", many) + older.group(1)
    )
    assert shown_older == newest_first[25:]
    assert count_older == count_few
    last_page = client.get(url_of("webhook-detail", many) + older.group(1)).content.decode()
    assert "Older deliveries" not in last_page
    assert "Newest deliveries" in last_page


def test_a_forged_log_position_shows_the_newest_deliveries(acme_admin):
    subscription = acme_hook(acme_admin)
    newest_first = add_deliveries(subscription, 3)
    client = signed_in(acme_admin)
    for junk in ("nonsense", "99999999999999999-1", "１２-3", "-1-2"):
        response = client.get(url_of("webhook-detail", subscription), {"older": junk})
        assert response.status_code == 200, junk
        assert response.context["deliveries"] == newest_first, junk


def test_the_log_shows_each_deliverys_outcome(acme_admin):
    subscription = acme_hook(acme_admin)
    WebhookDelivery.objects.bulk_create(
        [
            WebhookDelivery(
                subscription=subscription,
                event="ticket.solved",
                payload={},
                state=DeliveryState.FAILED,
                attempts=8,
                last_status_code=502,
                last_error="The receiver answered 502 Bad Gateway.",
                response_excerpt="<h1>Bad gateway</h1>",
                last_attempt_at=timezone.now(),
            )
        ]
    )
    page = signed_in(acme_admin).get(url_of("webhook-detail", subscription)).content.decode()
    assert "Ticket solved" in page and "<code>ticket.solved</code>" in page
    assert ">Failed</span>" in page
    assert '<td data-label="Attempts" class="num">8</td>' in page
    assert "HTTP 502" in page
    assert "The receiver answered 502 Bad Gateway." in page
    assert "&lt;h1&gt;Bad gateway&lt;/h1&gt;" in page  # escaped
