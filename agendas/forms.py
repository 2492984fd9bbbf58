import hashlib

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from .models import AgendaPoint, Document
from .uploads import ACCEPTED_EXTENSIONS, content_matches_name, extension_of


def agenda_version(session) -> str:
    """
    A fingerprint of the agenda as a person sees it. Forms carry it; a write made on an
    older version is refused, so two people editing at once never overwrite each other.
    """
    rows = session.points.order_by("position").values_list(
        "pk", "position", "title", "kind", "presenter", "description"
    )
    return hashlib.sha256(repr(list(rows)).encode()).hexdigest()[:16]


def point_version(point: AgendaPoint) -> str:
    values = (point.pk, point.title, point.kind, point.presenter, point.description)
    return hashlib.sha256(repr(values).encode()).hexdigest()[:16]


class PointForm(forms.ModelForm):
    version = forms.CharField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = AgendaPoint
        fields = ["title", "kind", "presenter", "description"]
        widgets = {
            "title": forms.Textarea(attrs={"rows": 2}),
            "description": forms.Textarea(attrs={"rows": 3}),
        }
        error_messages = {
            "title": {"required": _("Escriba el título del punto.")},
            "kind": {"required": _("Elija el tipo de punto.")},
        }


class DocumentForm(forms.ModelForm):
    class Meta:
        model = Document
        fields = ["title", "file"]
        error_messages = {
            "title": {"required": _("Escriba el título del documento.")},
            "file": {
                "required": _("Elija el archivo que desea cargar."),
                "empty": _("El archivo está vacío."),
            },
        }

    def clean_file(self):
        uploaded = self.cleaned_data["file"]
        limit = settings.DOCUMENT_MAX_UPLOAD_BYTES
        if uploaded.size > limit:
            raise forms.ValidationError(
                _("El archivo pesa %(size)s; el máximo es %(limit)s.")
                % {"size": filesizeformat(uploaded.size), "limit": filesizeformat(limit)}
            )
        if extension_of(uploaded.name) not in ACCEPTED_EXTENSIONS:
            raise forms.ValidationError(
                _(
                    "No se aceptan archivos .%(extension)s. Formatos aceptados: PDF, Word, "
                    "Excel, PowerPoint e imágenes (PNG, JPG, GIF, WEBP)."
                )
                % {"extension": extension_of(uploaded.name) or "sin extensión"}
            )
        if not content_matches_name(uploaded):
            raise forms.ValidationError(
                _(
                    "El contenido del archivo no corresponde a un archivo .%(extension)s; "
                    "puede estar dañado o tener otra extensión."
                )
                % {"extension": extension_of(uploaded.name)}
            )
        return uploaded
