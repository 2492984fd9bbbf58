"""
SES-08 now names approval by circulation for the acta of the last session, and PREP-11
the periods of the informes (rules/README.md as corrected). Statements only: parameters
and each committee's overrides stay as they are.
"""

from django.db import migrations

STATEMENTS = {
    "SES-08": (
        "El acta de una sesión se aprueba en la siguiente (o en la posterior, si son muy "
        "cercanas); la de la última sesión (la de cierre, o una sin sesión posterior) se "
        "aprueba por circulación entre las y los integrantes con voto.",
        "El acta de una sesión se aprueba en la siguiente (o en la posterior, si son muy "
        "cercanas).",
    ),
    "PREP-11": (
        "Un informe de actividades al menos cada dos meses: periodos contiguos de hasta dos "
        "meses desde la instalación, cada uno presentado dentro del mes siguiente a su "
        "término.",
        "Un informe de actividades al menos cada dos meses.",
    ),
}


def update_statements(apps, schema_editor):
    Rule = apps.get_model("committees", "Rule")
    for code, (statement, _old) in STATEMENTS.items():
        Rule.objects.filter(code=code).update(statement=statement)


def restore_statements(apps, schema_editor):
    Rule = apps.get_model("committees", "Rule")
    for code, (_new, statement) in STATEMENTS.items():
        Rule.objects.filter(code=code).update(statement=statement)


class Migration(migrations.Migration):
    dependencies = [("committees", "0005_person_history")]

    operations = [migrations.RunPython(update_statements, restore_statements)]
