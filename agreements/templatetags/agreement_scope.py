"""{% version_scope version %}: for which children a version holds, in words ("Kinderen op
BSO De Regenboog, met een VVE-programma"); the rule is agreements/rules/scope.py."""

from __future__ import annotations

from django import template

from agreements.models import AgreementVersion
from agreements.rules import scope

register = template.Library()


@register.simple_tag
def version_scope(version: AgreementVersion) -> str:
    text = scope.describe_version(version)
    return text[:1].upper() + text[1:]
