"""Ticket numbers: generated, unique, never reused, safe when many open at once."""

from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection

from conftest import open_ticket
from tique.tickets.models import Ticket
from tique.tickets.numbering import FIRST_NUMBER, next_ticket_number


def test_numbers_start_at_the_first_number_and_grow(acme_admin):
    first = open_ticket(acme_admin)
    second = open_ticket(acme_admin)
    assert first.number >= FIRST_NUMBER
    assert second.number > first.number


def test_a_deleted_tickets_number_is_never_handed_out_again(acme_admin):
    ticket = open_ticket(acme_admin)
    number = ticket.number
    ticket.delete()
    assert open_ticket(acme_admin).number > number


def test_concurrent_creation_gives_unique_numbers_on_postgresql(catalogue, acme_admin, ana, luis):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers; the race this guards against is PostgreSQL's")
    people = [acme_admin, ana, luis] * 8

    def create(user):
        try:
            return open_ticket(user).number
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=8) as pool:
        numbers = list(pool.map(create, people))
    assert len(set(numbers)) == len(people)
    assert Ticket.objects.count() == len(people)
    assert sorted(Ticket.objects.values_list("number", flat=True)) == sorted(numbers)


def test_concurrent_number_draws_never_collide_on_postgresql(transactional_db):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers; the race this guards against is PostgreSQL's")

    def draw(_):
        try:
            return [next_ticket_number() for _ in range(50)]
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=8) as pool:
        drawn = [n for batch in pool.map(draw, range(8)) for n in batch]
    assert len(drawn) == len(set(drawn)) == 400
