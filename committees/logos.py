"""
Validation of the logos printed on every document. A logo is a PNG or an SVG the admin
uploads; an SVG must be a plain drawing: no scripts, no external references, no entities,
because WeasyPrint (and any browser showing it) would otherwise act on them.
"""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

MAX_LOGO_BYTES = 512 * 1024
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
# What an SVG logo may not contain: scripts, event handlers, entities, external resources.
SVG_FORBIDDEN = re.compile(
    rb"<!ENTITY|<!DOCTYPE|<script|<foreignObject|\son\w+\s*=|javascript:"
    rb"|(?:xlink:)?href\s*=\s*[\"'](?!#)",
    re.IGNORECASE,
)


def validate_logo(file) -> None:
    """A PNG or a self-contained SVG of at most 512 KiB."""
    size = getattr(file, "size", None)
    if size is not None and size > MAX_LOGO_BYTES:
        raise ValidationError(_("El logotipo no debe pasar de 512 KiB."))
    file.seek(0)
    content = file.read()
    file.seek(0)
    name = (getattr(file, "name", "") or "").lower()
    if content.startswith(PNG_SIGNATURE):
        if not name.endswith(".png"):
            raise ValidationError(_("Un logotipo PNG debe tener la extensión .png."))
        return
    if name.endswith(".svg"):
        head = content[:2048].lstrip()
        if b"<svg" not in content[:4096] or not (
            head.startswith(b"<svg") or head.startswith(b"<?xml")
        ):
            raise ValidationError(_("El archivo .svg no es un dibujo SVG."))
        if SVG_FORBIDDEN.search(content):
            raise ValidationError(
                _(
                    "El SVG contiene scripts, entidades o referencias a archivos externos; "
                    "suba un dibujo SVG autocontenido o un PNG."
                )
            )
        return
    raise ValidationError(_("El logotipo debe ser un archivo PNG o SVG."))
