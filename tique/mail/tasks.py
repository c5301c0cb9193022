"""Background tasks: thin triggers over `delivery`, which holds the state and the rules."""

from django_tasks import task

from tique.mail import delivery


@task()
def send_outbound_email(email_id: int) -> str:
    """Send one outbox e-mail if it is still pending and due (idempotent)."""
    return delivery.deliver(email_id).value
