"""
The letterhead every document carries: the institution's logo, official name and address,
the committee (and its own logo, if it has one), the title, the folio and the address where
the document is verified.
"""

from committees.models import Committee
from sessions.models import of_body

from .pdf import logo_url


def letterhead(
    committee: Committee, title: str, *, address: str, folio: str = "", verify_url: str = ""
) -> dict:
    institution = committee.institution
    return {
        "institution": institution.name,
        "institution_full_name": institution.full_name or institution.name,
        "institution_address": institution.address,
        "city": institution.city,
        "logo_url": logo_url(institution.logo),
        "committee_logo_url": logo_url(committee.logo),
        "address": address,
        "committee": committee.name,
        "committee_of": of_body(committee.name),
        "committee_short_name": committee.short_name,
        "title": title,
        "folio": folio,
        "verify_url": verify_url,
    }
