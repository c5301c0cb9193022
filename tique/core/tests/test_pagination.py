"""Page numbers that count only a few pages ahead of the one asked for."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from tique.accounts.models import User
from tique.core.pagination import MAX_PAGE, LookaheadPaginator


def make_users(n: int) -> None:
    User.objects.bulk_create(User(email=f"u{i}@example.com") for i in range(n))


def test_page_one_of_a_long_list_counts_only_ten_pages_ahead(db):
    make_users(80)

    paginator = LookaheadPaginator(User.objects.order_by("pk"), 5, wanted="1")
    with CaptureQueriesContext(connection) as queries:
        page = paginator.page_for_request()

    assert paginator.is_capped
    assert paginator.count == 56  # 11 pages of 5, and one more row to know there is more
    assert paginator.num_pages == 12
    assert page.number == 1 and len(page.object_list) == 5
    assert "LIMIT" in queries.captured_queries[0]["sql"].upper()


def test_a_page_near_the_end_counts_exactly(db):
    make_users(80)

    paginator = LookaheadPaginator(User.objects.order_by("pk"), 5, wanted=14)
    page = paginator.page_for_request()

    assert not paginator.is_capped
    assert (paginator.count, paginator.num_pages, page.number) == (80, 16, 14)


def test_nonsense_and_huge_page_numbers_are_bounded(db):
    make_users(12)

    assert (
        LookaheadPaginator(User.objects.order_by("pk"), 5, wanted="x").page_for_request().number
        == 1
    )
    assert (
        LookaheadPaginator(User.objects.order_by("pk"), 5, wanted="-3").page_for_request().number
        == 1
    )
    huge = LookaheadPaginator(User.objects.order_by("pk"), 5, wanted=str(10**30))
    assert huge.wanted == MAX_PAGE
    assert huge.page_for_request().number == 3  # the last page there is


def test_a_later_page_reads_its_ids_then_its_rows_in_order(db):
    make_users(80)
    everyone = list(User.objects.order_by("-email", "pk").values_list("pk", flat=True))

    paginator = LookaheadPaginator(
        User.objects.select_related(None).order_by("-email", "pk"), 5, wanted=7
    )
    page = paginator.page_for_request()
    with CaptureQueriesContext(connection) as queries:
        rows = [user.pk for user in page.object_list]

    assert rows == everyone[30:35]
    assert len(queries) == 1
    assert "OFFSET" not in queries.captured_queries[0]["sql"].upper()
