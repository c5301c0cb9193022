from tique.tickets.models import RequestType


def test_the_catalogue_is_seeded_by_migration(db):
    assert RequestType.objects.count() == 12
