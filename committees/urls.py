from django.urls import path

from . import views

app_name = "committees"

urlpatterns = [
    path("organos/<slug:slug>/", views.committee_detail, name="detail"),
    path("cuenta/calendario/", views.my_calendar, name="my-calendar"),
]
