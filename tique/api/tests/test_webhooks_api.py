"""Webhook subscriptions through the API: an account administrator manages their
account's, a supervisor every account's (and sees all), members and agents are refused,
and another account's subscription does not exist for the caller."""

import pytest
from django.contrib.auth.models import Group

from tique.accounts.choices import Role
from tique.accounts.groups import SUPERVISORS
from tique.accounts.models import User
from tique.accounts.services import membership_add
from tique.webhooks import services
from tique.webhooks.choices import DeliveryState
from tique.webhooks.models import WebhookDelivery, WebhookSubscription

WEBHOOKS = "/api/v1/webhooks"
RECEIVER = "http://127.0.0.1:9/hooks/tique"
EVENTS = ["ticket.created", "ticket.solved"]


@pytest.fixture(autouse=True)
def _private_receivers_allowed(settings):
    """The receivers here are on 127.0.0.1; the guard's own tests say what happens
    without this."""
    settings.TIQUE_WEBHOOKS_ALLOW_PRIVATE = True


@pytest.fixture
def supervisor(agent) -> User:
    agent.groups.add(Group.objects.get(name=SUPERVISORS))
    return User.objects.get(pk=agent.pk)


def acme_hook(acme_admin) -> WebhookSubscription:
    return services.webhook_create(
        actor=acme_admin,
        account=acme_admin.memberships.get().account,
        url=RECEIVER,
        events=EVENTS,
    )


def test_an_account_admin_subscribes_and_is_shown_the_secret(acme_admin, api_for):
    client = api_for(acme_admin)

    response = client.post_json(
        WEBHOOKS,
        {"url": RECEIVER, "events": ["ticket.solved", "ticket.created"], "description": "CRM"},
    )

    assert response.status_code == 201, response.content
    body = response.json()
    subscription = WebhookSubscription.objects.get(pk=body["id"])
    assert body["secret"] == subscription.secret
    assert body["account"] == {"code": "C-10001", "name": "Acme Telefonía S.L."}
    assert body["events"] == ["ticket.created", "ticket.solved"]
    assert (body["url"], body["description"], body["is_active"]) == (RECEIVER, "CRM", True)
    assert subscription.created_by == acme_admin
    listed = client.get(WEBHOOKS).json()
    assert [item["id"] for item in listed["items"]] == [subscription.pk]
    detail = client.get(f"{WEBHOOKS}/{subscription.pk}").json()
    assert detail["secret"] == subscription.secret


def test_members_and_agents_may_not_use_webhooks(ana, agent, acme_admin, api_for):
    subscription = acme_hook(acme_admin)
    for user in (ana, agent):
        client = api_for(user)
        assert client.get(WEBHOOKS).status_code == 403
        assert client.post_json(WEBHOOKS, {"url": RECEIVER, "events": EVENTS}).status_code == 403
        assert client.get(f"{WEBHOOKS}/{subscription.pk}").status_code == 403
        assert client.delete(f"{WEBHOOKS}/{subscription.pk}").status_code == 403
    assert WebhookSubscription.objects.count() == 1


def test_another_accounts_subscription_is_not_found(acme_admin, beta_admin, api_for):
    subscription = acme_hook(acme_admin)
    client = api_for(beta_admin)
    path = f"{WEBHOOKS}/{subscription.pk}"

    assert client.get(WEBHOOKS).json()["items"] == []
    assert client.get(path).status_code == 404
    assert client.patch_json(path, {"is_active": False}).status_code == 404
    assert client.get(f"{path}/deliveries").status_code == 404
    assert client.post_json(f"{path}/rotate-secret").status_code == 404
    assert client.post_json(f"{path}/ping").status_code == 404
    assert client.delete(path).status_code == 404
    subscription.refresh_from_db()
    assert subscription.is_active


def test_a_supervisor_subscribes_to_every_account_and_sees_every_subscription(
    acme_admin, supervisor, api_for
):
    theirs = acme_hook(acme_admin)
    client = api_for(supervisor)

    response = client.post_json(WEBHOOKS, {"url": RECEIVER, "events": ["message.created"]})

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["account"] is None
    assert body["secret"]
    listed = {item["id"]: item for item in client.get(WEBHOOKS).json()["items"]}
    assert set(listed) == {body["id"], theirs.pk}
    assert listed[theirs.pk]["secret"] is None  # the account's, not theirs to read
    assert client.get(f"{WEBHOOKS}/{theirs.pk}/deliveries").status_code == 200
    assert client.patch_json(f"{WEBHOOKS}/{theirs.pk}", {"is_active": False}).status_code == 403
    # The account's administrator sees only their own.
    own = api_for(acme_admin).get(WEBHOOKS).json()["items"]
    assert [item["id"] for item in own] == [theirs.pk]


def test_a_supervisors_subscription_names_no_account(supervisor, api_for):
    response = api_for(supervisor).post_json(
        WEBHOOKS, {"url": RECEIVER, "events": EVENTS, "account": "C-10001"}
    )

    assert response.status_code == 422
    assert list(response.json()["fields"]) == ["account"]


def test_an_admin_of_several_accounts_says_which(acme_admin, beta, api_for):
    membership_add(account=beta, user=acme_admin, role=Role.ADMIN)
    client = api_for(acme_admin)

    unsaid = client.post_json(WEBHOOKS, {"url": RECEIVER, "events": EVENTS})
    foreign = client.post_json(WEBHOOKS, {"url": RECEIVER, "events": EVENTS, "account": "C-99999"})
    said = client.post_json(WEBHOOKS, {"url": RECEIVER, "events": EVENTS, "account": "c-10002"})

    assert (unsaid.status_code, list(unsaid.json()["fields"])) == (422, ["account"])
    assert (foreign.status_code, list(foreign.json()["fields"])) == (422, ["account"])
    assert said.status_code == 201
    assert said.json()["account"]["code"] == "C-10002"


