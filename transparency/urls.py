from django.urls import path

from . import views

app_name = "transparency"

urlpatterns = [
    path("", views.index, name="index"),
    path("sitemap.xml", views.sitemap, name="sitemap"),
    path("instituciones/<int:pk>/", views.institution, name="institution"),
    path(
        "instituciones/<int:pk>/formato-actas/<int:year>-T<int:quarter>.<str:fmt>",
        views.transparency_export,
        name="export",
    ),
    path("organos/<slug:slug>/", views.committee, name="committee"),
    path(
        "organos/<slug:slug>/datos/<str:dataset>.<str:fmt>",
        views.committee_data,
        name="committee-data",
    ),
    path("sesiones/<int:pk>/", views.session, name="session"),
    path("documentos/<int:pk>/<str:filename>", views.document, name="document"),
    path("actas/<int:pk>/acta.pdf", views.acta_pdf, name="acta-pdf"),
    path("informes/<int:pk>/informe.pdf", views.informe_pdf, name="informe-pdf"),
    # The secretariat's side (signed in, managers of the committee only).
    path(
        "gestion/documentos/<int:pk>/publicacion/",
        views.document_publication,
        name="document-publication",
    ),
]
