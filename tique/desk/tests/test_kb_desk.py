"""Agents write articles in the desk (both languages, revisions, restore), find them
from a ticket's reply box to insert a link, turn a solved ticket into a draft, and read
the help centre's report. Customers never reach any of it."""

from django.urls import reverse

from conftest import open_ticket, signed_in
from tique.kb.models import Article, ArticleRevision, ArticleVote
from tique.kb.tests.helpers import category, write
from tique.tickets import services
from tique.tickets.choices import Status

NEW = reverse("desk:kb-new")


def form_data(**extra):
    return {
        "category": category().pk,
        "visibility": "public",
        "status": "published",
        "title_es": "Teléfonos sin registrar",
        "body_es": "## Pasos\n\nRevisa la **contraseña**.",
        "title_en": "Phones not registering",
        "body_en": "## Steps\n\nCheck the **password**.",
        **extra,
    }


def test_an_agent_writes_an_article_in_both_languages(agent):
    response = signed_in(agent).post(NEW, form_data())
    article = Article.objects.get()
    assert response.status_code == 302
    assert article.slug == "telefonos-sin-registrar"
    assert {t.language: t.title for t in article.texts.all()} == {
        "es": "Teléfonos sin registrar",
        "en": "Phones not registering",
    }
    assert article.published_at is not None
    assert ArticleRevision.objects.filter(article=article).count() == 1


def test_a_bad_article_form_names_the_field_and_keeps_what_was_typed(agent):
    response = signed_in(agent).post(NEW, form_data(body_es="", title_en="", body_en=""))
    html = response.content.decode()
    assert response.status_code == 400
    assert "Write this version&#x27;s text." in html
    assert "Teléfonos sin registrar" in html
    assert not Article.objects.exists()


def test_each_save_is_a_revision_and_an_old_one_can_be_restored(agent):
    client = signed_in(agent)
    client.post(NEW, form_data())
    article = Article.objects.get()
    edit = reverse("desk:kb-edit", args=[article.pk])
    client.post(edit, form_data(title_es="Título nuevo", note="Nuevo título"))
    history = client.get(reverse("desk:kb-history", args=[article.pk])).content.decode()
    assert "Nuevo título" in history and "+Título nuevo" in history
    client.post(reverse("desk:kb-restore", args=[article.pk, 1]))
    assert article.texts.get(language="es").title == "Teléfonos sin registrar"
    assert list(article.revisions.values_list("number", flat=True)) == [3, 2, 1]


def test_customers_never_reach_the_desks_articles(acme_admin, agent):
    article = write(agent, es=("Eco", "Texto"))
    client = signed_in(acme_admin)
    assert client.get(reverse("desk:kb-list")).status_code == 404
    assert client.post(NEW, form_data()).status_code == 404
    assert client.get(reverse("desk:kb-edit", args=[article.pk])).status_code == 404
    assert client.get(reverse("desk:kb-report")).status_code == 404


def test_an_agent_finds_an_article_from_the_reply_box_and_inserts_its_link(acme_admin, agent):
    ticket = open_ticket(acme_admin)
    article = write(agent, es=("Eco en la llamada", "Baja el volumen."))
    client = signed_in(agent)
    lookup = client.get(reverse("desk:kb-lookup", args=[ticket.number]), {"q": "eco"})
    assert "<mark>Eco</mark> en la llamada" in lookup.content.decode()
    inserted = client.get(
        reverse("desk:kb-insert", args=[ticket.number]),
        {"article": str(article.pk), "body": "Hola, mira esto:"},
    )
    html = inserted.content.decode()
    assert "Hola, mira esto:\n\nEco en la llamada: http" in html
    assert f"/help/{article.slug}/?lang=es" in html


def test_a_solved_ticket_becomes_a_draft_article_without_internal_notes(acme_admin, agent):
    ticket = open_ticket(acme_admin, data={"subject": "Eco", "question": "Oigo eco al llamar"})
    services.message_add(
        ticket=ticket, author=agent, membership=None, body="Nota: cliente moroso", internal=True
    )
    services.message_add(ticket=ticket, author=agent, membership=None, body="Baja el volumen.")
    services.ticket_set_status(ticket=ticket, actor=agent, membership=None, status=Status.SOLVED)
    response = signed_in(agent).post(reverse("desk:ticket-to-article", args=[ticket.number]))
    article = Article.objects.get()
    assert response["Location"] == reverse("desk:kb-edit", args=[article.pk])
    text = article.texts.get()
    assert (article.status, article.visibility, article.source_ticket) == (
        "draft",
        "internal",
        ticket,
    )
    assert "Oigo eco al llamar" in text.body and "Baja el volumen." in text.body
    assert "moroso" not in text.body


def test_the_report_lists_the_least_helpful_articles_first(agent, acme_admin, ana):
    good = write(agent, es=("Bueno", "Texto"))
    bad = write(agent, es=("Malo", "Texto"))
    for user, article, helpful in [
        (acme_admin, good, True),
        (ana, good, True),
        (acme_admin, bad, False),
        (ana, bad, True),
    ]:
        ArticleVote.objects.create(article=article, user=user, helpful=helpful)
    html = signed_in(agent).get(reverse("desk:kb-report")).content.decode()
    assert html.index("Malo") < html.index("Bueno")
    assert "50 %" in html and "100 %" in html


def test_the_report_and_the_article_list_take_few_queries(agent, django_assert_max_num_queries):
    for n in range(12):
        write(agent, es=(f"Artículo {n}", "Texto"))
    client = signed_in(agent)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("desk:kb-list")).status_code == 200
    with django_assert_max_num_queries(12):
        assert client.get(reverse("desk:kb-report")).status_code == 200
