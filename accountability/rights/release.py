"""Releasing a reviewed access export: the prepared export (accountability/rights/export.py)
with the handler's review applied (accountability/rights/redaction.py), stored as its own
JSON and PDF. Only this version reaches the parent. Built by a Celery task after the
handler's review (accountability/rights/services.py `rights_request_export_release`); the
release is audited with ids and counts, never with the texts.
"""

from __future__ import annotations

import datetime
import hashlib
import json
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accountability.rights import export, redaction
from accountability.rights.models import RightsRequest
from ikc_share.audit import audit_record


def prepared_data(request: RightsRequest) -> dict[str, Any] | None:
    """The prepared export as stored (None when there is none or it cannot be read)."""
    if not request.export_json:
        return None
    try:
        with request.export_json.open("rb") as f:
            data = json.loads(f.read().decode())
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def released_data(*, data: dict[str, Any], review: redaction.Review, language: str) -> dict[str, Any]:
    """The export as the parent gets it: left-out texts replaced by the marker in their
    language, and a note of how many texts were reviewed, left out and edited."""
    with translation.override(language):
        texts = redaction.free_texts(data)
        marker = _(redaction.REDACTED)
    out = redaction.apply(data, texts, review, marker=marker)
    out["release"] = {
        "released_at": timezone.now().astimezone(datetime.UTC).isoformat().replace("+00:00", "Z"),
        "texts_reviewed": len(texts),
        "texts_left_out": len(review.redacted),
        "texts_edited": len(review.edited),
        "reason": "the rights and freedoms of others (art. 15(4) GDPR)",
    }
    return out


def release_build(*, request_id: int) -> RightsRequest:
    """Build and store the released export; the request's export is then "released"."""
    request = RightsRequest.objects.select_related("guardian", "organisation").get(pk=request_id)
    data = prepared_data(request)
    if data is None:
        raise ValueError(f"rights request {request_id}: the prepared export cannot be read")
    review = redaction.Review.from_json(request.export_review)
    language = request.guardian.language or "nl"
    released = released_data(data=data, review=review, language=language)
    body = json.dumps(released, ensure_ascii=False, indent=2).encode()
    pdf = export.export_pdf(data=released, language=language)
    stamp = timezone.localdate().isoformat()
    with transaction.atomic():
        locked = (
            RightsRequest.objects.select_for_update(of=("self",))
            .select_related("organisation", "export_reviewed_by")
            .get(pk=request_id)
        )
        if (
            locked.export_status != RightsRequest.ExportStatus.RELEASING
            or locked.export_review.get("sha256") != locked.export_sha256
        ):
            return locked  # prepared again meanwhile: that export is reviewed anew
        old = [f.name for f in (locked.released_json, locked.released_pdf) if f]
        locked.released_json.save(f"inzage-{locked.pk}-{stamp}-vrijgegeven.json", ContentFile(body), save=False)
        locked.released_pdf.save(f"inzage-{locked.pk}-{stamp}-vrijgegeven.pdf", ContentFile(pdf), save=False)
        locked.released_sha256 = hashlib.sha256(body).hexdigest()
        locked.export_released_at = timezone.now()
        locked.export_status = RightsRequest.ExportStatus.RELEASED
        locked.updated_at = timezone.now()
        locked.save(
            update_fields=[
                "released_json", "released_pdf", "released_sha256", "export_released_at", "export_status",
                "updated_at",
            ]
        )  # fmt: skip
        audit_record(
            organisation=locked.organisation,
            actor=locked.export_reviewed_by,
            action="rights_request.export_released",
            target=locked,
            payload={
                "child": locked.child_id,
                "guardian": locked.guardian_id,
                "kind": locked.kind,
                "status": locked.status,
                "prepared_sha256": locked.export_sha256,
                "sha256": locked.released_sha256,
                **review.counts,
            },
        )
        keep = {locked.released_json.name, locked.released_pdf.name}
        transaction.on_commit(lambda: [default_storage.delete(n) for n in old if n not in keep])
    return locked


def release_failed(*, request_id: int) -> None:
    RightsRequest.objects.filter(pk=request_id, export_status=RightsRequest.ExportStatus.RELEASING).update(
        export_status=RightsRequest.ExportStatus.FAILED
    )
