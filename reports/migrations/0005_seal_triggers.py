"""
The database's own guard of sealed records (sessions.seal, layer 4): once a session's acta
is approved (committee_sessions_session.sealed_at is set), triggers refuse UPDATE, INSERT
and DELETE of the session and of every row of its record, raw SQL included, on PostgreSQL
and on SQLite. Errata are never updated or deleted at all.

A maintenance command (flush, restore) lifts the triggers for one transaction: on PostgreSQL
with the transaction-local setting quorum.seal_maintenance = 'on', on SQLite with a row in
quorum_seal_maintenance (see sessions.seal.seal_maintenance).

The column lists are written out here (a migration never imports app code); the test
tests/test_seal_triggers.py fails when a model gains a column that a trigger does not
compare, so a later migration must replace the triggers with the new list.
"""

from django.db import migrations

MESSAGE = (
    "Registro sellado: el acta de esta sesión ya fue aprobada y su registro no se modifica "
    "(use la fe de erratas)."
)
ERRATUM_MESSAGE = "Una fe de erratas registrada no se modifica ni se elimina."

# How each table reaches its session, the columns that may still change once sealed, and
# every column (SQLite compares them one by one).
TABLES = {
    "committee_sessions_session": {
        "via": "self",
        "exempt": ["is_public"],
        "columns": [
            "id", "committee_id", "kind", "role", "number", "date", "start_time", "end_time",
            "place", "video_link", "status", "notes", "is_public", "convened_at", "opened_at",
            "closed_at", "quorum_present", "quorum_required", "status_reason",
            "status_changed_at", "rescheduled_from", "revision", "sealed_at",
        ],
    },
    "committee_sessions_attendance": {
        "via": "session",
        "exempt": [],
        "columns": ["id", "session_id", "membership_id", "status", "arrival_time", "recorded_by_id"],
    },
    "agendas_agendapoint": {
        "via": "session",
        "exempt": [],
        "columns": [
            "id", "session_id", "position", "title", "description", "kind", "standard",
            "presenter", "minutes", "approves_acta_of_id", "disposition", "disposition_reason",
            "carried_from_id",
        ],
    },
    "agendas_vote": {
        "via": "point",
        "exempt": [],
        "columns": ["id", "point_id", "membership_id", "sense", "cast_at", "recorded_by_id"],
    },
    "agendas_document": {
        "via": "point",
        "exempt": [],
        "columns": [
            "id", "point_id", "title", "file", "sha256", "size", "uploaded_at", "uploaded_by_id",
        ],
    },
    "agendas_agreement": {
        "via": "point",
        "exempt": ["status"],
        "columns": [
            "id", "committee_id", "point_id", "number", "sequence", "text", "responsible_id",
            "due_date", "status", "created_at",
        ],
    },
    "reports_acta": {
        "via": "session",
        # Checked apart: approved → published, the archive written once, updated_at.
        "exempt": ["status", "pdf", "pdf_sha256", "updated_at"],
        "columns": [
            "id", "session_id", "status", "body", "approved_at_point_id", "approved_on",
            "circulated_at", "snapshot", "pdf", "pdf_sha256", "created_at", "updated_at",
        ],
    },
    "reports_actaobservation": {
        "via": "acta",
        "exempt": [],
        "columns": ["id", "acta_id", "point_id", "author_id", "text", "created_at"],
    },
    "reports_actaapproval": {
        "via": "acta",
        "exempt": [],
        "columns": [
            "id", "acta_id", "membership_id", "decision", "text", "decided_at",
            "recorded_by_id", "withdrawn_at",
        ],
    },
}  # fmt: skip

def acta_transitions(differ: str) -> str:
    """SQL true when an acta changes beyond publishing and being archived once."""
    return (
        f"(NEW.status {differ} OLD.status"
        " AND NOT (OLD.status = 'approved' AND NEW.status = 'published'))"
        f" OR (NEW.pdf {differ} OLD.pdf AND OLD.pdf <> '')"
        f" OR (NEW.pdf_sha256 {differ} OLD.pdf_sha256 AND OLD.pdf_sha256 <> '')"
    )


def sealed(via: str, row: str) -> str:
    """SQL that is true when the session of ``row`` (NEW or OLD) is sealed."""
    if via == "self":
        return f"{row}.sealed_at IS NOT NULL"
    if via == "session":
        return (
            "EXISTS (SELECT 1 FROM committee_sessions_session s "
            f"WHERE s.id = {row}.session_id AND s.sealed_at IS NOT NULL)"
        )
    if via == "point":
        return (
            "EXISTS (SELECT 1 FROM agendas_agendapoint p JOIN committee_sessions_session s "
            f"ON s.id = p.session_id WHERE p.id = {row}.point_id AND s.sealed_at IS NOT NULL)"
        )
    return (
        "EXISTS (SELECT 1 FROM reports_acta a JOIN committee_sessions_session s "
        f"ON s.id = a.session_id WHERE a.id = {row}.acta_id AND s.sealed_at IS NOT NULL)"
    )


# --- PostgreSQL ------------------------------------------------------------------------------


