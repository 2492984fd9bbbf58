"""
The document's seal triggers again, with its publication columns. They are exempt: whether
a document is public, reserved or confidential, on what legal basis and until when, and its
versión pública are decisions of the transparency unit that come after the acta is approved
(classifications are also reviewed when their term ends). The presented file, its hash and
everything else of the row stay sealed. (On SQLite adding the columns remade the table and
dropped its triggers; this puts them back.)
"""

import importlib

from django.db import migrations

seal = importlib.import_module("reports.migrations.0005_seal_triggers")

DOCUMENT = "agendas_document"
PUBLICATION_COLUMNS = [
    "publication",
    "classification_basis",
    "classification_term",
    "public_version",
    "public_version_sha256",
    "publication_decided_at",
    "publication_decided_by_id",
]
SPEC = {
    **seal.TABLES[DOCUMENT],
    "exempt": PUBLICATION_COLUMNS,
    "columns": [*seal.TABLES[DOCUMENT]["columns"], *PUBLICATION_COLUMNS],
}


def recreate(spec):
    def apply(apps, schema_editor):
        vendor = schema_editor.connection.vendor
        if vendor == "postgresql":
            schema_editor.execute(seal.postgres_sql(DOCUMENT, spec))
        elif vendor == "sqlite":
            for statement in seal.sqlite_drop(DOCUMENT):
                schema_editor.execute(statement)
            for statement in seal.sqlite_sql(DOCUMENT, spec):
                schema_editor.execute(statement)

    return apply


class Migration(migrations.Migration):
    # In reports, beside the other seal migrations: a dependency of agendas on reports would
    # reorder the plan on a fresh database (reports' triggers before the session columns).
    dependencies = [
        ("reports", "0008_signatures_and_trust_roots"),
        ("agendas", "0004_document_publication"),
    ]

    operations = [
        migrations.RunPython(recreate(SPEC), recreate(seal.TABLES[DOCUMENT])),
    ]
