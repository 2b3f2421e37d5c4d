"""The parent portal's login by e-mail link: asking for a fresh link (throttled) and
starting the portal-only session when a link is spent."""

from __future__ import annotations

import hashlib

from django.contrib.auth import authenticate, login
from django.core.cache import cache
from django.http import HttpRequest
from django.utils import timezone

from consent import letters_adapter, tasks
from ikc_share import outbox
from ikc_share import selectors as core_selectors
from ikc_share.http import MAGIC_LINK, MAGIC_LINK_SESSION_KEY

LINK_REQUESTS_PER_ADDRESS = 3
LINK_REQUESTS_PER_IP = 10
LINK_REQUEST_WINDOW = 3600  # seconds
SESAME_BACKEND = "sesame.backends.ModelBackend"


def _throttled(key: str, limit: int) -> bool:
    cache.add(key, 0, LINK_REQUEST_WINDOW)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, LINK_REQUEST_WINDOW)
        count = 1
    return count > limit


def login_link_request(*, email: str, ip: str) -> bool:
    """A parent asks for a fresh link. Throttled per address and per IP address; the page
    says the same whatever happens here. Returns whether a send was queued."""
    email = email.strip().lower()
    address_key = "consent-link-addr:" + hashlib.sha256(email.encode()).hexdigest()
    ip_key = "consent-link-ip:" + hashlib.sha256(ip.encode()).hexdigest()
    if _throttled(ip_key, LINK_REQUESTS_PER_IP) or _throttled(address_key, LINK_REQUESTS_PER_ADDRESS):
        return False
    if not core_selectors.guardians(email=email).exists():
        return False
    outbox.enqueue(tasks.send_login_link, email)
    return True


def portal_link_user(*, request: HttpRequest, token: str, paper: bool):
    """The login a link's token names, or None (bad, spent or expired). authenticate() (not
    sesame's get_user) so that django-axes sees the request: repeated bad tokens from one
    address are throttled like bad passwords, and audited as failures. A paper letter's
    link carries a token of its own scope, valid longer (letters_adapter.paper_link_max_age)."""
    if paper:
        return authenticate(
            request, sesame=token, scope=letters_adapter.PAPER_LINK_SCOPE, max_age=letters_adapter.paper_link_max_age()
        )
    return authenticate(request, sesame=token)


def portal_session_start(*, request: HttpRequest, user) -> str | None:
    """Spend the link's token and start a session that reaches the parent portal only
    (consent/middleware.py). The same person already signed in keeps the session as it is;
    otherwise login() records the login (the login audit reads the method from the request).
    Not one transaction of its own: login() saves the session and the login audit itself.
    Returns the guardian's language for the language cookie (None: keep the current one)."""
    if request.user.is_authenticated and request.user.pk == user.pk:
        user.last_login = timezone.now()  # spend the token; keep the session as it is
        user.save(update_fields=["last_login"])
        return None
    request.ikc_login_method = MAGIC_LINK  # the login audit records the method
    login(request, user, backend=SESAME_BACKEND)  # updates last_login: the token is spent
    request.session[MAGIC_LINK_SESSION_KEY] = MAGIC_LINK
    return user.guardians.values_list("language", flat=True).first() or None
