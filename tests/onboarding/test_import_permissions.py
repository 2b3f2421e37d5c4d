"""Who may import: the organisation's director, or a staff member the director
authorised. Other members get 403, everyone outside the organisation 404 (including
the operator: the app's pages grant superusers nothing)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from ikc_share import services as core_services
from ikc_share.models import AuditEvent, Child
from onboarding import services
from onboarding.models import ImportPermission


def _start(org):
    return reverse("ikc_share:import-start", kwargs={"org_pk": org.pk})


@pytest.mark.parametrize(
    "member, status",
    [
        ("director_childcare", 200),
        ("staff_childcare", 403),
        ("po_childcare", 403),
        ("director_school", 404),
        ("staff_school", 404),
        ("po_school", 404),
        ("parent_a", 404),
        ("stranger", 404),
        ("operator", 404),
    ],
)
def test_who_may_open_the_import_page(world, login, member, status):
    assert login(world.user(member)).get(_start(world.childcare)).status_code == status


def test_director_authorises_a_staff_member_who_then_imports(world, login, import_flow):
    director = login(world.user("director_childcare"))
    staff = world.membership("staff_childcare")
    page = director.get(reverse("ikc_share:import-access", kwargs={"org_pk": world.childcare.pk})).content.decode()
    assert world.user("staff_childcare").get_full_name() in page
    response = director.post(
        reverse("ikc_share:import-access", kwargs={"org_pk": world.childcare.pk}), {"membership": staff.pk}
    )
    assert response.status_code == 302
    assert ImportPermission.objects.filter(membership=staff).exists()
    event = AuditEvent.objects.get(action="import_permission.granted")
    assert event.actor_id == world.user("director_childcare").pk and event.target_id == str(staff.pk)

    flow = import_flow("staff_childcare")
    job = flow.run("childcare_utf8_bom.csv")
    assert job.created_by == world.user("staff_childcare")
    assert Child.objects.filter(external_id="K-101", organisation=world.childcare).exists()
    # Marking leavers stays with the director, and so does deciding who may import.
    leavers = reverse("ikc_share:import-leavers", kwargs={"pk": job.pk})
    assert flow.client.get(leavers).status_code == 403
    assert flow.client.get(reverse("ikc_share:import-access", kwargs={"org_pk": world.childcare.pk})).status_code == 403
    other = Client()
    other.force_login(world.user("director_childcare"))
    assert other.get(leavers).status_code == 200


def test_revoking_the_right_closes_the_pages(world, login, import_flow):
    grant = services.import_permission_grant(
        membership=world.membership("staff_childcare"), actor=world.user("director_childcare")
    )
    flow = import_flow("staff_childcare")
    flow.upload("childcare_utf8_bom.csv")
    job = flow.job()
    detail = reverse("ikc_share:import-detail", kwargs={"pk": job.pk})
    assert flow.client.get(detail).status_code == 302  # to the mapping page
    director = Client()
    director.force_login(world.user("director_childcare"))
    director.post(reverse("ikc_share:import-access-revoke", kwargs={"pk": grant.pk}))
    assert not ImportPermission.objects.exists()
    assert AuditEvent.objects.filter(action="import_permission.revoked").exists()
    assert flow.client.get(detail).status_code == 403
    assert flow.client.get(_start(world.childcare)).status_code == 403


def test_the_right_ends_with_the_membership(world, login):
    staff = world.membership("staff_childcare")
    services.import_permission_grant(membership=staff, actor=world.user("director_childcare"))
    core_services.membership_deactivate(membership=staff, actor=world.user("director_childcare"))
    assert login(world.user("staff_childcare")).get(_start(world.childcare)).status_code == 404
    core_services.membership_reactivate(membership=staff, actor=world.user("director_childcare"))
    assert login(world.user("staff_childcare")).get(_start(world.childcare)).status_code == 200
    core_services.membership_update(
        membership=staff,
        actor=world.user("director_childcare"),
        role="privacy_officer",
        function_title=None,
        locations=[],
    )
    assert login(world.user("staff_childcare")).get(_start(world.childcare)).status_code == 403


def test_only_staff_can_be_authorised(world):
    with pytest.raises(ValidationError):
        services.import_permission_grant(
            membership=world.membership("po_childcare"), actor=world.user("director_childcare")
        )


def test_other_organisation_cannot_reach_a_job(world, login, import_flow):
    flow = import_flow()
    flow.upload("childcare_utf8_bom.csv")
    job = flow.job()
    services.import_permission_grant(membership=world.membership("staff_school"), actor=world.user("director_school"))
    for member in ("director_school", "staff_school", "po_school", "operator", "parent_a"):
        client = login(world.user(member))
        for name in ("import-detail", "import-mapping", "import-leavers"):
            assert client.get(reverse(f"ikc_share:{name}", kwargs={"pk": job.pk})).status_code == 404, (member, name)
        for name in ("import-confirm", "import-cancel"):
            assert client.post(reverse(f"ikc_share:{name}", kwargs={"pk": job.pk})).status_code == 404, (member, name)
    job.refresh_from_db()
    assert job.status == "uploaded"


def test_staff_of_the_other_organisation_cannot_import_there(world, login):
    services.import_permission_grant(membership=world.membership("staff_school"), actor=world.user("director_school"))
    client = login(world.user("staff_school"))
    assert client.get(_start(world.school)).status_code == 200
    assert client.get(_start(world.childcare)).status_code == 404
    assert (
        client.get(
            reverse("ikc_share:import-template", kwargs={"org_pk": world.childcare.pk, "preset": "generic"})
        ).status_code
        == 404
    )


def test_wrong_methods_get_405(world, login):
    client = login(world.user("director_childcare"))
    assert client.get(reverse("ikc_share:import-confirm", kwargs={"pk": 1})).status_code == 405
    assert client.delete(_start(world.childcare)).status_code == 405
    assert (
        client.post(
            reverse("ikc_share:import-template", kwargs={"org_pk": world.childcare.pk, "preset": "generic"})
        ).status_code
        == 405
    )


def test_the_children_page_links_to_the_import_for_those_who_may(world, login):
    url = reverse("ikc_share:organisation-children", kwargs={"org_pk": world.childcare.pk})
    link = reverse("ikc_share:import-start", kwargs={"org_pk": world.childcare.pk})
    assert link in login(world.user("director_childcare")).get(url).content.decode()
    assert link not in login(world.user("staff_childcare")).get(url).content.decode()
    assert link not in login(world.user("po_childcare")).get(url).content.decode()
    services.import_permission_grant(
        membership=world.membership("staff_childcare"), actor=world.user("director_childcare")
    )
    assert link in login(world.user("staff_childcare")).get(url).content.decode()
