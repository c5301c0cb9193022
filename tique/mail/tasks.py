"""Background tasks: thin triggers over `delivery`, which holds the state and the rules."""

from django_tasks import task

from tique.mail import delivery


@task()
def send_outbound_email(email_id: int) -> str:
    """Send one outbox e-mail if it is still pending and due (idempotent)."""
    return delivery.deliver(email_id).value


@task()
def send_outbound_emails(email_ids: list[int]) -> str:
    """Send the outbox e-mails that one change wrote, each on its own (a failure is
    recorded on that e-mail and retried; the others go)."""
    return " ".join(delivery.deliver(email_id).value for email_id in email_ids)


@task()
def process_inbound_email(email_id: int) -> str:
    """Parse and route one stored inbound e-mail if nobody has yet (idempotent)."""
    # Imported here: processing reaches the ticket services, which import the outbox,
    # which imports this module.
    from tique.mail.inbound.process import process

    return process(email_id).state
