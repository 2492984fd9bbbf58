import dataclasses
import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from committees.models import Committee, Membership
from committees.spanish import spanish_sort_key

# The session page's record panel and the vote on the previous acta bring the acta in.
from reports.models import Acta, ActaApproval, ActaErratum, ActaObservation
from reports.services import record_point_votes
from sessions.models import Attendance, Session
from sessions.seal import SealedRecordError
from sessions.services import (
    ROLL_CALL_STATUSES,
    preview_quorum,
    record_roll_call,
    roll_call_closed_by,
)
from sessions.shortcuts import get_session_for_user

from .forms import (
    AgreementFilterForm,
    AgreementForm,
    DispositionForm,
    DocumentForm,
    FollowUpForm,
    PointForm,
    RollCallForm,
    VoteForm,
)
from .models import AgendaPoint, Agreement, Document, Vote, VoteResult
from .services import (
    CONFLICT_MESSAGE,
    AgendaConflict,
    add_document,
    adopt_agreement,
    agenda_version,
    agreements_closed_by,
    deferred_points_for,
    delete_point,
    dispose_point,
    follow_up_agreement,
    insert_point,
    move_point,
    open_agreements_on,
    point_deletion_refused_by,
    point_version,
    take_up_deferred_point,
    update_point,
    vote_closed_by,
)

# The point page holds two forms, each with a "title": the document form's ids differ so
# that each label names its own field.
DOCUMENT_FORM_IDS = "id_documento_%s"


def get_point_for_user(user, pk: int, *, manage: bool = False) -> AgendaPoint:
    return get_object_or_404(
        AgendaPoint.objects.for_user(user, manage=manage).select_related("session__committee"),
        pk=pk,
    )


def agenda_context(
    session: Session, *, can_manage: bool, form=None, conflict=False, with_panel=True
) -> dict:
    """
    What the agenda fragment needs: its points with their documents, in two queries; once
    the session is under way, each point's votes and agreements (two more); under the
    follow-up point, the agreements open that day (one more). ``with_panel`` adds what the
    record panel beside the agenda shows: attendance and acta (at most two more). Edit
    controls show only to the secretariat, and only while the record is not sealed.
    """
    in_record = session.opened_at is not None or session.status == Session.Status.HELD
    prefetches = [Prefetch("documents", queryset=Document.objects.order_by("title"))]
    if in_record:
        prefetches += [
            Prefetch(
                "votes",
                queryset=Vote.objects.select_related("membership__person").order_by(
                    "membership__person__name"
                ),
            ),
            Prefetch(
                "agreements",
                queryset=Agreement.objects.select_related("responsible").order_by("sequence"),
            ),
        ]
    points = list(session.points.order_by("position").prefetch_related(*prefetches))
    follow_up = any(point.standard == AgendaPoint.Standard.AGREEMENTS_FOLLOW_UP for point in points)
    can_edit = can_manage and not session.sealed
    context = {
        "session": session,
        "points": points,
        "can_manage": can_manage,
        "can_edit": can_edit,
        "agenda_version": agenda_version(session) if can_edit else "",
        "point_form": form or PointForm(),
        "conflict": conflict,
        "in_record": in_record,
        "open_agreements": (
            list(
                open_agreements_on(session.committee, session.date).select_related(
                    "point__session__committee"
                )
            )
            if follow_up
            else []
        ),
        # Deferred points are offered while the agenda is prepared (before the session opens).
        "deferred_points": (
            list(deferred_points_for(session)) if can_edit and session.opened_at is None else []
        ),
    }
    if with_panel:
        context.update(_record_panel(session))
    return context


def _agenda_response(request, session, *, form=None, conflict=False, **extra):
    context = agenda_context(
        session, can_manage=True, form=form, conflict=conflict, with_panel=False
    )
    return render(request, "agendas/includes/agenda.html", {**context, **extra})


def _session_url(session: Session, anchor: str = "orden-del-dia") -> str:
    return f"{reverse('sessions:detail', args=[session.pk])}#{anchor}"


