"""
A session whose acta was approved at the next session: its record is sealed. Built through
the services, as the pages build it: attendance, a vote, an agreement under a point with a
document, the draft acta with an observation, approved by the next session's vote.
"""

import dataclasses
import datetime

from agendas.models import AgendaPoint, Agreement, Document, Vote
from agendas.services import add_document, adopt_agreement, cast_vote, insert_point
from committees.models import Membership
from reports.models import Acta, ActaObservation
from reports.services import add_observation, draft_acta
from sessions.models import Attendance, Session
from tests.record import approve_at_next_session, held, opened, scheduled, seats
from tests.web import PDF

DAY = datetime.date(2024, 3, 19)


@dataclasses.dataclass
class SealedRecord:
    session: Session
    point: AgendaPoint
    vote: Vote
    attendance: Attendance
    agreement: Agreement
    document: Document
    acta: Acta
    observation: ActaObservation
    voters: list[Membership]
    next_session: Session


def build_sealed_record(committee, *, by=None) -> SealedRecord:
    from django.core.files.uploadedfile import SimpleUploadedFile

    voters = seats(committee, "Adela Ruiz", "Beatriz Soto", "Carmen Díaz")
    session = opened(scheduled(committee, DAY))
    point = insert_point(session, title="Aprobación del PREP", kind=AgendaPoint.Kind.APPROVAL)
    document = add_document(
        point, title="Proceso Técnico Operativo", file=SimpleUploadedFile("pto.pdf", PDF), by=by
    )
    for voter in voters:
        cast_vote(point, voter, "for", by=by)
    agreement = adopt_agreement(point, text="Se aprueba el Proceso Técnico Operativo.", by=by)
    held(session)
    acta = draft_acta(session)
    observation = add_observation(acta, author=voters[0].person, text="Precisar el punto 2.")
    approve_at_next_session(acta, day=DAY + datetime.timedelta(weeks=4))
    session.refresh_from_db()
    acta.refresh_from_db()
    return SealedRecord(
        session=session,
        point=point,
        vote=point.votes.first(),
        attendance=session.attendances.first(),
        agreement=agreement,
        document=document,
        acta=acta,
        observation=observation,
        voters=voters,
        next_session=Session.objects.exclude(pk=session.pk).get(committee=committee),
    )
