"""Seed the teams and the catalogue the help page lists, in Spanish and English, and
make ticket numbers start at 10001."""

from django.db import migrations

from tique.tickets.migrations import _catalogue_seed as seed


def seed_catalogue(apps, schema_editor):
    Team = apps.get_model("accounts", "Team")
    teams = {}
    for slug, name_es, name_en in seed.TEAMS:
        teams[slug], _ = Team.objects.get_or_create(
            slug=slug, defaults={"name_es": name_es, "name_en": name_en}
        )
    for model_name, entries in (
        ("QueryKind", seed.QUERY_KINDS),
        ("RequestType", seed.REQUEST_TYPES),
        ("IncidentKind", seed.INCIDENT_KINDS),
    ):
        model = apps.get_model("tickets", model_name)
        for position, entry in enumerate(entries, start=1):
            data = dict(entry)
            team = teams[data.pop("team", "technical")]
            model.objects.update_or_create(
                slug=data.pop("slug"),
                defaults={**data, "team": team, "position": position * 10},
            )


def start_numbers(apps, schema_editor):
    connection = schema_editor.connection
    first = 10001
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT setval(pg_get_serial_sequence('tickets_ticketnumber', 'id'), %s, false)",
                [first],
            )
        elif connection.vendor == "sqlite":
            cursor.execute("DELETE FROM sqlite_sequence WHERE name = 'tickets_ticketnumber'")
            cursor.execute(
                "INSERT INTO sqlite_sequence (name, seq) VALUES ('tickets_ticketnumber', %s)",
                [first - 1],
            )


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("tickets", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(seed_catalogue, migrations.RunPython.noop),
        migrations.RunPython(start_numbers, migrations.RunPython.noop),
    ]
