"""The signature receivers check: `t=<unix seconds>,v1=<HMAC-SHA256 of "<t>.<body>">`."""

import hashlib
import hmac

from tique.webhooks.signing import new_secret, signature_header, verify_signature

SECRET = "whsec-test"
BODY = b'{"event":"ping","id":"1"}'


def test_the_signature_is_the_hmac_of_the_timestamp_and_the_raw_body():
    header = signature_header(SECRET, BODY, timestamp=1_795_000_000)

    expected = hmac.new(SECRET.encode(), b"1795000000." + BODY, hashlib.sha256).hexdigest()
    assert header == f"t=1795000000,v1={expected}"
    assert verify_signature(SECRET, header, BODY, now=1_795_000_000)


def test_another_body_or_secret_does_not_verify():
    header = signature_header(SECRET, BODY, timestamp=1_795_000_000)

    assert not verify_signature(SECRET, header, BODY.replace(b"1", b"2"), now=1_795_000_000)
    assert not verify_signature("another", header, BODY, now=1_795_000_000)


def test_an_old_or_future_signature_is_refused():
    header = signature_header(SECRET, BODY, timestamp=1_795_000_000)

    assert verify_signature(SECRET, header, BODY, now=1_795_000_300)
    assert not verify_signature(SECRET, header, BODY, now=1_795_000_301)
    assert not verify_signature(SECRET, header, BODY, now=1_794_999_000)
    assert verify_signature(SECRET, header, BODY, tolerance=3600, now=1_795_001_000)


def test_a_malformed_header_is_refused():
    for header in ["", "t=1795000000", "v1=abc", "t=soon,v1=abc", "garbage"]:
        assert not verify_signature(SECRET, header, BODY, now=1_795_000_000)


def test_secrets_are_long_and_different():
    first, second = new_secret(), new_secret()
    assert first != second
    assert len(first) >= 40
