"""Sending the consent app's e-mails. Called from tasks (consent/tasks.py); each sender
claims what it sends first (ConsentRoundMail.status), so a redelivered task never sends
the same e-mail twice. E-mails carry the child's FIRST name only, in the guardian's
language, as text and HTML (ikc_share.mail.send_templated)."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING
from urllib.parse import urlencode

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from sesame.utils import get_token

from agreements import selectors as agreement_selectors
from agreements.choices import AgreementVersionStatus
from agreements.rules import bases
from consent import letters_adapter, selectors
from consent.models import ConsentDecision, ConsentExpiryReminder, ConsentRound, ConsentRoundMail, ParentNotice
from ikc_share import selectors as core_selectors
from ikc_share.audit import audit_record
from ikc_share.logins import guardian_login_ensure
from ikc_share.mail import send_templated

if TYPE_CHECKING:
    from agreements.models import AgreementVersion
    from ikc_share.models import Guardian


def consent_round_send(*, round_id: int) -> int:
    """Send every pending e-mail of a round (called by the task). Each mail is claimed in
    its own transaction: a redelivered task skips what was sent. Returns how many went out."""
    round_ = ConsentRound.objects.select_related("version__agreement__sending_organisation").get(pk=round_id)
    mail_ids = list(
        round_.mails.filter(channel=ConsentRoundMail.Channel.EMAIL, status=ConsentRoundMail.Status.PENDING).values_list(
            "pk", flat=True
        )
    )
    languages = set(round_.mails.filter(pk__in=mail_ids).values_list("language", flat=True))
    for language in sorted(languages):  # render letters outside the mail transactions
        letters_adapter.generic_letter(version=round_.version, language=language, actor=round_.started_by)
    sent = sum(1 for mail_id in mail_ids if consent_round_mail_send(mail_id=mail_id))
    if not round_.mails.filter(channel=ConsentRoundMail.Channel.EMAIL, status=ConsentRoundMail.Status.PENDING).exists():
        ConsentRound.objects.filter(pk=round_.pk, finished_at__isnull=True).update(finished_at=timezone.now())
    return sent


def magic_link(*, user, next_url: str, language: str = "nl") -> str:
    """A personal, single-use link (django-sesame) that opens the portal page `next_url`."""
    query = urlencode({"sesame": get_token(user), "next": next_url, "lang": language})
    return f"{settings.SITE_URL}{reverse('consent:portal-link')}?{query}"


def consent_round_mail_send(*, mail_id: int) -> bool:
    """Claim, send and record one e-mail (plus a ParentNotice per child). False when it
    was sent already. If sending fails, the transaction rolls back: still pending."""
    with transaction.atomic():
        claimed = ConsentRoundMail.objects.filter(
            pk=mail_id, status=ConsentRoundMail.Status.PENDING, channel=ConsentRoundMail.Channel.EMAIL
        ).update(status=ConsentRoundMail.Status.SENT, sent_at=timezone.now())
        if not claimed:
            return False
        mail = ConsentRoundMail.objects.select_related(
            "round__version__agreement__sending_organisation",
            "round__version__agreement__receiving_organisation",
            "guardian",
        ).get(pk=mail_id)
        round_, guardian = mail.round, mail.guardian
        version = round_.version
        kids = list(mail.children.order_by("first_name"))
        letter = letters_adapter.generic_letter(version=version, language=mail.language, actor=round_.started_by)
        user = guardian_login_ensure(guardian=guardian, reason="consent_mail")
        if len(kids) == 1:
            target = reverse("consent:portal-decide", kwargs={"child_pk": kids[0].pk, "version_pk": version.pk})
        else:
            target = reverse("consent:portal-home")
        kind = round_.kind
        if (
            kind == ConsentRound.Kind.REQUEST
            and version.number > 1
            and not version.is_material_change
            and all(selectors.given_categories(child=k, guardian=guardian, version=version) for k in kids)
        ):
            kind = "still_valid"  # a small change: their consent still covers it; they get the new letter
        send_templated(
            to=[guardian.email],
            template=f"consent_request_{mail.language}",
            language=mail.language,
            context={
                "kind": kind,
                "guardian_first_name": guardian.first_name,
                "child_first_names": [k.first_name for k in kids],
                "version": version,
                "sender": version.agreement.sending_organisation,
                "receiver": version.agreement.receiving_organisation,
                "link": magic_link(user=user, next_url=target, language=mail.language),
                "max_age_days": settings.SESAME_MAX_AGE // 86400,
            },
        )
        ConsentRoundMail.objects.filter(pk=mail.pk).update(letter_sha256=letter.sha256)
        notices = [
            ParentNotice.objects.create(
                version=version,
                guardian=guardian,
                child=k,
                how=ParentNotice.How.EMAIL,
                language=letter.language,
                letter=letter,
                letter_sha256=letter.sha256,
                recorded_by=None,
                round_mail=mail,
            )
            for k in kids
        ]
        audit_record(
            organisation=version.agreement.sending_organisation,
            actor=None,
            action="consent_round.mail_sent",
            target=mail,
            payload={
                "round": round_.pk,
                "version": version.pk,
                "guardian": guardian.pk,
                "children": [k.pk for k in kids],
                "language": mail.language,
                "letter_sha256": letter.sha256,
                "notices": [n.pk for n in notices],
            },
        )
    return True


# --- Login links ---------------------------------------------------------------------------


def login_link_send(*, email: str) -> int:
    """Send a fresh portal link to every login known by this address as a guardian's.
    Returns how many were sent (the page never tells)."""
    email = email.strip().lower()
    guardians = list(core_selectors.guardians(email=email).select_related("organisation", "user"))
    if not guardians:
        return 0
    sent = 0
    users: dict[int, tuple[object, Guardian]] = {}
    for g in guardians:
        with transaction.atomic():
            user = guardian_login_ensure(guardian=g, reason="login_link")
        users.setdefault(user.pk, (user, g))
    for user, guardian in users.values():
        language = letters_adapter.letter_language(guardian.language)
        with transaction.atomic():
            send_templated(
                to=[guardian.email],
                template=f"consent_login_link_{language}",
                language=language,
                context={
                    "guardian_first_name": guardian.first_name,
                    "link": magic_link(user=user, next_url=reverse("consent:portal-home"), language=language),
                    "max_age_days": settings.SESAME_MAX_AGE // 86400,
                },
            )
            for org in sorted({g.organisation for g in guardians if g.user_id == user.pk}, key=lambda o: o.pk):
                audit_record(organisation=org, actor=None, action="consent.login_link_sent", target=user)
        sent += 1
    return sent


# --- Consent that is about to expire --------------------------------------------------------------

EXPIRY_NOTICE_DAYS = 30


def consent_expiry_reminders_send(*, at: datetime.datetime | None = None, days_before: int = EXPIRY_NOTICE_DAYS) -> int:
    """Remind each guardian once, `days_before` days ahead, that their consent expires
    (active consent versions with consent_valid_months). Returns how many were sent."""
    at = at or timezone.now()
    sent = 0
    versions = agreement_selectors.versions_with_parties().filter(
        status=AgreementVersionStatus.ACTIVE, legal_basis__in=bases.consent_bases(), consent_valid_months__isnull=False
    )
    for version in versions:
        covering = [v.pk for v in selectors.covering_versions(version)]
        rows = (
            ConsentDecision.objects.filter(version_id__in=covering, decided_at__lte=at)
            .select_related("guardian", "child")
            .order_by("decided_at", "pk")
        )
        latest: dict[tuple[int, int], ConsentDecision] = {}
        for d in rows:
            latest[(d.child_id, d.guardian_id)] = d
        for d in latest.values():
            expires = d.decided_at + relativedelta(months=version.consent_valid_months)
            if d.state != ConsentDecision.State.GIVEN or not (at < expires <= at + datetime.timedelta(days_before)):
                continue
            if d.child.left_on is not None or not d.guardian.email:
                continue
            if ConsentExpiryReminder.objects.filter(decision=d).exists():
                continue
            sent += int(_expiry_reminder_send(decision=d, version=version, expires=expires))
    return sent


def _expiry_reminder_send(*, decision: ConsentDecision, version: AgreementVersion, expires) -> bool:
    with transaction.atomic():
        _reminder, created = ConsentExpiryReminder.objects.get_or_create(decision=decision)
        if not created:
            return False
        guardian, child = decision.guardian, decision.child
        language = letters_adapter.letter_language(guardian.language)
        user = guardian_login_ensure(guardian=guardian, reason="consent_mail")
        target = reverse("consent:portal-decide", kwargs={"child_pk": child.pk, "version_pk": version.pk})
        send_templated(
            to=[guardian.email],
            template=f"consent_expiry_{language}",
            language=language,
            context={
                "guardian_first_name": guardian.first_name,
                "child_first_name": child.first_name,
                "version": version,
                "sender": version.agreement.sending_organisation,
                "receiver": version.agreement.receiving_organisation,
                "expires": timezone.localdate(expires),
                "link": magic_link(user=user, next_url=target, language=language),
                "max_age_days": settings.SESAME_MAX_AGE // 86400,
            },
        )
        audit_record(
            organisation=child.organisation,
            actor=None,
            action="consent.expiry_reminder_sent",
            target=child,
            payload={"version": version.pk, "guardian": guardian.pk, "decision": decision.pk},
        )
    return True
