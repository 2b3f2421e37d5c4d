"""{% letter_panel version as panel %}: what the information-letter panel on the agreement
pages shows to the current user. Access is decided by agreements.letters.permissions;
the template only asks."""

from __future__ import annotations

from django import template

from agreements.letters import permissions as perms
from agreements.letters.content import LANGUAGE_NAMES, LANGUAGES, is_draft_version
from agreements.letters.selectors import generic_letters
from agreements.models import AgreementVersion

register = template.Library()


@register.simple_tag(takes_context=True)
def letter_panel(context, version: AgreementVersion) -> dict:
    request = context.get("request")
    user = getattr(request, "user", None)
    is_active = version.status == AgreementVersion.Status.ACTIVE
    stored = {letter.language: letter for letter in generic_letters(version)} if is_active else {}
    return {
        "is_active": is_active,
        "is_draft": is_draft_version(version),
        "public": [(code, LANGUAGE_NAMES[code], stored[code]) for code in LANGUAGES if code in stored],
        "may_preview": user is not None and perms.may_preview(user, version),
    }
