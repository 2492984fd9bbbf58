from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("sesiones/<int:pk>/acta/", views.acta_draft, name="acta-draft"),
    path("actas/<int:pk>/", views.acta_detail, name="acta"),
    path(
        "actas/<int:pk>/puntos/<int:point_pk>/desarrollo/",
        views.acta_minutes,
        name="acta-minutes",
    ),
    path("actas/<int:pk>/observaciones/", views.acta_observation, name="acta-observation"),
    path("actas/<int:pk>/fe-de-erratas/", views.acta_erratum, name="acta-erratum"),
    path("actas/<int:pk>/historial/", views.acta_history, name="acta-history"),
    path("sesiones/<int:pk>/convocatoria.pdf", views.convocatoria_pdf, name="convocatoria-pdf"),
    path("sesiones/<int:pk>/orden-del-dia.pdf", views.orden_pdf, name="orden-pdf"),
    path("actas/<int:pk>/acta.pdf", views.acta_pdf, name="acta-pdf"),
]
