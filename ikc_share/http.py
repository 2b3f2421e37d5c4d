"""The HTTP helpers every app's views share: one place for what used to be written out in
each views module (errors to messages, a service call with its messages, the one-form page,
private responses and downloads, staff-only pages, the e-mail link session marker), for
the bounded id in URLs and query strings (ASCII digits only: "²" and "٣" are digits to
`str.isdigit()`, and "²" breaks `int()`), and for the client's address behind the proxy.

Access itself is never decided here: that is each app's `permissions.py`.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable
from typing import TypeVar

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render

# The largest primary key the database can hold (PostgreSQL bigint). A larger number names
# no row, and would overflow the database driver if it reached a query.
MAX_ID = 2**63 - 1

# A session started from a parent's e-mail link (django-sesame) carries this marker; such a
# session reaches the parent portal only (consent/middleware.py).
MAGIC_LINK_SESSION_KEY = "ikc_login_method"
MAGIC_LINK = "magic_link"

T = TypeVar("T")


def is_id(value: object) -> bool:
    """Whether `value` (an int, or the text of one in ASCII digits) can name a row."""
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return 0 < value <= MAX_ID
    text = str(value)
    return text.isascii() and text.isdigit() and 0 < int(text) <= MAX_ID


def parse_id(value: object) -> int | None:
    """The id in `value`, or None when it cannot name a row (empty, not ASCII digits, zero,
    beyond the database's range)."""
    return int(str(value)) if value is not None and is_id(value) else None


class IdConverter:
    """`<id:pk>` in a URL: ASCII digits naming a possible row (1 … 2**63-1). Anything else
    does not match the route, so it answers 404 before a view or the database sees it."""

    regex = "[0-9]{1,19}"

    def to_python(self, value: str) -> int:
        number = int(value)
        if not 0 < number <= MAX_ID:
            raise ValueError("id out of range")  # Django then tries the next pattern: 404
        return number

    def to_url(self, value: int) -> str:
        return str(int(value))


def client_ip(request: HttpRequest) -> str:
    """The client's IP address, for throttles (django-axes: AXES_CLIENT_IP_CALLABLE, the
    parent portal's link requests). Without a proxy (TRUSTED_PROXY_COUNT = 0) it is
    REMOTE_ADDR. Behind n trusted proxies, REMOTE_ADDR is the nearest proxy, shared by
    everyone; the address the outermost trusted proxy saw is then the n-th entry of
    X-Forwarded-For from the right (each proxy appends what it saw, so entries further left
    are the client's own say and never trusted). Missing or not an IP address: REMOTE_ADDR."""
    remote = request.META.get("REMOTE_ADDR", "")
    count = settings.TRUSTED_PROXY_COUNT
    if count <= 0:
        return remote
    hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    if len(hops) < count:
        return remote
    try:
        return str(ipaddress.ip_address(hops[-count]))
    except ValueError:
        return remote


def errors_to_messages(request: HttpRequest, exc: ValidationError) -> None:
    """A service's ValidationError shown as error messages on the next page."""
    for message in exc.messages:
        messages.error(request, message)


def call_service(request: HttpRequest, action: Callable[[], object], *, success: str) -> bool:
    """Run one service call (`action`, no arguments); show `success` when it went through,
    its ValidationError as error messages when it did not. True when it went through."""
    try:
        action()
    except ValidationError as exc:
        errors_to_messages(request, exc)
        return False
    messages.success(request, success)
    return True


def service_result(request: HttpRequest, action: Callable[[], T], *, success: str | Callable[[T], str]) -> T | None:
    """`call_service` for a service whose result the page needs (to redirect to it, or to name
    it in the message: `success` may be made from the result). The result, or None when the
    service refused (its ValidationError shown as error messages)."""
    try:
        result = action()
    except ValidationError as exc:
        errors_to_messages(request, exc)
        return None
    messages.success(request, success(result) if callable(success) else success)
    return result


def form_page(request: HttpRequest, *, form, title: str, back: str, organisation=None) -> HttpResponse:
    """A page with one form (ikc_share/form_page.html), a title and a link back; within the
    organisation's pages when one is given."""
    context = {"form": form, "title": title, "back": back}
    if organisation is not None:
        context["organisation"] = organisation
    return render(request, "ikc_share/form_page.html", context)


def private(response: HttpResponse) -> HttpResponse:
    """A page with personal data: never cached by a browser or proxy, never indexed."""
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def is_magic_link_session(request: HttpRequest) -> bool:
    session = getattr(request, "session", None)
    return session is not None and session.get(MAGIC_LINK_SESSION_KEY) == MAGIC_LINK


def require_staff_session(request: HttpRequest) -> None:
    """Belt and braces: the consent middleware already keeps e-mail-link sessions in the
    portal; staff pages need the password login."""
    if is_magic_link_session(request):
        raise Http404


def private_download(file, *, filename: str, content_type: str) -> FileResponse:
    """A stored file (a FieldFile) as a private attachment download; 404 when the file is
    missing from storage (not an access decision: the caller fetched its row through the
    app's permissions first)."""
    try:
        handle = file.open("rb")
    except (FileNotFoundError, OSError):
        raise Http404 from None
    return private(FileResponse(handle, as_attachment=True, filename=filename, content_type=content_type))
