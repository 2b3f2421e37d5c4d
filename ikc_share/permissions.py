"""Who may see and change what. The ONLY place that decides access.

Grants (django-guardian object permissions) are made on the organisation and on its
locations when a membership changes, never one per child: access to children (and, in
the other apps, agreements and transfers) is derived from those grants here.

Pattern: fetch through a queryset filtered to what the user may see (absent → 404, so
a stranger learns nothing about existence), then check the change permission (→ 403).

Global (model-level) permissions and superuser status grant NOTHING on the app's pages:
every lookup uses accept_global_perms=False and with_superuser=False. Superusers use the
Django admin and, as the operator (`is_operator`), the onboarding console.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404
from guardian.models import UserObjectPermission
from guardian.shortcuts import assign_perm, get_objects_for_user, remove_perm

from ikc_share.models import Child, Guardian, Location, Membership, Organisation

READ = "read_organisation"
ACT = "act_for_organisation"
MANAGE = "manage_organisation"
AUDIT = "audit_organisation"
ORG_PERMS = (READ, ACT, MANAGE, AUDIT)
VIEW_CHILDREN = "view_location_children"

ROLE_ORG_PERMS: dict[str, tuple[str, ...]] = {
    Membership.Role.DIRECTOR: (READ, ACT, MANAGE, AUDIT),
    Membership.Role.STAFF: (READ, ACT),
    Membership.Role.PRIVACY_OFFICER: (READ, AUDIT),  # reads everything, decides nothing
}

User = AbstractBaseUser | AnonymousUser
M = TypeVar("M")


def _objects(user: User, perm: str, klass) -> QuerySet:
    if not user.is_authenticated or not user.is_active:
        return klass.objects.none()
    return get_objects_for_user(user, f"ikc_share.{perm}", klass, accept_global_perms=False, with_superuser=False)


def is_operator(user: User) -> bool:
    """The operator (an active superuser) sets up IKCs in the onboarding console: the one
    place where superuser status counts (onboarding/permissions.py)."""
    return bool(user.is_authenticated and user.is_active and user.is_superuser)


# --- Grants ----------------------------------------------------------------------------


def membership_grants_sync(membership: Membership) -> None:
    """Make the user's grants on this organisation and its locations match the membership."""
    org = membership.organisation
    user = membership.user
    for perm in ORG_PERMS:
        remove_perm(f"ikc_share.{perm}", user, org)
    locations = list(org.locations.all())
    for loc in locations:
        remove_perm(f"ikc_share.{VIEW_CHILDREN}", user, loc)
    if not membership.is_active:
        return
    for perm in ROLE_ORG_PERMS[membership.role]:
        assign_perm(f"ikc_share.{perm}", user, org)
    if membership.role == Membership.Role.STAFF:
        chosen = list(membership.locations.all())
        locations = chosen or locations  # none chosen = all locations
    for loc in locations:
        assign_perm(f"ikc_share.{VIEW_CHILDREN}", user, loc)


# --- Organisations ----------------------------------------------------------------------


def organisations_for(user: User, perm: str = READ) -> QuerySet[Organisation]:
    return _objects(user, perm, Organisation)


def org_perms(user: User, organisation_pk: int) -> set[str]:
    """The user's own object permissions on one organisation (codenames), in one small
    query: the same grants as organisations_for() (user grants only: the app never grants
    to groups; no global permissions, superusers get nothing extra)."""
    if not user.is_authenticated or not user.is_active:
        return set()
    return set(
        UserObjectPermission.objects.filter(
            user_id=user.pk,
            content_type=ContentType.objects.get_for_model(Organisation),
            object_pk=str(organisation_pk),
        ).values_list("permission__codename", flat=True)
    )


def has_org_perm(user: User, organisation: Organisation, perm: str) -> bool:
    return perm in org_perms(user, organisation.pk)


def handles_rights(user: User, organisation: Organisation) -> bool:
    """Who handles parents' rights for the organisation (rights requests, incidents,
    restrictions of processing): the director (MANAGE), or a staff member the director
    marked as privacy contact. Never the privacy officer as such: they advise and decide
    nothing (art. 38(6) AVG)."""
    if has_org_perm(user, organisation, MANAGE):
        return True
    if not user.is_authenticated:
        return False
    return Membership.objects.filter(
        user=user, organisation=organisation, is_active=True, role=Membership.Role.STAFF, is_privacy_contact=True
    ).exists()


def get_organisation(user: User, pk: int, *, need: str = READ) -> Organisation:
    """404 unless the user is a member; 403 if a member lacks `need`."""
    perms = org_perms(user, pk)
    org = Organisation.objects.filter(pk=pk).first() if READ in perms else None
    if org is None:
        raise Http404
    if need != READ and need not in perms:
        raise PermissionDenied
    return org


def get_in_organisations(
    queryset: QuerySet[M], user: User, pk: int, *, may: Callable[[Organisation], bool], via: str = "organisation"
) -> M:
    """Row `pk` of `queryset` when it belongs (through the `via` relation) to one of the
    user's organisations, else 404; 403 unless `may(that organisation)`."""
    row = queryset.filter(pk=pk, **{f"{via}__in": organisations_for(user, READ)}).first()
    if row is None:
        raise Http404
    organisation = row
    for name in via.split("__"):
        organisation = getattr(organisation, name)
    if not may(organisation):
        raise PermissionDenied
    return row


def active_memberships(user: User) -> QuerySet[Membership]:
    if not user.is_authenticated:
        return Membership.objects.none()
    return (
        Membership.objects.filter(user=user, is_active=True)
        .select_related("organisation", "function_title")
        .order_by("organisation__name")
    )


def get_membership(user: User, pk: int, *, need: str = MANAGE) -> Membership:
    return get_in_organisations(
        Membership.objects.select_related("user", "organisation", "function_title"),
        user,
        pk,
        may=lambda organisation: has_org_perm(user, organisation, need),
    )


# --- Children ---------------------------------------------------------------------------


def locations_for(user: User) -> QuerySet[Location]:
    return _objects(user, VIEW_CHILDREN, Location)


def children_for(user: User) -> QuerySet[Child]:
    """Children whose record the user may read as staff, director or privacy officer."""
    return Child.objects.filter(location__in=locations_for(user))


def get_child(user: User, pk: int) -> Child:
    child = children_for(user).select_related("organisation", "location").filter(pk=pk).first()
    if child is None:
        raise Http404
    return child


# --- Parents ----------------------------------------------------------------------------


def guardian_records(user: User) -> QuerySet[Guardian]:
    if not user.is_authenticated:
        return Guardian.objects.none()
    return Guardian.objects.filter(user=user)


def children_of_parent(user: User, *, with_authority_only: bool = False) -> QuerySet[Child]:
    if not user.is_authenticated:
        return Child.objects.none()
    conditions = {"guardianships__guardian__user": user}
    if with_authority_only:
        conditions["guardianships__has_parental_authority"] = True
    return Child.objects.filter(**conditions).distinct()
