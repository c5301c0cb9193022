"""Background tasks: thin triggers over `delivery`, which holds the state and the rules."""

from django_tasks import task

from tique.webhooks import delivery


@task()
def deliver_webhook(delivery_id: int) -> str:
    """Send one webhook delivery if it is still pending and due (idempotent)."""
    return delivery.deliver(delivery_id).value
