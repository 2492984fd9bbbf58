import hashlib

from django import forms
from django.contrib.admin.widgets import AdminDateWidget, AdminTimeWidget
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from committees.models import Committee

from .calendar_import import committee_session_kind, decode_input, max_import_bytes
from .models import Session


class SessionAdminForm(forms.ModelForm):
    """The admin's session form: a new session may leave its number for the admin to fill."""

    class Meta:
        model = Session
        fields = (
            "committee",
            "kind",
            "role",
            "number",
            "date",
            "start_time",
            "end_time",
            "place",
            "video_link",
            "status",
            "convened_at",
            "status_reason",
            "status_changed_at",
            "rescheduled_from",
            "is_public",
            "invitations",
            "notes",
        )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is None and "number" in self.fields:
            self.fields["number"].required = False
            self.fields["number"].help_text = _(
                "Déjelo vacío para numerarla según su fecha. Hasta que se convoca, el número "
                "de una sesión sigue el orden de las fechas dentro de su tipo."
            )


class CancelSessionsForm(forms.Form):
    """The admin's "Cancelar" action: why the sessions are cancelled."""

    required_css_class = "required"

    reason = forms.CharField(
        label=_("Motivo"),
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        help_text=_("Queda registrado en cada sesión y se muestra en el calendario."),
    )


class PostponeSessionsForm(CancelSessionsForm):
    """The admin's "Posponer" action: the new date, optionally new times, and why."""

    new_date = forms.DateField(label=_("Nueva fecha"), widget=AdminDateWidget)
    new_start_time = forms.TimeField(
        label=_("Nueva hora de inicio"),
        required=False,
        widget=AdminTimeWidget,
        help_text=_("Déjela vacía para conservar los horarios actuales."),
    )
    new_end_time = forms.TimeField(
        label=_("Nueva hora de término"), required=False, widget=AdminTimeWidget
    )

    field_order = ("new_date", "new_start_time", "new_end_time", "reason")

    def clean(self):
        cleaned_data = super().clean()
        start = cleaned_data.get("new_start_time")
        end = cleaned_data.get("new_end_time")
        if end and not start:
            self.add_error("new_start_time", _("Indique también la nueva hora de inicio."))
        elif start and end and end <= start:
            self.add_error(
                "new_end_time", _("La hora de término debe ser posterior a la de inicio.")
            )
        return cleaned_data


