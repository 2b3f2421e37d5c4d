"""Parents log in with a personal e-mail link (django-sesame): one "Verder" button, the
token spent only on that POST, single use, expiring; a session from a link reaches the
parent portal only; a fresh link can be asked for by e-mail address (same answer whether
the address is known or not; throttled)."""

from __future__ import annotations

import re
import time
import types
from urllib.parse import parse_qs, urlparse

import pytest
from django.core import mail
from django.core.cache import cache
from django.test import Client, override_settings
from django.urls import reverse

from consent.mail import magic_link
from ikc_share.models import AuditEvent, Guardian, Guardianship
from tests.builders import agreement_version, fake_letter


@pytest.fixture(autouse=True)
def _clear_throttle():
    cache.clear()
    yield
    cache.clear()


def _path_and_data(link: str) -> tuple[str, dict]:
    url = urlparse(link)
    q = {k: v[0] for k, v in parse_qs(url.query).items()}
    return url.path, q


def _link(user, next_url="/portal/"):
    return _path_and_data(magic_link(user=user, next_url=next_url))


def test_get_shows_one_button_and_spends_nothing(world):
    path, q = _link(world.user("parent_a"))
    scanner = Client()
    response = scanner.get(path, q)
    assert response.status_code == 200
    assert response.content.decode().count('type="submit"') == 2  # "Verder" + the language switch
    assert "Verder" in response.content.decode()
    assert "_auth_user_id" not in scanner.session
    # The scanner's GET did not use the token up: the parent can still log in with it.
    parent = Client()
    response = parent.post(path, {"sesame": q["sesame"], "next": q["next"]})
    assert response.status_code == 302 and response.url == "/portal/"
    assert parent.session["_auth_user_id"] == str(world.user("parent_a").pk)
    assert parent.session["ikc_login_method"] == "magic_link"


def test_login_is_audited_with_the_method(world):
    path, q = _link(world.user("parent_a"))
    Client().post(path, {"sesame": q["sesame"], "next": q["next"]})
    event = AuditEvent.objects.filter(action="auth.login", actor_id=world.user("parent_a").pk).latest("id")
    assert '"method":"magic_link"' in event.payload


def test_a_used_link_logs_nobody_in(world):
    path, q = _link(world.user("parent_a"))
    assert Client().post(path, {"sesame": q["sesame"], "next": "/portal/"}).status_code == 302
    again = Client()
    response = again.post(path, {"sesame": q["sesame"], "next": "/portal/"})
    assert response.status_code == 400
    assert "Deze link werkt niet meer" in response.content.decode()
    assert "_auth_user_id" not in again.session


def test_an_expired_link_logs_nobody_in(world, monkeypatch):
    path, q = _link(world.user("parent_a"))
    eight_days = time.time() + 8 * 24 * 3600
    monkeypatch.setattr("sesame.tokens_v2.time", types.SimpleNamespace(time=lambda: eight_days))
    client = Client()
    response = client.post(path, {"sesame": q["sesame"], "next": "/portal/"})
    assert response.status_code == 400
    assert "_auth_user_id" not in client.session


def test_a_forged_link_logs_nobody_in(world):
    path, q = _link(world.user("parent_a"))
    client = Client()
    response = client.post(path, {"sesame": q["sesame"][:-3] + "AAA", "next": "/portal/"})
    assert response.status_code == 400 and "_auth_user_id" not in client.session


@pytest.mark.parametrize("target", ["/organisations/1/children/", "https://evil.example/portal/", "//evil/portal/"])
def test_the_link_only_leads_into_the_portal(world, target):
    path, q = _link(world.user("parent_a"))
    response = Client().post(path, {"sesame": q["sesame"], "next": target})
    assert response.status_code == 302 and response.url == "/portal/"


@pytest.fixture
def staff_parent(world):
    """staff_childcare is also a parent (with authority) of a BSO child."""
    user = world.user("staff_childcare")
    g = Guardian.objects.create(
        organisation=world.childcare, first_name="Pim", last_name="Staff", email=user.email, user=user
    )
    Guardianship.objects.create(guardian=g, child=world.child_bso, has_parental_authority=True)
    return user


def test_a_link_session_reaches_the_portal_only(world, staff_parent):
    path, q = _link(staff_parent)
    client = Client()
    client.post(path, {"sesame": q["sesame"], "next": "/portal/"})
    assert client.get("/portal/").status_code == 200
    assert client.get(reverse("consent:portal-child", args=[world.child_bso.pk])).status_code == 200
    for staff_page in [
        reverse("ikc_share:organisation-children", args=[world.childcare.pk]),
        reverse("ikc_share:child-detail", args=[world.child_daycare.pk]),
        reverse("consent:overview", args=[world.childcare.pk]),
        reverse("consent:child-consent", args=[world.child_daycare.pk]),
        "/admin/",
        reverse("ikc_share:login"),
    ]:
        assert client.get(staff_page).status_code == 404, staff_page
    assert client.get("/").url == "/portal/"
    # With the password, the same person reaches the staff pages.
    password_session = Client()
    password_session.force_login(staff_parent)
    assert (
        password_session.get(reverse("ikc_share:organisation-children", args=[world.childcare.pk])).status_code == 200
    )


