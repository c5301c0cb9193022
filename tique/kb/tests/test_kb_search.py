"""Searching articles: stemmed in Spanish and English, accent-insensitive, ranked (a
title match first), the matching words highlighted, and never a draft or an internal
article for a reader who may not open it. Runs on both databases."""

import pytest

from tique.kb.choices import ArticleStatus, Visibility
from tique.kb.models import Article
from tique.kb.search import any_word_query, article_search
from tique.kb.tests.helpers import write


def found(q, *, reader=None, language="es"):
    scope = Article.objects.readable_by(reader)
    return [item.article for item in article_search(scope, q, language=language)]


@pytest.fixture
def phones(agent):
    return write(
        agent,
        es=("Los teléfonos no se registran", "Revisa la contraseña SIP y el servidor DNS."),
        en=("Phones not registering", "Check the SIP password and the DNS server."),
    )


def test_unaccented_words_find_accented_ones_and_the_other_way(phones):
    assert found("telefono") == [phones]
    assert found("TELÉFONOS") == [phones]
    assert found("contrasena") == [phones]


def test_spanish_and_english_words_are_stemmed(phones):
    assert found("registrar") == [phones]  # registran → registr
    assert found("registered", language="en") == [phones]  # registering → regist
    assert found("phone", language="en") == [phones]


def test_the_version_in_the_readers_language_is_shown(phones):
    es = article_search(Article.objects.all(), "SIP", language="es")
    en = article_search(Article.objects.all(), "SIP", language="en")
    assert es[0].text.language == "es"
    assert en[0].text.language == "en"


def test_a_title_match_ranks_above_a_body_match(agent):
    body = write(agent, es=("Configurar el router", "Si hay eco en la llamada, baja el volumen."))
    title = write(agent, es=("Eco en la llamada", "Ajusta la cancelación en el teléfono."))
    assert found("eco") == [title, body]


def test_the_matching_words_are_highlighted(phones):
    [item] = article_search(Article.objects.all(), "telefono dns", language="es")
    assert item.title == "Los <mark>teléfonos</mark> no se registran"
    assert "<mark>DNS</mark>" in item.snippet


def test_markup_in_an_article_is_escaped_in_snippets(agent):
    write(agent, es=("Caracteres", "El campo `<script>` de la centralita admite texto."))
    [item] = article_search(Article.objects.all(), "centralita", language="es")
    assert "<script>" not in item.snippet
    assert "&lt;script&gt;" in item.snippet


def test_drafts_and_internal_articles_are_found_only_by_staff(agent, acme_admin):
    draft = write(agent, es=("Borrador de centralita", "Texto"), status=ArticleStatus.DRAFT)
    internal = write(agent, es=("Centralita interna", "Texto"), visibility=Visibility.INTERNAL)
    public = write(agent, es=("Centralita pública", "Texto"))
    assert found("centralita") == [public]
    assert found("centralita", reader=acme_admin) == [public]
    assert set(found("centralita", reader=agent)) == {draft, internal, public}


def test_websearch_syntax_phrases_and_exclusions(agent):
    both = write(agent, es=("Llamadas entrantes y fax", "Las llamadas entrantes fallan con fax."))
    voice = write(agent, es=("Llamadas entrantes", "No entran las llamadas entrantes."))
    write(agent, es=("Entrantes de llamadas", "Texto distinto."))
    assert found('"llamadas entrantes" -fax') == [voice]
    assert both in found('"llamadas entrantes"')


def test_a_search_of_stop_words_only_finds_nothing(phones):
    assert found("de la y") == []


def test_what_a_customer_types_becomes_a_search_for_any_of_its_words():
    assert any_word_query("No puedo recibir llamadas", "") == "puedo or recibir or llamadas"
    assert any_word_query("", "") == ""
