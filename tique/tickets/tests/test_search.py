"""Full-text search (`tique.tickets.search.ticket_search`), the same on SQLite and on
PostgreSQL: accents, stems in both languages, the query syntax, typed values, ranking,
snippets, and never a ticket nor a note the reader may not see."""

import pytest
from django.db import connection

from conftest import open_ticket, pdf
from tique.tickets import search, services
from tique.tickets.models import Message, Ticket
from tique.tickets.search import ticket_search
from tique.tickets.search_text import parse


def ask(user, subject, question="Una consulta cualquiera"):
    return open_ticket(user, data={"subject": subject, "question": question})


def english(ticket):
    """Switch a ticket to English: its subject, values and thread are indexed again."""
    Ticket.objects.filter(pk=ticket.pk).update(language="en")
    ticket.refresh_from_db()
    return ticket


def found(q, *, tickets=None, include_internal=False):
    tickets = Ticket.objects.all() if tickets is None else tickets
    return set(ticket_search(tickets, q, include_internal=include_internal))


def snippet_of(ticket):
    return ticket.__dict__["search_snippet"]


def rank_of(ticket):
    return ticket.__dict__["search_rank"]


def note(ticket, agent, body):
    return services.message_add(
        ticket=ticket, author=agent, membership=None, body=body, internal=True
    )


def reply(ticket, agent, body):
    return services.message_add(ticket=ticket, author=agent, membership=None, body=body)


def test_an_unaccented_word_finds_the_accented_one_and_back(acme_admin):
    accented = ask(acme_admin, "El teléfono de recepción no suena")
    plain = ask(acme_admin, "Cambiar el telefono de la sala")
    assert found("telefono") == {accented, plain}
    assert found("teléfono") == {accented, plain}
    assert found("RECEPCION") == {accented}


def test_spanish_words_find_their_other_forms(acme_admin):
    calls = ask(acme_admin, "No recibimos llamadas desde ayer")
    assert calls in found("llamada")
    assert calls in found("llamar")
    assert calls in found("recibir")
    assert calls in found("recibido")


def test_english_tickets_are_stemmed_in_english(acme_admin):
    ticket = english(ask(acme_admin, "Incoming calls drop after ten seconds"))
    assert ticket in found("call")
    assert ticket in found("calling")
    assert ticket in found("dropped")


def test_a_ticket_is_searched_in_its_own_language(acme_admin):
    spanish = ask(acme_admin, "Configurar las extensiones")
    english_one = english(ask(acme_admin, "Configure the extensions"))
    # "extensions" stems to "extens" in English and "extension" in Spanish.
    assert found("extension") == {spanish, english_one}


def test_message_bodies_are_searched(acme_admin, agent):
    ticket = ask(acme_admin, "Consulta", "Las grabaciones de la centralita no se guardan")
    reply(ticket, agent, "Revisaremos el almacenamiento del buzón")
    assert found("grabación") == {ticket}
    assert found("buzon") == {ticket}


def test_a_phrase_needs_its_words_together(acme_admin):
    together = ask(acme_admin, "Fallan las llamadas entrantes")
    apart = ask(acme_admin, "Llamadas salientes bien, las entrantes no")
    assert found('"llamadas entrantes"') == {together}
    assert found("llamadas entrantes") == {together, apart}


def test_a_minus_excludes_a_word(acme_admin):
    ask(acme_admin, "Las llamadas al fax no entran")
    phone = ask(acme_admin, "Las llamadas al móvil no entran")
    assert found("llamadas -fax") == {phone}
    assert found('llamadas -"al fax"') == {phone}


def test_or_offers_alternatives(acme_admin):
    fax = ask(acme_admin, "Problema con el fax")
    audio = ask(acme_admin, "Problema de audio")
    ask(acme_admin, "Problema de facturación")
    assert found("fax or audio") == {fax, audio}
    assert found("problema fax or audio") == {fax, audio}


def test_a_query_that_searches_nothing_filters_nothing(acme_admin):
    tickets = {ask(acme_admin, "Uno"), ask(acme_admin, "Dos")}
    for q in ["", "   ", "de la que", '"" - -- or OR ""', "-fax", "&|!():*<->", "\"\\'"]:
        assert found(q) == tickets, q


def test_odd_input_is_searched_without_errors(acme_admin):
    ticket = ask(acme_admin, "Router AND NOT NEAR")
    for q in ["NEAR(router)", "router*", "router^2", "router:subject", "a'b\"c", "x) OR (y"]:
        found(q)  # no syntax error on either database
    assert found("AND NOT NEAR router") == {ticket}


def test_a_phone_number_typed_in_a_field_is_found_in_any_notation(acme_admin):
    ticket = open_ticket(acme_admin, "request", "recover-number")  # 912 345 678
    assert ticket.fields["number"] == "+34912345678"
    for q in ["912345678", "912 345 678", "+34912345678", "+34 912 345 678"]:
        assert found(q) == {ticket}, q


