"""The consent section of the staff child page (registered in ConsentConfig.ready; the
core never imports this app). The child page has already checked access to the child."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.utils import timezone

from agreements.rules.consent import consent_state_summaries_for_pairs
from consent import letters_adapter, selectors
from consent.models import ParentNotice

if TYPE_CHECKING:
    from agreements.letters.models import LetterBatch
    from ikc_share.models import Child


def child_section(*, child: Child, user) -> dict[str, Any] | None:
    versions = list(selectors.active_versions_sent_by(child.organisation_id))
    if not versions:
        return None
    summaries = consent_state_summaries_for_pairs(pairs=[(child, v) for v in versions], at=timezone.now())
    return {
        "template": "consent/_child_section.html",
        "child": child,
        "rows": [{"version": v, "summary": summaries[child.pk, v.pk]} for v in versions],
    }


def letter_batch_section(*, batch: LetterBatch, user) -> dict[str, Any] | None:
    """On the paper-batch page (registered in ConsentConfig.ready; the agreements app never
    imports this one): confirm that the letters were handed over or posted, which records
    the guardians as informed. The batch page has already checked access to the batch."""
    if batch.status != batch.Status.DONE:
        return None
    given = letters_adapter.batch_letters(batch)
    recorded = ParentNotice.objects.filter(
        version_id=batch.version_id, how=ParentNotice.How.PAPER, letter__in=given
    ).count()
    return {
        "template": "consent/_letter_batch_handover.html",
        "batch": batch,
        "letters": len(given),
        "recorded": recorded,
        "open": len(given) - recorded,
    }
