"""
What the public sees, decided once: the transparency portal, the OParl API, the CSV/JSON
downloads, the quarterly transparency format, the sitemap and the public calendar all read
from these querysets and from nothing else.

The rule (not the internal visibility rule of signed-in users, which gives an anonymous
visitor nothing):
- a session is public when the secretariat marked it public (``Session.is_public``);
- an acta is public when its session is public and it is approved or published (a draft
  never is);
- an informe is public once presented (or published);
- a document is public when its session is public and a person decided it is public
  (``Document.publication``); the portal serves its versión pública when there is one;
- agenda points, agreements and votes by name are public with their public session;
- of a person only the name, honorific and post are public (never e-mail, account or
  calendar token); of a seat its role, party, term and appointing act.
"""

from django.db.models import Prefetch

from agendas.models import AgendaPoint, Agreement, Document, Vote
from committees.models import Committee, Institution, Membership, Person
from reports.models import Acta, Informe
from sessions.models import Session

PUBLIC_ACTA_STATUSES = (Acta.Status.APPROVED, Acta.Status.PUBLISHED)
PUBLIC_INFORME_STATUSES = (Informe.Status.PRESENTED, Informe.Status.PUBLISHED)
# The only fields of a Person the public side may read.
PERSON_PUBLIC_FIELDS = ("id", "name", "honorific", "job_title")


def institutions():
    return Institution.objects.filter(committees__isnull=False).distinct().order_by("name")


def committees():
    return Committee.objects.select_related("institution", "parent", "process")


def sessions():
    return Session.objects.filter(is_public=True)


def actas():
    """Approved (sealed) or published actas of public sessions; drafts never."""
    return Acta.objects.filter(status__in=PUBLIC_ACTA_STATUSES, session__in=sessions())


def informes():
    return Informe.objects.filter(status__in=PUBLIC_INFORME_STATUSES)


def documents():
    return Document.objects.filter(
        publication=Document.Publication.PUBLIC, point__session__in=sessions()
    )


def points():
    return AgendaPoint.objects.filter(session__in=sessions())


def agreements():
    return Agreement.objects.filter(point__session__in=sessions())


def votes():
    return Vote.objects.filter(point__session__in=sessions())


def people():
    return Person.objects.only(*PERSON_PUBLIC_FIELDS)


def memberships():
    return Membership.objects.select_related("party").prefetch_related(
        Prefetch("person", queryset=people())
    )


def actas_by_session(session_ids) -> dict:
    """The public acta of each of these sessions, keyed by session id (one query)."""
    return {acta.session_id: acta for acta in actas().filter(session__in=list(session_ids))}