def _refused(request, session: Session, error: ValidationError):
    """The answer to a write the record refused: the message, and back to the session."""
    messages.error(request, " ".join(error.messages))
    if request.htmx:
        return _agenda_response(request, session)
    return redirect(_session_url(session))


@login_required
@require_POST
def point_create(request, session_pk):
    session = get_session_for_user(request.user, session_pk, manage=True)
    form = PointForm(request.POST)
    conflict = False
    if form.is_valid():
        try:
            insert_point(
                session,
                version=form.cleaned_data["version"],
                by=request.user,
                **{name: form.cleaned_data[name] for name in form.Meta.fields},
            )
        except SealedRecordError as error:
            return _refused(request, session, error)
        except AgendaConflict:
            conflict = True
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Se agregó el punto al orden del día."))
            if request.htmx:
                return _agenda_response(request, session)
            return redirect(_session_url(session))
    if request.htmx:
        return _agenda_response(request, session, form=form, conflict=conflict)
    context = {
        "session": session,
        "form": form,
        "conflict": conflict,
        "creating": True,
        # Sent again from this page, the point is added on top of the current agenda.
        "agenda_version": agenda_version(session),
    }
    return render(request, "agendas/point_form.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def point_edit(request, pk):
    point = get_point_for_user(request.user, pk, manage=True)
    if point.session.sealed:
        return _refused(request, point.session, SealedRecordError())
    current_title = point.title
    conflict = False
    if request.method == "POST":
        data = request.POST.copy()
        # The form keeps what was typed; on a conflict its version becomes the current one,
        # so sending it again after reading the message applies it on top of the change.
        form = PointForm(data, instance=AgendaPoint.objects.get(pk=point.pk))
        if form.is_valid():
            values = {name: form.cleaned_data[name] for name in form.Meta.fields}
            try:
                update_point(point, version=data.get("version", ""), by=request.user, **values)
            except SealedRecordError as error:
                return _refused(request, point.session, error)
            except AgendaConflict as error:
                conflict = True
                form.add_error(None, error)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(
                    request, _("Se guardó el punto %(position)s.") % {"position": point.position}
                )
                return redirect(_session_url(point.session, f"punto-{point.pk}"))
        if conflict:
            data["version"] = point_version(point)
            form.data = data
    else:
        form = PointForm(instance=point, initial={"version": point_version(point)})
    context = {
        "session": point.session,
        "point": point,
        "form": form,
        "conflict": conflict,
        "current_title": current_title,
        "document_form": DocumentForm(auto_id=DOCUMENT_FORM_IDS),
        "documents": point.documents.order_by("title"),
    }
    return render(request, "agendas/point_form.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def point_delete(request, pk):
    point = get_point_for_user(request.user, pk, manage=True)
    session = point.session
    if session.sealed:
        return _refused(request, session, SealedRecordError())
    if request.method == "POST":
        try:
            delete_point(point, version=request.POST.get("version", ""), by=request.user)
        except AgendaConflict as error:
            messages.error(request, " ".join(error.messages))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request, _("Se eliminó el punto «%(title)s».") % {"title": point.title}
            )
        return redirect(_session_url(session))
    context = {
        "session": session,
        "point": point,
        "agenda_version": agenda_version(session),
        "refused_by": point_deletion_refused_by(point),
        "documents": list(point.documents.order_by("title")),
    }
    return render(request, "agendas/point_confirm_delete.html", context)


@login_required
@require_POST
def point_move(request, pk):
    point = get_point_for_user(request.user, pk, manage=True)
    session = point.session
    direction = "up" if request.POST.get("direction") == "up" else "down"
    try:
        move_point(
            point, direction=direction, version=request.POST.get("version", ""), by=request.user
        )
    except AgendaConflict:
        if request.htmx:
            return _agenda_response(request, session, conflict=True)
        messages.error(request, CONFLICT_MESSAGE)
        return redirect(_session_url(session))
    except ValidationError as error:
        return _refused(request, session, error)
    if request.htmx:
        return _agenda_response(request, session, moved_pk=point.pk, direction=direction)
    return redirect(_session_url(session, f"punto-{point.pk}"))


@login_required
@require_POST
def deferred_point_take_up(request, session_pk, point_pk):
    """Put a point deferred at an earlier session on this session's agenda."""
    session = get_session_for_user(request.user, session_pk, manage=True)
    deferred = get_object_or_404(
        AgendaPoint, pk=point_pk, session__committee_id=session.committee_id
    )
    try:
        point = take_up_deferred_point(
            session, deferred, version=request.POST.get("version", ""), by=request.user
        )
    except ValidationError as error:
        return _refused(request, session, error)
    messages.success(
        request,
        _("Se incluyó el punto diferido «%(title)s» como punto %(position)s.")
        % {"title": point.title, "position": point.position},
    )
    return redirect(_session_url(session, f"punto-{point.pk}"))


@login_required
@require_POST
def document_upload(request, pk):
    point = get_point_for_user(request.user, pk, manage=True)
    form = DocumentForm(request.POST, request.FILES, auto_id=DOCUMENT_FORM_IDS)
    if form.is_valid():
        try:
            document = add_document(
                point,
                title=form.cleaned_data["title"],
                file=form.cleaned_data["file"],
                by=request.user,
            )
        except SealedRecordError as error:
            return _refused(request, point.session, error)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request, _("Se cargó el documento «%(title)s».") % {"title": document.title}
            )
            return redirect(_session_url(point.session, f"punto-{point.pk}"))
    context = {
        "session": point.session,
        "point": point,
        "form": PointForm(instance=point, initial={"version": point_version(point)}),
        "document_form": form,
        "documents": point.documents.order_by("title"),
    }
    return render(request, "agendas/point_form.html", context)


