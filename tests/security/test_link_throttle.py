"""Issue 19.3: nobody can lock the parents' link login for everyone. Failed or spent links
count per link (django-axes), not per address with an empty username; throttles read the
client's address from the trusted proxy's X-Forwarded-For, not the proxy's own address."""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

import pytest
from axes.models import AccessAttempt
from django.core import mail
from django.core.cache import cache
from django.test import Client, RequestFactory
from django.urls import reverse

from consent.mail import magic_link
from ikc_share.http import client_ip
from ikc_share.logins import axes_username

pytestmark = pytest.mark.django_db

PROXY = "10.0.0.5"  # the TLS proxy in front: every request's REMOTE_ADDR


@pytest.fixture(autouse=True)
def _clear_throttle():
    cache.clear()
    yield
    cache.clear()


def _link(user) -> tuple[str, dict]:
    url = urlparse(magic_link(user=user, next_url="/portal/"))
    return url.path, {k: v[0] for k, v in parse_qs(url.query).items()}


def _behind_proxy(client_address: str | None = None) -> Client:
    headers = {"REMOTE_ADDR": PROXY}
    if client_address:
        headers["HTTP_X_FORWARDED_FOR"] = client_address
    return Client(**headers)


def test_spent_links_clicked_behind_the_proxy_do_not_lock_other_parents(world):
    spent_path, spent = _link(world.user("parent_b"))
    assert _behind_proxy().post(spent_path, {"sesame": spent["sesame"], "next": "/portal/"}).status_code == 302
    for _ in range(8):  # the same spent link, and broken ones, clicked again and again
        _behind_proxy().post(spent_path, {"sesame": spent["sesame"], "next": "/portal/"})
        _behind_proxy().post(spent_path, {"sesame": spent["sesame"][:-4] + "AAAA", "next": "/portal/"})
    path, fresh = _link(world.user("parent_a"))
    parent = _behind_proxy()
    response = parent.post(path, {"sesame": fresh["sesame"], "next": "/portal/"})
    assert response.status_code == 302 and response.url == "/portal/"
    assert parent.session["_auth_user_id"] == str(world.user("parent_a").pk)
    # The attempts were counted per link, never under an empty username.
    assert not AccessAttempt.objects.filter(username__isnull=True).exists()
    assert not AccessAttempt.objects.filter(username="").exists()
    assert AccessAttempt.objects.filter(username__startswith="link:").count() == 2


def test_one_link_clicked_too_often_locks_only_itself(world):
    path, spent = _link(world.user("parent_b"))
    Client().post(path, {"sesame": spent["sesame"], "next": "/portal/"})
    statuses = [Client().post(path, {"sesame": spent["sesame"], "next": "/portal/"}).status_code for _ in range(6)]
    assert statuses[0] == 400 and statuses[-1] == 429
    path, fresh = _link(world.user("parent_a"))
    assert Client().post(path, {"sesame": fresh["sesame"], "next": "/portal/"}).status_code == 302


def test_password_guessing_is_still_throttled_per_username_and_client(world, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    user = world.user("staff_childcare")
    url = reverse("ikc_share:login")
    for _ in range(5):
        _behind_proxy("203.0.113.7").post(url, {"username": user.username, "password": "wrong"})
    attempt = AccessAttempt.objects.get(username=user.username)
    assert attempt.ip_address == "203.0.113.7"  # the client, not the proxy
    locked = _behind_proxy("203.0.113.7").post(url, {"username": user.username, "password": "test-password-123"})
    assert locked.status_code == 429
    # A colleague behind the same proxy logs in as usual.
    elsewhere = _behind_proxy("198.51.100.9").post(url, {"username": user.username, "password": "test-password-123"})
    assert elsewhere.status_code == 302


def test_the_client_address_comes_from_the_trusted_proxy(settings):
    factory = RequestFactory()
    request = factory.get("/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.7")
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_ip(request) == PROXY  # no proxy configured: the header is the client's own say
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_ip(request) == "203.0.113.7"  # what our proxy saw; "1.2.3.4" was made up by the client
    settings.TRUSTED_PROXY_COUNT = 2
    assert client_ip(request) == "1.2.3.4"
    settings.TRUSTED_PROXY_COUNT = 3
    assert client_ip(request) == PROXY  # fewer hops than proxies: not trusted
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_ip(factory.get("/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="nonsense")) == PROXY


def test_axes_counts_a_link_by_its_token_and_a_password_by_its_username():
    assert axes_username(None, {"username": "juf@example.nl", "password": "x"}) == "juf@example.nl"
    first = axes_username(None, {"username": None, "sesame": "token-one"})
    assert first.startswith("link:") and first != axes_username(None, {"username": None, "sesame": "token-two"})
    assert "token-one" not in first


def test_asking_for_links_is_throttled_per_client_not_per_proxy(world, settings, django_capture_on_commit_callbacks):
    settings.TRUSTED_PROXY_COUNT = 1
    url = reverse("consent:portal-login")

    def ask(client_address: str, email: str):
        with django_capture_on_commit_callbacks(execute=True):
            return _behind_proxy(client_address).post(url, {"email": email}, follow=True)

    for n in range(12):  # one client asks for links for many addresses
        ask("203.0.113.7", f"iemand{n}@example.nl")
    ask("203.0.113.7", "parent_b@example.nl")
    assert mail.outbox == []  # that client is throttled now
    # Another parent behind the same proxy still gets their link.
    response = ask("198.51.100.9", "parent_a@example.nl")
    assert "Als dit e-mailadres bij ons bekend is" in response.content.decode()
    assert [m.to for m in mail.outbox] == [["parent_a@example.nl"]]
    # Per address: three links an hour, whoever asks.
    for address in ["198.51.100.10", "198.51.100.11", "198.51.100.12"]:
        ask(address, "parent_a@example.nl")
    assert len(mail.outbox) == 3