class SessionForm(forms.ModelForm):
    """A new session of a committee; its number comes from date order, not from the form."""

    class Meta:
        model = Session
        fields = [
            "kind", "role", "date", "start_time", "end_time", "place", "video_link", "notes",
            "is_public",
        ]  # fmt: skip
        widgets = {
            "date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "start_time": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "end_time": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }
        error_messages = {
            "date": {
                "required": _("Indique la fecha de la sesión."),
                "invalid": _("Escriba una fecha válida (día, mes y año)."),
            },
            "kind": {"required": _("Elija el tipo de sesión.")},
            "start_time": {"invalid": _("Escriba una hora válida, p. ej. 11:00.")},
            "end_time": {"invalid": _("Escriba una hora válida, p. ej. 13:00.")},
            "video_link": {"invalid": _("Escriba un enlace completo, que empiece con https://")},
        }

    def __init__(self, *args, committee, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.committee = committee
        # Until the number is assigned (in date order, by the service) a placeholder lets
        # the model's own validation run on the rest of the fields.
        self.instance.number = 1
        if committee.kind != committee.Kind.WORKING_GROUP:
            self.fields["kind"].choices = [
                choice for choice in self.fields["kind"].choices
                if choice[0] != Session.Kind.WORKING_GROUP
            ]  # fmt: skip

    def validate_unique(self):
        # The number is not chosen here, so the (committee, kind, number) rule is checked
        # by the service; the one-installation rule is checked as usual.
        exclude = self._get_validation_exclusions()
        exclude.add("number")
        try:
            self.instance.validate_constraints(exclude=exclude)
        except forms.ValidationError as error:
            self._update_errors(error)


class CalendarFilterForm(forms.Form):
    """The calendar's month and filters, read from the query string."""

    mes = forms.DateField(
        required=False,
        input_formats=["%Y-%m"],
        error_messages={"invalid": _("El mes debe escribirse como AAAA-MM, p. ej. 2024-03.")},
    )
    organo = forms.ModelChoiceField(
        label=_("Órgano colegiado"),
        queryset=Committee.objects.none(),
        to_field_name="slug",
        required=False,
        empty_label=_("Todos"),
        error_messages={"invalid_choice": _("Ese órgano colegiado no existe o no lo puede ver.")},
    )
    tipo = forms.ChoiceField(
        label=_("Tipo de sesión"),
        choices=[("", _("Todos")), *Session.Kind.choices],
        required=False,
        error_messages={"invalid_choice": _("Ese tipo de sesión no existe.")},
    )

    def __init__(self, *args, committees, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organo"].queryset = committees.order_by("short_name")
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-select"


class CalendarImportForm(forms.Form):
    """A calendar to import: an uploaded file or text pasted from a document."""

    archivo = forms.FileField(
        label=_("Archivo"),
        required=False,
        help_text=_("Un archivo .ics, un CSV o un texto (.txt) con la tabla del calendario."),
    )
    texto = forms.CharField(
        label=_("O pegue aquí la tabla del calendario"),
        required=False,
        # Leading tabs and blank lines tell the cells of a pasted table apart.
        strip=False,
        widget=forms.Textarea(attrs={"rows": 10, "spellcheck": "false"}),
        help_text=_(
            "Copie la tabla del plan de trabajo (número, fecha y tipo de sesión) tal como "
            "está en el documento."
        ),
    )
    tipo = forms.ChoiceField(
        label=_("Tipo de las filas que no lo dicen"),
        choices=Session.Kind.choices,
        required=False,
        help_text=_(
            "Las filas que dicen su tipo (p. ej. «Segunda sesión ordinaria») lo conservan."
        ),
        error_messages={"invalid_choice": _("Elija uno de los tipos de sesión de la lista.")},
    )
    nombre = forms.CharField(widget=forms.HiddenInput, required=False)
    # A fingerprint of what was previewed: only that exact content can be confirmed.
    huella = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, committee, **kwargs):
        super().__init__(*args, **kwargs)
        # Rows that do not say their kind take the committee's usual one unless changed.
        self.fields["tipo"].initial = committee_session_kind(committee)
        if committee.kind != Committee.Kind.WORKING_GROUP:
            self.fields["tipo"].choices = [
                choice for choice in Session.Kind.choices if choice[0] != Session.Kind.WORKING_GROUP
            ]

    def clean(self):
        cleaned = super().clean()
        uploaded, text = cleaned.get("archivo"), cleaned.get("texto") or ""
        if uploaded and text.strip():
            raise forms.ValidationError(_("Elija un archivo o pegue la tabla, no ambos."))
        if not uploaded and not text.strip():
            raise forms.ValidationError(_("Elija un archivo o pegue la tabla del calendario."))
        limit = max_import_bytes()
        size = uploaded.size if uploaded else len(text.encode())
        if size > limit:
            raise forms.ValidationError(
                _("El calendario pesa %(size)s; el máximo es %(limit)s.")
                % {"size": filesizeformat(size), "limit": filesizeformat(limit)}
            )
        if uploaded:
            # The preview carries the content on to the confirmation as text.
            cleaned["texto"] = decode_input(uploaded.read())
            cleaned["nombre"] = uploaded.name
        else:
            # The same normalisation as an upload: a browser posts a textarea back with
            # CRLF line ends, and the confirmation must match the preview.
            cleaned["texto"] = decode_input(text)
        cleaned["fingerprint"] = hashlib.sha256(
            f"{cleaned.get('tipo')}\n{cleaned['nombre']}\n{cleaned['texto']}".encode()
        ).hexdigest()
        return cleaned


class CancelSessionForm(CancelSessionsForm):
    """The session page's "Cancelar sesión": why."""

    reason = forms.CharField(
        label=_("Motivo de la cancelación"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Queda registrado en la sesión, se muestra en el calendario y, si ya se había "
            "convocado, va en el aviso de cancelación."
        ),
        error_messages={"required": _("Indique el motivo de la cancelación.")},
    )


class PostponeSessionForm(PostponeSessionsForm):
    """The session page's "Posponer": the new date, optionally new times, and why."""

    new_date = forms.DateField(
        label=_("Nueva fecha"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={
            "required": _("Indique la nueva fecha."),
            "invalid": _("Escriba una fecha válida (día, mes y año)."),
        },
    )
    new_start_time = forms.TimeField(
        label=_("Nueva hora de inicio"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        help_text=_("Déjela vacía para conservar el horario actual."),
        error_messages={"invalid": _("Escriba una hora válida, p. ej. 11:00.")},
    )
    new_end_time = forms.TimeField(
        label=_("Nueva hora de término"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        error_messages={"invalid": _("Escriba una hora válida, p. ej. 13:00.")},
    )
    reason = forms.CharField(
        label=_("Motivo"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Queda registrado en la sesión, se muestra en el calendario y, si ya se había "
            "convocado, va en el aviso de la nueva fecha."
        ),
        error_messages={"required": _("Indique el motivo de la posposición.")},
    )

    def clean(self):
        if "new_start_time" in self.errors:
            # A start time that could not be read is explained already; without it, the
            # pair of times cannot be checked.
            return self.cleaned_data
        return super().clean()


class RescheduleSessionForm(PostponeSessionForm):
    """The session page's "Cambiar la fecha": earlier or later, keeping its status."""

    reason = forms.CharField(
        label=_("Motivo"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Queda registrado en la sesión y, si ya se había convocado, va en el aviso de la "
            "nueva fecha."
        ),
        error_messages={"required": _("Indique el motivo del cambio de fecha.")},
    )


def _time_field(label: str, help_text: str = "", required: bool = True) -> forms.TimeField:
    return forms.TimeField(
        label=label,
        required=required,
        help_text=help_text,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        error_messages={
            "required": _("Indique la hora."),
            "invalid": _("Escriba una hora válida, p. ej. 11:00."),
        },
    )


class OpenSessionForm(forms.Form):
    """The time the session actually started (declared by the secretariat, not the clock)."""

    started_at = _time_field(
        _("Hora de inicio"),
        _("La hora en que se declaró el quórum, como la registra la secretaría técnica."),
    )


class CloseSessionForm(forms.Form):
    """The time the session was actually closed."""

    ended_at = _time_field(_("Hora de clausura"))


class SessionTimesForm(forms.Form):
    """Correct the start and closing times the record states, until the acta is approved."""

    started_at = _time_field(_("Hora de inicio"))
    ended_at = _time_field(_("Hora de clausura"), required=False)
