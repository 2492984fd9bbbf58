"""
A committee's informes: the list, a new draft, its page (what the records say, plus the
narrative), the narrative sections while it is a draft, and its presentation at a session.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

# The informes hang from the committee's page and reuse its access rule.
from committees.models import Committee
from committees.views import get_committee_for_user

from ..forms import InformeForm, InformePresentForm, InformeTextForm
from ..informes import (
    create_informe,
    final_period,
    informe_context,
    present_informe,
    presentation_points,
    propose_next_informe,
    update_informe_text,
)
from ..models import Informe


def get_informe_for_user(user, pk: int, *, manage: bool = False) -> Informe:
    """The informe, if the user may read it (or work on it); 404 otherwise."""
    return get_object_or_404(
        Informe.objects.for_user(user, manage=manage).select_related("committee__institution"),
        pk=pk,
    )


def _can_manage(user, committee: Committee) -> bool:
    return Committee.objects.for_user(user, manage=True).filter(pk=committee.pk).exists()


@login_required
@require_safe
def informe_list(request, slug):
    committee = get_committee_for_user(request.user, slug)
    informes = sorted(
        Informe.objects.for_user(request.user)
        .filter(committee=committee)
        .select_related("presented_at_point__session"),
        # The bimonthly informes by number, the final one last.
        key=lambda i: (i.kind == Informe.Kind.FINAL, i.number or 0, i.period_start),
    )
    context = {
        "committee": committee,
        "informes": informes,
        "can_manage": _can_manage(request.user, committee),
    }
    return render(request, "reports/informe_list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def informe_create(request, slug):
    committee = get_committee_for_user(request.user, slug, manage=True)
    proposal = propose_next_informe(committee)
    initial = {
        "kind": Informe.Kind.BIMONTHLY,
        "number": proposal.number,
        "period_start": proposal.period_start,
        "period_end": proposal.period_end,
    }
    form = InformeForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            informe = create_informe(committee, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _(
                    "Se creó el proyecto del %(title)s. Redacte sus apartados y preséntelo en "
                    "la sesión que corresponda."
                )
                % {"title": informe.title},
            )
            return redirect("reports:informe", informe.pk)
    final_start, final_end = final_period(committee)
    context = {
        "committee": committee,
        "form": form,
        "proposal": proposal,
        "final_start": final_start,
        "final_end": final_end,
    }
    return render(request, "reports/informe_form.html", context)


def _render_detail(request, informe: Informe, *, present_form=None, status=200):
    can_manage = _can_manage(request.user, informe.committee)
    is_draft = informe.status == Informe.Status.DRAFT
    if can_manage and is_draft and present_form is None:
        present_form = InformePresentForm(points=presentation_points(informe))
    context = {
        "informe": informe,
        "committee": informe.committee,
        "content": informe_context(informe),
        "can_manage": can_manage,
        "present_form": present_form if can_manage and is_draft else None,
    }
    return render(request, "reports/informe_detail.html", context, status=status)


@login_required
@require_safe
def informe_detail(request, pk):
    return _render_detail(request, get_informe_for_user(request.user, pk))


@login_required
@require_http_methods(["GET", "POST"])
def informe_edit(request, pk):
    informe = get_informe_for_user(request.user, pk, manage=True)
    if informe.status != Informe.Status.DRAFT:
        messages.error(request, _("El informe ya fue presentado y no se puede modificar."))
        return redirect("reports:informe", informe.pk)
    form = InformeTextForm(request.POST or None, instance=informe)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            update_informe_text(
                informe,
                narrative=data["narrative"],
                plans=data.get("plans", informe.plans),
                recommendations=data["recommendations"],
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Se guardaron los apartados del informe."))
        return redirect("reports:informe", informe.pk)
    return render(
        request,
        "reports/informe_edit.html",
        {"informe": informe, "committee": informe.committee, "form": form},
    )


@login_required
@require_POST
def informe_present(request, pk):
    informe = get_informe_for_user(request.user, pk, manage=True)
    if informe.status != Informe.Status.DRAFT:
        messages.error(request, _("Este informe ya fue presentado."))
        return redirect("reports:informe", informe.pk)
    form = InformePresentForm(request.POST, points=presentation_points(informe))
    if form.is_valid():
        try:
            present_informe(informe, at_point=form.cleaned_data["point"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _(
                    "Se registró la presentación del %(title)s. Ya no se puede modificar; su "
                    "PDF/A queda archivado con su huella SHA-256."
                )
                % {"title": informe.title},
            )
            return redirect("reports:informe", informe.pk)
    return _render_detail(request, informe, present_form=form)
