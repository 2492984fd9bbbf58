"""The acta of a session: its page, the draft's minutes and observations, the fe de erratas."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

# The acta's pages compose the session's access rule and the shared history from agendas.
from agendas.models import AgendaPoint
from agendas.views import get_session_for_agenda, history_entries
from committees.models import Membership, Person
from sessions.models import Session

from ..forms import ErratumForm, MinutesForm, ObservationForm, minutes_version
from ..models import Acta
from ..services import acta_content, add_observation, draft_acta, record_erratum


def get_acta_for_user(user, pk: int, *, manage: bool = False) -> Acta:
    """The acta, if the user may see its session (or manage it); 404 otherwise."""
    sessions = Session.objects.manageable_by(user) if manage else Session.objects.visible_to(user)
    return get_object_or_404(
        Acta.objects.select_related("session__committee__institution").filter(
            session__in=sessions.values("pk")
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


def _acta_context(
    request, acta: Acta, *, minutes_form=None, observation_form=None, erratum_form=None
) -> dict:
    """
    The acta as it reads: a draft from the live record, an approved acta from the content
    frozen at its approval (never from the record, which may have changed since).
    """
    session = acta.session
    can_manage = Session.objects.manageable_by(request.user).filter(pk=session.pk).exists()
    points = {}
    if acta.is_frozen:
        content = acta.snapshot
    else:
        content = acta_content(session)
        points = {point.position: point for point in session.points.order_by("position")}
    # The content states each result by its label; a tie is the one to flag.
    tie = _("Empate")
    approved_labels = {_("Aprobado por unanimidad"), _("Aprobado por mayoría")}
    sections = []
    for data in content["points"]:
        point = points.get(data["position"])
        form = None
        if can_manage and point is not None:
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
    return {
        "acta": acta,
        "session": session,
        "content": content,
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
    }


def _render_acta(request, acta: Acta, **forms):
    return render(request, "reports/acta_detail.html", _acta_context(request, acta, **forms))


@login_required
@require_POST
def acta_draft(request, pk):
    session = get_session_for_agenda(request.user, pk, manage=True)
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
    with transaction.atomic():
        # Approval locks the acta too: minutes are never saved into an acta just approved.
        if Acta.objects.select_for_update().get(pk=acta.pk).is_frozen:
            messages.error(
                request,
                _(
                    "El acta ya fue aprobada y no se puede modificar. Para corregirla, "
                    "registre una fe de erratas."
                ),
            )
            return redirect(_acta_url(acta))
        form = MinutesForm(request.POST, instance=point)
        if form.is_valid():
            form.save()
            messages.success(
                request,
                _("Se guardó el desarrollo del punto %(position)s.") % {"position": point.position},
            )
            return redirect(_acta_url(acta, f"punto-{point.position}"))
    return _render_acta(request, acta, minutes_form=form)


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