@login_required
@require_safe
def document_download(request, pk, filename):
    document = get_object_or_404(
        Document.objects.for_user(request.user).select_related("point"),
        pk=pk,
    )
    if filename != document.download_name:
        raise Http404
    return FileResponse(
        document.file.open("rb"), as_attachment=True, filename=document.download_name
    )


# --- The record of a session: attendance, votes, agreements --------------------------------

# Seats in the order the record lists them: members with vote, the technical secretary,
# guests, party representatives.
ROLE_ORDER = {role: index for index, role in enumerate(Membership.Role)}


def _seat_order(membership: Membership) -> tuple:
    return ROLE_ORDER[membership.role], spanish_sort_key(membership.person.name)


def _record_panel(session: Session) -> dict:
    """The record panel of the session page: who attended and the acta, once there are."""
    attendances = []
    if session.status in ROLL_CALL_STATUSES:
        attendances = sorted(
            session.attendances.select_related("membership__person", "membership__party"),
            key=lambda attendance: _seat_order(attendance.membership),
        )
    acta = None
    if session.status == Session.Status.HELD and session.has_acta:
        acta = Acta.objects.filter(session=session).first()
    return {
        "attendances": attendances,
        "acta": acta,
        "roll_call_open": not roll_call_closed_by(session),
    }


def _roll_call_form(session: Session, data=None) -> RollCallForm:
    memberships = sorted(
        session.committee.memberships.active_on(session.date).select_related("person", "party"),
        key=_seat_order,
    )
    attendances = {attendance.membership_id: attendance for attendance in session.attendances.all()}
    return RollCallForm(data, memberships=memberships, attendances=attendances)


def _roll_call_context(
    session: Session, form: RollCallForm, statuses: dict[int, str], closed_by: str = ""
) -> dict:
    groups = []
    for membership, status, arrival in form.rows():
        if not groups or groups[-1][0] != membership.get_role_display():
            groups.append((membership.get_role_display(), []))
        groups[-1][1].append((membership, status, arrival))
    groups = [(Membership.group_heading(label, len(rows)), rows) for label, rows in groups]
    return {
        "session": session,
        "form": form,
        "groups": groups,
        "quorum": preview_quorum(session, form.memberships, statuses),
        "closed_by": closed_by,
    }


