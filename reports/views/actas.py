"""The acta of a session: its page, the draft's minutes and observations, the fe de erratas."""

import functools

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.files.uploadhandler import MemoryFileUploadHandler
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST, require_safe

# The acta's pages compose the session's access rule and the shared history from agendas.
from agendas.models import AgendaPoint
from agendas.services import MinutesConflict, minutes_version
from agendas.views import history_entries
from committees.models import Membership, Person
from sessions.models import Session
from sessions.shortcuts import get_session_for_user

from ..documents import acta_verify_url
from ..forms import CirculationAnswerForm, ErratumForm, MinutesForm, ObservationForm, SignForm
from ..models import Acta
from ..services import (
    acta_content,
    add_observation,
    answer_circulation,
    circulate_acta,
    circulation_refused_by,
    circulation_tally,
    draft_acta,
    record_erratum,
    snapshot_problems,
    update_minutes,
    withdraw_circulation,
)
from ..signing import (
    load_pkcs12_credentials,
    load_sat_credentials,
    sign_document,
    signature_status,
)


def get_acta_for_user(user, pk: int, *, manage: bool = False) -> Acta:
    """The acta, if the user may see its session (or manage it); 404 otherwise."""
    return get_object_or_404(
        Acta.objects.for_user(user, manage=manage).select_related(
            "session__committee__institution"
        ),
        pk=pk,
    )


def _observer(user, session: Session) -> Person | None:
    """The person who may observe the draft: a member or the technical secretary."""
    return Person.objects.filter(
        user=user,
        memberships__committee_id=session.committee_id,
        memberships__role__in=(Membership.Role.MEMBER, Membership.Role.TECHNICAL_SECRETARY),
    ).first()


def _circulation_voter(user, acta: Acta) -> Membership | None:
    """The user's seat with vote on the session's date: who answers the circulation."""
    if not user.is_authenticated:
        return None
    return (
        acta.session.committee.memberships.with_vote()
        .active_on(acta.session.date)
        .filter(person__user=user)
        .select_related("person")
        .first()
    )


def _acta_url(acta: Acta, anchor: str = "") -> str:
    url = reverse("reports:acta", args=[acta.pk])
    return f"{url}#{anchor}" if anchor else url


def _by_role(attendance: list[dict]) -> list[tuple[str, list[dict]]]:
    """The attendance rows under their role, members with vote first (labels as stated)."""
    order = {str(label): index for index, (_value, label) in enumerate(Membership.Role.choices)}
    groups = {}
    for row in attendance:
        groups.setdefault(row["role"], []).append(row)
    ordered = sorted(groups.items(), key=lambda item: order.get(item[0], len(order)))
    return [(Membership.group_heading(label, len(rows)), rows) for label, rows in ordered]


EMPTY_CONTENT = {
    "committee": {},
    "session": {},
    "quorum": {},
    "attendance": [],
    "points": [],
    "signatories": [],
}


def _acta_context(
    request,
    acta: Acta,
    *,
    minutes_form=None,
    observation_form=None,
    erratum_form=None,
    answer_form=None,
    sign_form=None,
) -> dict:
    """
    The acta as it reads: a draft from the live record, an approved acta from the content
    frozen at its approval (never from the record, which may have changed since). Stored
    content that is damaged is reported on the page, never a server error.
    """
    session = acta.session
    can_manage = Session.objects.for_user(request.user, manage=True).filter(pk=session.pk).exists()
    points = {}
    problems = []
    if acta.is_frozen:
        content = acta.snapshot
        problems = snapshot_problems(content)
        if problems:
            content = EMPTY_CONTENT
    else:
        content = acta_content(session)
        points = {point.position: point for point in session.points.order_by("position")}
    editable = can_manage and not acta.is_frozen and not acta.in_circulation
    # The content states each result by its label; a tie is the one to flag.
    tie = _("Empate")
    approved_labels = {_("Aprobado por unanimidad"), _("Aprobado por mayoría")}
    sections = []
    for data in content["points"]:
        point = points.get(data["position"])
        form = None
        if editable and point is not None:
            if minutes_form is not None and minutes_form.instance.pk == point.pk:
                form = minutes_form
            else:
                form = MinutesForm(instance=point)
        sections.append(
            {
                "data": data,
                "point": point,
                "form": form,
                "version": minutes_version(point) if form else "",
                "tie": data["result"] == tie,
                "approved": data["result"] in approved_labels,
            }
        )
    author = None if acta.is_frozen else _observer(request.user, session)
    if author is not None and observation_form is None:
        observation_form = ObservationForm(points=list(points.values()))
    if can_manage and acta.is_frozen and erratum_form is None:
        erratum_form = ErratumForm()
    tally = circulation_tally(acta) if acta.circulated_at else None
    voter = _circulation_voter(request.user, acta) if acta.in_circulation else None
    if voter is not None and answer_form is None:
        answer = tally.answer_of(voter)
        answer_form = CirculationAnswerForm(
            initial={"decision": answer.decision, "text": answer.text} if answer else None
        )
    return {
        "acta": acta,
        "session": session,
        "content": content,
        "content_problems": problems,
        "attendance_groups": _by_role(content["attendance"]),
        "sections": sections,
        "approval": content.get("approval") if acta.is_frozen else None,
        "can_manage": can_manage,
        "observations": list(
            acta.observations.select_related("author", "point").order_by("created_at")
        ),
        "observation_form": observation_form if author is not None else None,
        "errata": (
            list(acta.errata.select_related("recorded_by__person").order_by("recorded_at"))
            if acta.is_frozen
            else []
        ),
        "erratum_form": erratum_form if can_manage and acta.is_frozen else None,
        "tally": tally,
        "can_circulate": can_manage and not circulation_refused_by(acta),
        "can_withdraw": can_manage and acta.in_circulation,
        "voter": voter,
        "my_answer": tally.answer_of(voter) if tally and voter else None,
        "answer_form": answer_form if voter is not None else None,
        **_signing_context(request, acta, sign_form),
    }


