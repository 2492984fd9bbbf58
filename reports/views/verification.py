"""
The public verification page: anyone, signed in or not, checks a document by its folio, its
number or its SHA-256, or uploads a copy; the page says whether the bytes are the archive's
and shows every signature they carry, with whether it chains to a configured trust root.
"""

from django.core.files.storage import default_storage
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from sessions.models import Folio

from ..forms import VerifyLookupForm, VerifyUploadForm
from ..models import Acta, DocumentSignature, Informe
from ..signing import latest_revision, signature_status
from ..verification import check_file


def _archived(folio: str, acta: str, sha256: str):
    """The archived document named by a folio, an acta's number or a hash; or None."""
    if folio:
        issued = Folio.objects.filter(code=folio.strip()).select_related("informe", "session")
        found = issued.first()
        if found is None:
            return None, None
        if found.informe_id and found.informe.pdf:
            return found.informe, found
        return None, found
    if acta.isdigit():
        return Acta.objects.exclude(pdf="").filter(pk=int(acta)).first(), None
    if sha256:
        digest = sha256.strip().lower()
        document = (
            Acta.objects.filter(pdf_sha256=digest).first()
            or Informe.objects.filter(pdf_sha256=digest).first()
        )
        if document is None:
            signed = DocumentSignature.objects.filter(pdf_sha256=digest).first()
            document = (signed.acta or signed.informe) if signed else None
        return document, None
    return None, None


@require_http_methods(["GET", "HEAD", "POST"])
def verify(request):
    lookup = VerifyLookupForm(request.GET or None)
    upload = VerifyUploadForm()
    context = {"lookup": lookup, "upload": upload}
    if request.method == "POST":
        upload = VerifyUploadForm(request.POST, request.FILES)
        context["upload"] = upload
        if upload.is_valid():
            content = upload.cleaned_data["file"].read()
            context["file_check"] = check_file(content)
            context["document"] = context["file_check"].document
    elif lookup.is_bound and lookup.is_valid():
        data = lookup.cleaned_data
        document, folio = _archived(data["folio"], data["acta"], data["sha256"])
        context["searched"] = True
        context["folio"] = folio
        context["document"] = document
        if document is not None:
            name, digest = latest_revision(document)
            with default_storage.open(name, "rb") as file:
                context["file_check"] = check_file(file.read())
            context["archived_sha256"] = document.pdf_sha256
    document = context.get("document")
    if document is not None:
        context["status"] = signature_status(document)
        context["is_acta"] = isinstance(document, Acta)
    return render(request, "reports/verify.html", context)
