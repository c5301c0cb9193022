"""Full-text search: on PostgreSQL, the accent-insensitive configurations, the
`search_vector` columns, their triggers and GIN indexes; on SQLite, the FTS5 tables and
their triggers. Both index the rows already there. The SQL lives in
`tique.tickets.search_postgres` and `search_sqlite` (`install`, idempotent), so a later
migration that rebuilds a table on SQLite can run it again."""

from django.db import migrations


def install(apps, schema_editor):
    from tique.tickets import search_postgres, search_sqlite

    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        search_postgres.install(schema_editor.connection)
    elif vendor == "sqlite":
        search_sqlite.install(schema_editor.connection)


def uninstall(apps, schema_editor):
    from tique.tickets import search_postgres, search_sqlite

    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        search_postgres.uninstall(schema_editor.connection)
    elif vendor == "sqlite":
        search_sqlite.uninstall(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [
        ("tickets", "0005_idempotency_keys"),
    ]

    operations = [migrations.RunPython(install, uninstall, elidable=False)]
