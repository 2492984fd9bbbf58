"""
The session's seal triggers again, with the columns added since (the import's source UID
and SEQUENCE, the calendar freshness counters). The freshness counters stay outside the
seal: their own triggers bump them when the published flag of a sealed session changes.
"""

import importlib

from django.db import migrations

seal = importlib.import_module("reports.migrations.0005_seal_triggers")

SESSION = "committee_sessions_session"
SPEC = {
    **seal.TABLES[SESSION],
    "exempt": ["is_public", "calendar_version", "calendar_changed_at"],
    "columns": [
        *seal.TABLES[SESSION]["columns"],
        "source_uid",
        "source_sequence",
        "calendar_version",
        "calendar_changed_at",
    ],
}


def recreate(spec):
    def apply(apps, schema_editor):
        vendor = schema_editor.connection.vendor
        if vendor == "postgresql":
            schema_editor.execute(seal.postgres_sql(SESSION, spec))
        elif vendor == "sqlite":
            for statement in seal.sqlite_drop(SESSION):
                schema_editor.execute(statement)
            for statement in seal.sqlite_sql(SESSION, spec):
                schema_editor.execute(statement)

    return apply


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0006_worker_heartbeat"),
        ("committee_sessions", "0008_session_calendar_freshness"),
        ("agendas", "0003_calendar_freshness_triggers"),
    ]

    operations = [
        migrations.RunPython(recreate(SPEC), recreate(seal.TABLES[SESSION])),
    ]
