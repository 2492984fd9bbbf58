from django.urls import path

from . import views

app_name = "agendas"

urlpatterns = [
    path("sesiones/<int:session_pk>/puntos/nuevo/", views.point_create, name="point-create"),
    path("puntos/<int:pk>/editar/", views.point_edit, name="point-edit"),
    path("puntos/<int:pk>/eliminar/", views.point_delete, name="point-delete"),
    path("puntos/<int:pk>/mover/", views.point_move, name="point-move"),
    path("puntos/<int:pk>/documentos/", views.document_upload, name="document-upload"),
    path("documentos/<int:pk>/<str:filename>", views.document_download, name="document-download"),
    # The record of a session: attendance, votes, agreements and their follow-up, history.
    path("sesiones/<int:pk>/asistencia/", views.roll_call, name="roll-call"),
    path("sesiones/<int:pk>/asistencia/quorum/", views.roll_call_quorum, name="roll-call-quorum"),
    path("sesiones/<int:pk>/historial/", views.session_history, name="session-history"),
    path("puntos/<int:pk>/votacion/", views.point_votes, name="point-votes"),
    path("puntos/<int:pk>/sin-votacion/", views.point_disposition, name="point-disposition"),
    path(
        "sesiones/<int:session_pk>/diferidos/<int:point_pk>/incluir/",
        views.deferred_point_take_up,
        name="deferred-take-up",
    ),
    path("puntos/<int:pk>/acuerdos/nuevo/", views.agreement_create, name="agreement-create"),
    path("organos/<slug:slug>/acuerdos/", views.agreement_list, name="agreements"),
    path("acuerdos/<int:pk>/", views.agreement_detail, name="agreement"),
    path("acuerdos/<int:pk>/seguimiento/", views.agreement_follow_up, name="agreement-follow-up"),
    path("acuerdos/<int:pk>/historial/", views.agreement_history, name="agreement-history"),
]
