from django.urls import path

from . import views

app_name = "sessions"

urlpatterns = [
    path("calendario/", views.calendar_month, name="calendar"),
    path("calendario/lista/", views.calendar_list, name="calendar-list"),
    path("sesiones/<int:pk>/", views.session_detail, name="detail"),
    path("sesiones/<int:pk>/convocar/", views.session_convene, name="convene"),
    path("sesiones/<int:pk>/posponer/", views.session_postpone, name="postpone"),
    path("sesiones/<int:pk>/cancelar/", views.session_cancel, name="cancel"),
    path("sesiones/<int:pk>/abrir/", views.session_open, name="open"),
    path("sesiones/<int:pk>/clausurar/", views.session_close, name="close"),
    path("sesiones/<int:pk>/horas/", views.session_times, name="times"),
    path("sesiones/<int:pk>/cambiar-fecha/", views.session_reschedule, name="reschedule"),
    path("organos/<slug:slug>/sesiones/nueva/", views.session_create, name="create"),
    path("organos/<slug:slug>/calendario/importar/", views.calendar_import, name="import"),
    path(
        "calendario/<slug:slug>/calendario.ics",
        views.committee_feed,
        name="committee-feed",
    ),
    path(
        "calendario/personal/<str:token>/calendario.ics",
        views.personal_feed,
        name="personal-feed",
    ),
    path("sesiones/<int:pk>/sesion.ics", views.session_ics, name="session-ics"),
]
