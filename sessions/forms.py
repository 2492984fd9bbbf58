from django import forms
from django.contrib.admin.widgets import AdminDateWidget, AdminTimeWidget
from django.utils.translation import gettext_lazy as _

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
