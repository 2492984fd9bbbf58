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
]
