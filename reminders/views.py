from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from committees.models import Person

from .forms import ReminderPreferenceForm
from .models import ReminderPreference


@login_required
@require_http_methods(["GET", "POST"])
def preferences(request):
    """Each person turns their e-mail reminders on or off."""
    person = Person.objects.filter(user=request.user).first()
    if person is None:
        return render(request, "reminders/preferences.html", {"form": None}, status=200)
    preference = ReminderPreference.objects.filter(person=person).first() or ReminderPreference(
        person=person
    )
    form = ReminderPreferenceForm(request.POST or None, instance=preference)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Se guardaron sus preferencias de recordatorios."))
        return redirect("reminders:preferences")
    return render(request, "reminders/preferences.html", {"form": form, "person": person})
