from django.contrib import admin
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet, ModelChoiceField
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    Attribution,
    Committee,
    ElectoralProcess,
    Institution,
    Membership,
    Person,
    PoliticalParty,
    Rule,
    RuleOverride,
)


class CommitteeListFilter(admin.RelatedFieldListFilter):
    """The committee filter: a committee's name carries its institution; load both at once."""

    def field_choices(self, field, request, model_admin):
        committees = Committee.objects.select_related("institution")
        ordering = self.field_admin_ordering(field, request, model_admin)
        if ordering:
            committees = committees.order_by(*ordering)
        return [(committee.pk, str(committee)) for committee in committees]


class ListSelectRelatedMixin:
    """
    Load ``list_select_related`` on every page, not only on the list: change pages,
    autocompletes and history print str(obj) too. (The list would ignore
    list_select_related once get_queryset() has a select_related of its own.)
    """

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        # select_related() without fields is deprecated (Django 6.1): only name the fields.
        if self.list_select_related:
            queryset = queryset.select_related(*self.list_select_related)
        return queryset


class HistoryAdmin(ListSelectRelatedMixin, SimpleHistoryAdmin):
    """
    The admin of a model with history ("Historia" on each object). Its history page loads
    the related objects that str(obj) needs once, with the records, instead of once per record.
    """

    def get_history_queryset(self, request, history_manager, pk_name, object_id):
        queryset = super().get_history_queryset(request, history_manager, pk_name, object_id)
        if self.list_select_related:
            queryset = queryset.select_related(*self.list_select_related)
        return queryset

    def set_history_delta_changes(self, request, historical_records, **kwargs):
        super().set_history_delta_changes(request, historical_records, **kwargs)
        relations = {field.name for field in self.model._meta.concrete_fields if field.is_relation}
        for record in historical_records:
            # record.history_object is a new instance on every access, without the related
            # objects loaded with the record: keep one instance that has them.
            obj = record.history_object
            obj._state.fields_cache.update(
                (name, value)
                for name, value in record._state.fields_cache.items()
                if name in relations
            )
            record.history_object = obj


class PreloadedAutocompleteSelect(AutocompleteSelect):
    """
    An autocomplete that takes the label of its selected value from ``preloaded`` (filled
    once for a whole inline formset) instead of asking the database once per row.
    """

    preloaded: dict[str, str] | None = None

    def optgroups(self, name, value, attr=None):
        selected = {str(v) for v in value if str(v) not in self.choices.field.empty_values}
        if self.preloaded is None or not selected <= self.preloaded.keys():
            return super().optgroups(name, value, attr)
        options = []
        if not self.is_required:
            options.append(self.create_option(name, "", "", False, 0))
        for pk in sorted(selected):
            options.append(self.create_option(name, pk, self.preloaded[pk], selected, len(options)))
        return [(None, options, 0)]


def _inner_widget(widget):
    return getattr(widget, "widget", widget)  # the admin wraps it in RelatedFieldWidgetWrapper


class SharedChoicesFormSet(BaseInlineFormSet):
    """
    An inline formset whose related-object fields cost one query for the whole formset,
    not one per row: the options of a select are read once and shared by every row, and
    the labels of the values chosen with an autocomplete are read together.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._choices = {}
        self._labels = {}
        for name, field in self.form.base_fields.items():
            if not isinstance(field, ModelChoiceField):
                continue
            if isinstance(_inner_widget(field.widget), PreloadedAutocompleteSelect):
                self._labels[name] = self._chosen_labels(name, field)
            elif not isinstance(_inner_widget(field.widget), AutocompleteSelect):
                self._choices[name] = list(field.choices)
        for form in self.forms:
            self._share(form)

    @property
    def empty_form(self):
        form = super().empty_form
        self._share(form)
        return form

    def _chosen_labels(self, name, field):
        values = {
            str(value)
            for form in self.forms
            if (value := form[name].value()) not in field.empty_values
        }
        if not values:
            return {}
        try:
            chosen = list(field.queryset.filter(pk__in=values))
        except (ValueError, ValidationError):  # a tampered value: the form reports it
            return {}
        return {str(obj.pk): field.label_from_instance(obj) for obj in chosen}

    def _share(self, form):
        for name, choices in self._choices.items():
            form.fields[name].choices = choices
        for name, labels in self._labels.items():
            _inner_widget(form.fields[name].widget).preloaded = labels


class SharedChoicesInlineMixin:
    """For inlines: related-object fields read the database once per formset."""

    formset = SharedChoicesFormSet

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name in self.get_autocomplete_fields(request) and "widget" not in kwargs:
            kwargs["widget"] = PreloadedAutocompleteSelect(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class SeatRowsInline(SharedChoicesInlineMixin, admin.TabularInline):
    """Rows that belong to one seat each (votes, attendance), named by the seat's person."""

    autocomplete_fields = ("membership",)
    extra = 0

    def get_queryset(self, request):
        # The row heading is str(row): the person.
        return super().get_queryset(request).select_related("membership__person")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "membership":
            # Labels name the person and the committee.
            kwargs["queryset"] = Membership.objects.select_related("person", "committee")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Institution)
