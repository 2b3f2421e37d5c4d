"""{{ summary|state_detail }}: the consent sentence without the words its badge already
shows ("Toestemming" + "Toestemming van Sanne" reads as [Toestemming] van Sanne), so a
state is said once. The sentence itself is made by the rules (agreements/rules/consent.py);
this only leaves out the repeated start."""

from __future__ import annotations

from django import template
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def state_detail(summary) -> str:
    sentence = str(getattr(summary, "sentence", "") or "")
    label = str(getattr(summary, "label", "") or "")
    for start in (label, _("Geen toestemming nodig")):
        if start and sentence.lower().startswith(start.lower()):
            rest = sentence[len(start) :].lstrip(" :;,")
            return rest
    return sentence
