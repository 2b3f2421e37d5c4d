"""Who may do what with letters, beyond the route matrix (which uses an active version):
drafts, the two sides of an agreement, and batches."""

from __future__ import annotations

import pytest
from django.http import Http404
from django.urls import reverse

from agreements.letters import permissions as perms
from agreements.letters.models import LetterBatch
from agreements.letters.personal import letter_personal_ensure
from agreements.letters.storage import letter_generic_ensure

ROLES = [
    "director_childcare",
    "staff_childcare",
    "po_childcare",
    "director_school",
    "staff_school",
    "po_school",
    "parent_a",
    "stranger",
]

# A draft: directors and privacy officers of both sides preview it; staff never see drafts.
DRAFT_PREVIEW = {
    "director_childcare": 200,
    "po_childcare": 200,
    "director_school": 200,
    "po_school": 200,
    "staff_childcare": 404,
    "staff_school": 404,
    "parent_a": 404,
    "stranger": 404,
}
# An active version: staff see that it exists (403), outsiders do not (404).
ACTIVE_PREVIEW = {**DRAFT_PREVIEW, "staff_childcare": 403, "staff_school": 403}


@pytest.mark.parametrize(
    "status,expected", [("draft", DRAFT_PREVIEW), ("awaiting_approval", DRAFT_PREVIEW), ("active", ACTIVE_PREVIEW)]
)
def test_preview_access(world, client, version_factory, status, expected):
    version = version_factory(status=status)
    got = {}
    for role in ROLES:
        client.force_login(world.user(role))
        got[role] = client.get(
            reverse("agreements:letter-preview", kwargs={"version_pk": version.pk, "language": "nl"})
        ).status_code
    assert got == expected


def test_only_the_sending_directors_start_and_see_batches(world, client, version_factory):
    version = version_factory(basis="a")
    batch = LetterBatch.objects.create(version=version, requested_by=world.user("director_childcare"))
    start = {}
    view = {}
    for role in ROLES:
        client.force_login(world.user(role))
        start[role] = client.post(
            reverse("agreements:letter-batch-start", kwargs={"version_pk": version.pk}), {"language": "nl"}
        ).status_code
        view[role] = client.get(reverse("agreements:letter-batch", kwargs={"pk": batch.pk})).status_code
    assert start == {
        "director_childcare": 302,
        "staff_childcare": 403,
        "po_childcare": 403,
        "director_school": 403,
        "staff_school": 403,
        "po_school": 403,
        "parent_a": 404,
        "stranger": 404,
    }
    assert view == {
        "director_childcare": 200,
        "staff_childcare": 403,
        "po_childcare": 403,
        "director_school": 404,
        "staff_school": 404,
        "po_school": 404,
        "parent_a": 404,
        "stranger": 404,
    }


def test_superusers_get_nothing_from_their_global_status(world, client, version_factory):
    from tests.factories import UserFactory

    admin = UserFactory(username="root", is_superuser=True, is_staff=True)
    version = version_factory(status="draft")
    client.force_login(admin)
    assert client.get(reverse("agreements:version-letters", kwargs={"version_pk": version.pk})).status_code == 404


def test_a_deactivated_privacy_officer_loses_access(world, client, version_factory):
    from ikc_share import services

    version = version_factory(status="draft")
    services.membership_deactivate(membership=world.membership("po_school"), actor=None)
    client.force_login(world.user("po_school"))
    assert client.get(reverse("agreements:version-letters", kwargs={"version_pk": version.pk})).status_code == 404


def test_public_letter_needs_an_active_version(world, version_factory):
    version = version_factory(basis="a")
    letter = letter_generic_ensure(version=version, language="nl")
    assert perms.get_public_letter(letter.public_token) == letter
    version.status = "ended"
    version.save(update_fields=["status"])
    with pytest.raises(Http404):
        perms.get_public_letter(letter.public_token)


def test_personal_letters_have_no_public_page(world, client, version_factory):
    version = version_factory(basis="a")
    generic = letter_generic_ensure(version=version, language="nl")
    ship = world.child_daycare.guardianships.select_related("guardian").first()
    personal = letter_personal_ensure(
        version=version, language="nl", child=world.child_daycare, guardian=ship.guardian, generic=generic
    )
    url = reverse("agreements:letter-public", kwargs={"token": personal.public_token})
    assert client.get(url).status_code == 404
