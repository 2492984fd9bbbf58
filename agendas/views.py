from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from sessions.models import Session

from .forms import DocumentForm, PointForm, agenda_version, point_version
from .models import AgendaPoint, Document
from .services import delete_point, insert_point, reorder_points

CONFLICT_MESSAGE = _(
    "Otra persona modificó el orden del día mientras usted lo editaba. Se muestra la versión "
    "actual; su cambio no se aplicó. Revíselo y envíelo de nuevo."
)


# The point page holds two forms, each with a "title": the document form's ids differ so
# that each label names its own field.
DOCUMENT_FORM_IDS = "id_documento_%s"


def get_session_for_agenda(user, pk: int, *, manage: bool = False) -> Session:
    sessions = Session.objects.manageable_by(user) if manage else Session.objects.visible_to(user)
    return get_object_or_404(sessions.select_related("committee__institution"), pk=pk)


def get_point_for_user(user, pk: int, *, manage: bool = False) -> AgendaPoint:
    sessions = Session.objects.manageable_by(user) if manage else Session.objects.visible_to(user)
    return get_object_or_404(
        AgendaPoint.objects.select_related("session__committee").filter(
            session__in=sessions.values("pk")
        ),
        pk=pk,
    )


def agenda_context(session: Session, *, can_manage: bool, form=None, conflict=False) -> dict:
    """What the agenda fragment needs: its points with their documents, in two queries."""
    points = list(
        session.points.order_by("position").prefetch_related(
            Prefetch("documents", queryset=Document.objects.order_by("title"))
        )
    )
    return {
        "session": session,
        "points": points,
        "can_manage": can_manage,
        "agenda_version": agenda_version(session) if can_manage else "",
        "point_form": form or PointForm(),
        "conflict": conflict,
    }


def _agenda_response(request, session, *, form=None, conflict=False, **extra):
    context = agenda_context(session, can_manage=True, form=form, conflict=conflict)
    return render(request, "agendas/includes/agenda.html", {**context, **extra})


def _session_url(session: Session, anchor: str = "orden-del-dia") -> str:
    return f"{reverse('sessions:detail', args=[session.pk])}#{anchor}"


@login_required
@require_POST
def point_create(request, session_pk):
    session = get_session_for_agenda(request.user, session_pk, manage=True)
    form = PointForm(request.POST)
    conflict = form.data.get("version") != agenda_version(session)
    if form.is_valid() and not conflict:
        try:
            insert_point(session, **{name: form.cleaned_data[name] for name in form.Meta.fields})
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
    current_version = point_version(point)
    current_title = point.title
    conflict = False
    if request.method == "POST":
        data = request.POST.copy()
        conflict = data.get("version") != current_version
        # The form keeps what was typed; its version becomes the current one, so sending it
        # again after reading the message applies it on top of the other person's change.
        data["version"] = current_version
        form = PointForm(data, instance=point)
        if not conflict and form.is_valid():
            form.save()
            messages.success(
                request, _("Se guardó el punto %(position)s.") % {"position": point.position}
            )
            return redirect(_session_url(point.session, f"punto-{point.pk}"))
    else:
        form = PointForm(instance=point, initial={"version": current_version})
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
    if request.method == "POST":
        if request.POST.get("version") != agenda_version(session):
            messages.error(request, CONFLICT_MESSAGE)
            return redirect(_session_url(session))
        if point.agreements.exists() or point.votes.exists():
            messages.error(
                request,
                _("No se puede eliminar un punto que ya tiene votos o acuerdos registrados."),
            )
            return redirect(_session_url(session))
        delete_point(point)
        messages.success(request, _("Se eliminó el punto «%(title)s».") % {"title": point.title})
        return redirect(_session_url(session))
    context = {"session": session, "point": point, "agenda_version": agenda_version(session)}
    return render(request, "agendas/point_confirm_delete.html", context)


@login_required
@require_POST
def point_move(request, pk):
    point = get_point_for_user(request.user, pk, manage=True)
    session = point.session
    if request.POST.get("version") != agenda_version(session):
        if request.htmx:
            return _agenda_response(request, session, conflict=True)
        messages.error(request, CONFLICT_MESSAGE)
        return redirect(_session_url(session))
    order = list(session.points.order_by("position").values_list("pk", flat=True))
    index = order.index(point.pk)
    target = index - 1 if request.POST.get("direction") == "up" else index + 1
    direction = "up" if target < index else "down"
    if 0 <= target < len(order):
        order[index], order[target] = order[target], order[index]
        reorder_points(session, order)
    if request.htmx:
        return _agenda_response(request, session, moved_pk=point.pk, direction=direction)
    return redirect(_session_url(session, f"punto-{point.pk}"))


@login_required
@require_POST
def document_upload(request, pk):
    point = get_point_for_user(request.user, pk, manage=True)
    form = DocumentForm(request.POST, request.FILES, auto_id=DOCUMENT_FORM_IDS)
    if form.is_valid():
        document = form.save(commit=False)
        document.point = point
        document.uploaded_by = request.user
        document.save()
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
        Document.objects.select_related("point").filter(
            point__session__in=Session.objects.visible_to(request.user).values("pk")
        ),
        pk=pk,
    )
    if filename != document.download_name:
        raise Http404
    return FileResponse(
        document.file.open("rb"), as_attachment=True, filename=document.download_name
    )
