"""
On PostgreSQL: Spanish full-text search that ignores accents. The ``quorum_es`` text search
configuration is ``spanish`` with ``unaccent`` before the stemmer ("simulacros" and
"simulacro", "sesion" and "sesión" meet). The Snowball stemmer only strips the accented
suffixes ("instalación", "instalaciones" → "instal"), which unaccent removes first, so
``vector`` — a generated column over the title and text, with a GIN index — holds the
stems of both ``spanish`` and ``quorum_es``, and a query matches either way (search.query).
Other databases (SQLite in development) search with a simple contains (search.query).
"""

from django.db import migrations

FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    """
    DO $$
    BEGIN
        IF NOT EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname = 'quorum_es') THEN
            CREATE TEXT SEARCH CONFIGURATION quorum_es (COPY = spanish);
            ALTER TEXT SEARCH CONFIGURATION quorum_es
                ALTER MAPPING FOR hword, hword_part, word WITH unaccent, spanish_stem;
        END IF;
    END
    $$
    """,
    """
    ALTER TABLE search_searchentry ADD COLUMN vector tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('spanish'::regconfig, coalesce(title, '')), 'A')
        || setweight(to_tsvector('quorum_es'::regconfig, coalesce(title, '')), 'A')
        || setweight(to_tsvector('spanish'::regconfig, coalesce(body, '')), 'B')
        || setweight(to_tsvector('quorum_es'::regconfig, coalesce(body, '')), 'B')
    ) STORED
    """,
    "CREATE INDEX search_entry_vector ON search_searchentry USING gin (vector)",
]
BACKWARD = [
    "DROP INDEX IF EXISTS search_entry_vector",
    "ALTER TABLE search_searchentry DROP COLUMN IF EXISTS vector",
]


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in FORWARD:
            schema_editor.execute(statement)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in BACKWARD:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("search", "0001_search_entry")]

    operations = [migrations.RunPython(forward, backward)]
