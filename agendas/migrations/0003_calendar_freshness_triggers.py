from django.db import migrations

# A change to an agenda point or to a document of one bumps the calendar version of the
# point's session (committee_sessions 0006: that bump stamps the time), so that feeds
# never serve a stale agenda. Triggers, so that bulk updates (reordering) count too.
SESSION = "committee_sessions_session"
BUMP = f"UPDATE {SESSION} SET calendar_version = calendar_version + 1 WHERE id"
POINT_SESSION = "(SELECT session_id FROM agendas_agendapoint WHERE id = {row}.point_id)"

SQLITE_FORWARD = [
    f"""
    CREATE TRIGGER point_calendar_touch_insert AFTER INSERT ON agendas_agendapoint
    FOR EACH ROW BEGIN {BUMP} = NEW.session_id; END
    """,
    f"""
    CREATE TRIGGER point_calendar_touch_update AFTER UPDATE ON agendas_agendapoint
    FOR EACH ROW BEGIN {BUMP} IN (NEW.session_id, OLD.session_id); END
    """,
    f"""
    CREATE TRIGGER point_calendar_touch_delete AFTER DELETE ON agendas_agendapoint
    FOR EACH ROW BEGIN {BUMP} = OLD.session_id; END
    """,
    f"""
    CREATE TRIGGER document_calendar_touch_insert AFTER INSERT ON agendas_document
    FOR EACH ROW BEGIN {BUMP} = {POINT_SESSION.format(row="NEW")}; END
    """,
    f"""
    CREATE TRIGGER document_calendar_touch_update AFTER UPDATE ON agendas_document
    FOR EACH ROW BEGIN
        {BUMP} IN ({POINT_SESSION.format(row="NEW")}, {POINT_SESSION.format(row="OLD")});
    END
    """,
    f"""
    CREATE TRIGGER document_calendar_touch_delete AFTER DELETE ON agendas_document
    FOR EACH ROW BEGIN {BUMP} = {POINT_SESSION.format(row="OLD")}; END
    """,
]
SQLITE_BACKWARD = [
    f"DROP TRIGGER IF EXISTS {table}_calendar_touch_{operation}"
    for table in ("point", "document")
    for operation in ("insert", "update", "delete")
]
POSTGRESQL_FORWARD = [
    f"""
    CREATE FUNCTION quorum_point_calendar_touch() RETURNS trigger AS $$
    BEGIN
        IF TG_OP <> 'DELETE' THEN
            {BUMP} = NEW.session_id;
        END IF;
        IF TG_OP = 'DELETE' THEN
            {BUMP} = OLD.session_id;
        ELSIF TG_OP = 'UPDATE' AND OLD.session_id <> NEW.session_id THEN
            {BUMP} = OLD.session_id;
        END IF;
        RETURN NULL;
    END;
    $$ LANGUAGE plpgsql
    """,
    f"""
    CREATE FUNCTION quorum_document_calendar_touch() RETURNS trigger AS $$
    BEGIN
        IF TG_OP <> 'DELETE' THEN
            {BUMP} = {POINT_SESSION.format(row="NEW")};
        END IF;
        IF TG_OP = 'DELETE' THEN
            {BUMP} = {POINT_SESSION.format(row="OLD")};
        ELSIF TG_OP = 'UPDATE' AND OLD.point_id <> NEW.point_id THEN
            {BUMP} = {POINT_SESSION.format(row="OLD")};
        END IF;
        RETURN NULL;
    END;
    $$ LANGUAGE plpgsql
    """,
    """
    CREATE TRIGGER point_calendar_touch AFTER INSERT OR UPDATE OR DELETE ON agendas_agendapoint
    FOR EACH ROW EXECUTE FUNCTION quorum_point_calendar_touch()
    """,
    """
    CREATE TRIGGER document_calendar_touch AFTER INSERT OR UPDATE OR DELETE ON agendas_document
    FOR EACH ROW EXECUTE FUNCTION quorum_document_calendar_touch()
    """,
]
POSTGRESQL_BACKWARD = [
    "DROP TRIGGER IF EXISTS point_calendar_touch ON agendas_agendapoint",
    "DROP TRIGGER IF EXISTS document_calendar_touch ON agendas_document",
    "DROP FUNCTION IF EXISTS quorum_point_calendar_touch()",
    "DROP FUNCTION IF EXISTS quorum_document_calendar_touch()",
]


def run(statements_by_vendor):
    def apply(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return apply


class Migration(migrations.Migration):
    dependencies = [
        ("agendas", "0002_dispositions_votes_by_and_history"),
        ("committee_sessions", "0008_session_calendar_freshness"),
    ]

    operations = [
        migrations.RunPython(
            run({"sqlite": SQLITE_FORWARD, "postgresql": POSTGRESQL_FORWARD}),
            run({"sqlite": SQLITE_BACKWARD, "postgresql": POSTGRESQL_BACKWARD}),
        ),
    ]
