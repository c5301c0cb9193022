"""Sign-in by e-mail, rate limits that say the same whoever asks, password reset, and
the language a user chooses."""

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.urls import reverse

from conftest import PASSWORD, signed_in
from tique.accounts.models import Account
from tique.accounts.validators import validate_spanish_tax_id

LOGIN = reverse("login")


def sign_in(client, email, password=PASSWORD):
    return client.post(LOGIN, {"username": email, "password": password})


def test_a_customer_signs_in_with_the_email_in_any_case_and_lands_on_the_history(
    client, acme_admin
):
    response = sign_in(client, "ADMIN@Acme.Example")
    assert response.status_code == 302
    assert client.get(response.url).url == reverse("portal:ticket-list")


def test_a_wrong_password_and_an_unknown_email_get_the_same_answer(client, acme_admin):
    wrong = sign_in(client, "admin@acme.example", "nope")
    unknown = sign_in(client, "nobody@acme.example", "nope")
    assert wrong.status_code == unknown.status_code == 200
    assert wrong.context["form"].errors == unknown.context["form"].errors


def test_sign_in_is_rate_limited_per_email_even_with_the_right_password(
    client, acme_admin, settings
):
    settings.TIQUE_AUTH_RATE_LIMIT = 3
    for _ in range(3):
        sign_in(client, "admin@acme.example", "nope")
    response = sign_in(client, "admin@acme.example")
    assert response.status_code == 200
    assert "Too many attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_the_rate_limit_answers_the_same_for_an_unknown_email(client, settings, db):
    settings.TIQUE_AUTH_RATE_LIMIT = 2
    for _ in range(2):
        sign_in(client, "ghost@nowhere.example", "nope")
    assert "Too many attempts" in sign_in(client, "ghost@nowhere.example").content.decode()


def test_password_reset_mails_a_link_only_to_a_known_address_and_answers_the_same(
    client, acme_admin
):
    known = client.post(reverse("password_reset"), {"email": "admin@acme.example"})
    unknown = client.post(reverse("password_reset"), {"email": "ghost@acme.example"})
    assert known.status_code == unknown.status_code == 302
    assert known.url == unknown.url
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["admin@acme.example"]
    assert "/accounts/password-reset/" in message.body
    assert isinstance(message, EmailMultiAlternatives) and message.alternatives, "an HTML part"


def test_a_reset_link_works_once(client, acme_admin):
    client.post(reverse("password_reset"), {"email": "admin@acme.example"})
    link = next(
        line for line in mail.outbox[0].body.splitlines() if "/accounts/password-reset/" in line
    )
    path = link[link.index("/accounts/") :].strip()
    form_page = client.get(path, follow=True)
    assert form_page.context["validlink"]
    done = client.post(
        form_page.request["PATH_INFO"],
        {"new_password1": "a new long passphrase", "new_password2": "a new long passphrase"},
    )
    assert done.status_code == 302
    again = client.get(path, follow=True)
    assert not again.context["validlink"]


def test_the_chosen_language_is_kept_in_the_profile_and_wins_over_the_browser(acme_admin):
    client = signed_in(acme_admin)
    client.post(reverse("set-language"), {"language": "en", "next": "/tickets/"})
    acme_admin.refresh_from_db()
    assert acme_admin.language == "en"
    page = client.get(reverse("portal:ticket-list"), HTTP_ACCEPT_LANGUAGE="es")
    assert page["Content-Language"] == "en"
    assert "Ticket history" in page.content.decode()


def test_without_a_choice_the_browser_language_is_used(acme_admin):
    page = signed_in(acme_admin).get(reverse("portal:ticket-list"), HTTP_ACCEPT_LANGUAGE="en")
    assert page["Content-Language"] == "en"


def test_the_language_switch_refuses_to_redirect_elsewhere(client):
    response = client.post(
        reverse("set-language"), {"language": "en", "next": "https://evil.example/"}
    )
    assert response.url == "/"


@pytest.mark.parametrize("value", ["B12345674", "12345678Z", "X1234567L", "b-12345674"])
def test_valid_spanish_tax_ids_are_accepted(value):
    validate_spanish_tax_id(value)


@pytest.mark.parametrize("value", ["B12345675", "12345678A", "ABC", ""])
def test_invalid_spanish_tax_ids_are_refused(value):
    with pytest.raises(ValidationError):
        validate_spanish_tax_id(value)


def test_an_account_with_a_bad_tax_id_does_not_validate(db):
    account = Account(name="X", customer_code="C-1", tax_id="B12345675")
    with pytest.raises(ValidationError) as error:
        account.full_clean()
    assert "tax_id" in error.value.message_dict
