from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.forms.models import BaseInlineFormSet
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from committees.admin import (
    CommitteeListFilter,
    HistoryAdmin,
    ListSelectRelatedMixin,
    SeatRowsInline,
    SharedChoicesInlineMixin,
)
from sessions.seal_admin import SealedInlineMixin, SealedRecordAdminMixin

from .models import AgendaPoint, Agreement, AgreementFollowUp, Document, Vote
from .services import (
    add_document,
    adopt_agreement,
    delete_point,
    follow_up_agreement,
    insert_point,
    point_deletion_refused_by,
    record_minutes,
    reorder_points,
    update_point,
)


class AgendaPointInlineForm(forms.ModelForm):
    """A row of the agenda on the session page; its number is checked by the formset."""

    class Meta:
        model = AgendaPoint
        fields = ("position", "title", "kind", "presenter")
        help_texts = {
            "position": _(
                "Use las flechas para subir o bajar un punto; al guardar, los puntos quedan "
                "numerados 1, 2, 3… en el orden de estos números."
            ),
        }
        widgets = {
            "position": forms.NumberInput(
                attrs={
                    "class": "vSmallField agenda-order-position",
                    "data-label-up": _("Subir el punto"),
                    "data-label-down": _("Bajar el punto"),
                }
            ),
        }

    def validate_unique(self):
        # Two rows may swap numbers: checked on the whole agenda in AgendaPointInlineFormSet.
        exclude = self._get_validation_exclusions() | {"position"}
        try:
            self.instance.validate_unique(exclude=exclude)
        except ValidationError as error:
            self._update_errors(error)

    def validate_constraints(self):
        exclude = self._get_validation_exclusions() | {"position"}
        try:
            self.instance.validate_constraints(exclude=exclude)
        except ValidationError as error:
            self._update_errors(error)


class AgendaPointInlineFormSet(BaseInlineFormSet):
    """
    A session's points edited together. The numbers typed are read as the new order of
    the whole agenda: they must not repeat, gaps are closed (after a deletion, say), and
    the order is saved in two phases so that swapping two numbers never clashes with the
    unique (session, position) constraint.
    """

    def kept_forms(self):
        """The rows that stay on the agenda: existing ones not deleted, and filled-in new ones."""
        initial_count = self.initial_form_count()
        return [
            form
            for index, form in enumerate(self.forms)
            if not self._should_delete_form(form)
            and (index < initial_count or form.has_changed())
            and form.is_valid()
        ]

    def validate_unique(self):
        positions = [form.cleaned_data["position"] for form in self.kept_forms()]
        repeated = sorted({position for position in positions if positions.count(position) > 1})
        if repeated:
            raise ValidationError(
                ngettext(
                    "El número de punto %(numbers)s está repetido; cada punto lleva un "
                    "número distinto.",
                    "Los números de punto %(numbers)s están repetidos; cada punto lleva un "
                    "número distinto.",
                    len(repeated),
                )
                % {"numbers": ", ".join(str(position) for position in repeated)},
                code="repeated_position",
            )

    def clean(self):
        super().clean()
        if self.instance.pk is None:
            return
        current = {point.pk for point in self.get_queryset()}
        edited = {form.instance.pk for form in self.initial_forms}
        if current != edited:
            raise ValidationError(
                _(
                    "Los puntos de esta sesión cambiaron mientras los editaba; recargue la "
                    "página e intente de nuevo."
                ),
                code="stale_agenda",
            )
        for form in self.initial_forms:
            deleting = self._should_delete_form(form) and form.instance.pk
            if deleting and (reason := point_deletion_refused_by(form.instance)):
                point = form.instance
                raise ValidationError(f"{point.position}. {point.title}: {reason}")

    @transaction.atomic
    def save(self, commit=True):
        """
        Through the agenda's services, in one transaction: deletions, edits and new points,
        then the order typed (reorder_points), each under the session's lock.
        """
        if not commit:
            return super().save(commit=False)
        session, user = self.instance, getattr(self, "user", None)
        self.new_objects, self.changed_objects, self.deleted_objects = [], [], []
        for form in self.initial_forms:
            if self._should_delete_form(form) and form.instance.pk:
                delete_point(form.instance, by=user)
                self.deleted_objects.append(form.instance)
        kept = sorted(self.kept_forms(), key=lambda form: form.cleaned_data["position"])
        for form in kept:
            values = {
                name: form.cleaned_data[name]
                for name in ("title", "kind", "presenter")
                if name in form.changed_data
            }
            if form.instance.pk is None:
                form.instance = insert_point(
                    session,
                    title=form.cleaned_data["title"],
                    kind=form.cleaned_data["kind"],
                    presenter=form.cleaned_data.get("presenter", ""),
                    position=session.points.count() + 1,
                    by=user,
                )
                self.new_objects.append(form.instance)
            elif values:
                form.instance = update_point(form.instance, by=user, **values)
                self.changed_objects.append((form.instance, list(values)))
        reorder_points(session, [form.instance.pk for form in kept], by=user)
        return [form.instance for form in kept]


