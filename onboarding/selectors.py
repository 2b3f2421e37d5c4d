"""Read queries for onboarding. Callers fetch the organisation or job through
onboarding/permissions.py first; these functions only read."""

from __future__ import annotations

import datetime
import hashlib
from collections import defaultdict
from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.utils import timezone

from ikc_share import selectors as core_selectors
from ikc_share.choices import MembershipRole
from onboarding.models import ImportJob, ImportMapping, ImportPermission, Invitation
from onboarding.rules import Existing, LocationInfo, name_key

if TYPE_CHECKING:
    from ikc_share.models import Child, Guardian, Ikc, Membership, Organisation

User = get_user_model()


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def invitation_by_token(token: str) -> Invitation | None:
    if not token or len(token) > 100:
        return None
    return (
        Invitation.objects.select_related("organisation", "user", "membership", "guardian")
        .filter(token_hash=token_hash(token))
        .first()
    )


def open_invitations_of(user) -> QuerySet[Invitation]:
    return Invitation.objects.filter(user=user, accepted_at__isnull=True, revoked_at__isnull=True)


def invitations_of(organisation: Organisation) -> QuerySet[Invitation]:
    return (
        Invitation.objects.filter(organisation=organisation)
        .select_related("user", "membership", "guardian")
        .order_by("-created_at", "-id")
    )


def guardians_without_login(organisation: Organisation) -> QuerySet[Guardian]:
    return core_selectors.guardians_of(organisation=organisation).filter(user__isnull=True).exclude(email="")


def ikcs_overview() -> QuerySet[Ikc]:
    return core_selectors.ikcs().prefetch_related("organisations__locations").order_by("name")


def directors_of(organisation: Organisation) -> QuerySet[Membership]:
    return organisation.memberships.filter(role=MembershipRole.DIRECTOR).select_related("user")


def location_infos(organisation: Organisation) -> list[LocationInfo]:
    return [
        LocationInfo(
            id=loc.pk,
            name=loc.name,
            kind=loc.kind,
            kind_label=str(loc.get_kind_display()),
            registry_code=loc.registry_code,
            age_range=loc.AGE_RANGES[loc.kind],
        )
        for loc in organisation.locations.order_by("name")
    ]


def remembered_mapping(organisation: Organisation) -> ImportMapping | None:
    return ImportMapping.objects.filter(organisation=organisation).first()


def recent_jobs(organisation: Organisation, limit: int = 10) -> list[ImportJob]:
    return list(ImportJob.objects.filter(organisation=organisation).order_by("-created_at", "-id")[:limit])


def previous_import_of_same_file(job: ImportJob) -> ImportJob | None:
    return (
        ImportJob.objects.filter(
            organisation=job.organisation, file_sha256=job.file_sha256, status=ImportJob.Status.DONE
        )
        .exclude(pk=job.pk)
        .order_by("-finished_at")
        .first()
    )


def import_permissions_of(organisation: Organisation) -> QuerySet[ImportPermission]:
    return ImportPermission.objects.filter(membership__organisation=organisation).select_related(
        "membership__user", "membership__function_title"
    )


def staff_without_import_permission(organisation: Organisation) -> QuerySet[Membership]:
    return (
        organisation.memberships.filter(role=MembershipRole.STAFF, is_active=True, import_permission__isnull=True)
        .select_related("user")
        .order_by("user__last_name", "user__first_name")
    )


def leavers(job: ImportJob) -> QuerySet[Child]:
    """Children of the job's organisation that were no longer in the file and have not
    been marked as left since."""
    return (
        core_selectors.children_of(organisation=job.organisation)
        .filter(pk__in=job.missing_child_ids, left_on__isnull=True)
        .select_related("location")
        .order_by("location__name", "group_name", "last_name", "first_name")
    )


def existing_records(organisation: Organisation) -> Existing:
    """Everything an import compares with, in four queries."""
    child_fields = [
        "id",
        "external_id",
        "location_id",
        "group_name",
        "first_name",
        "name_prefix",
        "last_name",
        "date_of_birth",
        "vve_programme",
        "vve_months",
        "started_on",
        "left_on",
    ]
    children: dict[str, dict] = {}
    active: list[tuple[int, str, int]] = []
    for row in core_selectors.children_of(organisation=organisation).values(*child_fields):
        if row["external_id"]:
            children[row["external_id"]] = row
        if row["left_on"] is None:
            active.append((row["id"], row["external_id"], row["location_id"]))
    guardians: dict[int, dict] = {}
    by_email: dict[str, list[int]] = defaultdict(list)
    for row in core_selectors.guardians_of(organisation=organisation).values(
        "id", "first_name", "name_prefix", "last_name", "email", "phone"
    ):
        row["name_norm"] = name_key(row["first_name"], row["name_prefix"], row["last_name"])
        guardians[row["id"]] = row
        if row["email"]:
            by_email[row["email"].lower()].append(row["id"])
    links: dict[tuple[int, int], tuple[int, bool]] = {}
    of_child: dict[int, list[int]] = defaultdict(list)
    for pk, guardian_id, child_id, authority in core_selectors.guardianships(
        children=core_selectors.children_of(organisation=organisation)
    ).values_list("id", "guardian_id", "child_id", "has_parental_authority"):
        links[(guardian_id, child_id)] = (pk, authority)
        of_child[child_id].append(guardian_id)
    return Existing(
        children=children,
        active_children=active,
        guardians=guardians,
        guardians_by_email=by_email,
        links=links,
        guardians_of_child=of_child,
    )


def stale_jobs(*, older_than_days: int = 7) -> QuerySet[ImportJob]:
    cutoff = timezone.now() - datetime.timedelta(days=older_than_days)
    return ImportJob.objects.filter(created_at__lt=cutoff).exclude(file="").exclude(status__in=ImportJob.ACTIVE)