def test_a_mac_address_typed_in_a_field_is_found_in_any_notation(acme_admin):
    data = {
        "device_model": "Yealink T46U",
        "mac_address": "80-5e-c0-12-34-56",
        "serial_number": "SN-0012345",
        "fault": "No enciende",
        "purchase_reference": "F-2025-0101",
        "return_address": "Calle Mayor 1, 28013 Madrid",
    }
    ticket = open_ticket(acme_admin, "request", "rma", data)
    for q in ["80:5E:C0:12:34:56", "80-5e-c0-12-34-56", "805ec0123456", "805e.c012.3456"]:
        assert found(q) == {ticket}, q
    assert found("yealink") == {ticket}


def test_extensions_and_number_ranges_are_found(acme_admin):
    incident = {
        "description": "No entran llamadas",
        "tests_done": "Reinicié el router",
        "affected": "912345678, 101",
        "called_number": "912345678",
        "caller_number": "600111222",
        "failed_at": "2026-11-20T09:30",
    }
    with_extension = open_ticket(acme_admin, "incident", "cannot-receive-calls", incident)
    assert with_extension.fields["affected"] == ["+34912345678", "ext:101"]
    port = {
        "numbers": "912 34 57 00-912 34 57 99",
        "current_operator": "Telefónica",
        "holder_name": "Acme Telefonía S.L.",
        "holder_tax_id": "B12345674",
        "preferred_date": "2026-12-20",
    }
    with_range = open_ticket(
        acme_admin, "request", "port-numbers", port, {"portability_form": pdf()}
    )
    assert found("101") == {with_extension}
    assert found("reinicie") == {with_extension}
    assert found("912345799") == {with_range}
    assert found("telefonica") == {with_range}


def test_bank_details_are_never_indexed(acme_admin):
    data = {
        "iban": "ES91 2100 0418 4502 0005 1332",
        "holder_name": "Titular Ejemplar",
        "holder_tax_id": "B12345674",
    }
    ticket = open_ticket(
        acme_admin, "request", "change-bank-account", data, {"sepa_mandate": pdf()}
    )
    assert ticket.fields["iban"] == "ES9121000418450200051332"
    assert found("ES9121000418450200051332") == set()
    assert found("ejemplar") == {ticket}
    [result] = ticket_search(Ticket.objects.all(), "ejemplar", include_internal=True)
    assert "ES91" not in snippet_of(result) and "1332" not in snippet_of(result)


def test_a_customer_never_finds_an_internal_note(acme_admin, agent):
    ticket = ask(acme_admin, "Consulta sobre la factura")
    note(ticket, agent, "El cliente tiene deuda pendiente con contabilidad")
    assert found("contabilidad", include_internal=False) == set()
    assert found("contabilidad", include_internal=True) == {ticket}


def test_a_note_does_not_rank_nor_snippet_for_a_customer(acme_admin, agent):
    ticket = ask(acme_admin, "Portabilidad de números")
    note(ticket, agent, "Portabilidad retrasada por el operador donante: secreto")
    [result] = ticket_search(Ticket.objects.all(), "portabilidad", include_internal=False)
    assert "secreto" not in snippet_of(result)
    [staff] = ticket_search(Ticket.objects.all(), "secreto", include_internal=True)
    assert "<mark>secreto</mark>" in snippet_of(staff)


def test_search_only_narrows_the_tickets_it_is_given(acme_admin, ana, luis, beta_admin):
    mine = ask(ana, "Centralita sin música en espera")
    ask(luis, "Centralita de Luis")
    ask(beta_admin, "Centralita de otra empresa")
    visible = Ticket.objects.visible_to(ana)
    assert found("centralita", tickets=visible) == {mine}
    assert ticket_search(visible, "centralita", include_internal=False).count() == 1
    admin = Ticket.objects.visible_to(acme_admin)
    assert len(found("centralita", tickets=admin)) == 2


def test_another_accounts_message_never_makes_a_ticket_match(acme_admin, beta_admin):
    ask(beta_admin, "Consulta", "La palabra secreta es zanahoria")
    assert found("zanahoria", tickets=Ticket.objects.visible_to(acme_admin)) == set()


def test_a_subject_match_ranks_above_a_body_match(acme_admin):
    body = ask(acme_admin, "Consulta general", "El desvío a buzón de voz no funciona")
    subject = ask(acme_admin, "Desvío a buzón de voz", "No funciona")
    ranked = list(
        ticket_search(Ticket.objects.all(), "buzón", include_internal=False).order_by(
            "-search_rank", "-id"
        )
    )
    assert ranked == [subject, body]
    assert rank_of(ranked[0]) > rank_of(ranked[1]) > 0


def test_the_snippet_marks_the_match_and_escapes_the_ticket_text(acme_admin):
    ask(acme_admin, "<script>alert(1)</script> La centralita <b>no</b> responde")
    [ticket] = ticket_search(Ticket.objects.all(), "centralita", include_internal=False)
    snippet = snippet_of(ticket)
    assert "<mark>centralita</mark>" in snippet
    assert "&lt;script&gt;" in snippet and "&lt;b&gt;" in snippet
    assert "<script>" not in snippet and "<b>" not in snippet


