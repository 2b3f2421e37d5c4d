"""The parent portal's login by e-mail link: ask for a fresh link, and spend a link (from
an e-mail, or the QR code on a paper letter). The state changes are services
(consent/services/portal.py)."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from consent import letters_adapter, services
from consent.forms import LinkRequestForm, MagicLinkForm
from ikc_share.http import client_ip, private

PAPER = "paper"  # ?via=paper: the personal link on a paper letter (agreements.letters.links.letter_link)


def _portal_next(request: HttpRequest, value: str) -> str:
    """Only a portal page on this site; otherwise the portal's start page."""
    if (
        value
        and value.startswith("/portal/")
        and url_has_allowed_host_and_scheme(value, allowed_hosts={request.get_host()}, require_https=False)
    ):
        return value
    return reverse("consent:portal-home")


@require_http_methods(["GET", "POST"])
@never_cache
def portal_login(request: HttpRequest) -> HttpResponse:
    """Ask for a fresh link by e-mail address. The page says the same whatever happens."""
    form = LinkRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        # The client's own address (behind the proxy: from X-Forwarded-For), not the proxy's.
        services.login_link_request(email=form.cleaned_data["email"], ip=client_ip(request))
        messages.info(
            request,
            _(
                "Als dit e-mailadres bij ons bekend is, krijgt u binnen een paar minuten een e-mail met een link. "
                "De link werkt één keer en is %(days)s dagen geldig."
            )
            % {"days": settings.SESAME_MAX_AGE // 86400},
        )
        return redirect("consent:portal-login")
    return private(render(request, "consent/portal_login.html", {"form": form}))


@require_http_methods(["GET", "POST"])
@never_cache
def portal_link(request: HttpRequest) -> HttpResponse:
    """The e-mail link, and the personal link (QR code) on a paper letter. GET shows ONE
    button ("Verder") and spends nothing, so a mail scanner that opens the link does not
    use it up; the POST spends the token (single use, expires) and starts a session that
    reaches the parent portal only. A paper link (`via=paper`) carries a token of its own
    scope that works PAPER_LINK_MAX_AGE_DAYS instead of SESAME_MAX_AGE: an e-mail token is
    not accepted as a paper one, so it never gets the longer validity."""
    if request.method == "GET":
        language = request.GET.get("lang", "")
        form = MagicLinkForm(initial={"sesame": request.GET.get("sesame", ""), "next": request.GET.get("next", "")})
        paper = request.GET.get("via") == PAPER
        with translation.override(letters_adapter.letter_language(language or translation.get_language())):
            return private(render(request, "consent/portal_link.html", {"form": form, "paper": paper}))
    form = MagicLinkForm(request.POST)
    paper = request.POST.get("via") == PAPER
    invalid = {"paper": paper}
    if not form.is_valid():
        return private(render(request, "consent/portal_link_invalid.html", invalid, status=400))
    target = _portal_next(request, form.cleaned_data["next"])
    user = services.portal_link_user(request=request, token=form.cleaned_data["sesame"], paper=paper)
    if user is None:
        if request.user.is_authenticated:  # an older link, opened again in the same visit
            return redirect(target)
        return private(render(request, "consent/portal_link_invalid.html", invalid, status=400))
    language = services.portal_session_start(request=request, user=user)
    response = redirect(target)
    if language:
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME, language, samesite="Lax", secure=settings.SESSION_COOKIE_SECURE
        )
    return response
