"""Invitation services: the one way a person gets a login with a password, for staff,
directors, privacy officers and parents alike.

Kept apart from onboarding/services.py because the core's `membership_invite` creates
its invitation here (`member_invitation_create`, registered with the core in apps.py;
onboarding/services.py in turn calls the core's services).

A new person's User has no usable password until they accept. The e-mail with the link
is sent by a Celery task (delivery.py), which makes the token then and stores only its
hash; a resend makes a new token, so the earlier link stops working.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ikc_share import logins, outbox
from ikc_share.audit import audit_record
from onboarding import selectors, tasks
from onboarding.models import Invitation

if TYPE_CHECKING:
    from ikc_share.models import Guardian, Membership

User = get_user_model()


def _actor(actor):
    return actor if actor is not None and getattr(actor, "is_authenticated", False) else None


def _enqueue(invitation: Invitation) -> None:
    pk = invitation.pk
    outbox.enqueue(tasks.deliver_invitation, pk)


def _invitation_create(*, organisation, kind: str, user: User, actor, payload: dict, **link) -> Invitation:
    """A new invitation for `user` (`link`: its membership or guardian), queued to be sent
    on commit and audited with `payload`."""
    invitation = Invitation.objects.create(
        organisation=organisation, kind=kind, user=user, email=user.email, created_by=_actor(actor), **link
    )
    _enqueue(invitation)
    audit_record(
        organisation=organisation, actor=actor, action="invitation.created", target=invitation, payload=payload
    )
    return invitation


def _revoke(invitation: Invitation, *, actor, payload: dict) -> Invitation:
    """The invitation's link stops working now; audited with `payload`."""
    invitation.revoked_at = timezone.now()
    invitation.save(update_fields=["revoked_at"])
    audit_record(
        organisation=invitation.organisation,
        actor=actor,
        action="invitation.revoked",
        target=invitation,
        payload=payload,
    )
    return invitation


@transaction.atomic
def member_invitation_create(*, membership: Membership, actor) -> Invitation:
    """Invite the person of a membership to set a password. Earlier open invitations for
    the same membership are revoked, so only the newest link works."""
    for old in Invitation.objects.select_for_update().filter(
        membership=membership, accepted_at__isnull=True, revoked_at__isnull=True
    ):
        _revoke(old, actor=actor, payload={"reason": "superseded"})
    return _invitation_create(
        organisation=membership.organisation,
        kind=Invitation.Kind.MEMBER,
        user=membership.user,
        membership=membership,
        actor=actor,
        payload={"kind": "member", "membership": membership.pk, "user": membership.user_id, "role": membership.role},
    )


@transaction.atomic
def guardian_login_ensure(*, guardian: Guardian, actor) -> User:
    """The parent's one login, by the core's rule (ikc_share/logins.py: found or made by
    e-mail address and name, and linked to that person's Guardian records at each
    organisation of the IKC). An invitation needs an address to send to: a guardian
    without one is refused here."""
    if not guardian.user_id and not guardian.email.strip():
        raise ValidationError(_("Deze ouder/verzorger heeft geen e-mailadres; uitnodigen kan niet."))
    return logins.guardian_login_ensure(guardian=guardian, actor=actor, reason="invitation")


@transaction.atomic
def guardian_invite(*, guardian: Guardian, actor) -> Invitation | None:
    """Give a parent a login (or link the one they have) and, when they have no password
    yet and no open invitation, send them one. Returns the new invitation or None."""
    user = guardian_login_ensure(guardian=guardian, actor=actor)
    if user.has_usable_password() or selectors.open_invitations_of(user).exists():
        return None
    return _invitation_create(
        organisation=guardian.organisation,
        kind=Invitation.Kind.PARENT,
        user=user,
        guardian=guardian,
        actor=actor,
        payload={"kind": "parent", "guardian": guardian.pk, "user": user.pk},
    )


@dataclass
class ParentsInvited:
    invited: int = 0
    linked: int = 0  # had a login already (or an open invitation): records linked, no e-mail


@transaction.atomic
def parents_invite(*, organisation, actor) -> ParentsInvited:
    """Invite every guardian of the organisation who has an e-mail address and no login."""
    result = ParentsInvited()
    seen: set[str] = set()
    for guardian in selectors.guardians_without_login(organisation).select_related("organisation").order_by("pk"):
        email = guardian.email.strip().lower()
        if email in seen:
            continue
        seen.add(email)
        if guardian_invite(guardian=guardian, actor=actor) is None:
            result.linked += 1
        else:
            result.invited += 1
    return result


@transaction.atomic
def invitation_resend(*, invitation: Invitation, actor) -> Invitation:
    invitation = Invitation.objects.select_for_update().select_related("user").get(pk=invitation.pk)
    if not invitation.is_open:
        raise ValidationError(_("Deze uitnodiging is al geaccepteerd of ingetrokken; opnieuw versturen kan niet."))
    if invitation.user.has_usable_password():
        raise ValidationError(_("Deze persoon heeft al een wachtwoord; een uitnodiging is niet meer nodig."))
    invitation.token_hash = ""  # the old link stops working now
    invitation.sent_at = None
    invitation.expires_at = None
    invitation.save(update_fields=["token_hash", "sent_at", "expires_at"])
    _enqueue(invitation)
    audit_record(
        organisation=invitation.organisation,
        actor=actor,
        action="invitation.resent",
        target=invitation,
        payload={"kind": invitation.kind},
    )
    return invitation


@transaction.atomic
def invitation_revoke(*, invitation: Invitation, actor) -> Invitation:
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if not invitation.is_open:
        raise ValidationError(_("Deze uitnodiging is al geaccepteerd of ingetrokken."))
    return _revoke(invitation, actor=actor, payload={"kind": invitation.kind, "reason": "revoked"})


@transaction.atomic
def invitation_accept(*, invitation: Invitation, password: str | None) -> User:
    """The invited person sets their password (None: they already have one). Their other
    open invitations are closed too, and a parent's Guardian records are linked."""
    invitation = Invitation.objects.select_for_update().select_related("user", "organisation").get(pk=invitation.pk)
    if not invitation.is_usable:
        raise ValidationError(_("Deze uitnodigingslink werkt niet meer."))
    user = invitation.user
    if password is not None:
        user.set_password(password)
        user.save(update_fields=["password"])
    now = timezone.now()
    others = list(selectors.open_invitations_of(user).exclude(pk=invitation.pk).select_related("organisation"))
    for other in [*others, invitation]:
        other.accepted_at = now
        other.save(update_fields=["accepted_at"])
    if user.email and (invitation.kind == Invitation.Kind.PARENT or user.guardians.exists()):
        logins.guardian_records_link(users=[user], ikc_ids=[invitation.organisation.ikc_id], actor=user)
    for other in others:
        audit_record(
            organisation=other.organisation,
            actor=user,
            action="invitation.accepted",
            target=other,
            payload={"kind": other.kind, "via": invitation.pk},
        )
    audit_record(
        organisation=invitation.organisation,
        actor=user,
        action="invitation.accepted",
        target=invitation,
        payload={"kind": invitation.kind, "password_set": password is not None},
    )
    return user
