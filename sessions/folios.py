"""
Oficio numbers. A folio is issued inside the transaction that issues its document, under
a row lock on the committee: the next number of the year is read and written while no
other issue of that committee can, so numbers are unique and gapless, and a rolled-back
issue leaves no number taken.
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from committees.models import Committee

from .models import Folio, Session


def _issue(committee: Committee, kind: str, *, on: datetime.date, **document) -> Folio:
    # The lock serializes issuing per committee; a document already numbered keeps its folio.
    committee = (
        Committee.objects.select_for_update().select_related("institution").get(pk=committee.pk)
    )
    existing = Folio.objects.filter(kind=kind, **document).first()
    if existing:
        return existing
    year = on.year
    last = Folio.objects.filter(committee=committee, year=year).aggregate(last=Max("number"))
    number = (last["last"] or 0) + 1
    code = committee.format_folio(number, year)
    if Folio.objects.filter(code=code).exists():
        # Another committee's pattern gives the same oficio number (two committees of one
        # institute with the same short name): refuse rather than issue a duplicate.
        raise ValidationError(
            _(
                "El número de oficio %(code)s ya lo emitió otro órgano colegiado. Ajuste el "
                "patrón de folios de %(committee)s en la administración para que sea único."
            )
            % {"code": code, "committee": committee.short_name}
        )
    return Folio.objects.create(
        committee=committee,
        year=year,
        number=number,
        code=code,
        kind=kind,
        **document,
    )


@transaction.atomic
def issue_convocatoria_folio(session: Session, *, now: datetime.datetime | None = None) -> Folio:
    """The convocatoria's folio: issued once, when the session is first convened."""
    now = now or timezone.now()
    on = timezone.localtime(now, session.committee.zone).date()
    return _issue(session.committee, Folio.Kind.CONVOCATORIA, on=on, session=session)


@transaction.atomic
def issue_informe_folio(informe, *, now: datetime.datetime | None = None) -> Folio:
    """An informe's folio: issued once, when it is presented."""
    now = now or timezone.now()
    on = timezone.localtime(now, informe.committee.zone).date()
    return _issue(informe.committee, Folio.Kind.INFORME, on=on, informe=informe)


def convocatoria_folio(session: Session) -> str:
    """The convocatoria's folio, or "" before the session is convened."""
    folio = next((f for f in session.folios.all() if f.kind == Folio.Kind.CONVOCATORIA), None)
    return folio.code if folio else ""
