"""Issue 19.1: the Django admin. The operator sees no children, guardians or other people's
data there, changes nothing structural, adds and deletes nothing (but a lost phone's
two-factor device), every change is in the audit trail, and where two-factor login is
required (production) the admin asks it too."""

from __future__ import annotations

import json

import pytest
from django.contrib import admin
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from guardian.models import UserObjectPermission

from ikc_share.audit import chain_for
from ikc_share.models import AuditEvent, Child, Location

pytestmark = pytest.mark.django_db

# Every model the admin shows: none holds a child's, a guardian's or a parent's data.
REGISTERED = {
    "ikc_share.ikc",
    "ikc_share.organisation",
    "ikc_share.location",
    "ikc_share.functiontitle",
    "otp_totp.totpdevice",
    "agreements.datacategory",
    "agreements.agreement",
    "agreements.agreementversion",
    "agreements.approval",
}


def test_the_admin_registers_no_model_with_personal_data():
    assert {m._meta.label_lower for m in admin.site._registry} == REGISTERED
    for model in admin.site._registry:
        names = {f.related_model._meta.label_lower for f in model._meta.get_fields() if f.related_model}
        assert not names & {
            "ikc_share.child",
            "ikc_share.guardian",
            "ikc_share.guardianship",
        } or model._meta.label_lower in {
            "ikc_share.organisation",  # the reverse relations of its own records; its admin shows none
            "ikc_share.location",
        }


@pytest.fixture
def operator(world, client):
    client.force_login(world.user("operator"))
    return client


@pytest.mark.parametrize(
    "path",
    [
        "/admin/ikc_share/child/",
        "/admin/ikc_share/guardian/",
        "/admin/ikc_share/guardianship/",
        "/admin/ikc_share/membership/",
        "/admin/ikc_share/auditevent/",
        "/admin/auth/user/",
        "/admin/auth/group/",
        "/admin/axes/accessattempt/",
        "/admin/axes/accesslog/",
    ],
)
def test_the_operator_finds_no_children_guardians_or_logins(operator, path):
    assert operator.get(path).status_code == 404


def test_the_operator_cannot_move_a_child_through_the_admin(world, operator):
    child = world.child_school
    response = operator.post(f"/admin/ikc_share/child/{child.pk}/change/", {"location": world.daycare.pk})
    assert response.status_code == 404
    child.refresh_from_db()
    assert child.location_id == world.school_location.pk


def test_the_operator_cannot_grant_themselves_access_to_a_location(world, operator):
    """Location and Organisation were GuardedModelAdmins: their object-permission page let
    the operator grant themselves `view_children`."""
    url = f"/admin/ikc_share/location/{world.daycare.pk}/permissions/"
    assert operator.get(url).status_code != 200
    operator.post(url, {"user": world.user("operator").username, "submit_manage_user": "1"})
    assert not UserObjectPermission.objects.filter(user=world.user("operator")).exists()


def test_changing_an_organisation_is_audited_and_its_structure_stays(world, operator):
    organisation = world.childcare
    url = f"/admin/ikc_share/organisation/{organisation.pk}/change/"
    page = operator.get(url)
    assert page.status_code == 200
    data = {
        "name": "Kinderopvang Nieuw",
        "kvk_number": organisation.kvk_number,
        "brin_number": organisation.brin_number,
        "address": organisation.address,
        "postal_code": organisation.postal_code,
        "city": organisation.city,
        "privacy_email": "privacy@example.nl",
        "privacy_officer_name": organisation.privacy_officer_name,
        "privacy_officer_email": organisation.privacy_officer_email,
        "privacy_officer_phone": organisation.privacy_officer_phone,
        "privacy_officer_address": organisation.privacy_officer_address,
        # Read-only: ignored when posted.
        "kind": "school",
        "ikc": organisation.ikc_id + 1000,
    }
    response = operator.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    organisation.refresh_from_db()
    assert organisation.name == "Kinderopvang Nieuw" and organisation.kind == "childcare"
    event = AuditEvent.objects.get(action="admin.changed")
    assert event.chain == chain_for(organisation) and event.actor_id == world.user("operator").pk
    assert json.loads(event.payload) == {"model": "ikc_share.organisation", "fields": ["name", "privacy_email"]}
    assert "Kinderopvang Nieuw" not in event.canonical  # field names only, never values
    # The organisation's privacy officer reads it in the audit trail.
    po = operator
    po.force_login(world.user("po_childcare"))
    trail = po.get(reverse("ikc_share:organisation-audit", kwargs={"org_pk": organisation.pk})).content.decode()
    assert "wijzigde via het technisch beheer de organisatie (velden: name, privacy_email)" in trail


def test_nothing_is_added_or_deleted_in_the_admin(world, operator):
    assert operator.get("/admin/ikc_share/organisation/add/").status_code == 403
    assert operator.get(f"/admin/ikc_share/location/{world.daycare.pk}/delete/").status_code == 403
    assert operator.post(f"/admin/ikc_share/location/{world.daycare.pk}/delete/", {"post": "yes"}).status_code == 403
    assert Location.objects.filter(pk=world.daycare.pk).exists() and Child.objects.count() == 3
    assert operator.get("/admin/agreements/datacategory/add/").status_code == 403


def test_removing_a_lost_two_factor_device_is_audited_per_organisation(world, operator):
    director = world.user("director_childcare")
    device = TOTPDevice.objects.create(user=director, name="authenticator", confirmed=True)
    page = operator.get(f"/admin/otp_totp/totpdevice/{device.pk}/change/").content.decode()
    assert device.key not in page and "qrcode" not in page  # its secret is never shown
    response = operator.post(f"/admin/otp_totp/totpdevice/{device.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(pk=device.pk).exists()
    event = AuditEvent.objects.get(action="admin.two_factor_removed")
    assert event.chain == chain_for(world.childcare) and json.loads(event.payload)["user"] == director.pk


def test_the_admin_asks_the_second_factor_where_it_is_required(world, client, settings):
    settings.OTP_REQUIRED_FOR_ROLES = ["director", "staff", "privacy_officer"]
    operator = world.user("operator")
    client.force_login(operator)
    response = client.get("/admin/ikc_share/organisation/")
    assert response.status_code == 302 and response["Location"].startswith(reverse("ikc_share:otp-setup"))
    client.get(reverse("ikc_share:otp-setup"))
    device = TOTPDevice.objects.get(user=operator)
    setup = client.post(f"{reverse('ikc_share:otp-setup')}?next=/admin/", {"token": f"{totp(device.bin_key):06d}"})
    assert setup.status_code == 302 and setup["Location"] == "/admin/"
    assert client.get("/admin/ikc_share/organisation/").status_code == 200


def test_the_admin_login_is_the_apps_own(world, client):
    response = client.get("/admin/")
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")
    login = client.get(response["Location"])
    assert login.status_code == 302 and login["Location"].startswith(reverse("ikc_share:login"))
    assert "next=/admin/" in login["Location"]
    client.force_login(world.user("director_childcare"))
    assert client.get("/admin/").status_code == 302
    assert client.get("/admin/login/?next=/admin/").status_code == 404
