from django.urls import path

from . import views

app_name = "reminders"

urlpatterns = [path("cuenta/recordatorios/", views.preferences, name="preferences")]
