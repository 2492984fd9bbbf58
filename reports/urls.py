from django.urls import path

from .views import actas, documents
from .views import calendar as calendar_views
from .views import compliance as compliance_views
from .views import informes as informe_views

app_name = "reports"

urlpatterns = [
    path("sesiones/<int:pk>/acta/", actas.acta_draft, name="acta-draft"),
    path("actas/<int:pk>/", actas.acta_detail, name="acta"),
    path(
        "actas/<int:pk>/puntos/<int:point_pk>/desarrollo/",
        actas.acta_minutes,
        name="acta-minutes",
    ),
    path("actas/<int:pk>/observaciones/", actas.acta_observation, name="acta-observation"),
    path("actas/<int:pk>/fe-de-erratas/", actas.acta_erratum, name="acta-erratum"),
    path("actas/<int:pk>/circular/", actas.acta_circulate, name="acta-circulate"),
    path(
        "actas/<int:pk>/retirar-circulacion/",
        actas.acta_withdraw_circulation,
        name="acta-withdraw-circulation",
    ),
    path("actas/<int:pk>/respuesta/", actas.acta_answer, name="acta-answer"),
    path("actas/<int:pk>/historial/", actas.acta_history, name="acta-history"),
    path("actas/<int:pk>/firmar/", actas.acta_sign, name="acta-sign"),
    path("sesiones/<int:pk>/convocatoria.pdf", documents.convocatoria_pdf, name="convocatoria-pdf"),
    path("sesiones/<int:pk>/orden-del-dia.pdf", documents.orden_pdf, name="orden-pdf"),
    path("actas/<int:pk>/acta.pdf", documents.acta_pdf, name="acta-pdf"),
    path("organos/<slug:slug>/cumplimiento/", compliance_views.compliance, name="compliance"),
    path(
        "organos/<slug:slug>/calendario.pdf",
        calendar_views.calendario_pdf,
        name="calendario-pdf",
    ),
    path("informes/<int:pk>/informe.pdf", documents.informe_archived_pdf, name="informe-pdf"),
    path("informes/<int:pk>/imprimir/", documents.informe_print, name="informe-print"),
    path(
        "informes/<int:pk>/impresiones/<int:render_pk>/",
        documents.informe_render,
        name="informe-render",
    ),
    path(
        "informes/<int:pk>/impresiones/<int:render_pk>/informe.pdf",
        documents.informe_render_pdf,
        name="informe-render-pdf",
    ),
    path("organos/<slug:slug>/informes/", informe_views.informe_list, name="informes"),
    path(
        "organos/<slug:slug>/informes/nuevo/", informe_views.informe_create, name="informe-create"
    ),
    path("informes/<int:pk>/", informe_views.informe_detail, name="informe"),
    path("informes/<int:pk>/editar/", informe_views.informe_edit, name="informe-edit"),
    path("informes/<int:pk>/presentar/", informe_views.informe_present, name="informe-present"),
]
