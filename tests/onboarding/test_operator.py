"""The operator console: a superuser sets up an IKC, its organisations and locations, and
invites the directors. Nobody else finds the console (404), and the operator's superuser
status opens nothing else."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from ikc_share.models import AuditEvent, Child, Ikc, Location, Membership, Organisation
from onboarding.models import Invitation
from tests.factories import UserFactory
from tests.onboarding.conftest import ImportFlow, dob

PASSWORD = "Zomer-aan-zee-2026"
LINK = re.compile(r"https?://[^/\s]+(/account/set-password/[A-Za-z0-9_-]+/)")


@pytest.fixture
def operator(world, login):
    return login(world.user("operator"))


def _org_form(**extra):
    return {
        "name": "Kinderopvang Zonnebloem",
        "kind": "childcare",
        "kvk_number": "12345678",
        "brin_number": "",
        "address": "Zonnelaan 1",
        "postal_code": "1234 AB",
        "city": "Utrecht",
        "privacy_email": "Privacy@Zonnebloem.example.nl",
        "privacy_officer_name": "Karin de Groot",
        "location_name": "KDV Zonnebloem",
        "location_kind": "daycare",
        "location_registry_code": "LRK 111222333",
        "location_address": "Zonnelaan 1, Utrecht",
        **extra,
    }


@pytest.mark.parametrize("member", ["director_childcare", "staff_childcare", "po_school", "parent_a", "stranger"])
def test_the_console_is_invisible_to_everyone_else(world, login, member):
    client = login(world.user(member))
    assert client.get(reverse("ikc_share:operator-home")).status_code == 404
    assert client.post(reverse("ikc_share:operator-ikc-create"), {"name": "X"}).status_code == 404
    assert not Ikc.objects.filter(name="X").exists()


def test_anonymous_is_sent_to_login(client):
    response = client.get(reverse("ikc_share:operator-home"))
    assert response.status_code == 302 and "/account/login/" in response.url


def test_an_inactive_superuser_is_no_operator(db, client):
    user = UserFactory(username="oud", is_superuser=True, is_staff=True, is_active=False)
    client.force_login(user)
    assert client.get(reverse("ikc_share:operator-home")).status_code in (302, 404)


def test_the_operator_gets_nothing_from_the_app_pages(world, operator):
    for url in [
        reverse("ikc_share:organisation-children", kwargs={"org_pk": world.childcare.pk}),
        reverse("ikc_share:child-detail", kwargs={"pk": world.child_daycare.pk}),
        reverse("ikc_share:import-start", kwargs={"org_pk": world.childcare.pk}),
        reverse("ikc_share:invitation-list", kwargs={"org_pk": world.childcare.pk}),
    ]:
        assert operator.get(url).status_code == 404, url


def test_new_ikc_from_scratch_to_imported_children(world, operator, mailoutbox, django_capture_on_commit_callbacks):
    """Operator: IKC, organisation with location, director. Director: password, two-factor
    prompt, import. Without the Django admin."""
    response = operator.post(reverse("ikc_share:operator-ikc-create"), {"name": "IKC De Zonnebloem"})
    ikc = Ikc.objects.get(name="IKC De Zonnebloem")
    assert response.url == reverse("ikc_share:operator-ikc-detail", kwargs={"pk": ikc.pk})
    assert ikc.slug == "ikc-de-zonnebloem"
    assert AuditEvent.objects.filter(action="ikc.created", organisation=None, actor=world.user("operator").pk).exists()

    response = operator.post(reverse("ikc_share:operator-organisation-create", kwargs={"pk": ikc.pk}), _org_form())
    assert response.status_code == 302
    org = Organisation.objects.get(ikc=ikc)
    assert (org.kind, org.kvk_number, org.privacy_email) == ("childcare", "12345678", "privacy@zonnebloem.example.nl")
    location = Location.objects.get(organisation=org)
    assert (location.kind, location.registry_code) == ("daycare", "LRK 111222333")
    response = operator.post(
        reverse("ikc_share:operator-location-create", kwargs={"org_pk": org.pk}),
        {"name": "BSO Zonnebloem", "kind": "bso", "registry_code": "", "address": ""},
    )
    assert response.status_code == 302 and org.locations.count() == 2

    with django_capture_on_commit_callbacks(execute=True):
        response = operator.post(
            reverse("ikc_share:operator-director-invite", kwargs={"org_pk": org.pk}),
            {"first_name": "Petra", "last_name": "Zon", "email": "Petra.Zon@Zonnebloem.nl"},
        )
    assert response.status_code == 302
    membership = Membership.objects.get(organisation=org, role="director")
    assert membership.user.username == "petra.zon@zonnebloem.nl"
    invitation = Invitation.objects.get(membership=membership)
    assert invitation.created_by == world.user("operator")
    page = operator.get(reverse("ikc_share:operator-ikc-detail", kwargs={"pk": ikc.pk})).content.decode()
    assert "Petra Zon" in page and "verstuurd" in page and "KDV Zonnebloem" in page
    assert AuditEvent.objects.filter(
        action="membership.invited", organisation=org, actor=world.user("operator").pk
    ).exists()

    # The director accepts, sets a password and is asked to set up two-factor login.
    director = Client()
    path = LINK.search(mailoutbox[0].body).group(1)
    assert "tweestapsverificatie" in mailoutbox[0].body
    response = director.post(path, {"new_password1": PASSWORD, "new_password2": PASSWORD})
    assert response.url.startswith(reverse("ikc_share:otp-setup"))
    assert director.get(response.url).status_code == 200
    # …and can now import the organisation's children.
    data = f"nummer;voornaam;achternaam;geboortedatum;locatie\nZ-1;Roos;Vos;{dob(2)};KDV Zonnebloem\n".encode()
    ImportFlow(director, org, django_capture_on_commit_callbacks).run("zonnebloem.csv", data=data)
    assert Child.objects.filter(organisation=org, external_id="Z-1").exists()


def test_operator_resends_and_revokes_a_director_invitation(
    world, operator, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        operator.post(
            reverse("ikc_share:operator-director-invite", kwargs={"org_pk": world.school.pk}),
            {"first_name": "Anna", "last_name": "Nieuw", "email": "anna@school.example.nl"},
        )
    invitation = Invitation.objects.get(email="anna@school.example.nl")
    with django_capture_on_commit_callbacks(execute=True):
        operator.post(reverse("ikc_share:operator-invitation-resend", kwargs={"pk": invitation.pk}))
    assert len(mailoutbox) == 2
    operator.post(reverse("ikc_share:operator-invitation-revoke", kwargs={"pk": invitation.pk}))
    invitation.refresh_from_db()
    assert invitation.status == "revoked"
    assert Client().get(LINK.search(mailoutbox[1].body).group(1)).status_code == 410


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"kvk_number": "", "brin_number": ""}, "Vul een KvK-nummer of een BRIN-/bestuursnummer in."),
        ({"kvk_number": "1234"}, "Een KvK-nummer heeft 8 cijfers."),
        ({"kind": "school", "kvk_number": "", "brin_number": "ABCD"}, "Vul een BRIN-code"),
        ({"location_kind": "school"}, "heeft geen locaties van het soort"),
        ({"location_kind": ""}, "zowel de naam als het soort"),
        ({"privacy_email": "geen-email"}, "e-mailadres"),
        ({"kind": "bso"}, "geldige keuze"),
    ],
)
def test_bad_organisation_input(world, operator, changes, message):
    response = operator.post(
        reverse("ikc_share:operator-organisation-create", kwargs={"pk": world.ikc.pk}), _org_form(**changes)
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Organisation.objects.filter(name="Kinderopvang Zonnebloem").exists()


def test_a_school_gets_school_locations_only(world, operator):
    response = operator.post(
        reverse("ikc_share:operator-location-create", kwargs={"org_pk": world.school.pk}),
        {"name": "Peuterspeelzaal", "kind": "preschool"},
    )
    assert "heeft geen locaties van het soort" in response.content.decode()
    assert not world.school.locations.filter(name="Peuterspeelzaal").exists()


def test_operator_needs_two_factor_where_it_is_required(world, operator, settings):
    settings.OTP_REQUIRED_FOR_ROLES = ["director", "privacy_officer"]
    response = operator.get(reverse("ikc_share:operator-home"))
    assert response.status_code == 302 and response.url.startswith(reverse("ikc_share:otp-setup"))