@login_required
@require_http_methods(["GET", "POST"])
def roll_call(request, pk):
    session = get_session_for_user(request.user, pk, manage=True)
    form = _roll_call_form(session, request.POST or None)
    closed_by = roll_call_closed_by(session)
    if request.method == "POST":
        if closed_by:
            messages.error(request, closed_by)
            return redirect("agendas:roll-call", session.pk)
        if form.is_valid():
            try:
                changed = record_roll_call(session, form.answers(), by=request.user)
            except ValidationError as error:
                form.add_error(None, error.messages)
            else:
                messages.success(
                    request,
                    ngettext(
                        "Se guardó la asistencia (%(count)d cambio).",
                        "Se guardó la asistencia (%(count)d cambios).",
                        changed,
                    )
                    % {"count": changed},
                )
                return redirect(_session_url(session, "registro"))
    if form.is_bound:
        statuses = form.statuses_as_typed()
    else:
        statuses = {seat: attendance.status for seat, attendance in form.recorded.items()}
    context = _roll_call_context(session, form, statuses, closed_by)
    return render(request, "agendas/roll_call.html", context)


@login_required
@require_POST
def roll_call_quorum(request, pk):
    """The quorum box of the roll call, for the answers typed so far (nothing is saved)."""
    session = get_session_for_user(request.user, pk, manage=True)
    form = _roll_call_form(session, request.POST)
    context = _roll_call_context(session, form, form.statuses_as_typed())
    return render(request, "agendas/roll_call.html#quorum", context)


def _present_voters(session: Session) -> list[Membership]:
    """Members with vote, active on the session's date, recorded as present (or remote)."""
    return sorted(
        Membership.objects.filter(
            committee_id=session.committee_id,
            attendances__session=session,
            attendances__status__in=Attendance.PRESENT_STATUSES,
        )
        .with_vote()
        .active_on(session.date)
        .select_related("person", "party"),
        key=lambda membership: spanish_sort_key(membership.person.name),
    )


def _posted_seats(request, session: Session, known: list[Membership]) -> list[Membership]:
    """
    Seats the vote form sent that are no longer on it (the roll call changed meanwhile, or
    the page was tampered with): cast_votes says why each of them may not vote.
    """
    known_ids = {membership.pk for membership in known}
    posted = {
        int(name.removeprefix("voto_"))
        for name in request.POST
        if name.startswith("voto_") and name.removeprefix("voto_").isdigit()
    }
    if not posted - known_ids:
        return []
    return list(
        session.committee.memberships.filter(pk__in=posted - known_ids)
        .select_related("person", "party")
        .order_by("person__name")
    )


def _report_vote(request, point: AgendaPoint, outcome) -> None:
    result = AgendaPoint.objects.get(pk=point.pk).result
    messages.success(
        request,
        _("Se registró la votación del punto %(position)s: %(result)s.")
        % {"position": point.position, "result": result.label.lower()},
    )
    if outcome.approved_acta is not None:
        messages.success(
            request,
            _("Se aprobó el acta de la %(session)s; su registro quedó sellado.")
            % {"session": outcome.approved_acta.session.reference},
        )
    elif outcome.acta_missing is not None:
        messages.warning(
            request,
            _(
                "La votación aprobó el acta de la %(session)s, pero esa acta aún no se ha "
                "elaborado: genere su proyecto desde la página de esa sesión y guarde de nuevo "
                "esta votación para registrarla como aprobada."
            )
            % {"session": outcome.acta_missing.reference},
        )


def _vote_errors(form: VoteForm, error: ValidationError) -> None:
    """Put each refused vote's reason on its row; one reason shared by all, once on top."""
    refused = getattr(error, "refused", None)
    if not refused:
        form.add_error(None, error.messages)
        return
    messages_seen = {tuple(message) for message in refused.values()}
    if len(refused) > 1 and len(messages_seen) == 1:
        form.add_error(None, list(next(iter(messages_seen))))
    else:
        for membership, message in refused.items():
            form.add_error(form.sense_name(membership), message)


