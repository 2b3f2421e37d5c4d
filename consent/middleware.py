"""A session started from an e-mail link (django-sesame) reaches the parent portal ONLY.

The magic-link view marks the session (`MAGIC_LINK_SESSION_KEY`). On every other page
such a session gets a 404, so a person who is also staff gets no staff access through a
link: staff pages need the password (and, where required, the second factor). The start
page sends such a visitor to the portal; logging out, the language switch and the public
letter pages stay open.
"""

from __future__ import annotations

from django.shortcuts import redirect
from django.urls import reverse

from consent import permissions as perms
from ikc_share.http import MAGIC_LINK, is_magic_link_session


class MagicLinkPortalOnlyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and is_magic_link_session(request):
            request.ikc_login_method = MAGIC_LINK
            path = request.path_info
            if path == "/":
                return redirect(reverse("consent:portal-home"))
            perms.require_portal_page(path)
        return self.get_response(request)
