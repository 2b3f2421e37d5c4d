"""Sending templated e-mail (text + HTML, in the recipient's language)."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation


def send_templated(*, to: list[str], template: str, context: dict, language: str = "nl") -> None:
    """Render templates/emails/<template>.{subject.txt,txt,html} in `language` and send."""
    with translation.override(language):
        ctx = {"site_url": settings.SITE_URL, **context}
        subject = render_to_string(f"emails/{template}.subject.txt", ctx).strip()
        text = render_to_string(f"emails/{template}.txt", ctx)
        html = render_to_string(f"emails/{template}.html", ctx)
    message = EmailMultiAlternatives(subject=subject, body=text, to=to)
    message.attach_alternative(html, "text/html")
    message.send()
