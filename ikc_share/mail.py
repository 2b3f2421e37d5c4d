"""Sending e-mail. Called from tasks; each sender records what it sent, so a redelivered
task does not send the same message twice."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from .models import Membership


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


def invitation_link(user) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    return settings.SITE_URL + reverse("ikc_share:set-password", kwargs={"uidb64": uid, "token": token})


def membership_invitation_send(*, membership_id: int) -> bool:
    """Send the invitation once. Returns False when it was already sent."""
    with transaction.atomic():
        claimed = Membership.objects.filter(pk=membership_id, invitation_sent_at__isnull=True).update(
            invitation_sent_at=timezone.now()
        )
        if not claimed:
            return False
        membership = Membership.objects.select_related("user", "organisation", "function_title").get(pk=membership_id)
        send_templated(
            to=[membership.user.email], template="membership_invitation",
            context={"membership": membership, "link": invitation_link(membership.user)},
        )
    return True