def postgres_sql(table: str, spec: dict) -> str:
    exempt = ",".join(spec["exempt"])
    changed = f"(to_jsonb(NEW) - '{{{exempt}}}'::text[]) IS DISTINCT FROM (to_jsonb(OLD) - '{{{exempt}}}'::text[])"
    if table == "reports_acta":
        changed = f"{changed} OR {acta_transitions('IS DISTINCT FROM')}"
    # A row moved into (or added to) a sealed session; the session itself is sealed by
    # an update of its own row, which is allowed.
    entering = "FALSE" if spec["via"] == "self" else sealed(spec["via"], "NEW")
    return f"""
CREATE OR REPLACE FUNCTION quorum_seal_guard_{table}() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF coalesce(current_setting('quorum.seal_maintenance', true), '') = 'on' THEN
        IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
        RETURN NEW;
    END IF;
    IF TG_OP = 'DELETE' THEN
        IF {sealed(spec["via"], "OLD")} THEN
            RAISE EXCEPTION USING ERRCODE = 'check_violation', MESSAGE = '{MESSAGE}';
        END IF;
        RETURN OLD;
    END IF;
    IF TG_OP = 'UPDATE' AND ({sealed(spec["via"], "OLD")}) THEN
        IF {changed} THEN
            RAISE EXCEPTION USING ERRCODE = 'check_violation', MESSAGE = '{MESSAGE}';
        END IF;
        RETURN NEW;
    END IF;
    IF {entering} THEN
        RAISE EXCEPTION USING ERRCODE = 'check_violation', MESSAGE = '{MESSAGE}';
    END IF;
    RETURN NEW;
END
$$;
DROP TRIGGER IF EXISTS quorum_seal_guard ON {table};
CREATE TRIGGER quorum_seal_guard BEFORE INSERT OR UPDATE OR DELETE ON {table}
    FOR EACH ROW EXECUTE FUNCTION quorum_seal_guard_{table}();
"""


POSTGRES_ERRATA = f"""
CREATE OR REPLACE FUNCTION quorum_seal_guard_reports_actaerratum() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF coalesce(current_setting('quorum.seal_maintenance', true), '') = 'on' THEN
        IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
        RETURN NEW;
    END IF;
    RAISE EXCEPTION USING ERRCODE = 'check_violation', MESSAGE = '{ERRATUM_MESSAGE}';
END
$$;
DROP TRIGGER IF EXISTS quorum_seal_guard ON reports_actaerratum;
CREATE TRIGGER quorum_seal_guard BEFORE UPDATE OR DELETE ON reports_actaerratum
    FOR EACH ROW EXECUTE FUNCTION quorum_seal_guard_reports_actaerratum();
"""


def postgres_drop(table: str) -> str:
    return (
        f"DROP TRIGGER IF EXISTS quorum_seal_guard ON {table};"
        f"DROP FUNCTION IF EXISTS quorum_seal_guard_{table}();"
    )


# --- SQLite ----------------------------------------------------------------------------------

NOT_MAINTENANCE = "NOT EXISTS (SELECT 1 FROM quorum_seal_maintenance)"


def sqlite_sql(table: str, spec: dict) -> list[str]:
    changed = " OR ".join(
        f"NEW.{column} IS NOT OLD.{column}"
        for column in spec["columns"]
        if column not in spec["exempt"]
    )
    if table == "reports_acta":
        changed = f"{changed} OR {acta_transitions('IS NOT')}"
    raise_ = f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"
    statements = [
        f"CREATE TRIGGER quorum_seal_{table}_update BEFORE UPDATE ON {table} "
        f"WHEN {NOT_MAINTENANCE} AND (({sealed(spec['via'], 'OLD')}) AND ({changed})"
        + (
            ""
            if spec["via"] == "self"
            else f" OR (NOT {sealed(spec['via'], 'OLD')} AND {sealed(spec['via'], 'NEW')})"
        )
        + f") {raise_}",
        f"CREATE TRIGGER quorum_seal_{table}_delete BEFORE DELETE ON {table} "
        f"WHEN {NOT_MAINTENANCE} AND {sealed(spec['via'], 'OLD')} {raise_}",
    ]
    if spec["via"] != "self":
        statements.append(
            f"CREATE TRIGGER quorum_seal_{table}_insert BEFORE INSERT ON {table} "
            f"WHEN {NOT_MAINTENANCE} AND {sealed(spec['via'], 'NEW')} {raise_}"
        )
    return statements


SQLITE_ERRATA = [
    f"CREATE TRIGGER quorum_seal_reports_actaerratum_{verb.lower()} BEFORE {verb} ON "
    f"reports_actaerratum WHEN {NOT_MAINTENANCE} "
    f"BEGIN SELECT RAISE(ABORT, '{ERRATUM_MESSAGE}'); END"
    for verb in ("UPDATE", "DELETE")
]


def sqlite_drop(table: str) -> list[str]:
    return [
        f"DROP TRIGGER IF EXISTS quorum_seal_{table}_{verb}"
        for verb in ("update", "delete", "insert")
    ]


def create_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        for table, spec in TABLES.items():
            schema_editor.execute(postgres_sql(table, spec))
        schema_editor.execute(POSTGRES_ERRATA)
    elif vendor == "sqlite":
        schema_editor.execute(
            "CREATE TABLE IF NOT EXISTS quorum_seal_maintenance (active integer NOT NULL)"
        )
        for table, spec in TABLES.items():
            for statement in sqlite_sql(table, spec):
                schema_editor.execute(statement)
        for statement in SQLITE_ERRATA:
            schema_editor.execute(statement)


def drop_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        for table in [*TABLES, "reports_actaerratum"]:
            schema_editor.execute(postgres_drop(table))
    elif vendor == "sqlite":
        for table in [*TABLES, "reports_actaerratum"]:
            for statement in sqlite_drop(table):
                schema_editor.execute(statement)
        schema_editor.execute("DROP TABLE IF EXISTS quorum_seal_maintenance")


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0004_circulation_and_history"),
        ("agendas", "0002_dispositions_votes_by_and_history"),
        ("committee_sessions", "0005_seal_and_attendance_history"),
    ]

    operations = [migrations.RunPython(create_triggers, drop_triggers)]
