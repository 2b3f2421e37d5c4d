"""The transfers' e-mails. Called from tasks (transfers/tasks.py). Each message is
claimed first (TransferMail.key is unique), in the same transaction as the send: a
redelivered task never sends it twice, and a failed send stays unsent (retried).

No personal data beyond the child's first name goes to parents; nothing about the child
at all goes to the receiving staff ("Er staat een overdracht voor u klaar"), nor to the
receiving director and privacy contacts (art. 19 notices, copies to erase after a withdrawal).
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from agreements.rules import bases
from consent import letters_adapter
from consent import mail as consent_mail
from ikc_share import selectors as core_selectors
from ikc_share.audit import audit_record
from ikc_share.choices import MembershipRole
from ikc_share.logins import guardian_login_ensure
from ikc_share.mail import send_templated
from transfers import withdrawals
from transfers.choices import TransferMailKind, TransferState
from transfers.models import ReceivedTransfer, Transfer, TransferMail

if TYPE_CHECKING:
    from ikc_share.models import Membership


def _claim(*, key: str, transfer_id: int, kind: str, user=None, guardian=None) -> bool:
    _mail, created = TransferMail.objects.get_or_create(
        key=key, defaults={"transfer_id": transfer_id, "kind": kind, "user": user, "guardian": guardian}
    )
    return created


def transfer_parents_notify(*, transfer_id: int) -> int:
    """Tell every guardian with parental authority (with an e-mail address) that a transfer
    waits for them to read it first. Returns how many e-mails went out now."""
    transfer = Transfer.objects.select_related(
        "child", "sending_organisation", "receiving_organisation", "version__agreement"
    ).get(pk=transfer_id)
    if transfer.state != TransferState.PARENTS_READING:
        return 0
    ships = (
        core_selectors.guardianships(children=[transfer.child], with_authority=True)
        .filter(guardian__organisation_id=transfer.child.organisation_id)
        .exclude(guardian__email="")
        .select_related("guardian__user")
        .order_by("pk")
    )
    sent = 0
    for ship in ships:
        guardian = ship.guardian
        with transaction.atomic():
            key = f"parents_read:t{transfer.pk}:g{guardian.pk}"
            if not _claim(key=key, transfer_id=transfer.pk, kind=TransferMail.Kind.PARENTS_READ, guardian=guardian):
                continue
            language = letters_adapter.letter_language(guardian.language)
            user = guardian_login_ensure(guardian=guardian, reason="transfer_mail")
            target = reverse("transfers:portal-transfer", kwargs={"pk": transfer.pk})
            send_templated(
                to=[guardian.email],
                template=f"transfer_parents_read_{language}",
                language=language,
                context={
                    "guardian_first_name": guardian.first_name,
                    "child_first_name": transfer.child.first_name,
                    "sender": transfer.sending_organisation,
                    "receiver": transfer.receiving_organisation,
                    "until": transfer.parents_read_until,
                    "days": transfer.version.parents_read_days,
                    "is_consent": bases.asks_consent(transfer.version),
                    "link": consent_mail.magic_link(user=user, next_url=target, language=language),
                    "max_age_days": settings.SESAME_MAX_AGE // 86400,
                },
            )
            audit_record(
                organisation=transfer.sending_organisation,
                actor=None,
                action="transfer.parents_notified",
                target=transfer,
                payload={"guardian": guardian.pk, "language": language},
            )
        sent += 1
    return sent


def receiving_staff(received: ReceivedTransfer) -> list[Membership]:
    """Active staff and directors of the receiving organisation whose function title is one
    of the version's receiving roles and who work at the addressed location."""
    version = received.transfer.version
    roles = list(version.receiving_roles.values_list("pk", flat=True))
    memberships = (
        core_selectors.staff_memberships()
        .filter(organisation_id=received.organisation_id, function_title_id__in=roles, user__is_active=True)
        .filter(Q(locations__isnull=True) | Q(locations=received.location_id))
        .select_related("user")
        .distinct()
        .order_by("pk")
    )
    return [m for m in memberships if m.user.email]


SUBJECT_KIND = {"received": "received", "corrected": "corrected", "erased": "erased"}
# The sender corrected or erased what it sent (art. 19): the receiving organisation's director
# and privacy contacts hear it too, so that what was taken over elsewhere follows.
ART19_KINDS = ("corrected", "erased")


def rights_handlers(organisation_id: int) -> list[Membership]:
    """Who handles parents' rights at the organisation (as ikc_share.permissions.handles_rights):
    its directors and the staff members marked privacy contact; active, with an e-mail."""
    memberships = (
        core_selectors.memberships()
        .filter(organisation_id=organisation_id, is_active=True, user__is_active=True)
        .filter(Q(role=MembershipRole.DIRECTOR) | Q(role=MembershipRole.STAFF, is_privacy_contact=True))
        .select_related("user")
        .order_by("pk")
    )
    return [m for m in memberships if m.user.email]


