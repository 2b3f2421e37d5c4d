"""E-mail to whoever handles the parents' rights when a request comes in (filed in the
portal or recorded by staff): the organisation's directors and the staff members marked as
privacy contact, except the person who recorded it. Called from a task
(accountability/tasks.py) after the request committed. Kind, number and deadline only: no
data about the child or the parent.

The task comes through the outbox (at least once): each e-mail is claimed first in the
cache (`cache.add`, atomic; shared by every process with CACHE_URL) under the request and
the address, so a redelivered task sends nothing twice."""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.cache import cache
from django.urls import reverse

from accountability.rights.models import RightsRequest
from ikc_share import selectors as core_selectors
from ikc_share.choices import MembershipRole
from ikc_share.mail import send_templated

logger = logging.getLogger(__name__)
CLAIM_SECONDS = 30 * 24 * 3600


def handler_emails(*, organisation_id: int, exclude_user_id: int | None = None) -> list[str]:
    """The e-mail addresses of the directors and privacy contacts of the organisation."""
    handlers = core_selectors.memberships().filter(
        organisation_id=organisation_id, is_active=True, user__is_active=True
    ).filter(role=MembershipRole.DIRECTOR) | core_selectors.memberships().filter(
        organisation_id=organisation_id,
        is_active=True,
        user__is_active=True,
        role=MembershipRole.STAFF,
        is_privacy_contact=True,
    )
    return sorted(
        {m.user.email for m in handlers.select_related("user") if m.user.email and m.user_id != exclude_user_id}
    )


def rights_request_filed_send(*, request_id: int) -> int:
    request = RightsRequest.objects.select_related("organisation").filter(pk=request_id).first()
    if request is None:
        return 0
    to = handler_emails(organisation_id=request.organisation_id, exclude_user_id=request.created_by_id)
    sent = 0
    for address in to:
        if not cache.add(f"mail:rights-filed:r{request.pk}:{address}", 1, CLAIM_SECONDS):
            continue  # sent before (a redelivered task)
        sent += 1
        send_templated(
            to=[address],
            template="rights_request_filed",
            context={
                "request": request,
                "kind": request.get_kind_display(),
                "link": settings.SITE_URL + reverse("consent:rights-detail", kwargs={"pk": request.pk}),
            },
        )
    logger.info("rights request %s filed: %s e-mails", request_id, sent)
    return sent
