"""Two controllers kept apart: who sees which child, who manages memberships, audit of
views, logins and membership changes, bad input."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from ikc_share.models import AuditEvent, Membership
from tests.factories import UserFactory


def _child_url(child):
    return reverse("ikc_share:child-detail", kwargs={"pk": child.pk})


def test_staff_see_only_their_own_controllers_children(world, login):
    client = login(world.user("staff_childcare"))
    page = client.get(reverse("ikc_share:organisation-children", kwargs={"org_pk": world.childcare.pk}))
    assert "Noah" in page.content.decode()
    assert client.get(_child_url(world.child_daycare)).status_code == 200
    assert client.get(_child_url(world.child_school)).status_code == 404
    assert client.get(reverse("ikc_share:organisation-children", kwargs={"org_pk": world.school.pk})).status_code == 404
    # Need-to-know: this staff member works at the daycare, not at the BSO.
    assert client.get(_child_url(world.child_bso)).status_code == 404

    school = login(world.user("staff_school"))
    assert school.get(_child_url(world.child_school)).status_code == 200
    assert school.get(_child_url(world.child_daycare)).status_code == 404


def test_child_detail_shows_guardians_and_authority(world, login):
    page = login(world.user("director_childcare")).get(_child_url(world.child_daycare)).content.decode()
    assert "Sanne" in page and "Mark" in page


def test_superuser_without_membership_sees_nothing(world, client):
    admin = UserFactory(username="root", is_superuser=True, is_staff=True)
    client.force_login(admin)
    assert client.get(_child_url(world.child_daycare)).status_code == 404
    assert (
        client.get(reverse("ikc_share:organisation-members", kwargs={"org_pk": world.childcare.pk})).status_code == 404
    )


def test_every_view_of_a_child_record_is_audited(world, login):
    staff = world.user("staff_childcare")
    login(staff).get(_child_url(world.child_daycare))
    event = AuditEvent.objects.filter(action="child.viewed").get()
    assert event.organisation == world.childcare
    assert event.actor_id == staff.pk and event.target_id == str(world.child_daycare.pk)
    assert "Noah" not in event.canonical  # ids only, no names


def test_privacy_officer_reads_members_but_cannot_change(world, login):
    client = login(world.user("po_childcare"))
    url = reverse("ikc_share:organisation-members", kwargs={"org_pk": world.childcare.pk})
    assert client.get(url).status_code == 200
    assert client.get(reverse("ikc_share:membership-invite", kwargs={"org_pk": world.childcare.pk})).status_code == 403


def test_director_invites_staff_who_gets_an_email_and_sees_children(
    world, login, mailoutbox, client, django_capture_on_commit_callbacks
):
    director = login(world.user("director_childcare"))
    with django_capture_on_commit_callbacks(execute=True):
        response = director.post(
            reverse("ikc_share:membership-invite", kwargs={"org_pk": world.childcare.pk}),
            {
                "first_name": "Fatima",
                "last_name": "el Amrani",
                "email": "Fatima@Example.nl",
                "role": "staff",
                "locations": [world.daycare.pk],
            },
        )
    assert response.status_code == 302
    membership = Membership.objects.get(user__email="fatima@example.nl")
    assert membership.role == "staff"
    assert len(mailoutbox) == 1 and "fatima@example.nl" in mailoutbox[0].to
    link = re.search(r"https?://\S+/account/set-password/\S+/", mailoutbox[0].body).group(0)
    path = link.split("://", 1)[1].split("/", 1)[1]
    client.logout()
    form = client.get("/" + path, follow=True)
    assert "Kies uw wachtwoord" in form.content.decode()
    set_url = form.redirect_chain[-1][0] if form.redirect_chain else "/" + path
    done = client.post(set_url, {"new_password1": "Zomer-aan-zee-2026", "new_password2": "Zomer-aan-zee-2026"})
    assert done.status_code == 302
    membership.user.refresh_from_db()
    assert membership.user.check_password("Zomer-aan-zee-2026")
    assert AuditEvent.objects.filter(action="membership.invited", organisation=world.childcare).exists()


def test_deactivation_removes_access_at_once(world, login):
    staff = world.user("staff_childcare")
    membership = world.membership("staff_childcare")
    response = login(world.user("director_childcare")).post(
        reverse("ikc_share:membership-deactivate", kwargs={"pk": membership.pk})
    )
    assert response.status_code == 302
    client = login(staff)
    assert client.get(_child_url(world.child_daycare)).status_code == 404
    assert AuditEvent.objects.filter(action="membership.deactivated").count() == 1


def test_director_sets_function_title_and_locations(world, login):
    membership = world.membership("staff_childcare")
    title = world.childcare.function_titles.get()
    response = login(world.user("director_childcare")).post(
        reverse("ikc_share:membership-edit", kwargs={"pk": membership.pk}),
        {"role": "staff", "function_title": title.pk, "locations": [world.bso.pk]},
    )
    assert response.status_code == 302
    client = login(world.user("staff_childcare"))
    assert client.get(_child_url(world.child_bso)).status_code == 200
    assert client.get(_child_url(world.child_daycare)).status_code == 404


def test_director_cannot_lock_the_organisation_out(world, login):
    own = world.membership("director_childcare")
    client = login(world.user("director_childcare"))
    client.post(reverse("ikc_share:membership-deactivate", kwargs={"pk": own.pk}))
    own.refresh_from_db()
    assert own.is_active
    response = client.post(reverse("ikc_share:membership-edit", kwargs={"pk": own.pk}), {"role": "staff"}, follow=True)
    assert "eigen rol" in response.content.decode()


@pytest.mark.parametrize(
    "data, message",
    [
        ({"first_name": "A", "last_name": "B", "email": "geen-email", "role": "staff"}, "e-mailadres"),
        ({"first_name": "", "last_name": "B", "email": "a@b.nl", "role": "staff"}, "verplicht"),
        ({"first_name": "A", "last_name": "B", "email": "a@b.nl", "role": "superuser"}, "geldige keuze"),
        (
            {"first_name": "A", "last_name": "B", "email": "a@b.nl", "role": "staff", "locations": ["999999"]},
            "geldige keuze",
        ),
    ],
)
def test_bad_invitation_input_gets_a_message_and_changes_nothing(world, login, data, message):
    before = Membership.objects.count()
    response = login(world.user("director_childcare")).post(
        reverse("ikc_share:membership-invite", kwargs={"org_pk": world.childcare.pk}), data
    )
    assert response.status_code == 200
    assert message in response.content.decode().lower() or message in response.content.decode()
    assert Membership.objects.count() == before


def test_location_of_the_other_organisation_is_refused(world, login):
    response = login(world.user("director_childcare")).post(
        reverse("ikc_share:membership-invite", kwargs={"org_pk": world.childcare.pk}),
        {
            "first_name": "A",
            "last_name": "B",
            "email": "a@b.nl",
            "role": "staff",
            "locations": [world.school_location.pk],
        },
    )
    assert response.status_code == 200
    assert not Membership.objects.filter(user__email="a@b.nl").exists()


def test_wrong_methods_and_unknown_ids(world, login):
    client = login(world.user("director_childcare"))
    membership = world.membership("staff_childcare")
    assert client.get(reverse("ikc_share:membership-deactivate", kwargs={"pk": membership.pk})).status_code == 405
    assert client.post(reverse("ikc_share:membership-deactivate", kwargs={"pk": 987654})).status_code == 404
    assert client.get("/children/abc/").status_code == 404
    assert (
        client.get(
            reverse("ikc_share:organisation-audit", kwargs={"org_pk": world.childcare.pk}) + "?before=../../etc"
        ).status_code
        == 200
    )


def test_logins_and_failed_logins_are_audited(world, client):
    user = world.user("staff_childcare")
    client.post(reverse("ikc_share:login"), {"username": user.username, "password": "wrong"})
    client.post(reverse("ikc_share:login"), {"username": user.username, "password": "test-password-123"})
    actions = list(
        AuditEvent.objects.filter(organisation=world.childcare, action__startswith="auth.").values_list(
            "action", flat=True
        )
    )
    assert "auth.login_failed" in actions and "auth.login" in actions
    client.logout()
    client.post(reverse("ikc_share:login"), {"username": "nobody-known", "password": "x"})
    assert AuditEvent.objects.filter(chain="system", action="auth.login_failed").exists()


def test_login_is_throttled_after_repeated_failures(world, client):
    user = world.user("staff_childcare")
    for _ in range(5):
        client.post(reverse("ikc_share:login"), {"username": user.username, "password": "wrong"})
    response = client.post(reverse("ikc_share:login"), {"username": user.username, "password": "test-password-123"})
    assert response.status_code == 429
    assert "Te veel mislukte pogingen" in response.content.decode()


def test_two_factor_required_for_directors_when_configured(world, login, settings):
    settings.OTP_REQUIRED_FOR_ROLES = ["director", "privacy_officer"]
    director = login(world.user("director_childcare"))
    response = director.get(reverse("ikc_share:home"))
    assert response.status_code == 302 and "/account/two-factor/setup/" in response["Location"]
    staff = login(world.user("staff_childcare"))
    assert staff.get(reverse("ikc_share:home")).status_code == 200


def test_two_factor_setup_with_a_real_totp_code(world, login, settings):
    from django_otp.oath import totp
    from django_otp.plugins.otp_totp.models import TOTPDevice

    settings.OTP_REQUIRED_FOR_ROLES = ["director"]
    client = login(world.user("director_childcare"))
    client.get(reverse("ikc_share:otp-setup"))
    device = TOTPDevice.objects.get(user=world.user("director_childcare"))
    bad = client.post(reverse("ikc_share:otp-setup"), {"token": "000000"})
    assert "klopt niet" in bad.content.decode()
    device.refresh_from_db()
    device.throttle_reset()  # django-otp slows down guessing after a wrong code
    good = client.post(reverse("ikc_share:otp-setup"), {"token": f"{totp(device.bin_key):06d}"})
    assert good.status_code == 302
    assert client.get(reverse("ikc_share:home")).status_code == 200


def test_parent_home_lists_own_children_only(world, login):
    page = login(world.user("parent_a")).get(reverse("ikc_share:home")).content.decode()
    assert "Noah" in page and "Emma" in page
    assert login(world.user("stranger")).get(reverse("ikc_share:home")).status_code == 200


def test_django_admin_is_for_superusers_only(world, client):
    staff_flag = UserFactory(username="staffflag", is_staff=True)
    client.force_login(staff_flag)
    assert client.get("/admin/").status_code == 302  # sent to the admin login
    client.force_login(UserFactory(username="operator1", is_staff=True, is_superuser=True))
    assert client.get("/admin/").status_code == 200


def test_ids_beyond_the_database_range_are_not_found(world, login):
    client = login(world.user("director_childcare"))
    assert client.get("/children/99999999999999999999999/").status_code == 404
    assert client.post("/memberships/99999999999999999999999/deactivate/").status_code == 404