def received_notify(*, received_id: int, kind: str, event: int = 0) -> int:
    """Tell the receiving roles at the location that a transfer is ready (or was corrected
    or erased by the sender, GDPR art. 19: then the director and privacy contacts of the
    receiving organisation too). No personal data in the e-mail."""
    if kind not in SUBJECT_KIND:
        raise ValueError(f"unknown notification kind {kind!r}")
    received = ReceivedTransfer.objects.select_related(
        "transfer__version__agreement", "transfer__sending_organisation", "organisation"
    ).get(pk=received_id)
    inbox = settings.SITE_URL + reverse("transfers:inbox", kwargs={"org_pk": received.organisation_id})
    recipients = [(m.user, "transfer_received") for m in receiving_staff(received)]
    if kind in ART19_KINDS:
        staff = {user.pk for user, _template in recipients}
        recipients += [
            (m.user, "transfer_art19_handler")
            for m in rights_handlers(received.organisation_id)
            if m.user_id not in staff
        ]
    sent = 0
    for user, template in recipients:
        with transaction.atomic():
            key = f"{kind}:t{received.transfer_id}:e{event}:u{user.pk}"
            if not _claim(key=key, transfer_id=received.transfer_id, kind=kind, user=user):
                continue
            send_templated(
                to=[user.email],
                template=template,
                language="nl",
                context={
                    "kind": kind,
                    "first_name": user.first_name,
                    "inbox": inbox,
                    "sender": received.transfer.sending_organisation.name,
                    "receiver": received.organisation.name,
                    "agreement": received.transfer.version.agreement.title,
                },
            )
            audit_record(
                organisation=received.organisation,
                actor=None,
                action="transfer.receivers_notified",
                target=received,
                payload={
                    "transfer": received.transfer_id,
                    "kind": kind,
                    "user": user.pk,
                    "event": event,
                    "handler": template == "transfer_art19_handler",
                },
            )
        sent += 1
    return sent


ERASE_REMINDER_DAYS = 14


def erasure_due_notify(*, at: datetime.datetime | None = None) -> int:
    """Tell each receiving organisation's director and privacy contacts which copies are to
    erase because the consent they were shared on was withdrawn (transfers/withdrawals.py):
    once soon after the withdrawal, and once more when a copy is still there
    ERASE_REMINDER_DAYS later. Each copy is claimed per person, stage and withdrawal, so the
    hourly housekeeping sends each once; one e-mail per person and run, with the number of
    copies only (no child data). Returns how many e-mails went out."""
    at = at or timezone.now()
    due = withdrawals.erasure_due(ReceivedTransfer.objects.all())
    if not due:
        return 0
    per_org: dict[int, list[ReceivedTransfer]] = defaultdict(list)
    for r in (
        ReceivedTransfer.objects.filter(pk__in=list(due))
        .select_related("organisation")
        .only("pk", "transfer_id", "organisation__name")
        .order_by("pk")
    ):
        per_org[r.organisation_id].append(r)
    reminder_before = at - datetime.timedelta(days=ERASE_REMINDER_DAYS)
    sent = 0
    for org_id, copies in per_org.items():
        organisation = copies[0].organisation
        inbox = settings.SITE_URL + reverse("transfers:inbox", kwargs={"org_pk": org_id})
        for membership in rights_handlers(org_id):
            user = membership.user
            with transaction.atomic():
                claimed = _claim_copies(copies, due, user=user, kind=TransferMailKind.ERASE_DUE)
                kind = TransferMailKind.ERASE_DUE
                if not claimed:
                    old = [r for r in copies if due[r.pk].withdrawn_at <= reminder_before]
                    claimed = _claim_copies(old, due, user=user, kind=TransferMailKind.ERASE_REMINDER)
                    kind = TransferMailKind.ERASE_REMINDER
                if not claimed:
                    continue
                send_templated(
                    to=[user.email],
                    template="transfer_erase_due",
                    language="nl",
                    context={
                        "kind": str(kind),
                        "first_name": user.first_name,
                        "n": len(claimed),
                        "organisation": organisation.name,
                        "days": ERASE_REMINDER_DAYS,
                        "inbox": inbox,
                    },
                )
                audit_record(
                    organisation=organisation,
                    actor=None,
                    action="transfer.erasure_reminder_sent",
                    target=None,
                    payload={"kind": str(kind), "user": user.pk, "received": [r.pk for r in claimed]},
                )
            sent += 1
    return sent


def _claim_copies(copies, due, *, user, kind: str) -> list[ReceivedTransfer]:
    """The copies claimed now for this person and stage (one TransferMail row each)."""
    return [
        r
        for r in copies
        if _claim(
            key=f"{kind}:t{r.transfer_id}:w{int(due[r.pk].withdrawn_at.timestamp())}:u{user.pk}",
            transfer_id=r.transfer_id,
            kind=kind,
            user=user,
        )
    ]
