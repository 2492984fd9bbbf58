"""The calendar (month and list), the session page and its lifecycle, new sessions, downloads."""

import calendar as pycalendar
import dataclasses
import datetime
import hashlib

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.cache import caches
from django.core.exceptions import ValidationError
from django.db.models import F
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import content_disposition_header, http_date
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST, require_safe

# The session page and the new-session view compose the agenda onto the page.
from agendas.services import add_standard_agenda, schedule_session
from agendas.views import agenda_context
from committees.models import Committee, Person
from committees.spanish import WEEKDAYS, add_months, long_date, month_name

from . import ical, notifications
from .calendar_import import FORMAT_LABELS, import_calendar
from .convening import convene_checked, convening_warnings
from .folios import convocatoria_folio
from .forms import (
    CalendarFilterForm,
    CalendarImportForm,
    CancelSessionForm,
    CloseSessionForm,
    OpenSessionForm,
    PostponeSessionForm,
    RescheduleSessionForm,
    SessionForm,
    SessionTimesForm,
)
from .models import NoticeDelivery, Session
from .services import (
    cancel_session,
    close_session,
    compute_quorum,
    open_session,
    postpone_session,
    reschedule_session,
    set_session_times,
    undecided_points,
)
from .shortcuts import get_session_for_user

CALENDAR_CONTENT_TYPE = "text/calendar; charset=utf-8"


# A feed carries twelve months of history and everything ahead: a subscribed calendar
# rarely looks further back, and the body no longer grows with the committee's age. A
# committee that stopped meeting keeps the last twelve months it met (its feed never goes
# empty). ``?historial=completo`` gives every session.
FEED_HISTORY_DAYS = 365
FULL_HISTORY_PARAMETER = ("historial", "completo")
# The rendered body is kept under its ETag (which changes with anything an event shows) in
# the "feeds" cache (settings), so a repeated 200 is one read from memory.
FEED_CACHE_SECONDS = 7 * 24 * 3600


def _feed_window(request: HttpRequest, validators: ical.Validators) -> datetime.date | None:
    """The first day the feed shows, or None for the full history."""
    name, value = FULL_HISTORY_PARAMETER
    if request.GET.get(name) == value:
        return None
    until = timezone.localdate()
    if validators.last_date is not None:
        until = min(until, validators.last_date)
    return until - datetime.timedelta(days=FEED_HISTORY_DAYS)


def _windowed(sessions, since: datetime.date | None):
    return sessions if since is None else sessions.filter(date__gte=since)


def _with_window(validators: ical.Validators, since: datetime.date | None) -> ical.Validators:
    """The window is part of what the body shows: it moves the ETag once a day."""
    digest = hashlib.sha256(f"{validators.etag}|{since}".encode()).hexdigest()[:32]
    return dataclasses.replace(validators, etag=f'"{digest}"')


@require_safe
def committee_feed(request: HttpRequest, slug: str) -> HttpResponse:
    """The committee's public sessions, for anyone to subscribe to without signing in."""
    committee = get_object_or_404(
        ical.with_freshness(Committee.objects.select_related("institution")), slug=slug
    )
    base_url = _base_url(request)
    validators = ical.committee_validators(committee, base_url=base_url)
    since = _feed_window(request, validators)
    validators = _with_window(validators, since)
    return _calendar_response(
        request,
        validators,
        lambda: ical.committee_calendar(
            committee,
            ical.feed_sessions(_windowed(committee.sessions.filter(is_public=True), since)),
            base_url=base_url,
        ),
        cache_body=True,
        filename=f"{committee.slug}.ics",
        private=False,
    )


@require_safe
def personal_feed(request: HttpRequest, token: str) -> HttpResponse:
    """
    Every session, public or not, of every committee where the person holds a seat, in
    any role. The secret token is the only credential: a wrong or revoked one is a 404.
    """
    person = get_object_or_404(Person, calendar_token=token)
    # The same rule as the pages: representatives get the formal work meetings and the
    # sessions they are invited to, members and the secretary everything.
    sessions = Session.objects.for_person(person)
    base_url = _base_url(request)
    validators = ical.person_validators(person, sessions, base_url=base_url)
    since = _feed_window(request, validators)
    validators = _with_window(validators, since)
    return _calendar_response(
        request,
        validators,
        lambda: ical.personal_calendar(
            person, ical.feed_sessions(_windowed(sessions, since)), base_url=base_url
        ),
        cache_body=True,
        filename="calendario.ics",
        private=True,
    )


