"""Invitations: one mechanism for staff, directors, privacy officers and parents. A
single-use, expiring link whose token is stored only as a hash; resend and revoke."""

from __future__ import annotations

import datetime
import re

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from ikc_share.models import AuditEvent, Guardian, Membership
from onboarding import delivery, invitations
from onboarding.models import Invitation
from tests.factories import GuardianFactory, link_guardian

User = get_user_model()
PASSWORD = "Zomer-aan-zee-2026"
LINK = re.compile(r"https?://[^/\s]+(/account/set-password/[A-Za-z0-9_-]+/)")


def _link(message) -> str:
    return LINK.search(message.body).group(1)


@pytest.fixture
def invite(world, login, mailoutbox, django_capture_on_commit_callbacks):
    """The childcare director invites someone through the core's member page."""

    def _invite(email="nieuw@example.nl", role="staff", **extra):
        director = login(world.user("director_childcare"))
        with django_capture_on_commit_callbacks(execute=True):
            response = director.post(
                reverse("ikc_share:membership-invite", kwargs={"org_pk": world.childcare.pk}),
                {"first_name": "Nina", "last_name": "Nieuw", "email": email, "role": role, **extra},
            )
        assert response.status_code == 302
        director.logout()
        return Invitation.objects.get(email=email.lower(), revoked_at__isnull=True)

    return _invite


def test_staff_invitation_link_works_once(world, invite, mailoutbox, client):
    invitation = invite()
    assert invitation.kind == "member" and invitation.membership.role == "staff"
    assert len(mailoutbox) == 1 and mailoutbox[0].to == ["nieuw@example.nl"]
    assert "Kinderopvang Test" in mailoutbox[0].subject
    path = _link(mailoutbox[0])
    token = path.rstrip("/").rsplit("/", 1)[1]
    invitation.refresh_from_db()
    # Only the hash of the token is stored; it is nowhere in the database in plain text.
    assert invitation.token_hash and token not in invitation.token_hash and len(invitation.token_hash) == 64
    assert not AuditEvent.objects.filter(canonical__contains=token).exists()
    assert invitation.expires_at - invitation.sent_at == datetime.timedelta(days=7)

    page = client.get(path)
    assert page.status_code == 200 and "Kies uw wachtwoord" in page.content.decode()
    response = client.post(path, {"new_password1": PASSWORD, "new_password2": PASSWORD})
    assert response.status_code == 302 and response.url == reverse("ikc_share:home")
    user = User.objects.get(email="nieuw@example.nl")
    assert user.check_password(PASSWORD) and user.username == "nieuw@example.nl"
    assert client.get(reverse("ikc_share:home")).status_code == 200  # signed in
    invitation.refresh_from_db()
    assert invitation.status == "accepted"
    assert AuditEvent.objects.filter(action="invitation.accepted", actor=user.pk).exists()

    client.logout()
    again = client.get(path)
    assert again.status_code == 410 and "al gebruikt" in again.content.decode()
    assert (
        client.post(path, {"new_password1": "Iets-anders-2026", "new_password2": "Iets-anders-2026"}).status_code == 410
    )
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_privacy_officer_is_asked_to_set_up_two_factor(world, invite, mailoutbox, client):
    invite(email="fg@example.nl", role="privacy_officer")
    response = client.post(_link(mailoutbox[0]), {"new_password1": PASSWORD, "new_password2": PASSWORD})
    assert response.status_code == 302
    assert response.url.startswith(reverse("ikc_share:otp-setup"))


def test_expired_link(world, invite, mailoutbox, client):
    invitation = invite()
    Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now() - datetime.timedelta(minutes=1))
    response = client.get(_link(mailoutbox[0]))
    assert response.status_code == 410 and "verlopen" in response.content.decode()


def test_unknown_link(db, client):
    response = client.get(reverse("ikc_share:invitation-accept", kwargs={"token": "x" * 43}))
    assert response.status_code == 404 and "onbekend" in response.content.decode()


def test_weak_password_is_refused(world, invite, mailoutbox, client):
    invite()
    response = client.post(_link(mailoutbox[0]), {"new_password1": "12345", "new_password2": "12345"})
    assert response.status_code == 200
    assert not User.objects.get(email="nieuw@example.nl").has_usable_password()
    assert Invitation.objects.get(email="nieuw@example.nl").accepted_at is None


