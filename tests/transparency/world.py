"""The demo season with what must never be public added to it."""

import datetime
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from agendas.models import Document
from committees.models import Committee, Person
from reports.models import Acta
from sessions.models import Session
from tests.factories import make_point, make_session
from tests.web import PDF

SLUG = "cotaprep-iepc-jalisco-2023-2024"
PRIVATE_MARK = "ZZ-NO-PUBLICO"
RESERVED_TITLE = "Dictamen reservado ZZ-RESERVADO"
DRAFT_BODY = "Texto del proyecto ZZ-BORRADOR"


def build_demo(django_capture_on_commit_callbacks, settings):
    """
    The demo season, simulated and archived, plus what must never be public: a private
    session with a point and a document, a reserved document and a draft acta of a public
    session, e-mail addresses on every person.
    """
    settings.DEBUG = True
    with django_capture_on_commit_callbacks(execute=True):
        call_command("load_demo", "--simulate", stdout=io.StringIO())
    committee = Committee.objects.get(slug=SLUG)
    for person in Person.objects.all():
        person.email = f"persona{person.pk}@example.org"
        person.save()
    private = make_session(
        committee,
        date=datetime.date(2024, 8, 1),
        is_public=False,
        place=f"Sala {PRIVATE_MARK}",
        kind=Session.Kind.EXTRAORDINARY,
    )
    point = make_point(private, title=f"Punto {PRIVATE_MARK}")
    Document.objects.create(
        point=point, title=f"Anexo {PRIVATE_MARK}", file=SimpleUploadedFile("anexo.pdf", PDF)
    )
    public = Session.objects.filter(committee=committee, sealed_at__isnull=True, is_public=True)
    open_session = public.order_by("-date").first()
    open_point = make_point(open_session, title="Asuntos generales adicionales")
    reserved = Document.objects.create(
        point=open_point, title=RESERVED_TITLE, file=SimpleUploadedFile("reservado.pdf", PDF)
    )
    draft_session = make_session(committee, date=datetime.date(2024, 7, 1), is_public=True)
    Acta.objects.create(session=draft_session, body=DRAFT_BODY)
    return {
        "committee": committee,
        "private": private,
        "open_session": open_session,
        "open_point": open_point,
        "reserved": reserved,
        "draft_session": draft_session,
    }
