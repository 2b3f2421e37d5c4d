"""Sending invitation e-mails. Called by the Celery task; like ikc_share/mail.py it claims
the invitation first, so a redelivered task never sends the same message twice.

The token is made here, at sending time: only its SHA-256 is stored, and the token
itself exists only in the e-mail (not in the database, nor in the task queue).
"""

from __future__ import annotations

import datetime
import secrets

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from ikc_share import services as core_services
from ikc_share.audit import audit_record
from ikc_share.middleware import second_factor_asked
from onboarding.models import Invitation
from onboarding.selectors import token_hash


def invitation_timeout() -> datetime.timedelta:
    """How long a link works: INVITATION_TIMEOUT_SECONDS (settings.PASSWORD_RESET_TIMEOUT, a week)."""
    return datetime.timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT)


def invitation_link(token: str) -> str:
    return settings.SITE_URL + reverse("ikc_share:invitation-accept", kwargs={"token": token})


def _send(invitation: Invitation, link: str) -> None:
    language = "nl"
    if invitation.kind == Invitation.Kind.PARENT and invitation.guardian is not None:
        language = invitation.guardian.language or "nl"
    template = f"onboarding/emails/invitation_{invitation.kind}"
    context = {
        "invitation": invitation,
        "link": link,
        "site_url": settings.SITE_URL,
        "organisation": invitation.organisation,
        "membership": invitation.membership,
        "two_factor": invitation.membership is not None and second_factor_asked(invitation.membership.role),
        "name": invitation.user.first_name,
        "expires_at": invitation.expires_at,
    }
    with translation.override(language):
        subject = " ".join(render_to_string(f"{template}.subject.txt", context).split())
        text = render_to_string(f"{template}.txt", context)
        html = render_to_string(f"{template}.html", context)
    message = EmailMultiAlternatives(subject=subject, body=text, to=[invitation.email])
    message.attach_alternative(html, "text/html")
    message.send()


def invitation_deliver(*, invitation_id: int) -> bool:
    """Send the invitation with a fresh token. False when there is nothing to send
    (already sent, accepted or revoked)."""
    with transaction.atomic():
        invitation = (
            Invitation.objects.select_for_update(of=("self",))
            .select_related("organisation", "user", "membership", "guardian")
            .filter(pk=invitation_id, sent_at__isnull=True, accepted_at__isnull=True, revoked_at__isnull=True)
            .first()
        )
        if invitation is None:
            return False
        token = secrets.token_urlsafe(32)
        now = timezone.now()
        invitation.token_hash = token_hash(token)
        invitation.sent_at = now
        invitation.expires_at = now + invitation_timeout()
        invitation.send_count += 1
        invitation.save(update_fields=["token_hash", "sent_at", "expires_at", "send_count"])
        if invitation.membership_id:
            core_services.membership_invitation_sent(membership_id=invitation.membership_id, at=now)
        _send(invitation, invitation_link(token))
        audit_record(
            organisation=invitation.organisation,
            actor=None,
            action="invitation.sent",
            target=invitation,
            payload={"kind": invitation.kind, "send_count": invitation.send_count},
        )
    return True