def _signing_context(request, acta: Acta, sign_form) -> dict:
    """Who signed the archived acta and when, who is still to sign, and the user's form."""
    if not (acta.is_frozen and acta.pdf):
        return {"signing": None}
    status = signature_status(acta)
    me = getattr(request.user, "person", None)
    can_sign = me is not None and any(person.pk == me.pk for person in status["pending"])
    return {
        "signing": status,
        "sign_form": (sign_form or SignForm()) if can_sign else None,
        "verify_url": acta_verify_url(acta),
    }


def _render_acta(request, acta: Acta, **forms):
    return render(request, "reports/acta_detail.html", _acta_context(request, acta, **forms))


@login_required
@require_POST
def acta_draft(request, pk):
    session = get_session_for_user(request.user, pk, manage=True)
    existing = Acta.objects.filter(session=session).first()
    if existing is not None:
        return redirect(_acta_url(existing))
    try:
        acta = draft_acta(session)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("sessions:detail", session.pk)
    messages.success(
        request,
        _(
            "Se generó el proyecto de acta. Hasta su aprobación, refleja el registro de la "
            "sesión: asistencia, votaciones, acuerdos y el desarrollo de cada punto."
        ),
    )
    return redirect(_acta_url(acta))


@login_required
@require_safe
def acta_detail(request, pk):
    return _render_acta(request, get_acta_for_user(request.user, pk))


@login_required
@require_POST
def acta_minutes(request, pk, point_pk):
    acta = get_acta_for_user(request.user, pk, manage=True)
    point = get_object_or_404(AgendaPoint, pk=point_pk, session_id=acta.session_id)
    form = MinutesForm(request.POST, instance=AgendaPoint.objects.get(pk=point.pk))
    if form.is_valid():
        try:
            update_minutes(
                acta,
                point,
                minutes=form.cleaned_data["minutes"],
                version=form.cleaned_data["version"],
                by=request.user,
            )
        except MinutesConflict as error:
            form.stale = True
            form.add_error(None, error)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect(_acta_url(acta))
        else:
            messages.success(
                request,
                _("Se guardó el desarrollo del punto %(position)s.") % {"position": point.position},
            )
            return redirect(_acta_url(acta, f"punto-{point.position}"))
    acta.refresh_from_db()
    return _render_acta(request, acta, minutes_form=form)


@login_required
@require_POST
def acta_circulate(request, pk):
    """Send the draft acta of the last session to the members with vote for approval."""
    acta = get_acta_for_user(request.user, pk, manage=True)
    try:
        circulate_acta(acta, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _(
                "El acta está en circulación: las y los integrantes con voto pueden aprobarla "
                "o formular objeciones desde su cuenta."
            ),
        )
    return redirect(_acta_url(acta, "circulacion"))


@login_required
@require_POST
def acta_withdraw_circulation(request, pk):
    acta = get_acta_for_user(request.user, pk, manage=True)
    try:
        withdraw_circulation(acta, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("Se retiró la circulación: las respuestas recibidas dejan de contar."),
        )
    return redirect(_acta_url(acta, "circulacion"))


