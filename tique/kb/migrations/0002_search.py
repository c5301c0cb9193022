"""Full-text search over article texts: on PostgreSQL a generated tsvector column with a
GIN index (the configurations come from the tickets' search migration), on SQLite an
FTS5 table kept by triggers. The SQL lives in `tique.kb.search`."""

from django.db import migrations


def install(apps, schema_editor):
    from tique.kb import search

    search.install(schema_editor.connection)


def uninstall(apps, schema_editor):
    from tique.kb import search

    search.uninstall(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [
        ("kb", "0001_initial"),
        ("tickets", "0006_full_text_search"),
    ]

    operations = [migrations.RunPython(install, uninstall, elidable=False)]
