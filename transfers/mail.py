"""The transfers' e-mails. Called from tasks (transfers/tasks.py). Each message is
claimed first (TransferMail.key is unique), in the same transaction as the send: a
redelivered task never sends it twice, and a failed send stays unsent (retried).

No personal data beyond the child's first name goes to parents; nothing about the child
at all goes to the receiving staff ("Er staat een overdracht voor u klaar").
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.urls import reverse

from agreements.rules import bases
from consent import letters_adapter
from consent import mail as consent_mail
from ikc_share import selectors as core_selectors
from ikc_share.audit import audit_record
from ikc_share.logins import guardian_login_ensure
from ikc_share.mail import send_templated
from transfers.choices import TransferState
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


def received_notify(*, received_id: int, kind: str, event: int = 0) -> int:
    """Tell the receiving roles at the location that a transfer is ready (or was corrected
    or erased by the sender, GDPR art. 19). No personal data in the e-mail."""
    if kind not in SUBJECT_KIND:
        raise ValueError(f"unknown notification kind {kind!r}")
    received = ReceivedTransfer.objects.select_related("transfer__version", "organisation").get(pk=received_id)
    inbox = settings.SITE_URL + reverse("transfers:inbox", kwargs={"org_pk": received.organisation_id})
    sent = 0
    for membership in receiving_staff(received):
        user = membership.user
        with transaction.atomic():
            key = f"{kind}:t{received.transfer_id}:e{event}:u{user.pk}"
            if not _claim(key=key, transfer_id=received.transfer_id, kind=kind, user=user):
                continue
            send_templated(
                to=[user.email],
                template="transfer_received",
                language="nl",
                context={"kind": kind, "first_name": user.first_name, "inbox": inbox},
            )
            audit_record(
                organisation=received.organisation,
                actor=None,
                action="transfer.receivers_notified",
                target=received,
                payload={"kind": kind, "user": user.pk, "event": event},
            )
        sent += 1
    return sent
