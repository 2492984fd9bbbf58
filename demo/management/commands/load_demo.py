from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.urls import reverse

from committees.models import Committee, Person
from config.site import absolute_url
from demo.current import (
    CURRENT_SLUG,
    adopt_open_agreements,
    convene_next_session,
    load_current_demo,
)
from demo.loader import load_demo
from demo.simulation import simulate_season
from reports.models import Acta, Informe
from sessions.services import local_today

DEMO_USERNAME = "admin"
# Accounts for people of the demo committee, to see Quórum as they do.
DEMO_PEOPLE = {
    "hector": ("Héctor Gallego Ávila", "secretaría técnica"),
    "claudia": ("Claudia Carolina Olivares Álvarez", "integrante con voz y voto"),
}
DEMO_PASSWORD = "quorum-demo"  # noqa: S105 - a published demo credential, DEBUG only


def login_url() -> str:
    # The site's address (SITE_URL): in development, the port ./dev run serves on.
    return absolute_url(reverse("login"))


class Command(BaseCommand):
    help = (
        "Carga el comité de demostración (COTAPREP del IEPC Jalisco, Proceso Electoral "
        "Local Concurrente 2023-2024) y una cuenta de administración. Se puede repetir."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--simulate",
            action="store_true",
            help="Además, simula la temporada completa: convocatorias, asistencia, votaciones, "
            "acuerdos, actas aprobadas en la sesión siguiente e informes presentados.",
        )
        parser.add_argument(
            "--password",
            help="Contraseña de la cuenta de administración de demostración "
            f"(en desarrollo, «{DEMO_PASSWORD}»).",
        )

    def handle(self, *args, password=None, simulate=False, **options):
        summary = load_demo()
        self.stdout.write(
            self.style.SUCCESS(
                f"Demostración cargada: {summary.committee.name} ({summary.committee.short_name}), "
                f"{summary.sessions} sesiones y reuniones, {summary.points} puntos del orden "
                f"del día, {summary.members_with_vote} integrantes con voto y "
                f"{summary.technical_secretaries} secretaría técnica."
            )
        )
        current = self._load_current(summary.committee)
        self._ensure_superuser(password)
        self._ensure_people_accounts(password)
        if simulate:
            self._simulate(summary.committee)
            self._simulate_current(current)

    def _load_current(self, season):
        today = local_today(season)
        if load_current_demo(today) is None:
            self.stdout.write(
                "El comité de demostración en fechas actuales ya existe; se conserva."
            )
        current = Committee.objects.get(slug=CURRENT_SLUG)
        upcoming = current.sessions.filter(date__gte=today).count()
        self.stdout.write(
            self.style.SUCCESS(
                f"Comité en fechas actuales: {current.name} ({current.process}), "
                f"{upcoming} sesiones y reuniones por venir."
            )
        )
        return current

    def _simulate_current(self, current):
        today = local_today(current)
        season = simulate_season(current, until=today)
        adopted = adopt_open_agreements(current, today)
        convened = convene_next_session(current, today)
        self.stdout.write(
            self.style.WARNING(
                f"SIMULACIÓN en fechas actuales: {season.sessions_held} sesiones celebradas "
                f"antes de hoy, {season.agreements + adopted} acuerdos; "
                + (f"convocada: {convened.title} ({convened.date:%d/%m/%Y})." if convened else "")
            )
        )

    def _simulate(self, committee):
        season = simulate_season(committee)
        held = committee.sessions.filter(status="held").count()
        approved = Acta.objects.filter(session__committee=committee).exclude(status="draft")
        drafts = Acta.objects.filter(session__committee=committee, status="draft")
        presented = Informe.objects.filter(committee=committee).exclude(status="draft")
        self.stdout.write(
            self.style.WARNING(
                "SIMULACIÓN (datos ficticios para la demostración): "
                f"{season.sessions_held} sesiones celebradas ahora, {held} en total; "
                f"{season.votes} votos, {season.agreements} acuerdos, "
                f"{season.follow_ups} seguimientos; actas aprobadas: {approved.count()}, "
                f"en proyecto: {drafts.count()}; informes presentados ahora: "
                f"{season.informes_presented}, en total: {presented.count()}."
            )
        )

    def _ensure_superuser(self, password):
        User = get_user_model()
        if User.objects.filter(username=DEMO_USERNAME).exists():
            self.stdout.write(
                f"La cuenta «{DEMO_USERNAME}» ya existe; se conserva su contraseña. "
                f"Entre en {login_url()}"
            )
            return
        if password is None:
            if not settings.DEBUG:
                self.stdout.write(
                    self.style.WARNING(
                        "No se creó la cuenta de administración: fuera de desarrollo indique "
                        "--password."
                    )
                )
                return
            password = DEMO_PASSWORD
        User.objects.create_superuser(DEMO_USERNAME, "admin@example.org", password)
        self.stdout.write(
            self.style.SUCCESS(
                f"Entre en {login_url()} con el usuario «{DEMO_USERNAME}» y la "
                f"contraseña «{password}»."
            )
        )

    def _ensure_people_accounts(self, password):
        if password is None and not settings.DEBUG:
            return
        User = get_user_model()
        for username, (name, role) in DEMO_PEOPLE.items():
            person = Person.objects.get(name=name)
            if person.user_id is None:
                first_name, _, last_name = name.partition(" ")
                user = User.objects.filter(username=username).first()
                if user is None:
                    user = User.objects.create_user(
                        username,
                        password=password or DEMO_PASSWORD,
                        first_name=first_name,
                        last_name=last_name,
                    )
                person.user = user
                person.save(update_fields=["user"])
            self.stdout.write(f"También puede entrar como «{username}» ({name}, {role}).")