@login_required
@require_POST
def acta_answer(request, pk):
    """A member with vote approves the circulated acta, or objects to it."""
    acta = get_acta_for_user(request.user, pk)
    voter = _circulation_voter(request.user, acta)
    if voter is None:
        raise Http404("Solo las y los integrantes con voto aprueban el acta por circulación.")
    form = CirculationAnswerForm(request.POST)
    if form.is_valid():
        try:
            answer_circulation(acta, membership=voter, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            if not hasattr(error, "error_dict"):
                messages.error(request, " ".join(error.messages))
                return redirect(_acta_url(acta, "circulacion"))
            form.add_error(None, error)
        else:
            acta.refresh_from_db()
            if acta.is_frozen:
                messages.success(
                    request,
                    _(
                        "Se registró su aprobación. Con ella, la mayoría aprobó el acta por "
                        "circulación: su registro quedó sellado."
                    ),
                )
            elif form.cleaned_data["decision"] == "approve":
                messages.success(request, _("Se registró su aprobación del acta."))
            else:
                messages.success(request, _("Se registró su objeción al acta."))
            return redirect(_acta_url(acta, "circulacion"))
    return _render_acta(request, acta, answer_form=form)


@login_required
@require_POST
def acta_observation(request, pk):
    acta = get_acta_for_user(request.user, pk)
    author = _observer(request.user, acta.session)
    if author is None:
        raise Http404("Solo las y los integrantes y la secretaría técnica hacen observaciones.")
    points = list(acta.session.points.order_by("position"))
    form = ObservationForm(request.POST, points=points)
    if form.is_valid():
        try:
            add_observation(
                acta,
                author=author,
                text=form.cleaned_data["text"],
                point=form.cleaned_data["point"],
            )
        except ValidationError as error:
            if not hasattr(error, "error_dict"):
                messages.error(request, " ".join(error.messages))
                return redirect(_acta_url(acta))
            form.add_error(None, error)
        else:
            messages.success(request, _("Se registró su observación al proyecto de acta."))
            return redirect(_acta_url(acta, "observaciones"))
    return _render_acta(request, acta, observation_form=form)


@login_required
@require_POST
def acta_erratum(request, pk):
    acta = get_acta_for_user(request.user, pk, manage=True)
    form = ErratumForm(request.POST)
    if form.is_valid():
        try:
            record_erratum(acta, text=form.cleaned_data["text"], by=request.user)
        except ValidationError as error:
            if not hasattr(error, "error_dict"):
                messages.error(request, " ".join(error.messages))
                return redirect(_acta_url(acta))
            form.add_error(None, error)
        else:
            messages.success(request, _("Se registró la fe de erratas."))
            return redirect(_acta_url(acta, "fe-de-erratas"))
    return _render_acta(request, acta, erratum_form=form)


@login_required
@require_safe
def acta_history(request, pk):
    acta = get_acta_for_user(request.user, pk)
    entries, truncated = history_entries(acta.history.all(), Acta)
    context = {"acta": acta, "session": acta.session, "entries": entries, "truncated": truncated}
    return render(request, "reports/acta_history.html", context)


def _memory_only(view):
    """
    Uploads of this view stay in memory: the e.firma's key is never written to a temporary
    file. A file over the in-memory limit is dropped and the form reports it missing. The
    CSRF check runs after the handlers are set, as Django requires for changing them.
    """

    @csrf_exempt
    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        request.upload_handlers = [MemoryFileUploadHandler(request)]
        return csrf_protect(view)(request, *args, **kwargs)

    return wrapped


@sensitive_post_parameters("password")
@_memory_only
@login_required
@require_POST
def acta_sign(request, pk):
    """Sign the approved acta with the user's e.firma (refused over plain HTTP in production)."""
    acta = get_acta_for_user(request.user, pk)
    if not settings.DEBUG and not request.is_secure():
        messages.error(request, _("La e.firma solo se usa sobre una conexión cifrada (HTTPS)."))
        return redirect(_acta_url(acta, "firmas"))
    form = SignForm(request.POST, request.FILES)
    person = getattr(request.user, "person", None)
    if not form.is_valid() or person is None:
        return _render_acta(request, acta, sign_form=form)
    data = form.cleaned_data
    try:
        if data.get("pkcs12"):
            credentials = load_pkcs12_credentials(data["pkcs12"].read(), data["password"])
        else:
            credentials = load_sat_credentials(
                data["certificate"].read(), data["key"].read(), data["password"]
            )
        sign_document(acta, person, credentials)
    except ValidationError as error:
        form.add_error(None, error)
        return _render_acta(request, acta, sign_form=form)
    finally:
        credentials = None  # noqa: F841 - drop the key as soon as possible
    messages.success(request, _("Se firmó el acta con su e.firma."))
    return redirect(_acta_url(acta, "firmas"))
