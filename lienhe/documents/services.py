"""Document numbers and PDF rendering in the official layout (Hướng dẫn 36-HD/VPTW)."""

from __future__ import annotations

import datetime as dt
import unicodedata

from django.db import transaction
from django.db.models import Max
from django.template.loader import render_to_string

from .models import DocumentNumber


@transaction.atomic
def allocate_number(
    organization,
    *,
    kind: str,
    symbol: str,
    issued_on: dt.date,
    title: str = "",
    obj=None,
    actor=None,
) -> DocumentNumber:
    """Next number in the organization's register for (year, kind). The row lock on
    the organization serialises concurrent issuers so two letters never share a number."""
    from lienhe.orgs.models import Organization

    Organization.objects.select_for_update().filter(pk=organization.pk).first()
    last = DocumentNumber.objects.filter(
        organization=organization, year=issued_on.year, kind=kind
    ).aggregate(m=Max("number"))["m"]
    return DocumentNumber.objects.create(
        organization=organization,
        year=issued_on.year,
        kind=kind,
        number=(last or 0) + 1,
        symbol=symbol,
        title=title[:255],
        issued_on=issued_on,
        created_by=actor,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
    )


def render_pdf(template_name: str, context: dict) -> bytes:
    """Render an HTML template that extends `documents/official.html` to PDF bytes.
    Text is NFC-normalised so diacritics typed on any keyboard render the same."""
    from weasyprint import HTML

    html = unicodedata.normalize("NFC", render_to_string(template_name, context))
    return HTML(string=html).write_pdf()


def pdf_response(pdf: bytes, filename: str, inline: bool = True):
    from django.http import HttpResponse

    response = HttpResponse(pdf, content_type="application/pdf")
    disposition = "inline" if inline else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    return response
