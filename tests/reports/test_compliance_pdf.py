"""
The compliance results as a printed document shows them (reports/pdf/includes/compliance.html,
included by the informes): one row per rule with its result, article and evidence.
"""

import copy
import io

import pytest
from django.template.loader import render_to_string
from pypdf import PdfReader

from demo.loader import load_demo
from reports.compliance import RuleResult, check_committee
from reports.pdf import render_pdf

pytestmark = pytest.mark.django_db

DOCUMENT = """{% extends "reports/pdf/base.html" %}
{% block content %}{% include "reports/pdf/includes/compliance.html" %}{% endblock %}"""


@pytest.fixture
def document(settings, tmp_path):
    """A document that only includes the results, as an informe would."""
    (tmp_path / "documento_de_prueba.html").write_text(DOCUMENT)
    templates = copy.deepcopy(settings.TEMPLATES)
    templates[0]["DIRS"] = [tmp_path, *templates[0]["DIRS"]]
    settings.TEMPLATES = templates
    return "documento_de_prueba.html"


def header() -> dict:
    return {
        "institution": "Instituto de Prueba",
        "committee": "Comité de Prueba",
        "committee_short_name": "CP",
        "title": "Informe",
    }


def text(content: bytes) -> str:
    return " ".join(
        " ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(content)).pages
    )


def test_the_demo_plan_prints_every_rule_with_result_article_and_evidence(document):
    results = check_committee(load_demo().committee, on="plan")

    content = text(
        render_pdf(document, {"header": header(), "compliance": results, "compliance_on": "plan"})
    )

    assert "Revisión del calendario: ¿cumpliría el calendario tal como está?" in content
    assert "Regla Resultado Evidencia" in content
    for result in results:
        assert result.rule in content
    assert "PREP-10 Una reunión formal de trabajo" in content
    assert "Fundamento: RE 342(1)(h) No cumple Error Del plan de trabajo (cita el Reglamento)" in (
        content
    )
    assert "Junio de 2024: ninguna reunión formal de trabajo." in content
    assert "Fundamento: sin artículo citado" in content  # the SES and CAL rules
    assert "No decidible" in content
    assert "Página 1 de " in content


def test_the_record_says_what_it_checks_and_markup_is_text():
    hostile = RuleResult(
        rule="SES-99",
        result="fail",
        level="warning",
        cites="",
        certainty="default",
        statement="<script>alert(1)</script>",
        evidence=["<b>negritas</b>"],
    )
    markup = render_to_string(
        "reports/pdf/includes/compliance.html",
        {"compliance": [hostile], "compliance_on": "record"},
    )
    assert "Revisión de lo celebrado" in markup
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in markup
    assert "&lt;b&gt;negritas&lt;/b&gt;" in markup
    assert "<script>" not in markup
    assert "compliance__row--fail" in markup
    assert "Advertencia" in markup
    assert "Valor por omisión" in markup


def test_without_a_mode_it_prints_only_the_table():
    markup = render_to_string("reports/pdf/includes/compliance.html", {"compliance": []})
    assert "Revisión" not in markup
    assert "Ninguna regla se aplica a este órgano." in markup
