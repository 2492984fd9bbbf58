from django.db.models.fields import BLANK_CHOICE_LABEL
from django.utils import translation
from django.utils.translation import gettext


def test_django_gaps_are_filled_in_spanish():
    with translation.override("es-mx"):
        assert str(BLANK_CHOICE_LABEL) == "- Seleccione una opción -"
        assert gettext("History") == "Historial"