def test_a_link_session_opens_the_letter_pdf(world):
    version = agreement_version(world)
    letter = fake_letter(version)
    path, q = _link(world.user("parent_a"))
    client = Client()
    client.post(path, {"sesame": q["sesame"], "next": "/portal/"})
    response = client.get(reverse("agreements:letter-public-pdf", args=[letter.public_token]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    # ... but not the agreements' staff pages.
    assert client.get(reverse("agreements:version-letters", args=[version.pk])).status_code == 404


def test_logging_out_of_a_link_session_works(world):
    path, q = _link(world.user("parent_a"))
    client = Client()
    client.post(path, {"sesame": q["sesame"], "next": "/portal/"})
    assert client.post(reverse("ikc_share:logout")).status_code == 302
    assert "_auth_user_id" not in client.session


@override_settings(OTP_REQUIRED_FOR_ROLES=["director", "privacy_officer"])
def test_a_director_who_is_a_parent_reaches_the_portal_without_a_second_factor(world):
    director = world.user("director_childcare")
    g = Guardian.objects.create(
        organisation=world.childcare, first_name="Dirk", last_name="Teur", email=director.email, user=director
    )
    Guardianship.objects.create(guardian=g, child=world.child_bso)
    path, q = _link(director)
    client = Client()
    client.post(path, {"sesame": q["sesame"], "next": "/portal/"})
    assert client.get("/portal/").status_code == 200
    assert client.get(reverse("consent:overview", args=[world.childcare.pk])).status_code == 404


def test_an_older_link_in_the_same_visit_just_continues(world):
    """Two e-mails (two children): after the first link, the second one's token is spent
    (single use), but the parent, still signed in, simply goes on."""
    first, second = _link(world.user("parent_a")), _link(world.user("parent_a"), "/portal/children/1/")
    client = Client()
    client.post(first[0], {"sesame": first[1]["sesame"], "next": "/portal/"})
    response = client.post(second[0], {"sesame": second[1]["sesame"], "next": "/portal/children/1/"})
    assert response.status_code == 302 and response.url == "/portal/children/1/"


def test_ask_for_a_fresh_link(world, django_capture_on_commit_callbacks):
    url = reverse("consent:portal-login")
    with django_capture_on_commit_callbacks(execute=True):  # the link is sent after commit (the outbox)
        known = Client().post(url, {"email": "PARENT_A@example.nl"}, follow=True)
    unknown = Client().post(url, {"email": "nobody@example.nl"}, follow=True)
    text = "Als dit e-mailadres bij ons bekend is"
    assert text in known.content.decode() and text in unknown.content.decode()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["parent_a@example.nl"]
    link = re.search(r"https?://\S+/portal/link/\S+", message.body).group(0)
    path, q = _path_and_data(link)
    client = Client()
    assert client.post(path, {"sesame": q["sesame"], "next": q["next"]}).status_code == 302
    assert client.session["_auth_user_id"] == str(world.user("parent_a").pk)
    assert message.alternatives and "<a href=" in message.alternatives[0][0]


def test_asking_for_links_is_throttled(world, django_capture_on_commit_callbacks):
    url = reverse("consent:portal-login")
    for _ in range(6):
        with django_capture_on_commit_callbacks(execute=True):
            response = Client().post(url, {"email": "parent_a@example.nl"}, follow=True)
        assert "Als dit e-mailadres bij ons bekend is" in response.content.decode()
    assert len(mail.outbox) == 3


def test_a_guardian_with_an_address_but_no_login_gets_one(world, django_capture_on_commit_callbacks):
    version = agreement_version(world)
    fake_letter(version)
    g = Guardian.objects.create(
        organisation=world.childcare, first_name="Kim", last_name="Nieuw", email="kim.nieuw@example.nl", language="en"
    )
    Guardianship.objects.create(guardian=g, child=world.child_bso)
    with django_capture_on_commit_callbacks(execute=True):
        Client().post(reverse("consent:portal-login"), {"email": "kim.nieuw@example.nl"})
    g.refresh_from_db()
    assert g.user is not None and g.user.email == "kim.nieuw@example.nl" and not g.user.has_usable_password()
    assert mail.outbox[0].subject == "Your link to the parent portal"
