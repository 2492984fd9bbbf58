import hashlib

from cryptography import x509
from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from committees.admin import CommitteeListFilter, HistoryAdmin
from sessions.seal_admin import SealedRecordAdminMixin

from .models import (
    Acta,
    ActaApproval,
    ActaErratum,
    ActaObservation,
    DocumentSignature,
    Informe,
    InformeRender,
    TrustRoot,
    WorkerHeartbeat,
)


class ActaAdminForm(forms.ModelForm):
    """An approved acta's only change here: publishing it (approved → published)."""

    class Meta:
        model = Acta
        fields = ("session", "status", "body")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "status" in self.fields and self.instance.pk and self.instance.is_frozen:
            allowed = [Acta.Status.APPROVED, Acta.Status.PUBLISHED]
            if self.instance.status == Acta.Status.PUBLISHED:
                allowed = [Acta.Status.PUBLISHED]
            self.fields["status"].choices = [
                choice for choice in Acta.Status.choices if choice[0] in allowed
            ]


@admin.register(Acta)
class ActaAdmin(SealedRecordAdminMixin, HistoryAdmin):
    form = ActaAdminForm
    list_display = ("__str__", "committee", "session_date", "status", "approved_on")
    list_filter = ("status", ("session__committee", CommitteeListFilter))
    list_select_related = ("session__committee__institution",)
    search_fields = ("session__committee__short_name", "session__committee__name", "body")
    autocomplete_fields = ("session",)
    # Approval happens at a later session's point or by circulation (reports.services),
    # and the archive is written once by reports.archive: never typed here.
    readonly_fields = (
        "approved_at_point",
        "approved_on",
        "circulated_at",
        "snapshot",
        "pdf",
        "pdf_sha256",
        "created_at",
        "updated_at",
    )
    fieldsets = (
        (None, {"fields": ("session", "status", "body")}),
        (_("Aprobación"), {"fields": ("approved_at_point", "approved_on", "circulated_at")}),
        (_("Versión aprobada"), {"fields": ("pdf", "pdf_sha256", "snapshot")}),
        (_("Registro"), {"fields": ("created_at", "updated_at")}),
    )

    @admin.display(description=_("órgano colegiado"), ordering="session__committee")
    def committee(self, obj):
        return obj.session.committee

    @admin.display(description=_("fecha de la sesión"), ordering="session__date")
    def session_date(self, obj):
        return obj.session.date

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if obj is None or not obj.is_frozen:
            readonly.append("status")  # a draft is approved by reports.services only
        if obj is not None and obj.is_frozen:
            # An approved acta is sealed; only its publication status still moves.
            readonly += [name for name in ("session", "body") if name not in readonly]
            readonly = [name for name in readonly if name != "status"]
        return readonly

    def has_change_permission(self, request, obj=None):
        # Publishing is the one change a sealed acta admits.
        if obj is not None and obj.pk and obj.is_frozen:
            return admin.ModelAdmin.has_change_permission(self, request, obj)
        return super().has_change_permission(request, obj)


@admin.register(Informe)
class InformeAdmin(HistoryAdmin):
    list_display = (
        "informe_title",
        "committee",
        "kind",
        "number",
        "period_start",
        "period_end",
        "status",
        "presented_on",
    )
    list_display_links = ("informe_title",)
    list_filter = (("committee", CommitteeListFilter), "kind", "status")
    list_select_related = ("committee__institution",)
    search_fields = ("committee__short_name", "committee__name", "narrative")
    autocomplete_fields = ("committee", "presented_at_point")
    readonly_fields = ("pdf", "pdf_sha256")
    date_hierarchy = "period_start"
    fieldsets = (
        (None, {"fields": ("committee", "kind", "number", "period_start", "period_end", "status")}),
        (_("Contenido"), {"fields": ("narrative", "plans", "recommendations")}),
        (
            _("Presentación"),
            {"fields": ("presented_at_point", "presented_on", "pdf", "pdf_sha256")},
        ),
    )

    @admin.display(description=_("informe"), ordering="period_start")
    def informe_title(self, obj):
        return obj.title


