"""
The document's calendar freshness triggers again on SQLite: adding the publication
columns (0004) remade the table there, and a remade table loses its triggers (the seal's
are put back by reports 0009). PostgreSQL adds columns in place and keeps them.
"""

import importlib

from django.db import migrations

freshness = importlib.import_module("agendas.migrations.0003_calendar_freshness_triggers")

DOCUMENT_FORWARD = [s for s in freshness.SQLITE_FORWARD if "ON agendas_document" in s]
DOCUMENT_DROP = [s for s in freshness.SQLITE_BACKWARD if "document_calendar_touch" in s]


def recreate(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for statement in (*DOCUMENT_DROP, *DOCUMENT_FORWARD):
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [
        ("agendas", "0004_document_publication"),
    ]

    operations = [
        migrations.RunPython(recreate, migrations.RunPython.noop),
    ]