def test_the_snippet_comes_from_the_message_that_matched(acme_admin, agent):
    ticket = ask(acme_admin, "Consulta", "Primera línea sin nada")
    reply(ticket, agent, "Hemos cambiado el códec a G.722 en su centralita")
    [result] = ticket_search(Ticket.objects.all(), "codec", include_internal=False)
    assert "<mark>códec</mark>" in snippet_of(result)


def test_edits_are_indexed_at_once(acme_admin, agent):
    ticket = ask(acme_admin, "Router averiado")
    Ticket.objects.filter(pk=ticket.pk).update(subject="Centralita averiada")
    assert found("centralita") == {ticket}
    assert found("router") == set()
    message = reply(ticket, agent, "Texto original")
    Message.objects.filter(pk=message.pk).update(body="Texto corregido")
    assert found("corregido") == {ticket}
    assert found("original") == set()


def test_deleted_messages_and_notes_made_public_are_indexed_again(acme_admin, agent):
    ticket = ask(acme_admin, "Consulta")
    message = reply(ticket, agent, "Mensaje sobre la antena exterior")
    hidden = note(ticket, agent, "Nota sobre el repetidor")
    assert found("antena") == {ticket}
    assert found("repetidor") == set()
    Message.objects.filter(pk=hidden.pk).update(is_internal=False)
    assert found("repetidor") == {ticket}
    Message.objects.filter(pk=message.pk).delete()
    assert found("antena") == set()


def test_only_the_newest_matches_are_ranked(acme_admin, monkeypatch):
    monkeypatch.setattr(search, "CANDIDATES", 2)
    older = ask(acme_admin, "Centralita centralita centralita")
    newer = [ask(acme_admin, "Centralita"), ask(acme_admin, "Otra centralita")]
    assert found("centralita") == set(newer)
    assert found("centralita centralita") == set(newer)
    assert older in found('"centralita centralita"')


def test_a_rare_word_is_found_beyond_the_newest_tickets(acme_admin, monkeypatch):
    monkeypatch.setattr(search, "WINDOW", 2)
    monkeypatch.setattr(search, "ENOUGH", 1)
    oldest = ask(acme_admin, "Bobina de inducción quemada")
    ask(acme_admin, "Router")
    ask(acme_admin, "Centralita")
    assert found("bobina") == {oldest}
    scoped = Ticket.objects.filter(account=oldest.account)
    assert set(
        ticket_search(scoped, "bobina", include_internal=False, accounts=[oldest.account_id])
    ) == {oldest}


def test_the_account_hint_never_widens_nor_leaks(acme_admin, beta_admin):
    acme = ask(acme_admin, "Centralita de Acme")
    beta = ask(beta_admin, "Centralita de Beta")
    mine = Ticket.objects.filter(account=acme.account)
    hinted = ticket_search(
        mine, "centralita", include_internal=False, accounts=[acme.account_id, beta.account_id]
    )
    assert set(hinted) == {acme}
    # The account's own index entry is not a word anyone can search for.
    assert found(f"A{acme.account_id}") == set()
    assert found(f"a{acme.account_id}") == set()


def test_a_merged_thread_is_found_on_the_surviving_ticket(acme_admin, agent):
    source = ask(acme_admin, "Duplicado", "El contestador automático se cuelga")
    target = ask(acme_admin, "Principal")
    services.ticket_merge(source=source, target=target, actor=agent)
    assert target in found("contestador")


def test_snippets_cost_one_query_whatever_the_page_size(acme_admin, django_assert_num_queries):
    for i in range(6):
        ask(acme_admin, f"Centralita número {i}", "La centralita no responde")
    searched = ticket_search(Ticket.objects.all(), "centralita", include_internal=False)
    with django_assert_num_queries(2):
        assert all(snippet_of(t) for t in searched[:2])
    with django_assert_num_queries(2):
        assert all(snippet_of(t) for t in searched[:6])


def test_the_query_parser_reads_websearch_syntax():
    query = parse('"llamadas entrantes" -fax or audio -"mala calidad"')
    assert [[(t.text, t.phrase, t.negated) for t in g] for g in query.groups] == [
        [("llamadas entrantes", True, False), ("fax", False, True)],
        [("audio", False, False), ("mala calidad", True, True)],
    ]
    assert query.websearch() == '"llamadas entrantes" -fax or audio -"mala calidad"'
    assert query.fts5("es") == '(("llam entrant") NOT "fax") OR (("audi") NOT "mal calid")'


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's FTS5 tables")
def test_sqlite_has_fts5_and_the_triggers(db):
    from tique.tickets.search_sqlite import has_fts5

    connection.ensure_connection()
    assert has_fts5(connection.connection)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM sqlite_master"
            " WHERE type = 'trigger' AND name LIKE 'tickets_%_fts_%'"
        )
        assert cursor.fetchone()[0] == 7
