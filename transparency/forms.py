from django import forms
from django.utils.translation import gettext_lazy as _

from agendas.forms import DocumentForm
from agendas.models import Document


class PublicationForm(forms.Form):
    """The transparency decision on one document."""

    publication = forms.ChoiceField(label=_("Publicación"), choices=Document.Publication.choices)
    basis = forms.CharField(
        label=_("Fundamento de la clasificación"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Obligatorio si el documento es reservado o confidencial."),
    )
    term = forms.DateField(
        label=_("Plazo de la reserva (último día)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    public_version = forms.FileField(
        label=_("Versión pública (copia testada)"),
        required=False,
        help_text=_("Si la carga, el portal la publica en lugar del original."),
    )
    remove_public_version = forms.BooleanField(
        label=_("Quitar la versión pública cargada"), required=False
    )

    def clean_public_version(self):
        uploaded = self.cleaned_data.get("public_version")
        if not uploaded:
            return None
        # The same checks as any document upload: size, accepted formats, real content.
        return DocumentForm.clean_file(_Uploaded(uploaded))

    def clean(self):
        data = super().clean()
        if data.get("public_version") and data.get("remove_public_version"):
            raise forms.ValidationError(
                _("Cargue una versión pública o quite la anterior, no ambas cosas.")
            )
        return data


class _Uploaded:
    """What DocumentForm.clean_file reads of a form: the uploaded file."""

    def __init__(self, uploaded):
        self.cleaned_data = {"file": uploaded}
