import json

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from committees.models import Committee, Rule
from reports.compliance import FAIL, PASS, PLAN, RECORD, check_committee

RESULT_LABELS = {PASS: "Cumple", FAIL: "No cumple"}


class Command(BaseCommand):
    help = (
        "Revisa el calendario (plan) o lo celebrado (record) de un órgano colegiado contra "
        "las reglas del Reglamento de Elecciones y las de todo órgano colegiado. Termina con "
        "error si no cumple alguna regla de nivel error."
    )

    def add_arguments(self, parser):
        parser.add_argument("--committee", required=True, help="Identificador (slug) del órgano.")
        parser.add_argument(
            "--on",
            choices=(PLAN, RECORD),
            default=PLAN,
            help="plan: el calendario como está; record: lo celebrado.",
        )
        parser.add_argument("--format", choices=("text", "json"), default="text")

    def handle(self, *args, committee, on, format, **options):
        found = Committee.objects.select_related("institution", "process").filter(slug=committee)
        if not found.exists():
            raise CommandError(_("No existe el órgano «%(slug)s».") % {"slug": committee})
        results = check_committee(found.get(), on=on)
        if format == "json":
            rows = [
                {
                    "rule": r.rule,
                    "result": r.result,
                    "level": r.level,
                    "cites": r.cites,
                    "certainty": r.certainty,
                    "evidence": r.evidence,
                }
                for r in results
            ]
            self.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2))
        else:
            levels = dict(Rule.Level.choices)
            for r in results:
                result = RESULT_LABELS.get(r.result, "No decidible")
                level = str(levels.get(r.level, r.level))
                self.stdout.write(f"{r.rule:8} {result:13} {level:12} {r.cites or '—'}")
                for line in r.evidence:
                    self.stdout.write(f"    {line}")
        broken = [r.rule for r in results if r.result == FAIL and r.level == Rule.Level.ERROR]
        if broken:
            raise CommandError(
                _("No cumple reglas de nivel error: %(rules)s.") % {"rules": ", ".join(broken)}
            )
