from django.urls import path

from .views import verification

app_name = "verification"

urlpatterns = [
    path("", verification.verify, name="verify"),
]
