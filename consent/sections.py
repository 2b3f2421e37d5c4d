"""The consent section of the staff child page (registered in ConsentConfig.ready; the
core never imports this app). The child page has already checked access to the child."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from agreements.rules_consent import consent_state_summaries_for_pairs
from ikc_share.models import Child

from . import selectors


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
