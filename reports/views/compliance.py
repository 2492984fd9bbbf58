"""
A committee's compliance page: every rule that applies to it, grouped by family, with the
article it cites, the result, the evidence, how sure we are of the rule and the parameters
in force (the committee's own values marked).
"""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_safe

# The page composes the committee's access rule (committees) with the checker (reports).
from committees.models import Committee, Rule, RuleOverride
from committees.views import get_committee_for_user
from sessions.models import Session

from ..compliance import (
    FAIL,
    PASS,
    PLAN,
    RECORD,
    UNDECIDABLE,
    RuleResult,
    check_committee,
    default_mode,
    summarize,
)

# ?vista= in the address, in Spanish, for each way of checking.
VIEWS = {"plan": PLAN, "registro": RECORD}
VIEW_NAMES = {on: name for name, on in VIEWS.items()}

# Families of rules, by the prefix of their identifier, in the order the page shows them.
FAMILIES = {
    "PREP": gettext_lazy("Comité Técnico Asesor del PREP (Reglamento de Elecciones)"),
    "SES": gettext_lazy("Sesiones de todo órgano colegiado"),
    "CAL": gettext_lazy("Calendario"),
}
OTHER_FAMILY = gettext_lazy("Otras reglas")

RESULT_LABELS = {
    PASS: gettext_lazy("Cumple"),
    FAIL: gettext_lazy("No cumple"),
    UNDECIDABLE: gettext_lazy("No decidible"),
}
RESULT_CLASSES = {PASS: "text-bg-success", FAIL: "text-bg-danger", UNDECIDABLE: "text-bg-secondary"}

# What each parameter of a rule means, for people (the keys are the rules' data).
PARAMETER_LABELS = {
    "months_before_election_day": gettext_lazy("meses antes de la jornada electoral"),
    "min_members": gettext_lazy("mínimo de integrantes con voto"),
    "max_members_opl": gettext_lazy("máximo de integrantes con voto (OPL)"),
    "max_members_ine": gettext_lazy("máximo de integrantes con voto (INE)"),
    "technical_secretaries": gettext_lazy("secretarías técnicas"),
    "min_ordinary_per_month": gettext_lazy("sesiones ordinarias al mes, como mínimo"),
    "min_work_meetings_per_month": gettext_lazy("reuniones de trabajo al mes, como mínimo"),
    "max_months_between_informes": gettext_lazy("meses entre informes, como máximo"),
    "min_members_present": gettext_lazy("integrantes presentes en cada prueba, como mínimo"),
    "min_points_before_convening": gettext_lazy("puntos del orden del día al convocar"),
    "ordinary_hours": gettext_lazy("horas de anticipación (sesión ordinaria)"),
    "extraordinary_hours": gettext_lazy("horas de anticipación (sesión extraordinaria)"),
    "work_meeting_hours": gettext_lazy("horas de anticipación (reunión formal de trabajo)"),
    "working_group_hours": gettext_lazy("horas de anticipación (reunión de grupo de trabajo)"),
    "quorum": gettext_lazy("quórum"),
    "decision": gettext_lazy("votación para aprobar"),
    "max_sessions_later": gettext_lazy("sesiones posteriores para aprobar el acta, como máximo"),
}
PARAMETER_VALUES = {
    "majority": gettext_lazy("mayoría de las y los integrantes con voto"),
    "majority_of_present": gettext_lazy("mayoría de las y los integrantes con voto presentes"),
}


def _parameters(rule: Rule, override: RuleOverride | None) -> list[dict]:
    own = override.parameters if override else {}
    rows = []
    for key, general in rule.parameters.items():
        value = own.get(key, general)
        rows.append(
            {
                "label": PARAMETER_LABELS.get(key, key),
                "value": PARAMETER_VALUES.get(value, value),
                "general": PARAMETER_VALUES.get(general, general),
                "is_own": key in own,
                "differs": key in own and own[key] != general,
            }
        )
    return rows


def _openable(user, committee: Committee) -> set[str]:
    """The session pages of the committee the user may open: evidence links only to those."""
    visible = (
        Session.objects.for_user(user).filter(committee=committee).values_list("pk", flat=True)
    )
    return {reverse("sessions:detail", args=[pk]) for pk in visible}


def _rows(request, committee: Committee, results: list[RuleResult]) -> list[dict]:
    openable = _openable(request.user, committee)
    rules = {rule.code: rule for rule in Rule.objects.filter(code__in=[r.rule for r in results])}
    overrides = {o.rule.code: o for o in committee.rule_overrides.select_related("rule")}
    user = request.user
    may_see_history = user.is_staff and user.has_perm("committees.view_ruleoverride")
    may_override = user.is_staff and user.has_perm("committees.add_ruleoverride")
    rows = []
    for result in results:
        rule = rules[result.rule]
        override = overrides.get(result.rule)
        if override and may_see_history:
            admin_url = reverse("admin:committees_ruleoverride_history", args=[override.pk])
        elif not override and rule.parameters and may_override:
            admin_url = (
                f"{reverse('admin:committees_ruleoverride_add')}"
                f"?committee={committee.pk}&rule={rule.pk}"
            )
        else:
            admin_url = ""
        rows.append(
            {
                "result": result,
                # A guest reads the evidence but gets no link to a session they cannot open.
                "objects": [
                    (label, url if url in openable else None) for label, url in result.objects
                ],
                "anchor": f"regla-{result.rule}",
                "result_label": RESULT_LABELS[result.result],
                "result_class": RESULT_CLASSES[result.result],
                "level_label": Rule.Level(result.level).label,
                "certainty_label": Rule.Certainty(result.certainty).label,
                "verified_on": rule.verified_on,
                "parameters": _parameters(rule, override),
                "override": override,
                "admin_url": admin_url,
            }
        )
    return rows


def _groups(rows: list[dict]) -> list[dict]:
    groups = {prefix: [] for prefix in FAMILIES}
    for row in rows:
        prefix = row["result"].rule.split("-")[0]
        groups.setdefault(prefix if prefix in FAMILIES else "", []).append(row)
    return [
        {"prefix": prefix, "title": FAMILIES.get(prefix, OTHER_FAMILY), "rows": members}
        for prefix, members in groups.items()
        if members
    ]


@login_required
@require_safe
def compliance(request, slug):
    committee = get_committee_for_user(request.user, slug)
    on = VIEWS.get(request.GET.get("vista", "")) or default_mode(committee)
    results = check_committee(committee, on=on)
    rows = _rows(request, committee, results)
    context = {
        "committee": committee,
        "on": on,
        "view_name": VIEW_NAMES[on],
        "tabs": [
            {
                "name": name,
                "label": _("Plan: ¿cumpliría este calendario?")
                if mode == PLAN
                else _("Registro: lo celebrado"),
                "current": mode == on,
            }
            for name, mode in VIEWS.items()
        ],
        "summary": summarize(results, on),
        "today": timezone.localdate(),
        "failing": [row for row in rows if row["result"].result == FAIL],
        "groups": _groups(rows),
    }
    return render(request, "reports/compliance.html", context)
