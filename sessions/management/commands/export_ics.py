from django.core.management.base import BaseCommand, CommandError

from committees.models import Committee
from sessions import ical


class Command(BaseCommand):
    help = (
        "Escribe en la salida estándar el calendario público (iCalendar) de un órgano "
        "colegiado: sus sesiones públicas, como en su suscripción."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--committee", required=True, metavar="SLUG", help="Identificador del órgano."
        )

    def handle(self, *args, **options):
        slug = options["committee"]
        committee = Committee.objects.select_related("institution").filter(slug=slug).first()
        if committee is None:
            raise CommandError(f"No existe un órgano con el identificador «{slug}».")
        sessions = ical.feed_sessions(committee.sessions.filter(is_public=True))
        body = ical.committee_calendar(committee, sessions, base_url=ical.site_url())
        self.stdout.write(body.decode("utf-8"), ending="")