@require_safe
def session_ics(request: HttpRequest, pk: int) -> HttpResponse:
    """One session as a file to add to a calendar."""
    session = Session.objects.select_related("committee__institution").filter(pk=pk).first()
    if session is None:
        raise Http404("No existe esa sesión.")
    if not session.is_public:
        # Like the session page: sign in first, then only those who may see it.
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not Session.objects.for_user(request.user).filter(pk=pk).exists():
            raise Http404("No existe esa sesión.")
    base_url = _base_url(request)
    return _calendar_response(
        request,
        ical.session_validators(session, base_url=base_url),
        lambda: ical.session_calendar(
            ical.feed_sessions(Session.objects.filter(pk=pk)).get(), base_url=base_url
        ),
        filename=f"{session.committee.slug}-{session.kind}-{session.number}.ics",
        private=False,
        as_attachment=True,
    )


def _base_url(request: HttpRequest) -> str:
    # The site's address, never the request's Host: a feed fetched through another name
    # (a proxy, the loopback) must carry the same links and UIDs.
    return ical.site_url()


def _calendar_response(
    request: HttpRequest,
    validators: ical.Validators,
    build_body,
    *,
    filename: str,
    private: bool,
    as_attachment: bool = False,
    cache_body: bool = False,
) -> HttpResponse:
    """
    The calendar with its validators, which come from the version columns of what the
    events show (agenda points and documents included): a conditional request that
    matches is answered 304 before the body is built. A client that sends If-None-Match
    is judged by the ETag alone (RFC 9110).
    """
    timestamp = None
    if validators.last_modified is not None:
        timestamp = int(validators.last_modified.timestamp())
    not_modified = get_conditional_response(request, etag=validators.etag, last_modified=timestamp)
    if not_modified is None:
        body = None
        key = f"ical-feed:{validators.etag}"
        if cache_body:
            body = caches["feeds"].get(key)
        if body is None:
            body = build_body()
            if cache_body:
                caches["feeds"].set(key, body, FEED_CACHE_SECONDS)
        response = HttpResponse(body, content_type=CALENDAR_CONTENT_TYPE)
    else:
        response = not_modified
    if not_modified is None:
        response["Content-Disposition"] = content_disposition_header(as_attachment, filename)
    response["ETag"] = validators.etag
    if timestamp is not None:
        response["Last-Modified"] = http_date(timestamp)
    # Clients revalidate on every poll; with the validators above that costs a 304.
    if private:
        patch_cache_control(response, no_cache=True, private=True)
        response["X-Robots-Tag"] = "noindex"
    else:
        patch_cache_control(response, no_cache=True, public=True)
    return response


# --- Web interface: session page, new session, calendar -----------------------------------


@login_required
@require_safe
def session_detail(request, pk):
    session = get_session_for_user(request.user, pk)
    return _render_detail(request, session)


