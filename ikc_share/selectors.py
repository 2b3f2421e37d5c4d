"""Read queries that pages share, scoped by the caller (views fetch objects through
permissions.py first)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ikc_share.models import Child

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


# ~~~ SECTION for agreements (parallel-edit anchor; remove when merged) ~~~


# ~~~ SECTION for consent (parallel-edit anchor; remove when merged) ~~~


# ~~~ SECTION for transfers (parallel-edit anchor; remove when merged) ~~~


# ~~~ SECTION for accountability (parallel-edit anchor; remove when merged) ~~~


# ~~~ SECTION for onboarding (parallel-edit anchor; remove when merged) ~~~
