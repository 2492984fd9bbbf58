"""What a document really is, judged by its first bytes, not by its name."""

import zipfile

# The formats a secretariat attaches to agenda points, by their extension: what the
# content must be for that extension to be believed.
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ACCEPTED_EXTENSIONS = {
    "pdf": "pdf",
    "doc": "ole2",
    "xls": "ole2",
    "ppt": "ole2",
    "docx": "ooxml:word/",
    "xlsx": "ooxml:xl/",
    "pptx": "ooxml:ppt/",
    "png": "png",
    "jpg": "jpeg",
    "jpeg": "jpeg",
    "gif": "gif",
    "webp": "webp",
}


def sniff(uploaded) -> set[str]:
    """The content kinds the file's bytes match (empty when none)."""
    uploaded.seek(0)
    head = uploaded.read(16)
    uploaded.seek(0)
    kinds = set()
    if head.startswith(b"%PDF-"):
        kinds.add("pdf")
    if head.startswith(OLE2_MAGIC):
        kinds.add("ole2")
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        kinds.add("png")
    if head.startswith(b"\xff\xd8\xff"):
        kinds.add("jpeg")
    if head.startswith((b"GIF87a", b"GIF89a")):
        kinds.add("gif")
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        kinds.add("webp")
    if head.startswith(b"PK\x03\x04"):
        kinds.update(_ooxml_parts(uploaded))
    return kinds


def _ooxml_parts(uploaded) -> set[str]:
    try:
        with zipfile.ZipFile(uploaded) as archive:
            names = archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return set()
    finally:
        uploaded.seek(0)
    if "[Content_Types].xml" not in names:
        return set()
    return {
        f"ooxml:{folder}"
        for folder in ("word/", "xl/", "ppt/")
        if any(name.startswith(folder) for name in names)
    }


def extension_of(name: str) -> str:
    return name.rsplit(".", 1)[-1].lower() if "." in name else ""


def content_matches_name(uploaded) -> bool:
    expected = ACCEPTED_EXTENSIONS.get(extension_of(uploaded.name))
    return expected is not None and expected in sniff(uploaded)
