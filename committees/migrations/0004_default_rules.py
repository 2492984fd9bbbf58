"""
The rules of ../shared/rules/README.md as data: the Reglamento de Elecciones (arts. 338–345)
for a COTAPREP, and the defaults for every collegiate body. Parameters live here, never in
code; a committee changes them through a RuleOverride.
"""

from django.db import migrations

PREP = ["technical_advisory"]

RULES = [
    ("PREP-01", "RE 338(3)", "La instancia interna que coordina el PREP se designa al menos nueve meses antes de la jornada electoral.", "error", "seed", PREP, {"months_before_election_day": 9}),
    ("PREP-02", "RE 339(1)(a)", "La comisión que da seguimiento al PREP se acuerda al menos nueve meses antes de la jornada electoral.", "error", "seed", PREP, {"months_before_election_day": 9}),
    ("PREP-03", "RE 340(1)", "El COTAPREP se integra a más tardar siete meses antes de la jornada electoral.", "error", "seed", PREP, {"months_before_election_day": 7}),
    ("PREP-04", "RE 340(2)", "El COTAPREP tiene de tres a cinco integrantes (OPL) o de tres a siete (INE); la secretaría técnica no cuenta.", "error", "seed", PREP, {"min_members": 3, "max_members_opl": 5, "max_members_ine": 7}),
    ("PREP-05", "RE 340(2)", "Hay exactamente una secretaría técnica: la persona titular de la instancia interna.", "error", "seed", PREP, {"technical_secretaries": 1}),
    ("PREP-07", "RE 343", "Solo votan las y los integrantes; la secretaría técnica tiene voz sin voto.", "error", "seed", PREP, {}),
    ("PREP-08", "RE 344(3)", "Las personas invitadas y las representaciones hablan pero no votan ni cuentan para el quórum.", "error", "seed", PREP, {}),
    ("PREP-09", "RE 342(1)(g)", "Al menos una sesión ordinaria cada mes de su vigencia.", "error", "seed", PREP, {"min_ordinary_per_month": 1}),
    ("PREP-10", "RE 342(1)(h)", "Una reunión formal de trabajo con las representaciones de partidos políticos cada mes.", "error", "seed", PREP, {"min_work_meetings_per_month": 1}),
    ("PREP-11", "RE 342(1)(i)", "Un informe de actividades al menos cada dos meses.", "error", "seed", PREP, {"max_months_between_informes": 2}),
    ("PREP-12", "RE 342(1)(j)", "Las y los integrantes presencian las pruebas y los simulacros del PREP.", "warning", "seed", PREP, {"min_members_present": 1}),
    ("PREP-13", "RE 342(1)(k)", "El informe final se entrega dentro del mes de la jornada electoral.", "error", "seed", PREP, {}),
    ("PREP-14", "RE 345(2)", "Las sesiones y reuniones siguen un calendario aprobado, cada una con una agenda definida.", "warning", "seed", PREP, {}),
    ("PREP-15", "RE 343", "La secretaría técnica prepara el orden del día y convoca.", "error", "seed", PREP, {"min_points_before_convening": 1}),
    ("PREP-17", "Práctica", "El comité actúa solo dentro de su vigencia; la última sesión es la de cierre.", "warning", "inferred", PREP, {}),
    ("SES-01", "", "Plazo de convocatoria antes de cada sesión.", "warning", "default", [], {"ordinary_hours": 72, "extraordinary_hours": 24, "work_meeting_hours": 72, "working_group_hours": 72}),
    ("SES-02", "", "La convocatoria indica día, hora, lugar o enlace, tipo y número, el orden del día y los documentos.", "warning", "default", [], {}),
    ("SES-04", "", "Quórum: mayoría de las y los integrantes con voto.", "error", "default", [], {"quorum": "majority"}),
    ("SES-06", "", "Votación nominal; se aprueba por mayoría de las y los integrantes con voto presentes; un empate se señala, no se resuelve.", "error", "default", [], {"decision": "majority_of_present"}),
    ("SES-07", "", "Las sesiones extraordinarias tratan solo los puntos listados: sin asuntos generales ni seguimiento.", "warning", "default", [], {}),
    ("SES-08", "", "El acta de una sesión se aprueba en la siguiente (o en la posterior, si son muy cercanas).", "warning", "default", [], {"max_sessions_later": 2}),
    ("SES-11", "", "Cada sesión ordinaria revisa los acuerdos abiertos.", "warning", "default", [], {}),
    ("SES-12", "", "Los acuerdos llevan números únicos y consecutivos.", "warning", "default", [], {}),
    ("SES-13", "", "Una sesión pospuesta o cancelada registra el motivo y cuándo se avisó.", "warning", "default", [], {}),
    ("CAL-01", "", "El calendario es coherente: números en orden de fecha dentro de cada tipo y ninguna coincidencia de horario.", "warning", "default", [], {}),
]  # fmt: skip


def load_rules(apps, schema_editor):
    Rule = apps.get_model("committees", "Rule")
    for code, cites, statement, level, certainty, applies_to, parameters in RULES:
        Rule.objects.update_or_create(
            code=code,
            defaults={
                "cites": cites,
                "statement": statement,
                "level": level,
                "certainty": certainty,
                "applies_to": applies_to,
                "parameters": parameters,
            },
        )


def unload_rules(apps, schema_editor):
    apps.get_model("committees", "Rule").objects.filter(
        code__in=[row[0] for row in RULES]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("committees", "0003_rules")]

    operations = [migrations.RunPython(load_rules, unload_rules)]