class InstitutionAdmin(admin.ModelAdmin):
    list_display = ("short_name", "name", "kind", "state", "time_zone")
    list_filter = ("kind", "state")
    search_fields = ("name", "short_name", "state")


@admin.register(ElectoralProcess)
class ElectoralProcessAdmin(admin.ModelAdmin):
    list_display = ("name", "institution", "election_day", "start", "end")
    list_filter = ("institution",)
    list_select_related = ("institution",)
    search_fields = ("name", "institution__short_name", "institution__name")
    date_hierarchy = "election_day"


@admin.register(PoliticalParty)
class PoliticalPartyAdmin(admin.ModelAdmin):
    list_display = ("acronym", "name")
    search_fields = ("acronym", "name")


class AttributionInline(admin.TabularInline):
    model = Attribution
    fields = ("position", "label", "text")
    ordering = ("position",)
    extra = 0


class MembershipInline(SharedChoicesInlineMixin, admin.TabularInline):
    model = Membership
    fields = ("person", "role", "party", "start", "end", "appointing_act")
    autocomplete_fields = ("person",)
    show_change_link = True
    extra = 0

    def get_queryset(self, request):
        # The row heading is str(membership): person and committee.
        return super().get_queryset(request).select_related("person", "committee", "party")


@admin.register(Committee)
class CommitteeAdmin(HistoryAdmin):
    list_display = (
        "short_name",
        "name",
        "institution",
        "process",
        "kind",
        "installed_on",
        "closed_on",
    )
    list_display_links = ("short_name", "name")
    list_filter = ("kind", "institution", "process")
    list_select_related = ("institution", "process")
    search_fields = ("short_name", "name", "slug", "institution__short_name")
    prepopulated_fields = {"slug": ("short_name",)}
    autocomplete_fields = ("parent",)
    fieldsets = (
        (
            None,
            {"fields": ("institution", "process", "name", "short_name", "slug", "kind", "parent")},
        ),
        (_("Fundamento y materia"), {"fields": ("subject", "legal_basis")}),
        (
            _("Fechas"),
            {"fields": ("integration_act", "integrated_on", "installed_on", "closed_on")},
        ),
        (_("Acuerdos"), {"fields": ("agreement_number_pattern",)}),
    )
    inlines = (AttributionInline, MembershipInline)


@admin.register(Attribution)
class AttributionAdmin(admin.ModelAdmin):
    list_display = ("__str__", "committee", "position", "label")
    list_filter = (("committee", CommitteeListFilter),)
    list_select_related = ("committee__institution",)
    search_fields = ("text", "label", "committee__short_name")
    autocomplete_fields = ("committee",)
    ordering = ("committee", "position")


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    list_display = ("name", "honorific", "job_title", "email", "user")
    list_select_related = ("user",)
    search_fields = ("name", "email", "job_title")
    autocomplete_fields = ("user",)
    fieldsets = (
        (None, {"fields": ("name", "honorific", "job_title", "email", "user")}),
        (_("Extracto curricular"), {"fields": ("cv_extract",)}),
    )


@admin.register(Membership)
class MembershipAdmin(HistoryAdmin):
    list_display = ("person", "committee", "role", "party", "start", "end", "appointing_act")
    list_filter = (("committee", CommitteeListFilter), "role", "party")
    list_select_related = ("person", "committee__institution", "party")
    search_fields = ("person__name", "committee__short_name", "committee__name", "appointing_act")
    autocomplete_fields = ("committee", "person")
    date_hierarchy = "start"


@admin.register(Rule)
class RuleAdmin(HistoryAdmin):
    list_display = ("code", "statement", "cites", "level", "certainty", "verified_on")
    list_filter = ("level", "certainty")
    list_select_related = ()
    search_fields = ("code", "statement", "cites")
    readonly_fields = ("code",)
    fields = (
        "code",
        "cites",
        "statement",
        "level",
        "certainty",
        "applies_to",
        "parameters",
        "verified_on",
    )


@admin.register(RuleOverride)
class RuleOverrideAdmin(HistoryAdmin):
    list_display = ("rule", "committee", "parameters", "reason")
    list_filter = (("committee", CommitteeListFilter),)
    list_select_related = ("rule", "committee__institution")
    search_fields = ("rule__code", "committee__short_name", "reason")
    autocomplete_fields = ("committee",)
