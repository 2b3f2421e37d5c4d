"""Every state change of the core domain. Plain functions with keyword-only arguments;
each runs in one transaction and writes its audit event as the last step."""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ikc_share import permissions
from ikc_share.audit import audit_record
from ikc_share.models import Child, FunctionTitle, Ikc, Location, Membership, Organisation
from onboarding import invitations

User = get_user_model()


@transaction.atomic
def organisation_create(*, ikc: Ikc, name: str, kind: str, actor=None, **fields) -> Organisation:
    org = Organisation.objects.create(ikc=ikc, name=name, kind=kind, **fields)
    audit_record(
        organisation=org, actor=actor, action="organisation.created", target=org, payload={"ikc": ikc.pk, "kind": kind}
    )
    return org


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
        invitations.member_invitation_create(membership=membership, actor=actor)
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


@transaction.atomic
def membership_deactivate(*, membership: Membership, actor) -> Membership:
    if membership.user_id == getattr(actor, "pk", None):
        raise ValidationError(_("U kunt uzelf niet deactiveren."))
    if not membership.is_active:
        raise ValidationError(_("Dit lidmaatschap is al gedeactiveerd."))
    if membership.role == Membership.Role.DIRECTOR:
        _ensure_other_director(membership)
    membership.is_active = False
    membership.deactivated_at = timezone.now()
    membership.save(update_fields=["is_active", "deactivated_at"])
    permissions.membership_grants_sync(membership)
    audit_record(
        organisation=membership.organisation,
        actor=actor,
        action="membership.deactivated",
        target=membership,
        payload={"user": membership.user_id},
    )
    return membership


@transaction.atomic
def membership_reactivate(*, membership: Membership, actor) -> Membership:
    if membership.is_active:
        raise ValidationError(_("Dit lidmaatschap is al actief."))
    membership.is_active = True
    membership.deactivated_at = None
    membership.save(update_fields=["is_active", "deactivated_at"])
    permissions.membership_grants_sync(membership)
    audit_record(
        organisation=membership.organisation,
        actor=actor,
        action="membership.reactivated",
        target=membership,
        payload={"user": membership.user_id},
    )
    return membership


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
