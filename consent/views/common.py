"""What the consent pages share: the page language, a date from a paper form as a moment,
and the download of a child's consent record (portal and staff)."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone, translation

from consent import letters_adapter, records, services
from consent import permissions as perms
from ikc_share.http import private

if TYPE_CHECKING:
    from ikc_share.models import Child

portal_login_required = login_required(login_url="consent:portal-login")


def language(request: HttpRequest) -> str:
    """The letter language for the current page language."""
    return letters_adapter.letter_language(translation.get_language())


def noon(day: datetime.date) -> datetime.datetime:
    """A date from a paper form as a moment: noon, Amsterdam time."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(12, 0)))


def record_download(request: HttpRequest, child: Child, fmt: str) -> HttpResponse:
    """The child's consent record as JSON or PDF (the export is audited)."""
    perms.require_record_format(fmt)
    record = records.consent_record(child=child)
    services.consent_record_exported(child=child, actor=request.user, fmt=fmt)
    stamp = timezone.localdate().isoformat()
    if fmt == "json":
        response = JsonResponse(record, json_dumps_params={"ensure_ascii": False, "indent": 2})
    else:
        pdf = records.consent_record_pdf(record=record, child=child, language=language(request))
        response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="toestemming-kind-{child.pk}-{stamp}.{fmt}"'
    return private(response)
