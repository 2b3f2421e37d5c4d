"""Read queries that pages share, scoped by the caller (views fetch objects through
permissions.py first)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model

from .models import AuditEvent, AuditVerification, Child, Organisation

AUDIT_PAGE_SIZE = 50

# Other apps add sections to the staff child page (e.g. agreements' verdicts) by
# registering a provider in their AppConfig.ready(); the core never imports them.
ChildSectionProvider = Callable[..., "dict[str, Any] | None"]
_child_section_providers: list[ChildSectionProvider] = []


def register_child_section(provider: ChildSectionProvider) -> None:
    if provider not in _child_section_providers:
        _child_section_providers.append(provider)


def child_page_sections(*, child: Child, user) -> list[dict[str, Any]]:
    sections = []
    for provider in _child_section_providers:
        section = provider(child=child, user=user)
        if section:
            sections.append(section)
    return sections


@dataclass
class AuditPage:
    events: list[AuditEvent]
    older: int | None  # keyset cursor: id of the last row shown


def audit_page(*, organisation: Organisation, before: int | None = None, size: int = AUDIT_PAGE_SIZE) -> AuditPage:
    """Newest first, keyset-paginated on id (no OFFSET scans)."""
    qs = AuditEvent.objects.filter(organisation=organisation).order_by("-id")
    if before is not None:
        qs = qs.filter(id__lt=before)
    events = list(qs[: size + 1])
    more = len(events) > size
    events = events[:size]
    actor_ids = {e.actor_id for e in events if e.actor_id}
    users = {u.pk: u for u in get_user_model().objects.filter(pk__in=actor_ids)}
    for e in events:
        e.actor_user = users.get(e.actor_id)
    return AuditPage(events=events, older=events[-1].id if more and events else None)


def last_verification() -> AuditVerification | None:
    return AuditVerification.objects.filter(finished_at__isnull=False).first()
