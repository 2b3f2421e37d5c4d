"""Objects the onboarding tests and the permission matrix need (idempotent: the matrix
calls its kwargs lambdas once per cast member)."""

from __future__ import annotations

import datetime

from django.contrib.auth import get_user_model
from django.utils import timezone

from onboarding.models import ImportJob, ImportPermission, Invitation
from onboarding.selectors import token_hash

MATRIX_TOKEN = "matrix-invitation-token"


def matrix_job(world) -> ImportJob:
    """A checked import of the childcare organisation, without problems. It has no stored
    file (the matrix must not write files), so its mapping page redirects to the job."""
    job = ImportJob.objects.filter(organisation=world.childcare, file_name="matrix.csv").first()
    if job is None:
        job = ImportJob.objects.create(
            organisation=world.childcare,
            created_by=world.user("director_childcare"),
            file_name="matrix.csv",
            status=ImportJob.Status.CHECKED,
            headers=["nummer"],
            row_count=1,
            columns={"external_id": "nummer"},
            summary={"children_created": 1},
            missing_child_ids=[world.child_daycare.pk],
        )
    return job


def matrix_staff_invitation(world) -> Invitation:
    """An open invitation of the childcare organisation (for a new staff member)."""
    invitation = Invitation.objects.filter(organisation=world.childcare, email="nieuw@example.nl").first()
    if invitation is None:
        user = get_user_model().objects.filter(username="nieuw@example.nl").first()
        if user is None:
            user = get_user_model()(username="nieuw@example.nl", email="nieuw@example.nl")
            user.set_unusable_password()
            user.save()
        from ikc_share.models import Membership

        membership = Membership.objects.create(user=user, organisation=world.childcare, role="staff")
        now = timezone.now()
        invitation = Invitation.objects.create(
            organisation=world.childcare,
            kind="member",
            user=user,
            membership=membership,
            email=user.email,
            token_hash=token_hash(MATRIX_TOKEN),
            sent_at=now,
            expires_at=now + datetime.timedelta(days=7),
            send_count=1,
        )
    return invitation


def matrix_director_invitation(world) -> Invitation:
    """An open invitation of the childcare director (the operator's resend/revoke)."""
    membership = world.membership("director_childcare")
    invitation = Invitation.objects.filter(membership=membership).first()
    if invitation is None:
        invitation = Invitation.objects.create(
            organisation=world.childcare,
            kind="member",
            user=membership.user,
            membership=membership,
            email=membership.user.email,
        )
    return invitation


def matrix_import_permission(world) -> ImportPermission:
    membership = world.membership("staff_childcare")
    grant, _ = ImportPermission.objects.get_or_create(membership=membership)
    return grant
