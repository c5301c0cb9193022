"""The help centre as readers see it: public articles for anyone without signing in,
drafts and internal articles for staff only (a 404 for everyone else), Markdown
rendered safely, the reader's language first."""

from django.urls import reverse

from conftest import english_client, signed_in
from tique.kb.choices import ArticleStatus, Visibility
from tique.kb.tests.helpers import write

INDEX = reverse("help:index")


def url(article):
    return reverse("help:article", kwargs={"slug": article.slug})


def test_the_help_centre_is_open_without_signing_in(agent):
    article = write(agent, es=("Cómo abrir un ticket", "Pulsa **Nuevo ticket**."))
    client = english_client()
    index = client.get(INDEX)
    assert index.status_code == 200
    assert "Cómo abrir un ticket" in index.content.decode()
    page = client.get(url(article))
    assert page.status_code == 200
    assert "Pulsa <strong>Nuevo ticket</strong>." in page.content.decode()


def test_drafts_and_internal_articles_are_404_for_customers_and_visitors(agent, acme_admin):
    draft = write(agent, es=("Borrador", "Texto"), status=ArticleStatus.DRAFT)
    internal = write(agent, es=("Interno", "Texto"), visibility=Visibility.INTERNAL)
    for client in (english_client(), signed_in(acme_admin)):
        assert client.get(url(draft)).status_code == 404
        assert client.get(url(internal)).status_code == 404
        assert "Interno" not in client.get(INDEX).content.decode()
        assert "Interno" not in client.get(INDEX, {"q": "interno"}).content.decode()
    staff = signed_in(agent)
    assert staff.get(url(draft)).status_code == 200
    assert "Internal: staff only" in staff.get(url(internal)).content.decode()


def test_the_readers_language_is_shown_with_a_link_to_the_other(agent):
    article = write(agent, es=("Portabilidad", "Texto en español"), en=("Porting", "English text"))
    english = english_client().get(url(article)).content.decode()
    assert "English text" in english and "Leer en español" in english
    spanish = english_client().get(url(article), {"lang": "es"}).content.decode()
    assert "Texto en español" in spanish


def test_a_script_in_an_article_is_shown_as_text(agent):
    article = write(agent, es=("Seguro", "<script>alert(1)</script> [x](javascript:alert(1))"))
    html = english_client().get(url(article)).content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert 'href="javascript:' not in html


def test_search_results_highlight_the_words_found(agent):
    write(agent, es=("Audio en un solo sentido", "Revisa el SIP ALG del router."))
    html = english_client().get(INDEX, {"q": "router"}).content.decode()
    assert "<mark>router</mark>" in html


def test_an_unknown_article_or_category_is_404(db):
    client = english_client()
    assert client.get(reverse("help:article", kwargs={"slug": "nada"})).status_code == 404
    assert client.get(reverse("help:category", kwargs={"slug": "nada"})).status_code == 404
