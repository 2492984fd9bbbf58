from django.contrib import admin
from django.urls import path
from django.views.generic import RedirectView

admin.site.site_header = "Quórum"
admin.site.site_title = "Quórum"
admin.site.index_title = "Administración de comités y calendario"

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="admin:index", permanent=False), name="home"),
    path("admin/", admin.site.urls),
]