@admin.register(ActaObservation)
class ActaObservationAdmin(SealedRecordAdminMixin, admin.ModelAdmin):
    list_display = ("acta", "author", "point", "created_at")
    list_select_related = ("acta__session__committee", "author", "point")
    search_fields = ("text", "author__name")
    autocomplete_fields = ("point", "author")
    raw_id_fields = ("acta",)


@admin.register(ActaApproval)
class ActaApprovalAdmin(admin.ModelAdmin):
    """Answers to circulated actas, to look up: each member gives theirs from their account."""

    list_display = ("acta", "membership", "decision", "decided_at", "withdrawn_at")
    list_select_related = (
        "acta__session__committee",
        "membership__person",
        "membership__committee",
    )
    list_filter = ("decision",)
    search_fields = ("membership__person__name", "text")
    readonly_fields = (
        "acta",
        "membership",
        "decision",
        "text",
        "decided_at",
        "recorded_by",
        "withdrawn_at",
    )

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ActaErratum)
class ActaErratumAdmin(admin.ModelAdmin):
    """Errata are recorded on the acta's page and never changed nor deleted afterwards."""

    list_display = ("acta", "recorded_by", "recorded_at")
    list_select_related = ("acta__session__committee", "recorded_by")
    search_fields = ("text",)
    raw_id_fields = ("acta",)
    readonly_fields = ("recorded_by", "recorded_at")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(InformeRender)
class InformeRenderAdmin(admin.ModelAdmin):
    """Background prints of informes, to see what failed and why: read only."""

    list_display = ("informe", "status", "requested_by", "requested_at", "finished_at", "pages")
    list_filter = ("status",)
    list_select_related = ("informe__committee", "requested_by")
    readonly_fields = (
        "informe",
        "status",
        "file",
        "pages",
        "error",
        "requested_by",
        "requested_at",
        "finished_at",
    )

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(WorkerHeartbeat)
class WorkerHeartbeatAdmin(admin.ModelAdmin):
    """The task workers and their last sign of life (reports.recovery): read only."""

    list_display = ("worker_id", "started_at", "last_seen")
    readonly_fields = ("worker_id", "started_at", "last_seen")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class TrustRootForm(forms.ModelForm):
    """A CA certificate uploaded as DER (.cer, .crt) or PEM."""

    certificate_file = forms.FileField(label=_("Certificado de la autoridad (.cer, .crt, .pem)"))

    class Meta:
        model = TrustRoot
        fields = ("name", "active")

    def clean_certificate_file(self):
        upload = self.cleaned_data.get("certificate_file")
        if not upload:
            return None
        content = upload.read(256 * 1024)
        try:
            certificate = x509.load_der_x509_certificate(content)
        except ValueError:
            try:
                certificate = x509.load_pem_x509_certificate(content)
            except ValueError:
                raise forms.ValidationError(
                    _("El archivo no es un certificado X.509 (DER o PEM).")
                ) from None
        try:
            constraints = certificate.extensions.get_extension_for_class(x509.BasicConstraints)
            is_ca = constraints.value.ca
        except x509.ExtensionNotFound:
            is_ca = False
        if not is_ca:
            raise forms.ValidationError(
                _("El certificado no es de una autoridad certificadora (CA).")
            )
        return certificate

    def save(self, commit=True):
        from cryptography.hazmat.primitives.serialization import Encoding

        certificate = self.cleaned_data.get("certificate_file")
        if not certificate:
            return super().save(commit)
        der = certificate.public_bytes(Encoding.DER)
        self.instance.certificate = der
        self.instance.subject = certificate.subject.rfc4514_string()[:500]
        self.instance.fingerprint = hashlib.sha256(der).hexdigest()
        self.instance.not_after = certificate.not_valid_after_utc
        return super().save(commit)


@admin.register(TrustRoot)
class TrustRootAdmin(admin.ModelAdmin):
    form = TrustRootForm
    list_display = ("name", "subject", "not_after", "active")
    readonly_fields = ("subject", "fingerprint", "not_after")

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        if obj is not None:
            form.base_fields["certificate_file"].required = False
        return form


@admin.register(DocumentSignature)
class DocumentSignatureAdmin(admin.ModelAdmin):
    """Read-only: a signature is an append-only revision of the document."""

    list_display = ("signer_name", "acta", "informe", "sequence", "signed_at", "rfc")
    readonly_fields = [field.name for field in DocumentSignature._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
