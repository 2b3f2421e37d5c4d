"""Where a letter's link and QR code point: the ONE place that decides it (`letter_link`),
and the QR codes, made locally."""

from __future__ import annotations

import io
from datetime import timedelta
from typing import TYPE_CHECKING
from urllib.parse import urlencode

import segno
from django.conf import settings
from django.urls import reverse
from sesame.utils import get_token

if TYPE_CHECKING:
    from agreements.models import AgreementVersion
    from ikc_share.models import Child, Guardian

# The personal link on a paper letter: a django-sesame token in its own scope, so that an
# e-mail link (SESAME_MAX_AGE) never gets the paper link's longer validity.
PAPER_LINK_SCOPE = "paper-letter"


def paper_link_max_age() -> timedelta:
    """How long the personal link on a paper letter works (settings.PAPER_LINK_MAX_AGE_DAYS)."""
    return timedelta(days=settings.PAPER_LINK_MAX_AGE_DAYS)


def letter_link(
    *,
    generic_token: str = "",
    version: AgreementVersion | None = None,
    child: Child | None = None,
    guardian: Guardian | None = None,
    language: str = "nl",
) -> str:
    """The ONE place that decides where a letter's link and QR code point.

    - A generic letter (no guardian): its own public page, by its unguessable token.
    - A personal paper letter (version, child and guardian given): the parent portal's
      page for this child and agreement version, through the portal's magic-link page
      (consent:portal-link): a single-use django-sesame token for the guardian's login,
      in the PAPER_LINK_SCOPE, valid PAPER_LINK_MAX_AGE_DAYS. It is spent on the
      "Verder" POST, like an e-mail link. The guardian needs a login first
      (`ikc_share.logins.guardian_logins_ensure`)."""
    if guardian is None:
        return settings.SITE_URL + reverse("agreements:letter-public", kwargs={"token": generic_token})
    if version is None or child is None:
        raise ValueError("a personal link needs the version and the child")
    if guardian.user is None:
        raise ValueError("a personal link needs the guardian's login: call guardian_logins_ensure first")
    target = reverse("consent:portal-decide", kwargs={"child_pk": child.pk, "version_pk": version.pk})
    query = urlencode(
        {"sesame": get_token(guardian.user, scope=PAPER_LINK_SCOPE), "next": target, "lang": language, "via": "paper"},
        safe="/",  # "/" may stand in a query: a shorter link to type over, a smaller QR code
    )
    return f"{settings.SITE_URL}{reverse('consent:portal-link')}?{query}"


def qr_svg(url: str) -> str:
    """An inline SVG QR code, made locally (no service, no data: URL to fetch)."""
    return segno.make(url, error="m").svg_inline(scale=3, border=2, omitsize=True)


# QR data mask pattern for the personal links. Choosing the best of the eight patterns
# (ISO/IEC 18004 7.8.3) costs about 6 ms per code in segno, more than laying out the whole
# cover layer. For links of this shape pattern 2 is the best one for most links (64-92% of
# 300 sampled links, by link length) and on average within about 1% of the best penalty
# score; every reader decodes every pattern. The generic letter's QR code (made once per
# letter) still gets the best pattern.
PERSONAL_QR_MASK = 2


def qr_png(url: str, *, mask: int | None = None) -> bytes:
    """The QR code as a tiny PNG (one pixel per module), made locally. The cover scales it
    up with `image-rendering: pixelated`: crisp in print, and about ten times cheaper for
    WeasyPrint than drawing the SVG path."""
    out = io.BytesIO()
    segno.make(url, error="m", mask=mask).save(out, kind="png", scale=1, border=2)
    return out.getvalue()
