"""Every state change of the core domain. Plain functions with keyword-only arguments;
each runs in one transaction and writes its audit event as the last step. A few
primitives (the per-child lock `child_lock`, `membership_invitation_sent`,
`children_leaving_date_set`) run inside the caller's transaction, which audits.
The parent's login has its own module (logins.py), as have the import's bulk writes
(bulk.py)."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django_otp import match_token, user_has_device
from django_otp.models import Device
from django_otp.plugins.otp_totp.models import TOTPDevice

from ikc_share import permissions
from ikc_share.audit import audit_record
from ikc_share.models import Child, FunctionTitle, Guardian, Ikc, Location, Membership, Organisation

User = get_user_model()

# The invitation that lets a new person set a password is onboarding's (a higher app): it
# registers its maker in its AppConfig.ready(); the core never imports it.
MemberInvitationMaker = Callable[..., Any]
_member_invitation_makers: list[MemberInvitationMaker] = []


def register_member_invitation(maker: MemberInvitationMaker) -> None:
    """Called with `membership=` and `actor=` when a person without a password is invited."""
    if maker not in _member_invitation_makers:
        _member_invitation_makers.append(maker)


def child_lock(*, child: Child) -> Child:
    """The per-child lock: the child's own row, SELECT … FOR UPDATE. Every service that
    records or withdraws a consent decision or an objection, shares a child's data or
    anonymises a child takes it first (inside its transaction), so they run one after the
    other for the same child. Returns the locked, freshly read row."""
    return Child.objects.select_for_update().get(pk=child.pk)


def child_create(*, organisation_id: int, location_id: int, **fields) -> Child:
    """A new child record of an organisation at one of its locations (`fields`: names, date
    of birth, group). No audit event of its own: the calling service records why the child
    was created, in its own transaction (e.g. transfer.child_created)."""
    return Child.objects.create(organisation_id=organisation_id, location_id=location_id, **fields)


@transaction.atomic
def organisation_create(*, ikc: Ikc, name: str, kind: str, actor=None, **fields) -> Organisation:
    org = Organisation.objects.create(ikc=ikc, name=name, kind=kind, **fields)
    audit_record(
        organisation=org, actor=actor, action="organisation.created", target=org, payload={"ikc": ikc.pk, "kind": kind}
    )
    return org


@transaction.atomic
def organisation_public_authority_set(*, organisation: Organisation, actor, public_authority: bool) -> Organisation:
    """Whether the organisation is an administrative authority (the board of a public school):
    a parent then contests a refusal under the Awb (art. 34 UAVG), otherwise at the civil court
    (art. 35 UAVG); see agreements/rules/remedies.py. Audited as a change to the controller's
    details in the processing register."""
    Organisation.objects.filter(pk=organisation.pk).update(is_public_authority=bool(public_authority))
    organisation.is_public_authority = bool(public_authority)  # the caller's instance too
    audit_record(
        organisation=organisation,
        actor=actor,
        action="register.controller_updated",
        target=organisation,
        payload={"public_authority": organisation.is_public_authority},
    )
    return organisation


@transaction.atomic
def ikc_create(*, name: str, actor) -> Ikc:
    """A new IKC (the operator console), with a unique slug made from its name."""
    name = name.strip()
    if not name:
        raise ValidationError(_("Geef het IKC een naam."))
    base = slugify(name)[:70] or "ikc"
    slug, n = base, 2
    while Ikc.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    ikc = Ikc.objects.create(name=name, slug=slug)
    audit_record(organisation=None, actor=actor, action="ikc.created", target=ikc)
    return ikc


@transaction.atomic
def location_create(*, organisation: Organisation, name: str, kind: str, actor=None, **fields) -> Location:
    loc = Location.objects.create(organisation=organisation, ikc=organisation.ikc, name=name, kind=kind, **fields)
    # Members who work at "all locations" (and directors / privacy officers) get the new one.
    for membership in organisation.memberships.filter(is_active=True).prefetch_related("locations"):
        permissions.membership_grants_sync(membership)
    audit_record(organisation=organisation, actor=actor, action="location.created", target=loc, payload={"kind": kind})
    return loc


@transaction.atomic
def function_title_create(*, organisation: Organisation, name: str, actor) -> FunctionTitle:
    name = name.strip()
    if not name:
        raise ValidationError(_("Geef de functietitel een naam."))
    if organisation.function_titles.filter(name__iexact=name).exists():
        raise ValidationError(_("Deze functietitel bestaat al."))
    title = FunctionTitle.objects.create(organisation=organisation, name=name)
    audit_record(organisation=organisation, actor=actor, action="function_title.created", target=title)
    return title


def _check_membership_fields(
    *, organisation: Organisation, function_title: FunctionTitle | None, locations: Iterable[Location]
) -> list[Location]:
    if function_title is not None and function_title.organisation_id != organisation.pk:
        raise ValidationError(_("Deze functietitel hoort niet bij deze organisatie."))
    locations = list(locations)
    if any(loc.organisation_id != organisation.pk for loc in locations):
        raise ValidationError(_("Een gekozen locatie hoort niet bij deze organisatie."))
    return locations


@transaction.atomic
def membership_invite(
    *,
    organisation: Organisation,
    actor,
    email: str,
    first_name: str,
    last_name: str,
    role: str,
    function_title: FunctionTitle | None = None,
    locations: Iterable[Location] = (),
) -> Membership:
    """Add a person to the organisation. A new person gets an e-mail with a link to set a
    password; an existing login (e.g. a parent, or staff of the other organisation) is reused."""
    email = email.strip().lower()
    locations = _check_membership_fields(organisation=organisation, function_title=function_title, locations=locations)
    user = User.objects.filter(email__iexact=email).order_by("pk").first()
    created_user = user is None
    if created_user:
        user = User(username=email, email=email, first_name=first_name.strip(), last_name=last_name.strip())
        user.set_unusable_password()
        user.save()
    existing = Membership.objects.filter(user=user, organisation=organisation).first()
    if existing is not None and existing.is_active:
        raise ValidationError(_("Deze persoon is al lid van deze organisatie."))
    if existing is not None:
        membership = existing
        membership.role, membership.function_title = role, function_title
        membership.is_active, membership.deactivated_at = True, None
        membership.save()
    else:
        membership = Membership.objects.create(
            user=user, organisation=organisation, role=role, function_title=function_title
        )
    membership.locations.set(locations)
    permissions.membership_grants_sync(membership)
    if not user.has_usable_password():
        # One invitation mechanism for everyone: a hashed, single-use, expiring link.
        membership.invitation_sent_at = None
        membership.save(update_fields=["invitation_sent_at"])
        for make_invitation in _member_invitation_makers:
            make_invitation(membership=membership, actor=actor)
    audit_record(
        organisation=organisation,
        actor=actor,
        action="membership.invited",
        target=membership,
        payload={
            "user": user.pk,
            "role": role,
            "function_title": function_title.pk if function_title else None,
            "locations": sorted(loc.pk for loc in locations),
            "new_login": created_user,
        },
    )
    return membership


def membership_invitation_sent(*, membership_id: int, at: datetime.datetime) -> None:
    """Note when the membership's invitation e-mail went out (the caller, onboarding's
    delivery, audits the sending in its own transaction)."""
    Membership.objects.filter(pk=membership_id).update(invitation_sent_at=at)


@transaction.atomic
def membership_update(
    *,
    membership: Membership,
    actor,
    role: str,
    function_title: FunctionTitle | None,
    locations: Iterable[Location],
    is_privacy_contact: bool = False,
) -> Membership:
    organisation = membership.organisation
    locations = _check_membership_fields(organisation=organisation, function_title=function_title, locations=locations)
    if membership.user_id == getattr(actor, "pk", None) and role != membership.role:
        raise ValidationError(_("U kunt uw eigen rol niet wijzigen."))
    if membership.role == Membership.Role.DIRECTOR and role != Membership.Role.DIRECTOR:
        _ensure_other_director(membership)
    membership.role = role
    membership.function_title = function_title
    membership.is_privacy_contact = is_privacy_contact and role != Membership.Role.PRIVACY_OFFICER
    membership.save()
    membership.locations.set(locations)
    permissions.membership_grants_sync(membership)
    audit_record(
        organisation=organisation,
        actor=actor,
        action="membership.updated",
        target=membership,
        payload={
            "role": role,
            "function_title": function_title.pk if function_title else None,
            "locations": sorted(loc.pk for loc in locations),
            "privacy_contact": membership.is_privacy_contact,
        },
    )
    return membership


def _ensure_other_director(membership: Membership) -> None:
    others = Membership.objects.filter(
        organisation=membership.organisation, role=Membership.Role.DIRECTOR, is_active=True
    ).exclude(pk=membership.pk)
    if not others.exists():
        raise ValidationError(_("Een organisatie heeft altijd minstens één actieve directeur."))


def _membership_set_active(membership: Membership, *, active: bool, actor) -> Membership:
    membership.is_active = active
    membership.deactivated_at = None if active else timezone.now()
    membership.save(update_fields=["is_active", "deactivated_at"])
    permissions.membership_grants_sync(membership)
    audit_record(
        organisation=membership.organisation,
        actor=actor,
        action="membership.reactivated" if active else "membership.deactivated",
        target=membership,
        payload={"user": membership.user_id},
    )
    return membership


@transaction.atomic
def membership_deactivate(*, membership: Membership, actor) -> Membership:
    if membership.user_id == getattr(actor, "pk", None):
        raise ValidationError(_("U kunt uzelf niet deactiveren."))
    if not membership.is_active:
        raise ValidationError(_("Dit lidmaatschap is al gedeactiveerd."))
    if membership.role == Membership.Role.DIRECTOR:
        _ensure_other_director(membership)
    return _membership_set_active(membership, active=False, actor=actor)


@transaction.atomic
def membership_reactivate(*, membership: Membership, actor) -> Membership:
    if membership.is_active:
        raise ValidationError(_("Dit lidmaatschap is al actief."))
    return _membership_set_active(membership, active=True, actor=actor)


def children_leaving_date_set(*, children: Iterable[Child], left_on: datetime.date) -> None:
    """Set the leaving date of these children (it starts their retention clock). The caller
    (onboarding's leavers step) audits each child in the same transaction."""
    Child.objects.filter(pk__in=[c.pk for c in children]).update(left_on=left_on)


@transaction.atomic
def child_record_viewed(*, child: Child, actor) -> None:
    """Every view of a child record by staff is logged in the child's controller's chain."""
    audit_record(organisation=child.organisation, actor=actor, action="child.viewed", target=child)


def _organisations_of(user) -> list[Organisation]:
    if user is None:
        return []
    org_ids = set(Membership.objects.filter(user=user, is_active=True).values_list("organisation_id", flat=True))
    org_ids |= set(user.guardians.values_list("organisation_id", flat=True))
    return list(Organisation.objects.filter(pk__in=org_ids).order_by("pk"))


@transaction.atomic
def auth_event_record(*, user, action: str, method: str = "password") -> None:
    """Logins, logouts and failed logins: in the chain of every organisation the person
    belongs to (staff or parent), or in the system chain for an unknown name."""
    orgs = _organisations_of(user)
    for org in orgs or [None]:
        audit_record(
            organisation=org, actor=user, action=action, target=user if user else None, payload={"method": method}
        )


# --- Two-factor login (TOTP) ------------------------------------------------------------


@transaction.atomic
def otp_device_pending(*, user) -> TOTPDevice | None:
    """The authenticator (TOTP) device the user is linking: the unconfirmed one, or a new
    one. None when the user has a confirmed device already (nothing to set up)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        if user_has_device(user):
            return None
        device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)
    return device


@transaction.atomic
def otp_device_confirm(*, user, device: TOTPDevice, token: str) -> bool:
    """Confirm the device with a code from the app; audited. False when the code is wrong.
    The caller then marks the session verified (django_otp.login)."""
    if not device.verify_token(token):
        return False
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    auth_event_record(user=user, action="auth.otp_enrolled", method="totp")
    return True


def otp_token_check(*, user, token: str) -> Device | None:
    """The user's device that accepts this code, or None; both outcomes audited. The
    caller then marks the session verified (django_otp.login)."""
    device = match_token(user, token)
    auth_event_record(user=user, action="auth.otp_verified" if device is not None else "auth.otp_failed", method="totp")
    return device


# ~~~ SECTION for accountability ~~~

# What an anonymised child's or guardian's first name reads (accountability/anonymise.py:
# erasure requests and the retention schedule anonymise; the rows stay, see there).
ANONYMISED = "[geanonimiseerd]"


@transaction.atomic
def child_anonymise(*, child: Child, actor, reason: str, request_id: int | None = None) -> bool:
    """Remove the child's name, exact date of birth, own number and group. Keeps the
    organisation, location, year of birth, the VVE programme and the start and leaving
    dates (not identifying on their own; the retention clock needs the leaving date).
    Returns False when the record was already anonymised."""
    child = child_lock(child=child)
    if child.first_name == ANONYMISED:
        return False
    child.first_name = ANONYMISED
    child.name_prefix = ""
    child.last_name = ""
    child.external_id = ""
    child.group_name = ""
    child.date_of_birth = child.date_of_birth.replace(month=1, day=1)
    child.save(update_fields=["first_name", "name_prefix", "last_name", "external_id", "group_name", "date_of_birth"])
    audit_record(
        organisation=child.organisation,
        actor=actor,
        action="child.anonymised",
        target=child,
        payload={"reason": reason, "request": request_id},
    )
    return True


@transaction.atomic
def guardian_anonymise(
    *, guardian: Guardian, actor, reason: str, request_id: int | None = None, unlink_login: bool = True
) -> bool:
    """Remove the guardian's name and contact details. `unlink_login` also removes the link
    to the person's login (the login itself stays: it may belong to their records at the
    other organisation). An erasure request keeps the link until the request's own
    retention, so that the parent can still read its outcome in the portal; the retention
    schedule removes it. Returns False when there was nothing left to do."""
    guardian = Guardian.objects.select_for_update().get(pk=guardian.pk)
    fields: list[str] = []
    if guardian.first_name != ANONYMISED:
        guardian.first_name = ANONYMISED
        guardian.name_prefix = ""
        guardian.last_name = ""
        guardian.email = ""
        guardian.phone = ""
        guardian.external_id = ""
        fields += ["first_name", "name_prefix", "last_name", "email", "phone", "external_id"]
    if unlink_login and guardian.user_id is not None:
        guardian.user = None
        fields.append("user")
    if not fields:
        return False
    guardian.save(update_fields=fields)
    audit_record(
        organisation=guardian.organisation,
        actor=actor,
        action="guardian.anonymised",
        target=guardian,
        payload={"reason": reason, "request": request_id, "login_unlinked": "user" in fields},
    )
    return True