def test_resend_makes_a_new_link_and_the_old_one_stops_working(
    world, invite, login, mailoutbox, client, django_capture_on_commit_callbacks
):
    invitation = invite()
    old = _link(mailoutbox[0])
    director = Client()
    director.force_login(world.user("director_childcare"))
    with django_capture_on_commit_callbacks(execute=True):
        response = director.post(reverse("ikc_share:invitation-resend", kwargs={"pk": invitation.pk}))
    assert response.status_code == 302
    assert len(mailoutbox) == 2
    new = _link(mailoutbox[1])
    assert new != old
    assert client.get(old).status_code == 404
    assert client.get(new).status_code == 200
    invitation.refresh_from_db()
    assert invitation.send_count == 2
    assert AuditEvent.objects.filter(action="invitation.resent", actor=world.user("director_childcare").pk).exists()
    assert AuditEvent.objects.filter(action="invitation.sent").count() == 2


def test_revoke(world, invite, mailoutbox, client, django_capture_on_commit_callbacks):
    invitation = invite()
    director = Client()
    director.force_login(world.user("director_childcare"))
    page = director.get(reverse("ikc_share:invitation-list", kwargs={"org_pk": world.childcare.pk})).content.decode()
    assert "nieuw@example.nl" in page and "verstuurd" in page
    director.post(reverse("ikc_share:invitation-revoke", kwargs={"pk": invitation.pk}))
    response = client.get(_link(mailoutbox[0]))
    assert response.status_code == 410 and "ingetrokken" in response.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = director.post(reverse("ikc_share:invitation-resend", kwargs={"pk": invitation.pk}), follow=True)
    assert "al geaccepteerd of ingetrokken" in response.content.decode()
    assert len(mailoutbox) == 1
    assert AuditEvent.objects.filter(action="invitation.revoked", target_id=str(invitation.pk)).exists()


def test_privacy_officer_reads_invitations_but_cannot_change_them(world, invite, login):
    invitation = invite()
    client = login(world.user("po_childcare"))
    assert client.get(reverse("ikc_share:invitation-list", kwargs={"org_pk": world.childcare.pk})).status_code == 200
    assert client.post(reverse("ikc_share:invitation-revoke", kwargs={"pk": invitation.pk})).status_code == 403
    client = login(world.user("director_school"))
    assert client.post(reverse("ikc_share:invitation-revoke", kwargs={"pk": invitation.pk})).status_code == 404


def test_signed_in_as_someone_else(world, invite, mailoutbox, login):
    invite()
    client = login(world.user("staff_childcare"))
    response = client.post(_link(mailoutbox[0]), {"new_password1": PASSWORD, "new_password2": PASSWORD})
    assert "met een ander account ingelogd" in response.content.decode()
    assert not User.objects.get(email="nieuw@example.nl").has_usable_password()


def test_delivery_is_idempotent(world, invite, mailoutbox):
    invitation = invite()
    assert delivery.invitation_deliver(invitation_id=invitation.pk) is False
    assert len(mailoutbox) == 1


def test_inviting_again_replaces_the_open_invitation(world, invite, mailoutbox, django_capture_on_commit_callbacks):
    first = invite()
    membership = first.membership
    from ikc_share import services as core_services

    core_services.membership_deactivate(membership=membership, actor=world.user("director_childcare"))
    with django_capture_on_commit_callbacks(execute=True):
        core_services.membership_invite(
            organisation=world.childcare,
            actor=world.user("director_childcare"),
            email="nieuw@example.nl",
            first_name="Nina",
            last_name="Nieuw",
            role="staff",
        )
    first.refresh_from_db()
    assert first.status == "revoked"
    assert Invitation.objects.filter(membership=membership, revoked_at__isnull=True).count() == 1
    assert len(mailoutbox) == 2


def test_an_existing_login_gets_no_invitation(world, login, mailoutbox, django_capture_on_commit_callbacks):
    director = login(world.user("director_school"))
    with django_capture_on_commit_callbacks(execute=True):
        director.post(
            reverse("ikc_share:membership-invite", kwargs={"org_pk": world.school.pk}),
            {"first_name": "A", "last_name": "B", "email": world.user("staff_childcare").email, "role": "staff"},
        )
    assert Membership.objects.filter(user=world.user("staff_childcare"), organisation=world.school).exists()
    assert not Invitation.objects.exists() and not mailoutbox


