"""Issue 19.6: the register of processing activities promises parents two-factor login for
staff. In production every role with access to children's data logs in with a second
factor (director, staff, privacy officer), and the invitation says so; the demo (DEBUG)
asks none."""

from __future__ import annotations

import subprocess
import sys

import pytest
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from accountability import register
from onboarding import delivery
from onboarding.models import Invitation
from tests.test_deploy import ROOT, _production_env

pytestmark = pytest.mark.django_db

PRODUCTION_ROLES = ["director", "staff", "privacy_officer"]


def _roles_with(**overrides) -> str:
    code = "from django.conf import settings; import django; django.setup(); print(settings.OTP_REQUIRED_FOR_ROLES)"
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**_production_env(), **overrides, "DJANGO_SETTINGS_MODULE": "ikc_share.settings"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_production_requires_the_second_factor_of_every_role_and_the_demo_of_none():
    assert _roles_with() == str(PRODUCTION_ROLES)
    assert _roles_with(DEBUG="1") == "[]"


def test_the_register_promises_it():
    assert "tweestapsverificatie voor medewerkers" in register.DEFAULT_SECURITY


@pytest.mark.parametrize("member", ["staff_childcare", "staff_school", "director_childcare", "po_school"])
def test_every_member_is_sent_to_set_up_the_second_factor(world, login, settings, member):
    settings.OTP_REQUIRED_FOR_ROLES = PRODUCTION_ROLES
    client = login(world.user(member))
    response = client.get(reverse("ikc_share:home"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("ikc_share:otp-setup"))
    organisation = world.childcare if member.endswith("childcare") else world.school
    children = reverse("ikc_share:organisation-children", kwargs={"org_pk": organisation.pk})
    assert client.get(children).status_code == 302


def test_a_staff_member_with_a_verified_code_sees_the_children(world, login, settings):
    settings.OTP_REQUIRED_FOR_ROLES = PRODUCTION_ROLES
    user = world.user("staff_childcare")
    client = login(user)
    client.get(reverse("ikc_share:otp-setup"))
    device = TOTPDevice.objects.get(user=user)
    assert client.post(reverse("ikc_share:otp-setup"), {"token": f"{totp(device.bin_key):06d}"}).status_code == 302
    children = reverse("ikc_share:organisation-children", kwargs={"org_pk": world.childcare.pk})
    page = client.get(children)
    assert page.status_code == 200 and "Noah" in page.content.decode()


def test_parents_are_not_asked_for_a_second_factor(world, login, settings):
    settings.OTP_REQUIRED_FOR_ROLES = PRODUCTION_ROLES
    assert login(world.user("parent_a")).get(reverse("ikc_share:home")).status_code == 200


def _staff_invitation(world) -> Invitation:
    from tests.onboarding.helpers import matrix_staff_invitation

    return matrix_staff_invitation(world)


def test_the_staff_invitation_says_a_second_factor_follows_when_it_is_required(world, settings, mailoutbox):
    invitation = _staff_invitation(world)
    settings.OTP_REQUIRED_FOR_ROLES = PRODUCTION_ROLES
    delivery._send(invitation, "https://ikc.example.nl/account/set-password/x/")
    settings.OTP_REQUIRED_FOR_ROLES = []
    delivery._send(invitation, "https://ikc.example.nl/account/set-password/y/")
    required, demo = mailoutbox[-2:]
    assert "tweestapsverificatie" in required.body
    assert "tweestapsverificatie" not in demo.body
