from django import forms
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from agendas.models import AgendaPoint
from agendas.services import minutes_version
from committees.spanish import long_date

from .models import Informe


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
        # Set when the service refused the save because the text changed meanwhile.
        self.stale = False


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


class CirculationAnswerForm(forms.Form):
    """A member's answer to the acta circulated for approval."""

    def __init__(self, *args, **kwargs):
        # Beside the observation form on the acta page: ids of its own.
        kwargs.setdefault("auto_id", "id_respuesta_%s")
        super().__init__(*args, **kwargs)

    decision = forms.ChoiceField(
        label=_("Su respuesta"),
        choices=[("approve", _("Apruebo el acta")), ("object", _("Formulo una objeción"))],
        widget=forms.RadioSelect,
        error_messages={"required": _("Elija si aprueba el acta o formula una objeción.")},
    )
    text = forms.CharField(
        label=_("Objeción"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=5000,
        help_text=_("Solo si formula una objeción: qué debe cambiar en el acta."),
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("decision") == "object" and not (cleaned.get("text") or "").strip():
            self.add_error("text", _("Escriba su objeción."))
        return cleaned


class ErratumForm(forms.Form):
    """A correction to an approved acta (fe de erratas)."""

    text = forms.CharField(
        label=_("Corrección"),
        help_text=_("P. ej.: «En la página 3, dice “Ignacio”; debe decir “Ignacio Alberto”»."),
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Escriba la corrección.")},
    )


# --- Informes -------------------------------------------------------------------------------


class InformeForm(forms.Form):
    """A new informe: its kind, its number (bimonthly) and the period it covers."""

    kind = forms.ChoiceField(
        label=_("Tipo de informe"),
        choices=Informe.Kind.choices,
        error_messages={
            "required": _("Elija el tipo de informe."),
            "invalid_choice": _("Elija el tipo de informe: bimestral o final."),
        },
    )
    number = forms.IntegerField(
        label=_("Número"),
        required=False,
        error_messages={"invalid": _("Escriba el número del informe con cifras, p. ej. 2.")},
    )
    period_start = forms.DateField(
        label=_("Inicio del periodo"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={
            "required": _("Indique el inicio del periodo."),
            "invalid": _("Escriba una fecha válida (día, mes y año)."),
        },
    )
    period_end = forms.DateField(
        label=_("Fin del periodo"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={
            "required": _("Indique el fin del periodo."),
            "invalid": _("Escriba una fecha válida (día, mes y año)."),
        },
    )

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("period_start"), cleaned.get("period_end")
        if start and end and end < start:
            self.add_error("period_end", _("El fin del periodo no puede ser anterior a su inicio."))
        return cleaned


class InformeTextForm(forms.ModelForm):
    """The sections of an informe that the secretariat writes."""

    class Meta:
        model = Informe
        fields = ["narrative", "plans", "recommendations"]
        labels = {
            "narrative": _("Presentación y actividades del periodo"),
            "plans": _("Actividades previstas para el siguiente periodo"),
            "recommendations": _("Recomendaciones"),
        }
        help_texts = {
            "narrative": _(
                "Lo que la secretaría técnica informa del periodo; las sesiones, la asistencia, "
                "los acuerdos y los documentos se toman del registro."
            ),
            "plans": _("Se añaden a la lista de sesiones programadas para el siguiente periodo."),
        }
        widgets = {
            "narrative": forms.Textarea(attrs={"rows": 10}),
            "plans": forms.Textarea(attrs={"rows": 5}),
            "recommendations": forms.Textarea(attrs={"rows": 5}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.kind == Informe.Kind.FINAL:
            # The final informe closes the term: nothing is planned after it.
            del self.fields["plans"]


class InformePresentForm(forms.Form):
    """The session and point at which an informe was presented."""

    point = forms.ModelChoiceField(
        label=_("Sesión y punto en que se presentó"),
        queryset=AgendaPoint.objects.none(),
        empty_label=_("Elija la sesión y el punto…"),
        error_messages={
            "required": _("Elija la sesión y el punto en que se presentó el informe."),
            "invalid_choice": _("Elija uno de los puntos de la lista."),
        },
    )

    def __init__(self, *args, points, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["point"].queryset = points
        self.fields["point"].label_from_instance = _point_label


def _point_label(point: AgendaPoint) -> str:
    return _("%(session)s (%(date)s) — punto %(position)s") % {
        "session": point.session.title,
        "date": long_date(point.session.date),
        "position": point.position,
    }


# --- Verification and signing -------------------------------------------------------------

MAX_VERIFY_BYTES = 30 * 1024 * 1024


class VerifyLookupForm(forms.Form):
    folio = forms.CharField(label=_("Folio"), max_length=120, required=False)
    acta = forms.CharField(label=_("Número de acta"), max_length=12, required=False)
    sha256 = forms.CharField(label=_("SHA-256"), max_length=64, required=False)

    def clean_sha256(self):
        value = self.cleaned_data["sha256"].strip().lower()
        if value and (len(value) != 64 or any(c not in "0123456789abcdef" for c in value)):
            raise forms.ValidationError(_("Un SHA-256 tiene 64 caracteres hexadecimales."))
        return value

    def clean_acta(self):
        value = self.cleaned_data["acta"].strip()
        if value and not value.isdigit():
            raise forms.ValidationError(_("El número de acta es un número entero."))
        return value

    def clean(self):
        data = super().clean()
        if self.is_bound and not any(data.get(k) for k in ("folio", "acta", "sha256")):
            raise forms.ValidationError(_("Escriba un folio, un número de acta o un SHA-256."))
        return data


class VerifyUploadForm(forms.Form):
    file = forms.FileField(label=_("Archivo PDF"))

    def clean_file(self):
        file = self.cleaned_data["file"]
        if file.size > MAX_VERIFY_BYTES:
            raise forms.ValidationError(_("El archivo no debe pasar de 30 MB."))
        return file


class SignForm(forms.Form):
    """The e.firma: the SAT's .cer and .key with its password, or a PKCS#12 file."""

    certificate = forms.FileField(label=_("Certificado (.cer)"), required=False)
    key = forms.FileField(label=_("Llave privada (.key)"), required=False)
    pkcs12 = forms.FileField(label=_("O bien, archivo PKCS#12 (.p12 / .pfx)"), required=False)
    password = forms.CharField(
        label=_("Contraseña de la llave privada"),
        widget=forms.PasswordInput(render_value=False),
        strip=False,
    )

    def clean(self):
        data = super().clean()
        pair = data.get("certificate") and data.get("key")
        if not pair and not data.get("pkcs12"):
            raise forms.ValidationError(
                _("Suba su certificado (.cer) y su llave privada (.key), o un archivo PKCS#12.")
            )
        for name in ("certificate", "key", "pkcs12"):
            file = data.get(name)
            if file and file.size > 64 * 1024:
                self.add_error(name, _("El archivo es demasiado grande para una e.firma."))
        return data
