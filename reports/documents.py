"""
What each printed document says: one context builder per document, for the templates
under ``templates/reports/pdf/``. Plain data read in a bounded number of queries.
"""

from django.db.models import Prefetch
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from agendas.models import AgendaPoint, Document
from committees.models import Committee, Membership
from committees.spanish import long_date
from config.site import absolute_url
from sessions.folios import convocatoria_folio
from sessions.models import Session, of_body
from sessions.services import notice_hours

from .letterhead import letterhead
from .models import Acta
from .services import acta_content
from .verification import qr_svg

# Who is convened, in the order the addressees are listed. The technical secretary signs
# the convocatoria, so she is not among its addressees.
ADDRESSEE_ROLES = (
    Membership.Role.MEMBER,
    Membership.Role.GUEST,
    Membership.Role.PARTY_REPRESENTATIVE,
)


def _header(session: Session, title: str, *, folio: str = "") -> dict:
    """
    What every page carries: the letterhead, the title, the folio, and the address where
    the document is consulted (the session's page on this site).
    """
    return letterhead(
        session.committee,
        title,
        address=absolute_url(reverse("sessions:detail", args=[session.pk])),
        folio=folio,
    )


def _schedule(session: Session) -> dict:
    return {
        "title": session.title,
        "kind": session.get_kind_display(),
        "date": session.date.isoformat(),
        "date_text": long_date(session.date, weekday=True),
        "time": f"{session.start_time:%H:%M}" if session.start_time else "",
        "time_text": (
            f"{session.start_time:%H:%M} horas"
            if session.start_time
            else _("Horario por confirmar")
        ),
        "place": session.place,
        "video_link": session.video_link,
    }


def _points(session: Session) -> list[AgendaPoint]:
    return list(
        session.points.order_by("position").prefetch_related(
            Prefetch("documents", queryset=Document.objects.order_by("title"))
        )
    )


def _secretary(session: Session) -> Membership | None:
    return (
        session.committee.memberships.active_on(session.date)
        .filter(role=Membership.Role.TECHNICAL_SECRETARY)
        .select_related("person")
        .order_by("start")
        .first()
    )


def _addressees(session: Session) -> list[Membership]:
    """
    The seats active on the session's date: members, the technical secretary and guests;
    party representatives for formal work meetings, or when invited to the session.
    """
    roles = list(ADDRESSEE_ROLES)
    seats = session.committee.memberships.active_on(session.date).select_related("person", "party")
    if session.kind != Session.Kind.WORK_MEETING:
        roles.remove(Membership.Role.PARTY_REPRESENTATIVE)
        invited = session.invitations.values("pk")
        seats = seats.filter(role__in=roles) | seats.filter(pk__in=invited)
    ordered = sorted(seats, key=lambda seat: (ADDRESSEE_ROLES.index(seat.role), seat.person.name))
    return ordered


def place_and_date(city: str, day) -> str:
    """ "Guadalajara, Jalisco, a 25 de enero de 2024"; only the date without a city."""
    return f"{city}, a {long_date(day)}" if city else long_date(day)


def convocatoria_context(session: Session) -> dict:
    """
    The convocation as an oficio: folio, place and date, the addressees by name and post,
    the legal basis and notice period, the agenda, place or link, and the secretary's
    signature block.
    """
    points = _points(session)
    secretary = _secretary(session)
    previous_acta_point = next(
        (point for point in points if point.approves_acta_of_id is not None), None
    )
    folio = convocatoria_folio(session)
    header = _header(session, _("Convocatoria"), folio=folio)
    issued = (
        timezone.localtime(session.convened_at, session.committee.zone).date()
        if session.convened_at
        else None
    )
    return {
        "header": header,
        "session": _schedule(session),
        "addressees": [
            {
                "name": seat.person.full_name,
                "job_title": seat.person.job_title,
                "role": seat.get_role_display(),
                "party": seat.party.acronym if seat.party else "",
            }
            for seat in _addressees(session)
            if secretary is None or seat.person_id != secretary.person_id
        ],
        "points": points,
        "previous_acta_point": previous_acta_point,
        "legal_basis": session.committee.legal_basis.splitlines()[0]
        if session.committee.legal_basis
        else "",
        "notice_hours": notice_hours(session),
        "secretary": {
            "name": secretary.person.full_name if secretary else "",
            "job_title": secretary.person.job_title if secretary else "",
            "role": secretary.get_role_display() if secretary else "",
            "email": secretary.person.email if secretary else "",
        },
        "issued_on": long_date(issued) if issued else "",
        "place_and_date": place_and_date(header["city"], issued) if issued else "",
    }


def orden_context(session: Session) -> dict:
    """The agenda (orden del día) of a session, with the documents of each point."""
    return {
        "header": _header(session, _("Orden del día")),
        "session": _schedule(session),
        "points": _points(session),
    }


def _names(names: list[str]) -> str:
    """ "A", "A y B", "A, B y C"."""
    if len(names) <= 1:
        return "".join(names)
    return f"{', '.join(names[:-1])} y {names[-1]}"