def _render_detail(request, session: Session, *, status: int = 200, **forms):
    """The session page; ``forms`` are bound lifecycle forms to show with their errors."""
    can_manage = Session.objects.for_user(request.user, manage=True).filter(pk=session.pk).exists()
    context = agenda_context(session, can_manage=can_manage)
    context.update(lifecycle_context(session, can_manage=can_manage, **forms))
    code = getattr(session, "convocatoria_folio_code", None)
    context["convocatoria_folio"] = code if code is not None else convocatoria_folio(session)
    return render(request, "sessions/session_detail.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def session_create(request, slug):
    committee = get_object_or_404(
        Committee.objects.for_user(request.user, manage=True).select_related("institution"),
        slug=slug,
    )
    form = SessionForm(request.POST or None, committee=committee)
    if request.method == "POST" and form.is_valid():
        try:
            session = schedule_session(committee=committee, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("Se creó la %(title)s con su orden del día estándar.")
                % {"title": session.reference},
            )
            if committee.closed_on and session.date > committee.closed_on:
                messages.warning(
                    request,
                    _(
                        "La fecha queda después de la conclusión del órgano (%(closed)s): "
                        "revise que sea correcta."
                    )
                    % {"closed": long_date(committee.closed_on)},
                )
            return redirect("sessions:detail", session.pk)
    return render(request, "sessions/session_form.html", {"committee": committee, "form": form})


@login_required
@require_safe
def calendar_month(request):
    return _calendar(request, view="month")


@login_required
@require_safe
def calendar_list(request):
    return _calendar(request, view="list")


def _calendar(request, *, view: str):
    today = timezone.localdate()
    # The filter's options show the institution next to each committee.
    committees = Committee.objects.for_user(request.user).select_related("institution")
    filters = CalendarFilterForm(request.GET or None, committees=committees)
    month = today.replace(day=1)
    sessions = Session.objects.for_user(request.user).select_related("committee")
    if filters.is_bound:
        if not filters.is_valid():
            for errors in filters.errors.values():
                for error in errors:
                    messages.error(request, error)
        # A bad value drops only its own filter: the others (valid) still apply.
        chosen = filters.cleaned_data
        if chosen.get("mes"):
            # The grid and the links reach into the months around it.
            if datetime.MINYEAR < chosen["mes"].year < datetime.MAXYEAR:
                month = chosen["mes"]
            else:
                messages.error(request, _("El calendario no llega a ese mes."))
        if chosen.get("organo"):
            sessions = sessions.filter(committee=chosen["organo"])
        if chosen.get("tipo"):
            sessions = sessions.filter(kind=chosen["tipo"])
    weeks = pycalendar.Calendar(firstweekday=0).monthdatescalendar(month.year, month.month)
    sessions = list(
        sessions.filter(date__gte=weeks[0][0], date__lte=weeks[-1][-1]).order_by(
            "date", F("start_time").asc(nulls_first=True), "committee__short_name"
        )
    )
    by_day = {}
    for session in sessions:
        by_day.setdefault(session.date, []).append(session)
    previous_month = add_months(month, -1)
    next_month = add_months(month, 1)
    context = {
        "nav": "calendar",
        "view": view,
        "today": today,
        "month": month,
        "month_title": f"{month_name(month.month).capitalize()} de {month.year}",
        "filters": filters,
        "weekday_names": [name.capitalize() for name in WEEKDAYS],
        "weeks": [
            [{"date": day, "sessions": by_day.get(day, [])} for day in week] for week in weeks
        ],
        "sessions": [s for s in sessions if s.date.month == month.month],
        "previous_month_name": month_name(previous_month.month).capitalize(),
        "next_month_name": month_name(next_month.month).capitalize(),
        "previous_query": _calendar_query(request, previous_month),
        "next_query": _calendar_query(request, next_month),
        "today_query": _calendar_query(request, today.replace(day=1)),
        "current_query": _calendar_query(request, month),
    }
    template = "sessions/calendar_month.html" if view == "month" else "sessions/calendar_list.html"
    return render(request, template, context)


def _calendar_query(request, month) -> str:
    query = request.GET.copy()
    query["mes"] = f"{month:%Y-%m}"
    return query.urlencode()


@login_required
@require_http_methods(["GET", "POST"])
def calendar_import(request, slug):
    """Upload or paste a calendar, see what it would create, then confirm."""
    committee = get_object_or_404(
        Committee.objects.for_user(request.user, manage=True).select_related(
            "institution", "process"
        ),
        slug=slug,
    )
    report = None
    if request.method == "POST":
        form = CalendarImportForm(request.POST, request.FILES, committee=committee)
    else:
        form = CalendarImportForm(committee=committee)
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        wants_import = "confirmar" in request.POST
        # Text edited after the preview is previewed again, never imported unseen.
        confirmed = wants_import and data["huella"] == data["fingerprint"]
        report = import_calendar(
            committee,
            data["texto"],
            filename=data["nombre"] or None,
            default_kind=data["tipo"] or None,
            dry_run=not confirmed,
            on_created=add_standard_agenda,
        )
        if report.written:
            messages.success(request, report.summary)
            return redirect("committees:detail", committee.slug)
        if wants_import and not confirmed:
            messages.warning(
                request,
                _(
                    "El calendario cambió desde la vista previa, así que no se importó: revise "
                    "esta nueva vista previa y vuelva a confirmar."
                ),
            )
        # The preview (or a confirmation that no longer validates) shows the report; the
        # content travels on as text, so a file need not be uploaded twice.
        form = CalendarImportForm(
            committee=committee,
            initial={
                "texto": data["texto"],
                "tipo": data["tipo"],
                "nombre": data["nombre"],
                "huella": data["fingerprint"],
            },
        )
    context = {
        "committee": committee,
        "form": form,
        "report": report,
        "format_label": FORMAT_LABELS.get(report.format, "") if report else "",
        "committee_of": notifications.of_short_name(committee),
    }
    return render(request, "sessions/calendar_import.html", context)


# --- Lifecycle: convene, postpone, cancel, open, close (technical secretariat) -------------

NOTICE_NAMES = {
    NoticeDelivery.Kind.CONVOCATION: _lazy("la convocatoria"),
    NoticeDelivery.Kind.RESCHEDULING: _lazy("el aviso de la nueva fecha"),
    NoticeDelivery.Kind.CANCELLATION: _lazy("el aviso de cancelación"),
}


def lifecycle_actions(session: Session) -> tuple[str, ...]:
    """What the secretariat may do next with the session (the panel offers these)."""
    if session.status in (Session.Status.PLANNED, Session.Status.POSTPONED):
        return ("convene", "reschedule", "postpone", "cancel")
    if session.status == Session.Status.CONVENED and session.opened_at is None:
        return ("open", "reschedule", "postpone", "cancel")
    if session.status == Session.Status.CONVENED and session.closed_at is None:
        return ("close", "times")
    if session.opened_at is not None and not session.sealed:
        return ("times",)
    return ()


def lifecycle_context(session: Session, *, can_manage: bool, **forms) -> dict:
    """
    The lifecycle panel of the session page. For the secretariat: the actions, with the
    times to declare prefilled from the schedule; the live quorum while the session can be
    opened; the points still undecided while it can be closed; and the log of notices sent
    (only a session that was convened has one). Members see the status and its dates only
    (already on ``session``): no query.
    """
    if not can_manage:
        return {"lifecycle_actions": ()}
    actions = lifecycle_actions(session)
    zone = session.committee.zone
    opened = timezone.localtime(session.opened_at, zone).time() if session.opened_at else None
    closed = timezone.localtime(session.closed_at, zone).time() if session.closed_at else None
    return {
        "lifecycle_actions": actions,
        "quorum": compute_quorum(session) if "open" in actions else None,
        "undecided": list(undecided_points(session)) if "close" in actions else [],
        "open_form": forms.get("open_form")
        or OpenSessionForm(initial={"started_at": session.start_time}),
        "close_form": forms.get("close_form")
        or CloseSessionForm(initial={"ended_at": session.end_time}),
        "times_form": forms.get("times_form")
        or SessionTimesForm(initial={"started_at": opened, "ended_at": closed}),
        "notices": notifications.notice_log(session) if session.convened_at else [],
    }


def _lifecycle_url(session: Session) -> str:
    return f"{reverse('sessions:detail', args=[session.pk])}#ciclo-de-la-sesion"


def _report_notice(request, session: Session, kind: str) -> None:
    """Tell the secretariat who the notice goes to, and who it cannot reach."""
    people = notifications.audience(session)
    count = len(people.recipients)
    if count:
        messages.info(
            request,
            ngettext(
                "Se envía %(notice)s por correo a %(count)d persona.",
                "Se envía %(notice)s por correo a %(count)d personas.",
                count,
            )
            % {"notice": NOTICE_NAMES[kind], "count": count},
        )
    for warning in people.warnings():
        messages.warning(request, warning)


REFUSALS = {
    "postpone": _lazy("No se puede posponer una sesión %(status)s."),
    "cancel": _lazy("No se puede cancelar una sesión %(status)s."),
    "reschedule": _lazy("No se puede cambiar la fecha de una sesión %(status)s."),
}


def _refusal(session: Session, verb: str) -> str | None:
    """Why ``verb`` ("postpone", "cancel", "reschedule") cannot be done now, or None."""
    if verb in lifecycle_actions(session):
        return None
    if session.opened_at is not None and session.closed_at is None:
        state = _("en curso")
    else:
        state = session.get_status_display().lower()
    return REFUSALS[verb] % {"status": state}


@login_required
@require_http_methods(["GET", "POST"])
def session_convene(request, pk):
    """The check before convening (GET), and convening once its warnings are confirmed."""
    session = get_session_for_user(request.user, pk, manage=True)
    if "convene" not in lifecycle_actions(session):
        messages.error(
            request,
            _("Solo se convoca una sesión programada o pospuesta; esta está %(status)s.")
            % {"status": session.get_status_display().lower()},
        )
        return redirect(_lifecycle_url(session))
    error = None
    if request.method == "POST":
        try:
            convene_checked(
                session,
                seen=request.POST.getlist("advertencia"),
                confirmed=request.POST.get("confirmar") == "si",
                by=request.user,
            )
        except ValidationError as refusal:
            if refusal.code not in ("changed", "unconfirmed"):
                messages.error(request, " ".join(refusal.messages))
                return redirect(_lifecycle_url(session))
            error = " ".join(refusal.messages)
        else:
            messages.success(
                request, _("Se convocó la %(session)s.") % {"session": session.reference}
            )
            _report_notice(request, session, NoticeDelivery.Kind.CONVOCATION)
            return redirect(_lifecycle_url(session))
    people = notifications.audience(session)
    context = {
        "session": session,
        "committee": session.committee,
        "warnings": convening_warnings(session),
        "recipients": people.recipients,
        "error": error,
        "points": session.points.order_by("position"),
    }
    return render(request, "sessions/session_convene.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def session_postpone(request, pk):
    session = get_session_for_user(request.user, pk, manage=True)
    refusal = _refusal(session, "postpone")
    if refusal:
        messages.error(request, refusal)
        return redirect(_lifecycle_url(session))
    was_convened = notifications.was_convened(session)
    form = PostponeSessionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            postpone_session(session, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("Se pospuso la %(session)s para el %(day)s.")
                % {"session": session.reference, "day": long_date(session.date, weekday=True)},
            )
            if was_convened:
                _report_notice(request, session, NoticeDelivery.Kind.RESCHEDULING)
            return redirect(_lifecycle_url(session))
    return render(request, "sessions/session_postpone.html", {"session": session, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def session_cancel(request, pk):
    session = get_session_for_user(request.user, pk, manage=True)
    refusal = _refusal(session, "cancel")
    if refusal:
        messages.error(request, refusal)
        return redirect(_lifecycle_url(session))
    was_convened = notifications.was_convened(session)
    form = CancelSessionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            cancel_session(session, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("Se canceló la %(session)s; queda en el calendario como cancelada.")
                % {"session": session.reference},
            )
            if was_convened:
                _report_notice(request, session, NoticeDelivery.Kind.CANCELLATION)
            return redirect(_lifecycle_url(session))
    return render(request, "sessions/session_cancel.html", {"session": session, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def session_reschedule(request, pk):
    session = get_session_for_user(request.user, pk, manage=True)
    refusal = _refusal(session, "reschedule")
    if refusal:
        messages.error(request, refusal)
        return redirect(_lifecycle_url(session))
    was_convened = notifications.was_convened(session)
    form = RescheduleSessionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            reschedule_session(session, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("La %(session)s queda para el %(day)s.")
                % {"session": session.reference, "day": long_date(session.date, weekday=True)},
            )
            if was_convened:
                _report_notice(request, session, NoticeDelivery.Kind.RESCHEDULING)
            return redirect(_lifecycle_url(session))
    return render(
        request,
        "sessions/session_postpone.html",
        {"session": session, "form": form, "rescheduling": True},
    )


def _lifecycle_step(request, pk, form_class, form_name, apply, done):
    """
    Open, close, or correct the times of a session: a small form on the session page. A
    refusal or a bad time shows the page again with the form as typed and the reason.
    """
    session = get_session_for_user(request.user, pk, manage=True)
    form = form_class(request.POST)
    if form.is_valid():
        try:
            result = apply(session, **form.cleaned_data)
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                form.add_error(None, error)
            else:
                messages.error(request, " ".join(error.messages))
                return redirect(_lifecycle_url(session))
        else:
            messages.success(request, done(session, result))
            return redirect(_lifecycle_url(session))
    session.refresh_from_db()
    return _render_detail(request, session, status=400, **{form_name: form})


@login_required
@require_POST
def session_open(request, pk):
    return _lifecycle_step(
        request,
        pk,
        OpenSessionForm,
        "open_form",
        open_session,
        lambda session, quorum: (
            _("Se declaró el quórum y comenzó la sesión. %(quorum)s") % {"quorum": quorum}
        ),
    )


@login_required
@require_POST
def session_close(request, pk):
    return _lifecycle_step(
        request,
        pk,
        CloseSessionForm,
        "close_form",
        close_session,
        lambda session, result: (
            _("Se clausuró la %(session)s; queda como celebrada.") % {"session": session.reference}
        ),
    )


@login_required
@require_POST
def session_times(request, pk):
    return _lifecycle_step(
        request,
        pk,
        SessionTimesForm,
        "times_form",
        set_session_times,
        lambda session, result: _("Se corrigieron las horas de la sesión."),
    )