@login_required
@require_http_methods(["GET", "POST"])
def point_votes(request, pk):
    point = get_point_for_user(request.user, pk, manage=True)
    if not point.is_votable:
        raise Http404("Este punto no se vota.")
    session = point.session
    closed_by = vote_closed_by(point)
    voters = _present_voters(session)
    if request.method == "POST":
        if closed_by:
            messages.error(request, closed_by)
            return redirect("agendas:point-votes", point.pk)
        voters += _posted_seats(request, session, voters)
    recorded = list(
        point.votes.select_related("membership__person").order_by("membership__person__name")
    )
    votes = {vote.membership_id: vote for vote in recorded}
    form = VoteForm(request.POST or None, memberships=voters, votes=votes)
    if request.method == "POST" and form.is_valid():
        try:
            outcome = record_point_votes(point, form.answers(), by=request.user)
        except ValidationError as error:
            _vote_errors(form, error)
        else:
            _report_vote(request, point, outcome)
            return redirect(_session_url(session, f"punto-{point.pk}"))
    context = _votes_context(point, form, recorded, closed_by)
    return render(request, "agendas/point_votes.html", context)


def _votes_context(point, form, recorded, closed_by, disposition_form=None) -> dict:
    session = point.session
    # Sealed and approved come first in vote_closed_by: a point closed only by its own
    # disposition may still have it cleared.
    can_dispose = session.opened_at is not None and (not closed_by or point.disposition)
    return {
        "session": session,
        "point": point,
        "form": form,
        "result": VoteResult.from_senses(vote.sense for vote in recorded),
        "recorded_votes": recorded,
        "closed_by": closed_by,
        "disposition_form": (
            disposition_form
            or DispositionForm(
                initial={"disposition": point.disposition, "reason": point.disposition_reason}
            )
        )
        if can_dispose and not recorded
        else None,
        "earlier": (
            Session.objects.select_related("committee").filter(pk=point.approves_acta_of_id).first()
            if point.approves_acta_of_id
            else None
        ),
    }


