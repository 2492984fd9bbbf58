"""Project-wide middleware."""

from django.db import OperationalError
from django.shortcuts import render
from django.utils.translation import gettext as _


class BusyDatabaseMiddleware:
    """
    SQLite serialises writers: when one waits longer than its busy timeout, the request
    gets a page that says so (503, try again) instead of a server error. Nothing was
    written: the transaction that could not get the lock was rolled back.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, OperationalError) or "locked" not in str(exception):
            return None
        message = _(
            "La base de datos está ocupada con otro cambio en este momento; el suyo no se "
            "guardó. Espere unos segundos e intente de nuevo."
        )
        if getattr(request, "htmx", False):
            # htmx leaves the page as it is and puts the message where messages go.
            response = render(request, "busy_fragment.html", {"message": message}, status=200)
            response["HX-Reswap"] = "none"
            return response
        response = render(request, "busy.html", {"message": message}, status=503)
        response["Retry-After"] = "5"
        return response
