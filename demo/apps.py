from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demonstration committee (COTAPREP of IEPC Jalisco, 2023-2024); no models."""

    name = "demo"
    verbose_name = "Demostración"
