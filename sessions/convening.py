"""
The check before convening: what the secretariat should know before the convocation goes
out (nobody to send it to, people without e-mail, an agenda with nothing to discuss, no
place, a short notice). Warnings never refuse; the secretary confirms them explicitly and
the confirmation is kept (``ConveningConfirmation``).
"""

import dataclasses
import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from . import notifications
from .models import ConveningConfirmation, Session
from .services import _locked, convene_session, notice_hours, refuse_convening

# Point kinds and standards that carry no matter of substance: they frame a session.
# (Strings, not AgendaPoint's choices: sessions does not import agendas.)
PROCEDURAL_KINDS = ("procedural", "general_matters", "closing")
PROCEDURAL_STANDARDS = ("agenda",)
# What secretariats type in the place while it is not decided yet.
UNDECIDED_PLACES = {"", "por definir", "por confirmar", "pendiente", "-", "—", "n/a", "na"}


@dataclasses.dataclass(frozen=True)
class ConveningWarning:
    code: str
    text: str


def _place_undecided(session: Session) -> bool:
    place = " ".join(session.place.split()).strip(" .").lower()
    return place in UNDECIDED_PLACES and not session.video_link


def convening_warnings(
    session: Session, *, now: datetime.datetime | None = None
) -> list[ConveningWarning]:
    """Every warning that applies to convening ``session`` now, in a fixed order."""
    now = now or timezone.now()
    warnings = []
    people = notifications.audience(session)
    if not people.recipients:
        warnings.append(
            ConveningWarning(
                "no_recipients",
                _(
                    "Nadie recibirá la convocatoria por correo: ninguna persona con cargo "
                    "vigente en la fecha de la sesión tiene correo electrónico registrado."
                ),
            )
        )
    if people.unreachable:
        names = ", ".join(person.full_name for person in people.unreachable)
        warnings.append(
            ConveningWarning(
                "no_email",
                ngettext(
                    "%(names)s no tiene correo electrónico registrado: no recibirá la "
                    "convocatoria.",
                    "%(count)d personas no tienen correo electrónico registrado y no "
                    "recibirán la convocatoria: %(names)s.",
                    len(people.unreachable),
                )
                % {"names": names, "count": len(people.unreachable)},
            )
        )
    substantive = (
        session.points.exclude(kind__in=PROCEDURAL_KINDS)
        .exclude(standard__in=PROCEDURAL_STANDARDS)
        .exists()
    )
    if not substantive:
        warnings.append(
            ConveningWarning(
                "no_substantive_point",
                _(
                    "El orden del día solo tiene puntos de trámite (orden del día, asuntos "
                    "generales, clausura): no hay ningún asunto que informar o aprobar."
                ),
            )
        )
    if _place_undecided(session):
        warnings.append(
            ConveningWarning(
                "no_place",
                _(
                    "No se ha definido el lugar ni el enlace de la videoconferencia: la "
                    "convocatoria no dirá dónde se celebra la sesión."
                ),
            )
        )
    starts = session.starts_at or datetime.datetime.combine(
        session.date, datetime.time.min, tzinfo=session.committee.zone
    )
    hours = notice_hours(session)
    if starts - now < datetime.timedelta(hours=hours):
        warnings.append(
            ConveningWarning(
                "short_notice",
                _(
                    "La convocatoria se envía con menos de %(hours)s horas de anticipación, "
                    "el plazo del órgano para una %(kind)s."
                )
                % {"hours": hours, "kind": session.get_kind_display().lower()},
            )
        )
    return warnings


@transaction.atomic
def convene_checked(
    session: Session,
    *,
    seen: list[str],
    confirmed: bool,
    by=None,
    now: datetime.datetime | None = None,
) -> list[ConveningWarning]:
    """
    Convene ``session`` after its check page: the warnings are computed again under the
    session's lock, and the convocation goes out only if the secretary confirmed exactly the
    warnings that apply now (a warning that appeared since the page was shown is refused,
    so nobody confirms what they did not see). The confirmation is recorded.
    """
    session = _locked(session)
    now = now or timezone.now()
    refuse_convening(session)
    warnings = convening_warnings(session, now=now)
    codes = [warning.code for warning in warnings]
    if warnings:
        if set(codes) - set(seen):
            raise ValidationError(
                _(
                    "Las advertencias cambiaron desde que se mostró esta página: revíselas "
                    "de nuevo antes de convocar."
                ),
                code="changed",
            )
        if not confirmed:
            raise ValidationError(
                _("Confirme que desea convocar pese a las advertencias."), code="unconfirmed"
            )
    convene_session(session, now=now)
    if warnings:
        ConveningConfirmation.objects.create(
            session=session,
            confirmed_by=by if by is not None and by.is_authenticated else None,
            confirmed_at=now,
            warnings=[warning.text for warning in warnings],
        )
    return warnings