class AgendaPointInline(SealedInlineMixin, admin.TabularInline):
    """The agenda on the session page; the arrows next to each number reorder the points."""

    model = AgendaPoint
    fk_name = "session"
    form = AgendaPointInlineForm
    formset = AgendaPointInlineFormSet
    fields = ("position", "title", "kind", "presenter")
    ordering = ("position",)
    show_change_link = True
    extra = 0

    class Media:
        js = ("js/admin-agenda-order.js",)


class DocumentForm(forms.ModelForm):
    """A document's form: a replaced file gets a new digest."""

    class Meta:
        model = Document
        fields = ("point", "title", "file", "uploaded_by")

    def save(self, commit=True):
        if "file" in self.changed_data:
            # A new file needs a new digest: Document.save() computes it when it is blank.
            self.instance.sha256 = ""
        return super().save(commit)


class DocumentInline(SealedInlineMixin, admin.TabularInline):
    model = Document
    form = DocumentForm
    fields = ("title", "file", "sha256", "size")
    readonly_fields = ("sha256", "size")
    extra = 0


class VoteInline(SeatRowsInline):
    """The point's votes, to read: they are recorded on the vote page (cast_votes)."""

    model = Vote
    fields = ("membership", "sense", "recorded_by", "cast_at")
    readonly_fields = ("membership", "sense", "recorded_by", "cast_at")

    def get_queryset(self, request):
        # Read only: each row prints its seat (person and committee) and who recorded it.
        return super().get_queryset(request).select_related("membership__committee", "recorded_by")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AgendaPoint)
class AgendaPointAdmin(SealedRecordAdminMixin, HistoryAdmin):
    list_display = ("title", "position", "session", "kind", "standard", "presenter")
    list_display_links = ("title",)
    list_filter = ("kind", "standard", ("session__committee", CommitteeListFilter))
    list_select_related = ("session__committee",)
    search_fields = ("title", "presenter", "session__committee__short_name")
    autocomplete_fields = ("session", "approves_acta_of")
    fieldsets = (
        (None, {"fields": ("session", "position", "title", "kind", "standard", "presenter")}),
        (_("Contenido"), {"fields": ("description", "minutes")}),
        (_("Sin votación"), {"fields": ("disposition", "disposition_reason", "carried_from")}),
        (_("Acta que aprueba"), {"fields": ("approves_acta_of",)}),
    )
    inlines = (DocumentInline, VoteInline)

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        # What the record services own: the order (the session's agenda), what became of
        # a point not voted (its vote page) and the deferred point it takes up.
        owned = ["disposition", "disposition_reason", "carried_from"]
        if obj is not None:
            owned += ["session", "position", "standard", "approves_acta_of"]
        return [*readonly, *(name for name in owned if name not in readonly)]

    def save_model(self, request, obj, form, change):
        """Through the agenda's services: insert_point, update_point and record_minutes."""
        if not change:
            data = form.cleaned_data
            point = insert_point(
                data["session"],
                title=data["title"],
                kind=data["kind"],
                position=data["position"],
                presenter=data.get("presenter", ""),
                description=data.get("description", ""),
                standard=data.get("standard", ""),
                by=request.user,
            )
            obj.pk, obj.position = point.pk, point.position
            obj._state.adding = False
            if data.get("minutes"):
                record_minutes(point, minutes=data["minutes"], by=request.user)
            return
        values = {
            name: form.cleaned_data[name]
            for name in ("title", "kind", "presenter", "description")
            if name in form.changed_data
        }
        if values:
            update_point(obj, by=request.user, **values)
        if "minutes" in form.changed_data:
            record_minutes(obj, minutes=form.cleaned_data["minutes"], by=request.user)

    def save_formset(self, request, form, formset, change):
        if formset.model is Document:
            # What the admin's change message reads; the rows are written by the services.
            formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
            for row in formset.forms:
                if row.has_changed() and row.instance.pk is None and row.cleaned_data:
                    add_document(
                        form.instance,
                        title=row.cleaned_data["title"],
                        file=row.cleaned_data["file"],
                        by=request.user,
                    )
                elif row.has_changed() and row.instance.pk is not None:
                    if row.cleaned_data.get("DELETE"):
                        row.instance.delete()
                    else:
                        row.save()
            return
        super().save_formset(request, form, formset, change)