@login_required
@require_POST
def point_disposition(request, pk):
    """State why a point for approval was not voted (or clear it)."""
    point = get_point_for_user(request.user, pk, manage=True)
    if not point.is_votable:
        raise Http404("Este punto no se vota.")
    form = DispositionForm(request.POST)
    if form.is_valid():
        try:
            dispose_point(point, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            if not hasattr(error, "error_dict"):
                messages.error(request, " ".join(error.messages))
                return redirect("agendas:point-votes", point.pk)
            form.add_error(None, error)
        else:
            point.refresh_from_db()
            if point.disposition:
                messages.success(
                    request,
                    _("El punto %(position)s quedó sin votación: %(disposition)s.")
                    % {
                        "position": point.position,
                        "disposition": point.get_disposition_display().lower(),
                    },
                )
            else:
                messages.success(request, _("El punto vuelve a esperar su votación."))
            return redirect(_session_url(point.session, f"punto-{point.pk}"))
    recorded = list(point.votes.select_related("membership__person"))
    voters = _present_voters(point.session)
    vote_form = VoteForm(None, memberships=voters, votes={v.membership_id: v for v in recorded})
    context = _votes_context(point, vote_form, recorded, vote_closed_by(point), form)
    return render(request, "agendas/point_votes.html", context)


# --- Agreements ----------------------------------------------------------------------------


def get_agreement_for_user(user, pk: int, *, manage: bool = False) -> Agreement:
    return get_object_or_404(
        Agreement.objects.for_user(user, manage=manage).select_related(
            "committee", "point__session__committee", "responsible"
        ),
        pk=pk,
    )


@login_required
@require_http_methods(["GET", "POST"])
def agreement_create(request, pk):
    point = get_point_for_user(request.user, pk, manage=True)
    session = point.session
    form = AgreementForm(request.POST or None, point=point)
    closed_by = agreements_closed_by(session)
    if request.method == "POST":
        valid = form.is_valid()
        if closed_by:
            form.add_error(None, closed_by)
        elif valid:
            try:
                agreement = adopt_agreement(point, by=request.user, **form.cleaned_data)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(
                    request,
                    _("Se registró el acuerdo %(number)s.") % {"number": agreement.number},
                )
                return redirect(_session_url(session, f"punto-{point.pk}"))
    context = {
        "session": session,
        "point": point,
        "form": form,
        "closed_by": closed_by,
    }
    return render(request, "agendas/agreement_form.html", context)


@login_required
@require_safe
def agreement_list(request, slug):
    committee = get_object_or_404(
        Committee.objects.for_user(request.user).select_related("institution"), slug=slug
    )
    today = timezone.localdate()
    agreements = (
        Agreement.objects.filter(
            committee=committee,
            point__session__in=Session.objects.for_user(request.user).values("pk"),
        )
        .select_related("point__session__committee", "responsible")
        .order_by("point__session__date", "point__session__start_time", "sequence")
    )
    filters = AgreementFilterForm(request.GET or None)
    if filters.is_bound:
        if filters.is_valid():
            status = filters.cleaned_data["estado"]
            if status == AgreementFilterForm.OVERDUE:
                agreements = agreements.filter(
                    status__in=Agreement.OPEN_STATUSES, due_date__lt=today
                )
            elif status:
                agreements = agreements.filter(status=status)
        else:
            for errors in filters.errors.values():
                for error in errors:
                    messages.error(request, error)
    agreements = list(agreements)
    context = {
        "committee": committee,
        "filters": filters,
        "rows": [(agreement, agreement.is_overdue(today)) for agreement in agreements],
        "today": today,
    }
    return render(request, "agendas/agreement_list.html", context)


def _follow_up_point(agreement: Agreement, value) -> AgendaPoint | None:
    """The follow-up point a link came from (``?punto=``), if it is one of the committee's."""
    if not str(value or "").isdigit():
        return None
    return (
        AgendaPoint.objects.filter(
            pk=value,
            session__committee_id=agreement.committee_id,
            standard=AgendaPoint.Standard.AGREEMENTS_FOLLOW_UP,
        )
        .select_related("session__committee")
        .first()
    )


def _agreement_context(request, agreement: Agreement, *, form=None, at_point=None) -> dict:
    can_manage = (
        Session.objects.for_user(request.user, manage=True)
        .filter(pk=agreement.point.session_id)
        .exists()
    )
    if can_manage and form is None:
        initial = {"date": timezone.localdate()}
        if at_point is not None:
            initial = {"date": at_point.session.date, "at_point": at_point.pk}
        form = FollowUpForm(initial=initial, agreement=agreement)
    follow_ups = agreement.follow_ups.select_related(
        "at_point__session__committee", "recorded_by__person"
    ).order_by("date", "recorded_at")
    return {
        "agreement": agreement,
        "session": agreement.point.session,
        "follow_ups": list(follow_ups),
        "can_manage": can_manage,
        "form": form if can_manage else None,
        "at_point": at_point,
        "is_overdue": agreement.is_overdue(),
    }


@login_required
@require_safe
def agreement_detail(request, pk):
    agreement = get_agreement_for_user(request.user, pk)
    at_point = _follow_up_point(agreement, request.GET.get("punto"))
    context = _agreement_context(request, agreement, at_point=at_point)
    return render(request, "agendas/agreement_detail.html", context)


@login_required
@require_POST
def agreement_follow_up(request, pk):
    agreement = get_agreement_for_user(request.user, pk, manage=True)
    form = FollowUpForm(request.POST, agreement=agreement)
    if form.is_valid():
        data = form.cleaned_data
        try:
            follow_up_agreement(
                agreement,
                note=data["note"],
                date=data["date"],
                new_status=data["new_status"],
                at_point=data["at_point"],
                by=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("Se registró el seguimiento del acuerdo %(number)s.")
                % {"number": agreement.number},
            )
            if data["at_point"] is not None:
                return redirect(
                    _session_url(data["at_point"].session, f"punto-{data['at_point'].pk}")
                )
            return redirect("agendas:agreement", agreement.pk)
    at_point = _follow_up_point(agreement, form.data.get("at_point"))
    context = _agreement_context(request, agreement, form=form, at_point=at_point)
    return render(request, "agendas/agreement_detail.html", context)


# --- History -------------------------------------------------------------------------------

HISTORY_LIMIT = 100
HISTORY_ACTIONS = {
    "+": gettext_lazy("Creación"),
    "~": gettext_lazy("Modificación"),
    "-": gettext_lazy("Eliminación"),
}
# What the readable name of a related object needs loaded with it.
_RELATED_JOINS = {Session: ("committee__institution",), Committee: ("institution",)}


@dataclasses.dataclass(frozen=True)
class FieldChange:
    label: str
    old: str
    new: str


@dataclasses.dataclass(frozen=True)
class HistoryEntry:
    """One change in the history of an object, as the history page shows it."""

    date: datetime.datetime
    user: str
    action: str
    subject: str
    changes: list[FieldChange]
    detail_known: bool
    # Orders entries of different models that share a date (one transaction).
    order: int = 0


def history_entries(records, model, *, subject=None, related=()) -> tuple[list[HistoryEntry], bool]:
    """
    The latest HISTORY_LIMIT changes of ``records`` (a historical queryset of ``model``),
    newest first, each with its changed fields against the record before it. Bounded:
    one query for the records (one more than shown, so the oldest shown has its previous
    one too; ``related`` are loaded with them for ``subject``) and one per kind of related
    object whose value changed.
    """
    loaded = list(
        records.select_related("history_user__person", *related).order_by(
            "-history_date", "-history_id"
        )[: HISTORY_LIMIT + 1]
    )
    pk_name = model._meta.pk.attname
    previous, last_seen = {}, {}
    for record in reversed(loaded):
        key = getattr(record, pk_name)
        previous[record.history_id] = last_seen.get(key)
        last_seen[key] = record
    shown = loaded[:HISTORY_LIMIT]
    deltas = {}
    for record in shown:
        before = previous[record.history_id]
        if record.history_type == "~" and before is not None:
            # Only editable fields: not the revision counter, timestamps or the snapshot.
            deltas[record.history_id] = record.diff_against(before).changes
    related = _related_objects(model, deltas.values())
    entries = []
    for record in shown:
        changes = deltas.get(record.history_id)
        if changes == []:
            continue  # saved without a change
        entries.append(
            HistoryEntry(
                date=record.history_date,
                user=_user_name(record.history_user),
                action=str(HISTORY_ACTIONS.get(record.history_type, record.history_type)),
                subject=subject(record) if subject else "",
                changes=[
                    FieldChange(
                        label=capfirst(model._meta.get_field(change.field).verbose_name),
                        old=_shown_value(model, change.field, change.old, related),
                        new=_shown_value(model, change.field, change.new, related),
                    )
                    for change in changes or []
                ],
                detail_known=changes is not None or record.history_type != "~",
                order=record.history_id,
            )
        )
    return entries, len(loaded) > HISTORY_LIMIT


def _related_objects(model, deltas) -> dict:
    wanted = {}
    for changes in deltas:
        for change in changes:
            field = model._meta.get_field(change.field)
            if field.is_relation and field.many_to_one:
                ids = wanted.setdefault(field.related_model, set())
                ids.update(value for value in (change.old, change.new) if value is not None)
    related = {}
    for related_model, ids in wanted.items():
        queryset = related_model._base_manager.all()
        if related_model in _RELATED_JOINS:
            queryset = queryset.select_related(*_RELATED_JOINS[related_model])
        for pk, obj in queryset.in_bulk(ids).items():
            related[related_model, pk] = obj
    return related


def _shown_value(model, name: str, value, related: dict) -> str:
    field = model._meta.get_field(name)
    if value is None or value == "":
        return "—"
    if field.is_relation:
        obj = related.get((field.related_model, value))
        return str(obj) if obj is not None else _("(ya no existe)")
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return _("Sí") if value else _("No")
    if isinstance(value, datetime.datetime):
        return f"{timezone.localtime(value):%d/%m/%Y %H:%M}"
    if isinstance(value, datetime.date):
        return f"{value:%d/%m/%Y}"
    if isinstance(value, datetime.time):
        return f"{value:%H:%M}"
    return str(value)


def _user_name(user) -> str:
    if user is None:
        return _("Sin usuario registrado")
    person = getattr(user, "person", None)
    if person is not None:
        return person.full_name
    return user.get_full_name() or user.get_username()


def _name(person) -> str:
    return person.full_name if person is not None else _("(ya no existe)")


def _position(point) -> str:
    return f"{point.position}. " if point is not None else ""


def session_timeline(session: Session) -> tuple[list[HistoryEntry], bool]:
    """
    Every change to the session and its record — agenda points (reorders included),
    attendance, votes, documents, agreements, the acta, its observations, circulation
    answers and errata — once each, newest first. One query per kind of record (plus the
    related values that changed): bounded, whatever the size of the history.
    """
    point_ids = AgendaPoint.history.filter(session_id=session.pk).values("id")
    acta_ids = Acta.history.filter(session_id=session.pk).values("id")
    sources = [
        (session.history.all(), Session, lambda r: _("Datos de la sesión"), ()),
        (
            AgendaPoint.history.filter(session_id=session.pk),
            AgendaPoint,
            lambda r: f"{r.position}. {r.title}",
            (),
        ),
        (
            Attendance.history.filter(session_id=session.pk),
            Attendance,
            lambda r: _name(r.membership.person if r.membership else None),
            ("membership__person",),
        ),
        (
            Vote.history.filter(point_id__in=point_ids),
            Vote,
            lambda r: f"{_position(r.point)}{_name(r.membership.person if r.membership else None)}",
            ("point", "membership__person"),
        ),
        (
            Document.history.filter(point_id__in=point_ids),
            Document,
            lambda r: f"{_position(r.point)}{r.title}",
            ("point",),
        ),
        (
            Agreement.history.filter(point_id__in=point_ids),
            Agreement,
            lambda r: r.number,
            (),
        ),
        (Acta.history.filter(session_id=session.pk), Acta, lambda r: _("Acta"), ()),
        (
            ActaObservation.history.filter(acta_id__in=acta_ids),
            ActaObservation,
            lambda r: _name(r.author),
            ("author",),
        ),
        (
            ActaApproval.history.filter(acta_id__in=acta_ids),
            ActaApproval,
            lambda r: _name(r.membership.person if r.membership else None),
            ("membership__person",),
        ),
        (
            ActaErratum.history.filter(acta_id__in=acta_ids),
            ActaErratum,
            lambda r: _("Fe de erratas"),
            (),
        ),
    ]
    entries, truncated = [], False
    for records, model, subject, related in sources:
        label = capfirst(model._meta.verbose_name)
        found, more = history_entries(
            records,
            model,
            subject=lambda r, label=label, subject=subject: f"{label}: {subject(r)}",
            related=related,
        )
        entries += found
        truncated = truncated or more
    entries.sort(key=lambda entry: (entry.date, entry.order), reverse=True)
    if len(entries) > HISTORY_LIMIT:
        entries, truncated = entries[:HISTORY_LIMIT], True
    return entries, truncated


@login_required
@require_safe
def session_history(request, pk):
    session = get_session_for_user(request.user, pk)
    entries, truncated = session_timeline(session)
    context = {"session": session, "entries": entries, "truncated": truncated}
    return render(request, "agendas/session_history.html", context)


@login_required
@require_safe
def agreement_history(request, pk):
    agreement = get_agreement_for_user(request.user, pk)
    entries, truncated = history_entries(agreement.history.all(), Agreement)
    context = {
        "agreement": agreement,
        "session": agreement.point.session,
        "entries": entries,
        "truncated": truncated,
    }
    return render(request, "agendas/agreement_history.html", context)
