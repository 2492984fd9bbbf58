"""Template filters for Spanish dates and times as the secretariats write them."""

import datetime

from django import template

from committees.spanish import long_date

register = template.Library()


@register.filter
def fecha(value: datetime.date | None) -> str:
    """{{ session.date|fecha }} → "19 de marzo de 2024"."""
    return long_date(value) if value else ""


@register.filter
def fecha_con_dia(value: datetime.date | None) -> str:
    """{{ session.date|fecha_con_dia }} → "martes 19 de marzo de 2024"."""
    return long_date(value, weekday=True) if value else ""


@register.filter
def hora(value: datetime.time | None) -> str:
    """{{ session.start_time|hora }} → "11:00 h"."""
    return f"{value:%H:%M} h" if value else ""


@register.filter
def webcal(url: str) -> str:
    """{{ feed_url|webcal }}: "https://x/calendario.ics" → "webcal://x/calendario.ics"."""
    for scheme in ("https://", "http://"):
        if url.startswith(scheme):
            return "webcal://" + url.removeprefix(scheme)
    return url