@admin.register(Document)
class DocumentAdmin(SealedRecordAdminMixin, ListSelectRelatedMixin, admin.ModelAdmin):
    form = DocumentForm
    list_display = ("title", "point", "session", "size", "uploaded_at", "uploaded_by")
    list_select_related = ("point__session__committee", "uploaded_by")
    list_filter = (("point__session__committee", CommitteeListFilter),)
    search_fields = ("title", "point__title")
    autocomplete_fields = ("point",)
    readonly_fields = (
        "sha256",
        "size",
        "uploaded_at",
        "uploaded_by",
        "publication",
        "classification_basis",
        "classification_term",
        "public_version",
        "publication_decided_at",
        "publication_decided_by",
    )
    fields = (
        "point",
        "title",
        "file",
        "sha256",
        "size",
        "uploaded_at",
        "uploaded_by",
        "publication",
        "classification_basis",
        "classification_term",
        "public_version",
        "publication_decided_at",
        "publication_decided_by",
    )
    date_hierarchy = "uploaded_at"

    def has_change_permission(self, request, obj=None):
        # The publication fields, the only ones a seal leaves open, are decided on the
        # document's publication page (transparency.services.decide_publication), which
        # hashes the versión pública and names the decision in the history; not here.
        if obj is not None and self._sealed(obj):
            return False
        return super().has_change_permission(request, obj)

    @admin.display(description=_("sesión"), ordering="point__session__date")
    def session(self, obj):
        return obj.point.session

    def save_model(self, request, obj, form, change):
        if not change:
            document = add_document(
                form.cleaned_data["point"],
                title=form.cleaned_data["title"],
                file=form.cleaned_data["file"],
                by=request.user,
            )
            obj.pk = document.pk
            obj._state.adding = False
            return
        super().save_model(request, obj, form, change)


@admin.register(Vote)
class VoteAdmin(ListSelectRelatedMixin, admin.ModelAdmin):
    """Votes, to look up: they are recorded on each point's vote page (cast_votes)."""

    list_display = ("membership", "point", "sense", "cast_at", "recorded_by")
    list_select_related = ("membership__person", "membership__committee", "point", "recorded_by")
    list_filter = ("sense", ("point__session__committee", CommitteeListFilter))
    search_fields = ("membership__person__name", "point__title")
    readonly_fields = ("point", "membership", "sense", "cast_at", "recorded_by")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class AgreementFollowUpInline(SharedChoicesInlineMixin, admin.TabularInline):
    """The follow-up log: new entries go through follow_up_agreement; entries stay as logged."""

    model = AgreementFollowUp
    fk_name = "agreement"
    fields = ("date", "note", "new_status", "at_point")
    autocomplete_fields = ("at_point",)
    extra = 0

    def get_queryset(self, request):
        # The row heading is str(follow_up): the agreement's number.
        return super().get_queryset(request).select_related("agreement")

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Agreement)
class AgreementAdmin(SealedRecordAdminMixin, HistoryAdmin):
    list_display = ("number", "committee", "session", "status", "due_date", "responsible")
    list_filter = ("status", ("committee", CommitteeListFilter))
    list_select_related = ("committee__institution", "point__session__committee", "responsible")
    search_fields = ("number", "text", "responsible__name")
    autocomplete_fields = ("point", "responsible")
    date_hierarchy = "due_date"
    fieldsets = (
        (None, {"fields": ("committee", "point", "number", "sequence", "text")}),
        (_("Seguimiento"), {"fields": ("responsible", "due_date", "status")}),
    )
    add_fieldsets = ((None, {"fields": ("point", "text", "responsible", "due_date")}),)
    inlines = (AgreementFollowUpInline,)

    @admin.display(description=_("sesión"), ordering="point__session__date")
    def session(self, obj):
        return obj.point.session

    def get_fieldsets(self, request, obj=None):
        return self.add_fieldsets if obj is None else self.fieldsets

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if obj is not None:
            # Numbered by adopt_agreement; its status moves with the follow-up log below.
            owned = ["committee", "point", "number", "sequence", "status"]
            readonly += [name for name in owned if name not in readonly]
        return readonly

    def get_inlines(self, request, obj):
        return self.inlines if obj is not None else ()

    def save_model(self, request, obj, form, change):
        if not change:
            data = form.cleaned_data
            agreement = adopt_agreement(
                data["point"],
                text=data["text"],
                responsible=data.get("responsible"),
                due_date=data.get("due_date"),
                by=request.user,
            )
            obj.pk = agreement.pk
            obj._state.adding = False
            return
        super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change):
        if formset.model is AgreementFollowUp:
            formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
            for row in formset.extra_forms:
                if not row.has_changed() or not row.cleaned_data:
                    continue
                data = row.cleaned_data
                try:
                    follow_up_agreement(
                        form.instance,
                        note=data["note"],
                        date=data["date"],
                        new_status=data.get("new_status", ""),
                        at_point=data.get("at_point"),
                        by=request.user,
                    )
                except ValidationError as error:
                    self.message_user(request, " ".join(error.messages), messages.ERROR)
            return
        super().save_formset(request, form, formset, change)


@admin.register(AgreementFollowUp)
class AgreementFollowUpAdmin(ListSelectRelatedMixin, admin.ModelAdmin):
    """The follow-up log of every agreement, to look up: entries are never rewritten."""

    list_display = ("agreement", "date", "new_status", "at_point", "recorded_by", "recorded_at")
    list_select_related = ("agreement", "at_point", "recorded_by")
    list_filter = ("new_status",)
    search_fields = ("agreement__number", "note")
    date_hierarchy = "date"
    readonly_fields = (
        "agreement",
        "date",
        "note",
        "new_status",
        "at_point",
        "recorded_by",
        "recorded_at",
    )

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
