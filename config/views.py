"""Views of the site as a whole (the health check lives in health.py)."""

from django.contrib.auth import views as auth_views

from .site import site_url


class PasswordResetView(auth_views.PasswordResetView):
    """Django's own, with the link in the e-mail built from SITE_URL, not the request's Host."""

    def form_valid(self, form):
        self.extra_email_context = {**(self.extra_email_context or {}), "site_url": site_url()}
        return super().form_valid(form)
