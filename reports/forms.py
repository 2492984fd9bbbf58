import hashlib

from django import forms
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from agendas.models import AgendaPoint


def minutes_version(point: AgendaPoint) -> str:
    """
    A fingerprint of a point's minutes as the page showed them: a save made over text that
    someone else changed meanwhile is refused, so nobody overwrites another's minutes.
    """
    return hashlib.sha256(point.minutes.encode()).hexdigest()[:16]


class MinutesForm(forms.ModelForm):
    """What was said under one point of the acta (the point's minutes)."""

    version = forms.CharField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = AgendaPoint
        fields = ["minutes"]
        widgets = {"minutes": forms.Textarea(attrs={"rows": 6})}

    def __init__(self, *args, **kwargs):
        point = kwargs["instance"]
        kwargs.setdefault("prefix", f"punto-{point.pk}")
        kwargs.setdefault("initial", {"version": minutes_version(point)})
        super().__init__(*args, **kwargs)
        self.stale = False

    def clean(self):
        cleaned = super().clean()
        if self.data.get(self.add_prefix("version")) != minutes_version(self.instance):
            self.stale = True
            raise forms.ValidationError(
                _(
                    "Otra persona modificó el desarrollo de este punto mientras usted lo "
                    "editaba; su texto no se guardó. Abajo está lo que usted escribió y arriba "
                    "el texto actual: revíselo y guárdelo de nuevo."
                ),
                code="stale",
            )
        return cleaned


class ObservationForm(forms.Form):
    """A member's observation on a draft acta: general or on one point."""

    point = forms.TypedChoiceField(label=_("Sobre"), required=False, coerce=int, empty_value=None)
    text = forms.CharField(
        label=_("Observación"),
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Escriba la observación.")},
    )

    def __init__(self, *args, points, **kwargs):
        super().__init__(*args, **kwargs)
        self.points = {point.pk: point for point in points}
        self.fields["point"].choices = [
            ("", _("El acta en general")),
            *(
                (
                    point.pk,
                    _("Punto %(n)s. %(title)s")
                    % {"n": point.position, "title": Truncator(point.title).chars(90)},
                )
                for point in points
            ),
        ]

    def clean_point(self):
        pk = self.cleaned_data["point"]
        return self.points[pk] if pk is not None else None


class ErratumForm(forms.Form):
    """A correction to an approved acta (fe de erratas)."""

    text = forms.CharField(
        label=_("Corrección"),
        help_text=_("P. ej.: «En la página 3, dice “Ignacio”; debe decir “Ignacio Alberto”»."),
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Escriba la corrección.")},
    )
