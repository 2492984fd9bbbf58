from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
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
from sessions.models import Session

from .models import AgendaPoint, Agreement, AgreementFollowUp, Document, Vote

# Points whose number changes are moved this far out of the way first, so that the unique
# (session, position) constraint holds after every single statement.
_POSITION_OFFSET = 10_000


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

    @transaction.atomic
    def save(self, commit=True):
        if not commit:
            return super().save(commit=False)
        saved = super().save(commit=False)
        if not (self.new_objects or self.changed_objects or self.deleted_objects):
            return saved
        Session.objects.select_for_update().filter(pk=self.instance.pk).get()
        kept = sorted(self.kept_forms(), key=lambda form: form.cleaned_data["position"])
        for point in self.deleted_objects:
            point.delete()
        final = {form: position for position, form in enumerate(kept, start=1)}
        moving = [
            form.instance.pk
            for form in kept
            if form.instance.pk is not None and form.initial.get("position") != final[form]
        ]
        if moving:
            AgendaPoint.objects.filter(pk__in=moving).update(
                position=F("position") + _POSITION_OFFSET
            )
        for form in kept:
            point = form.instance
            point.position = final[form]
            if point.pk is None or point.pk in moving or form.has_changed():
                point.save()
        self.save_m2m()
        return saved


class AgendaPointInline(admin.TabularInline):
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


class DocumentInline(admin.TabularInline):
    model = Document
    form = DocumentForm
    fields = ("title", "file", "sha256", "size")
    readonly_fields = ("sha256", "size")
    extra = 0


class VoteInline(SeatRowsInline):
    model = Vote
    fields = ("membership", "sense")


@admin.register(AgendaPoint)
class AgendaPointAdmin(HistoryAdmin):
    list_display = ("title", "position", "session", "kind", "standard", "presenter")
    list_display_links = ("title",)
    list_filter = ("kind", "standard", ("session__committee", CommitteeListFilter))
    list_select_related = ("session__committee",)
    search_fields = ("title", "presenter", "session__committee__short_name")
    autocomplete_fields = ("session", "approves_acta_of")
    fieldsets = (
        (None, {"fields": ("session", "position", "title", "kind", "standard", "presenter")}),
        (_("Contenido"), {"fields": ("description", "minutes")}),
        (_("Acta que aprueba"), {"fields": ("approves_acta_of",)}),
    )
    inlines = (DocumentInline, VoteInline)


@admin.register(Document)
class DocumentAdmin(ListSelectRelatedMixin, admin.ModelAdmin):
    form = DocumentForm
    list_display = ("title", "point", "session", "size", "uploaded_at", "uploaded_by")
    list_select_related = ("point__session__committee", "uploaded_by")
    list_filter = (("point__session__committee", CommitteeListFilter),)
    search_fields = ("title", "point__title")
    autocomplete_fields = ("point", "uploaded_by")
    readonly_fields = ("sha256", "size", "uploaded_at")
    fields = ("point", "title", "file", "sha256", "size", "uploaded_at", "uploaded_by")
    date_hierarchy = "uploaded_at"

    @admin.display(description=_("sesión"), ordering="point__session__date")
    def session(self, obj):
        return obj.point.session

    def save_model(self, request, obj, form, change):
        if not change and obj.uploaded_by_id is None:
            obj.uploaded_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(Vote)
class VoteAdmin(ListSelectRelatedMixin, admin.ModelAdmin):
    list_display = ("membership", "point", "sense", "cast_at")
    list_select_related = ("membership__person", "membership__committee", "point")
    list_filter = ("sense", ("point__session__committee", CommitteeListFilter))
    search_fields = ("membership__person__name", "point__title")
    autocomplete_fields = ("point", "membership")


class AgreementFollowUpInline(SharedChoicesInlineMixin, admin.TabularInline):
    model = AgreementFollowUp
    fk_name = "agreement"
    fields = ("date", "note", "new_status", "at_point")
    autocomplete_fields = ("at_point",)
    extra = 0

    def get_queryset(self, request):
        # The row heading is str(follow_up): the agreement's number.
        return super().get_queryset(request).select_related("agreement")


@admin.register(Agreement)
class AgreementAdmin(HistoryAdmin):
    list_display = ("number", "committee", "session", "status", "due_date", "responsible")
    list_filter = ("status", ("committee", CommitteeListFilter))
    list_select_related = ("committee__institution", "point__session__committee", "responsible")
    search_fields = ("number", "text", "responsible__name")
    autocomplete_fields = ("committee", "point", "responsible")
    date_hierarchy = "due_date"
    fieldsets = (
        (None, {"fields": ("committee", "point", "number", "sequence", "text")}),
        (_("Seguimiento"), {"fields": ("responsible", "due_date", "status")}),
    )
    inlines = (AgreementFollowUpInline,)

    @admin.display(description=_("sesión"), ordering="point__session__date")
    def session(self, obj):
        return obj.point.session

    def save_formset(self, request, form, formset, change):
        if formset.model is AgreementFollowUp:
            for new_form in formset.extra_forms:
                new_form.instance.recorded_by = request.user
        super().save_formset(request, form, formset, change)


@admin.register(AgreementFollowUp)
class AgreementFollowUpAdmin(ListSelectRelatedMixin, admin.ModelAdmin):
    list_display = ("agreement", "date", "new_status", "at_point", "recorded_by", "recorded_at")
    list_select_related = ("agreement", "at_point", "recorded_by")
    list_filter = ("new_status",)
    search_fields = ("agreement__number", "note")
    autocomplete_fields = ("agreement", "at_point", "recorded_by")
    date_hierarchy = "date"

    def save_model(self, request, obj, form, change):
        if not change and obj.recorded_by_id is None:
            obj.recorded_by = request.user
        super().save_model(request, obj, form, change)
