"""Every message of the .eml corpus through the whole inbound pipeline (store, parse,
route), with its senders as users of Acme: what each one becomes."""

from pathlib import Path

import pytest

from tique.accounts.choices import Role
from tique.accounts.models import User
from tique.accounts.services import membership_add
from tique.mail.choices import InboundOutcome, InboundSource, InboundState
from tique.mail.inbound.process import process
from tique.mail.inbound.store import store_raw
from tique.tickets.choices import Channel

CORPUS = Path(__file__).parent / "eml"
NEW = InboundOutcome.NEW_TICKET
OUTCOMES = {
    "apple_mail_reply.eml": NEW,  # answers a thread we do not have: a new ticket
    "attachments_rfc2231.eml": NEW,
    "broken_mime_no_close_boundary.eml": NEW,
    "dsn_bounce.eml": InboundOutcome.BOUNCE,
    "empty_body.eml": NEW,
    "exchange_dsn_headers.eml": InboundOutcome.BOUNCE,
    "forwarded_rfc822.eml": NEW,
    "gmail_inline_forward.eml": NEW,
    "gmail_reply.eml": NEW,
    "html_newsletter.eml": InboundOutcome.AUTOMATIC,
    "inline_cid_image.eml": NEW,
    "invalid_encoded_word.eml": NEW,
    "iphone_signature.eml": NEW,
    "iso_8859_1.eml": NEW,
    "long_header.eml": NEW,
    "missing_boundary_param.eml": NEW,
    "no_message_id.eml": NEW,
    "out_of_office.eml": InboundOutcome.AUTOMATIC,
    "outlook_forward_es.eml": NEW,
    "outlook_reply_es.eml": NEW,
    "precedence_bulk.eml": InboundOutcome.AUTOMATIC,
    "qmail_bounce.eml": InboundOutcome.BOUNCE,
    "shift_jis.eml": NEW,
    "unknown_charset.eml": NEW,
    "windows_1252.eml": NEW,
}


def test_every_corpus_file_has_an_expected_outcome():
    assert set(OUTCOMES) == {path.name for path in CORPUS.glob("*.eml")}


@pytest.fixture
def acme_senders(acme):
    """Everyone at acme.example in the corpus is a member of Acme (who may open tickets)."""
    for path in CORPUS.glob("*.eml"):
        for token in path.read_bytes().replace(b"<", b" ").replace(b">", b" ").split():
            if token.lower().endswith(b"@acme.example") and b"daemon" not in token.lower():
                email = token.decode("ascii", "ignore").strip("\"'(),;:").lower()
                if email and not User.objects.filter(email=email).exists():
                    user = User.objects.create_user(email=email, password="x" * 12)
                    membership_add(account=acme, user=user, role=Role.MEMBER)


@pytest.mark.parametrize("name", sorted(OUTCOMES))
def test_a_corpus_message_becomes_what_it_should(name, acme_senders):
    raw = (CORPUS / name).read_bytes()
    stored, created = store_raw(raw, source=InboundSource.DIRECTORY)
    assert created and bytes(stored.raw) == raw
    email = process(stored.pk)
    assert email.state == InboundState.PROCESSED, email.reason
    assert email.outcome == OUTCOMES[name]
    if email.outcome == NEW:
        ticket = email.ticket
        assert ticket is not None and ticket.channel == Channel.EMAIL
        assert ticket.subject.strip()
        assert ticket.account.customer_code == "C-10001"
        assert ticket.messages.get().body.strip()
    # Processing it again changes nothing.
    assert process(stored.pk).outcome == OUTCOMES[name]