@pytest.mark.parametrize(
    "url",
    [
        "http://169.254.169.254/latest/meta-data/",
        "file:///etc/passwd",
        "ftp://127.0.0.1/",
        "https://user:secret@127.0.0.1/",
    ],
)
def test_a_url_the_guard_refuses_is_a_422_on_url(acme_admin, api_for, settings, url):
    settings.TIQUE_WEBHOOKS_ALLOW_PRIVATE = False

    response = api_for(acme_admin).post_json(WEBHOOKS, {"url": url, "events": EVENTS})

    assert response.status_code == 422, response.content
    assert list(response.json()["fields"]) == ["url"]
    assert not WebhookSubscription.objects.exists()


def test_unknown_events_are_refused(acme_admin, api_for):
    client = api_for(acme_admin)

    unknown = client.post_json(WEBHOOKS, {"url": RECEIVER, "events": ["ticket.deleted"]})
    none = client.post_json(WEBHOOKS, {"url": RECEIVER, "events": []})

    assert unknown.status_code == 422
    assert list(unknown.json()["fields"]) == ["events.0"]
    assert none.status_code == 422
    assert list(none.json()["fields"]) == ["events"]


def test_changing_disabling_and_enabling_again(acme_admin, api_for, settings):
    subscription = acme_hook(acme_admin)
    WebhookSubscription.objects.filter(pk=subscription.pk).update(consecutive_failures=4)
    client = api_for(acme_admin)
    path = f"{WEBHOOKS}/{subscription.pk}"

    changed = client.patch_json(path, {"url": RECEIVER + "/v2", "events": ["ticket.updated"]})
    disabled = client.patch_json(path, {"is_active": False})
    enabled = client.patch_json(path, {"is_active": True})
    settings.TIQUE_WEBHOOKS_ALLOW_PRIVATE = False
    refused = client.patch_json(path, {"url": "http://10.0.0.1/"})

    assert changed.status_code == 200, changed.content
    assert (changed.json()["url"], changed.json()["events"]) == (
        RECEIVER + "/v2",
        ["ticket.updated"],
    )
    assert disabled.json()["is_active"] is False
    assert disabled.json()["disabled_reason"] == "manual"
    assert disabled.json()["disabled_at"] is not None
    assert enabled.json()["is_active"] is True
    assert (enabled.json()["consecutive_failures"], enabled.json()["disabled_at"]) == (0, None)
    assert (refused.status_code, list(refused.json()["fields"])) == (422, ["url"])


def test_rotating_the_secret_gives_a_new_one(acme_admin, api_for):
    subscription = acme_hook(acme_admin)

    response = api_for(acme_admin).post_json(f"{WEBHOOKS}/{subscription.pk}/rotate-secret")

    assert response.status_code == 200
    subscription_before = subscription.secret
    subscription.refresh_from_db()
    assert response.json()["secret"] == subscription.secret != subscription_before


def test_deleting_a_subscription_deletes_its_log(acme_admin, api_for):
    subscription = acme_hook(acme_admin)
    services.webhook_ping(subscription=subscription, actor=acme_admin)

    response = api_for(acme_admin).delete(f"{WEBHOOKS}/{subscription.pk}")

    assert response.status_code == 204
    assert not WebhookSubscription.objects.exists()
    assert not WebhookDelivery.objects.exists()


def test_a_ping_is_queued_and_the_log_pages_newest_first(acme_admin, api_for):
    subscription = acme_hook(acme_admin)
    client = api_for(acme_admin)
    path = f"{WEBHOOKS}/{subscription.pk}"

    pings = [client.post_json(f"{path}/ping") for _ in range(3)]
    first = client.get(f"{path}/deliveries", {"limit": 2}).json()
    rest = client.get(f"{path}/deliveries", {"limit": 2, "cursor": first["next_cursor"]}).json()

    assert [p.status_code for p in pings] == [202, 202, 202]
    assert pings[0].json()["event"] == "ping"
    assert pings[0].json()["state"] == DeliveryState.PENDING  # sent after the commit
    ids = [item["id"] for item in first["items"] + rest["items"]]
    assert ids == [p.json()["id"] for p in reversed(pings)]
    assert rest["next_cursor"] is None
    assert set(first["items"][0]) >= {
        "event",
        "state",
        "attempts",
        "last_status_code",
        "last_error",
        "created_at",
        "delivered_at",
    }


def test_a_disabled_subscription_is_not_pinged(acme_admin, api_for):
    subscription = acme_hook(acme_admin)
    client = api_for(acme_admin)
    client.patch_json(f"{WEBHOOKS}/{subscription.pk}", {"is_active": False})

    response = client.post_json(f"{WEBHOOKS}/{subscription.pk}/ping")

    assert response.status_code == 409
    assert not WebhookDelivery.objects.exists()


def test_a_read_only_token_only_reads(acme_admin, api_for):
    subscription = acme_hook(acme_admin)
    client = api_for(acme_admin, read_only=True)

    assert client.get(f"{WEBHOOKS}/{subscription.pk}").status_code == 200
    assert client.post_json(f"{WEBHOOKS}/{subscription.pk}/rotate-secret").status_code == 403