def _narrative(content: dict, city: str) -> dict:
    """
    The acta's prose, built from its content (live or frozen): the opening (city, hour,
    date, place or modality, who attended by role, the quorum), each point's vote by name,
    and the closing. Old snapshots without a city take the institution's current one.
    """
    session = content["session"]
    city = content["committee"].get("city") or city
    if session.get("place") and session.get("video_link"):
        where = _("en %(place)s y por videoconferencia") % {"place": session["place"]}
    elif session.get("video_link"):
        where = _("mediante videoconferencia")
    elif session.get("place"):
        where = _("en %(place)s") % {"place": session["place"]}
    else:
        where = ""
    attended: dict[str, list[str]] = {}
    absent = []
    for row in content.get("attendance", []):
        name = f"{row['name']} ({row['party']})" if row.get("party") else row["name"]
        if row["status"].lower().startswith("ausen"):
            absent.append(name)
        else:
            attended.setdefault(row["role"], []).append(name)

    # Members first, then the technical secretary, then everyone else.
    def rank(role: str) -> int:
        lowered = role.lower()
        return 0 if lowered.startswith("integrante") else 1 if "secretar" in lowered else 2

    by_role = [
        f"{_names(names)}, {role.lower()}"
        for role, names in sorted(attended.items(), key=lambda item: rank(item[0]))
    ]
    points = []
    for point in content.get("points", []):
        senses: dict[str, list[str]] = {}
        for vote in point.get("votes", []):
            senses.setdefault(vote["sense"].lower(), []).append(vote["name"])
        points.append(
            {
                **point,
                "votes_text": "; ".join(
                    _("%(sense)s: %(names)s") % {"sense": sense, "names": _names(names)}
                    for sense, names in senses.items()
                ),
            }
        )
    return {
        "city": city,
        "where": where,
        "attended": "; ".join(by_role),
        "absent": _names(absent),
        "points": points,
    }


def acta_context(acta: Acta) -> dict:
    """
    The acta: a draft from the live record, an approved acta from the content frozen at
    its approval (never from the record, which may have changed since).
    """
    session = acta.session
    content = acta.snapshot if acta.is_frozen else acta_content(session)
    header = _header(session, _("Acta") if acta.is_frozen else _("Proyecto de acta"))
    # The names as they were stated, even on a page header.
    header["institution"] = content["committee"]["institution"]
    header["committee"] = content["committee"]["name"]
    header["committee_of"] = of_body(content["committee"]["name"])
    # The acta's page shows the archived file's SHA-256: where a printed copy is checked.
    header["address"] = absolute_url(reverse("reports:acta", args=[acta.pk]))
    if acta.is_frozen:
        header["verify_url"] = acta_verify_url(acta)
        header["verify_qr"] = qr_svg(header["verify_url"])
    signers = content.get("signers") or [
        {"name": name, "post": "", "role": ""} for name in content.get("signatories", [])
    ]
    return {
        "header": header,
        "acta": acta,
        "is_draft": not acta.is_frozen,
        "content": content,
        "narrative": _narrative(content, header["city"]),
        "signers": signers,
        "approval": content.get("approval") if acta.is_frozen else None,
    }


def acta_verify_url(acta: Acta) -> str:
    """An approved acta is verified by its number on this site (it has no oficio folio)."""
    return absolute_url(f"{reverse('verification:verify')}?acta={acta.pk}")


def filename(document: str, session: Session) -> str:
    """The download's name: "acta-cotaprep-2024-03-19.pdf"."""
    return f"{document}-{session.committee.slug}-{session.date:%Y-%m-%d}.pdf"


def calendario_context(committee: Committee, *, sessions=None) -> dict:
    """
    The calendar of sessions and formal work meetings, as the table of the work plan:
    numbered rows in date order, each with its long date and its number and kind; a
    cancelled or postponed session says so, with its reason and notes. ``sessions`` narrows
    it to those a reader may see (default: all of the committee's).
    """
    queryset = committee.sessions.all()
    if sessions is not None:
        queryset = queryset.filter(pk__in=sessions.values("pk"))
    in_order = list(queryset.order_by("date", "start_time", "kind", "number"))
    rows = []
    for number, session in enumerate(in_order, start=1):
        changed = session.status in (Session.Status.CANCELLED, Session.Status.POSTPONED)
        moved = session.rescheduled_from and session.rescheduled_from != session.date
        rows.append(
            {
                "number": number,
                "date": session.date.isoformat(),
                "date_text": long_date(session.date, weekday=True),
                "time_text": f"{session.start_time:%H:%M} horas" if session.start_time else "",
                "title": session.title,
                "status": session.get_status_display() if changed else "",
                "is_cancelled": session.status == Session.Status.CANCELLED,
                "rescheduled_from": long_date(session.rescheduled_from) if moved else "",
                "reason": session.status_reason if changed else "",
                "notes": session.notes,
            }
        )
    return {
        "header": letterhead(
            committee,
            _("Calendario de sesiones"),
            address=absolute_url(reverse("committees:detail", args=[committee.slug])),
        ),
        "process": committee.process.name if committee.process_id else "",
        "term": {
            "start": long_date(committee.installed_on) if committee.installed_on else "",
            "end": long_date(committee.closed_on) if committee.closed_on else "",
        },
        "has_work_meetings": any(s.kind == Session.Kind.WORK_MEETING for s in in_order),
        "rows": rows,
        "issued_on": long_date(timezone.localdate()),
    }
