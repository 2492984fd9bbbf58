from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from committees import views as committee_views

from . import health, views

admin.site.site_header = _("Quórum")
admin.site.site_title = _("Quórum")
admin.site.index_title = _("Administración de comités y calendario")

urlpatterns = [
    path("", committee_views.home, name="home"),
    # Before Django's own: the reset link in the e-mail comes from SITE_URL.
    path("cuenta/password_reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path("cuenta/", include("django.contrib.auth.urls")),
    # What the reverse proxy and a monitor poll; no sign-in, no details.
    path("salud/", health.health, name="health"),
    path("admin/", admin.site.urls),
    # Public: anyone checks a document's folio, hash, bytes and signatures.
    path("verificar/", include("reports.verification_urls")),
    path("", include("committees.urls")),
    path("", include("agendas.urls")),
    path("", include("sessions.urls")),
    path("", include("reports.urls")),
    # The public side: no sign-in (transparency.public decides what it shows).
    path("transparencia/", include("transparency.urls")),
    path("oparl/v1.1/", include("transparency.oparl.urls")),
    path("", include("search.urls")),
    path("", include("reminders.urls")),
]