# --- Parents ---------------------------------------------------------------------------------


def _guardian(org, email, first="Eva", last="Smit", language="nl"):
    return GuardianFactory(organisation=org, email=email, first_name=first, last_name=last, language=language)


def test_parents_get_one_login_for_their_records_at_both_organisations(
    world, login, mailoutbox, django_capture_on_commit_callbacks, client
):
    at_childcare = _guardian(world.childcare, "Eva.Smit@Example.nl")
    at_school = _guardian(world.school, "eva.smit@example.nl")
    link_guardian(guardian=at_childcare, child=world.child_bso)
    link_guardian(guardian=at_school, child=world.child_school)
    no_email = GuardianFactory(organisation=world.childcare, email="")

    director = login(world.user("director_childcare"))
    with django_capture_on_commit_callbacks(execute=True):
        response = director.post(
            reverse("ikc_share:parents-invite", kwargs={"org_pk": world.childcare.pk}), follow=True
        )
    assert "1 ouder(s) uitgenodigd" in response.content.decode()
    user = User.objects.get(username="eva.smit@example.nl")
    at_childcare.refresh_from_db()
    at_school.refresh_from_db()
    assert at_childcare.user == user and at_school.user == user  # one login …
    assert at_childcare.pk != at_school.pk  # … and still two records, one per organisation
    no_email.refresh_from_db()
    assert no_email.user is None
    assert [m.to for m in mailoutbox] == [["eva.smit@example.nl"]]
    assert AuditEvent.objects.filter(action="guardian.login_linked", organisation=world.school).exists()

    # The school invites its parents too: Eva already has an open invitation; no second e-mail.
    school_director = Client()
    school_director.force_login(world.user("director_school"))
    with django_capture_on_commit_callbacks(execute=True):
        school_director.post(reverse("ikc_share:parents-invite", kwargs={"org_pk": world.school.pk}))
    assert len(mailoutbox) == 1

    director.logout()
    response = client.post(_link(mailoutbox[0]), {"new_password1": PASSWORD, "new_password2": PASSWORD})
    assert response.status_code == 302 and response.url == reverse("ikc_share:home")
    home = client.get(reverse("ikc_share:home")).content.decode()
    assert "Kinderopvang Test" in home and "Schoolbestuur Test" in home


def test_a_parent_with_a_login_is_linked_without_an_email(world, login, mailoutbox, django_capture_on_commit_callbacks):
    parent = world.user("parent_a")
    # The same person: the same address and name (ikc_share/logins.py).
    record = _guardian(world.school, parent.email.upper(), first=parent.first_name, last=parent.last_name)
    director = login(world.user("director_school"))
    with django_capture_on_commit_callbacks(execute=True):
        director.post(reverse("ikc_share:parents-invite", kwargs={"org_pk": world.school.pk}))
    record.refresh_from_db()
    assert record.user == parent
    assert not mailoutbox


def test_a_staff_member_who_is_also_a_parent_keeps_one_account(world):
    staff = world.user("staff_childcare")
    record = _guardian(world.school, staff.email, first=staff.first_name, last=staff.last_name)
    user = invitations.guardian_login_ensure(guardian=record, actor=world.user("director_school"))
    assert user == staff
    assert User.objects.filter(email__iexact=staff.email).count() == 1


def test_parent_invitation_in_english(world, mailoutbox, django_capture_on_commit_callbacks):
    record = _guardian(world.school, "kim@example.nl", first="Kim", language="en")
    with django_capture_on_commit_callbacks(execute=True):
        invitation = invitations.guardian_invite(guardian=record, actor=world.user("director_school"))
    assert invitation.kind == "parent" and invitation.guardian == record
    assert mailoutbox[0].to == ["kim@example.nl"]
    assert LINK.search(mailoutbox[0].body)


def test_guardian_without_email_cannot_be_invited(world):
    from django.core.exceptions import ValidationError

    record = GuardianFactory(organisation=world.school, email="")
    with pytest.raises(ValidationError):
        invitations.guardian_invite(guardian=record, actor=None)
    assert not Guardian.objects.filter(user__isnull=False, pk=record.pk).exists()
