"""Supervisors look into subscriptions and deliveries in the configuration site, enable
a disabled subscription again and send failed deliveries again."""

from django.contrib.auth.models import Group

from conftest import signed_in
from tique.accounts.groups import SUPERVISORS
from tique.webhooks import services
from tique.webhooks.choices import DeliveryState, DisabledReason
from tique.webhooks.models import WebhookDelivery, WebhookSubscription
from tique.webhooks.tests.conftest import subscribe


def test_the_supervisors_group_may_look_after_webhooks(db):
    codenames = set(
        Group.objects.get(name=SUPERVISORS).permissions.values_list("codename", flat=True)
    )
    for model in ["webhooksubscription", "webhookdelivery"]:
        assert {f"{action}_{model}" for action in ["add", "change", "delete", "view"]} <= codenames


def test_a_supervisor_enables_a_disabled_subscription_again(acme_admin, supervisor, receiver):
    subscription = subscribe(acme_admin, receiver.url)
    WebhookSubscription.objects.filter(pk=subscription.pk).update(
        is_active=False, consecutive_failures=10, disabled_reason=DisabledReason.FAILURES
    )
    client = signed_in(supervisor)

    listed = client.get("/admin/webhooks/webhooksubscription/")
    response = client.post(
        "/admin/webhooks/webhooksubscription/",
        {"action": "enable_action", "_selected_action": [subscription.pk]},
    )

    assert listed.status_code == 200
    assert receiver.url in listed.content.decode()
    assert subscription.secret not in listed.content.decode()
    assert response.status_code == 302
    subscription.refresh_from_db()
    assert (subscription.is_active, subscription.consecutive_failures) == (True, 0)
    assert (subscription.disabled_at, subscription.disabled_reason) == (None, "")


def test_a_supervisor_sends_a_failed_delivery_again(acme_admin, supervisor, receiver):
    subscription = subscribe(acme_admin, receiver.url)
    failed = services.webhook_ping(subscription=subscription, actor=acme_admin)
    WebhookDelivery.objects.filter(pk=failed.pk).update(
        state=DeliveryState.FAILED, attempts=3, last_error="HTTP 500"
    )
    client = signed_in(supervisor)

    page = client.get(f"/admin/webhooks/webhookdelivery/{failed.pk}/change/")
    response = client.post(
        "/admin/webhooks/webhookdelivery/",
        {"action": "send_again_action", "_selected_action": [failed.pk]},
    )

    assert page.status_code == 200
    assert response.status_code == 302
    failed.refresh_from_db()
    assert (failed.state, failed.attempts) == (DeliveryState.PENDING, 0)
