"""Pages of an organisation as a whole: its transfers (sent), the privacy officer's register
(metadata only), and the guide for situations that are not a transfer under an agreement."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import translation
from django.views.decorators.http import require_GET

from ikc_share import http
from transfers import guide, selectors
from transfers import permissions as perms


@require_GET
@login_required
def transfer_list(request: HttpRequest, org_pk: int) -> HttpResponse:
    """The organisation's transfers (sent) for the children the user may see, and a link to
    the inbox (received)."""
    http.require_staff_session(request)
    organisation = perms.sender_organisation(request.user, org_pk)
    transfers = selectors.organisation_transfers(organisation=organisation, transfers=perms.transfers_for(request.user))
    return render(
        request,
        "transfers/list.html",
        {
            "organisation": organisation,
            "transfers": transfers[:200],
            "may_audit": perms.may(request.user, organisation, perms.AUDIT),
        },
    )


@require_GET
@login_required
def guide_page(request: HttpRequest) -> HttpResponse:
    """Situations that are not a transfer under an agreement."""
    return render(
        request,
        "transfers/guide.html",
        {"situations": guide.situations_with_routes(translation.get_language())},
    )


# --- Privacy officer ---------------------------------------------------------------------------------


@require_GET
@login_required
def register(request: HttpRequest, org_pk: int) -> HttpResponse:
    """What was sent and received, who opened what (with names), what is due for removal
    and what was removed. Metadata only: no content."""
    http.require_staff_session(request)
    organisation = perms.register_organisation(request.user, org_pk)
    return render(
        request,
        "transfers/register.html",
        {"organisation": organisation, "register": selectors.register(organisation=organisation)},
    )
