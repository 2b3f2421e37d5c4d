"""Parent information letters: what goes into a letter, rendering it (web HTML and PDF
with WeasyPrint) and storing it immutably, plus the personalised paper batch.

- The generic letter of an active version is rendered ONCE per language and stored as a
  `Letter` (PDF through the storage API, its SHA-256, the SHA-256 of the rendered letter
  HTML, and that HTML next to the PDF so the web page shows exactly the stored text).
  Asking again returns the stored one; a consent decision references its SHA-256.
- Previews of versions that are not active are rendered on the fly with a DRAFT
  watermark and never stored: a draft still changes, no parent ever sees it, so there is
  nothing to prove later (see `letter_preview_render`).
- Personalised paper letters (one per child × guardian with parental authority) are a
  one-page personal cover (salutation, the personal link and QR code into the parent
  portal) in front of the STORED generic letter of that version and language, which is
  never laid out again: the covers of a batch are rendered in chunks and each letter is
  the generic PDF plus an incremental update (agreements/letters_pdf.py). Each is stored
  as a `Letter` row with child and guardian and its own SHA-256 over the merged bytes;
  the generic letter it contains is its first bytes (`personal_letter_generic`). A batch
  zips them. Making a letter is not informing: the consent app records a ParentNotice
  when staff confirm the letters were handed over or posted.

The Celery tasks (agreements/tasks.py) call `letter_generic_ensure` and `letter_batch_run`;
the services that enqueue them live in agreements/letters_services.py (so that this module
never imports the tasks: no import cycle).
"""

from __future__ import annotations

import functools
import hashlib
import io
import logging
import mimetypes
import posixpath
import secrets
import tempfile
import threading
import uuid
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urlencode, urlsplit

import segno
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.staticfiles import finders
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile, File
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.db.models.functions import Lower
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.safestring import mark_safe
from django.utils.text import slugify
from django.utils.translation import gettext as _
from sesame.utils import get_token

from agreements.letters.models import Letter, LetterBatch
from agreements.models import AgreementVersion, Approval, LegalBasis
from ikc_share.audit import audit_record
from ikc_share.models import Child, Guardian, Guardianship, Organisation

if TYPE_CHECKING:
    from weasyprint import CSS
    from weasyprint.text.fonts import FontConfiguration

    from agreements.letters.pdf import CoverBackground, GenericPdf

logger = logging.getLogger(__name__)
User = get_user_model()

LANGUAGES = ("nl", "en")
TEMPLATE_DIR = "agreements/letters"
# WeasyPrint resolves the letter's asset URLs against this origin. It is not a real host
# (.invalid is reserved): the fetcher below maps it to the app's own static files on
# disk and refuses every other URL, so rendering never touches the network.
ASSET_ORIGIN = "https://letter-assets.invalid"
ASSET_BASE = f"{ASSET_ORIGIN}/static/"
ALLOWED_ASSET_TYPES = {".css": "text/css", ".svg": "image/svg+xml", ".png": "image/png"}
GENERATED_BASE = f"{ASSET_ORIGIN}/generated/"
PRINT_CSS = "css/letter-print.css"
COVER_CSS = "css/letter-cover.css"
COVER_LAYER_CSS = "css/letter-cover-layer.css"
# Covers rendered per WeasyPrint document in a batch: the per-document cost (style setup,
# font subsetting, PDF writing) is shared, memory stays small.
COVER_CHUNK = 25
# The personal link on a paper letter: a django-sesame token in its own scope, so that an
# e-mail link (SESAME_MAX_AGE) never gets the paper link's longer validity.
PAPER_LINK_SCOPE = "paper-letter"
DRAFT_STATUSES = (AgreementVersion.Status.DRAFT, AgreementVersion.Status.AWAITING_APPROVAL)


# --- Fetching assets ----------------------------------------------------------------------


@functools.cache
def _weasy() -> SimpleNamespace:
    """WeasyPrint (and pypdf, through letters_pdf), imported on first use: a web process
    that renders no PDF does not carry them (about 40 MB of the process's memory), which
    keeps gunicorn workers small."""
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    from agreements.letters import pdf as letters_pdf

    class StaticOnlyFetcher(URLFetcher):
        """Serves the app's own static files (CSS, SVG, PNG) from disk, and images this
        module generated for the render at hand (`generated`: QR codes under
        GENERATED_BASE); refuses the rest: no http(s), no file://, no data: URLs, no path
        tricks."""

        def __init__(self, generated: dict[str, bytes] | None = None) -> None:
            super().__init__(allowed_protocols=("https",), allow_redirects=False)
            self.generated = generated or {}

        def fetch(self, url: str, headers: dict | None = None) -> URLFetcherResponse:
            if url.startswith(GENERATED_BASE):
                body = self.generated.get(url.removeprefix(GENERATED_BASE))
                if body is None:
                    raise ValueError(f"letter renderer refuses {url[:80]!r}: no such generated image")
                return URLFetcherResponse(url, body=body, headers={"Content-Type": "image/png"})
            path = static_path_for(url)
            return URLFetcherResponse(url, body=path.read_bytes(), headers={"Content-Type": _asset_type(path)})

    class _LayerHTML(HTML):
        """A cover layer document: rendered without WeasyPrint's HTML user-agent stylesheet,
        whose hundreds of rules, matched against every element, are most of a layer's render
        time. static/css/letter-cover-layer.css carries the few UA rules its markup needs."""

        def _ua_stylesheets(self, forms: bool = False) -> list:
            return []

    return SimpleNamespace(
        CSS=CSS,
        HTML=HTML,
        FontConfiguration=FontConfiguration,
        StaticOnlyFetcher=StaticOnlyFetcher,
        LayerHTML=_LayerHTML,
        pdf=letters_pdf,
    )


def __getattr__(name: str) -> Any:
    # letters.StaticOnlyFetcher for callers outside this module (and the tests).
    if name == "StaticOnlyFetcher":
        return _weasy().StaticOnlyFetcher
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _asset_type(path: Path) -> str:
    return ALLOWED_ASSET_TYPES.get(path.suffix.lower()) or mimetypes.guess_type(path.name)[0] or ""


def static_path_for(url: str) -> Path:
    """The file on disk for an asset URL under ASSET_BASE; ValueError for anything else."""
    if not url.startswith(ASSET_BASE):
        raise ValueError(f"letter renderer refuses {url[:80]!r}: only the app's own static files")
    parts = urlsplit(url)
    relative = unquote(parts.path).removeprefix("/static/")
    normalised = posixpath.normpath(relative)
    if (
        parts.query
        or parts.fragment
        or not relative
        or normalised != relative
        or normalised.startswith(("/", ".."))
        or "\\" in relative
        or "\x00" in relative
    ):
        raise ValueError(f"letter renderer refuses {url[:80]!r}: not a plain static path")
    if Path(normalised).suffix.lower() not in ALLOWED_ASSET_TYPES:
        raise ValueError(f"letter renderer refuses {url[:80]!r}: not a stylesheet or image")
    found = finders.find(normalised)
    if not found:
        raise ValueError(f"letter renderer refuses {url[:80]!r}: no such static file")
    return Path(found)


_render_state = threading.local()


def _font_config() -> FontConfiguration:
    # One per thread (fontconfig and Pango are not shared across threads): building it
    # asks fontconfig for every system font. The letter declares no @font-face, so the
    # configuration never changes.
    if getattr(_render_state, "font_config", None) is None:
        _render_state.font_config = _weasy().FontConfiguration()
    return _render_state.font_config


def _stylesheet(name: str) -> CSS:
    # Parsed once per thread, through the same fetcher: ~10% of a letter's render time.
    sheets = getattr(_render_state, "stylesheets", None)
    if sheets is None:
        sheets = _render_state.stylesheets = {}
    if name not in sheets:
        w = _weasy()
        sheets[name] = w.CSS(url=f"{ASSET_BASE}{name}", url_fetcher=w.StaticOnlyFetcher(), font_config=_font_config())
    return sheets[name]


def _print_stylesheet() -> CSS:
    return _stylesheet(PRINT_CSS)


def html_to_pdf(document: str) -> bytes:
    """Render a full HTML document to PDF bytes with the letter's print stylesheet. Only
    the app's own static files are reachable from the document."""
    w = _weasy()
    return w.HTML(string=document, base_url=ASSET_BASE, url_fetcher=w.StaticOnlyFetcher()).write_pdf(
        stylesheets=[_print_stylesheet()], font_config=_font_config()
    )


# --- Links ----------------------------------------------------------------------------------


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
      (`guardian_logins_ensure`)."""
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


# --- What goes into a letter ------------------------------------------------------------------


def _contact(org: Organisation) -> dict[str, str]:
    return {
        "name": org.name,
        "address": org.address,
        "postal_code": org.postal_code,
        "city": org.city,
        "privacy_email": org.privacy_email,
        "privacy_officer": org.privacy_officer_name,
        "is_school": org.kind == Organisation.Kind.SCHOOL,
    }


def _signatory(version: AgreementVersion, org: Organisation) -> str:
    approvals: list[Approval] = [
        a for a in version.approvals.all() if a.organisation_id == org.pk and a.decision == Approval.Decision.APPROVED
    ]
    if not approvals:
        return ""
    user = approvals[-1].decided_by
    return user.get_full_name() or ""


def version_for_letter(pk: int) -> AgreementVersion:
    """A version with everything the letter reads, in a fixed number of queries."""
    return (
        AgreementVersion.objects.select_related(
            "agreement__ikc", "agreement__sending_organisation", "agreement__receiving_organisation"
        )
        .prefetch_related("items__category", "receiving_roles", "receiving_locations", "approvals__decided_by")
        .get(pk=pk)
    )


def letter_context(
    *,
    version: AgreementVersion,
    language: str,
    link: str,
    draft: bool = False,
    letter_date=None,
) -> dict[str, Any]:
    """Everything the per-language letter templates need. Codes, not wording: the
    wording lives in templates/agreements/letters/letter_<language>.html. The letter is
    the same for every parent; what is personal goes on the cover (`cover_context`)."""
    if language not in LANGUAGES:
        raise ValidationError(_("Deze taal kennen we niet."))
    agreement = version.agreement
    sender, receiver = agreement.sending_organisation, agreement.receiving_organisation
    english = language == "en"
    items = []
    for item in version.items.all():
        cat = item.category
        items.append(
            {
                "code": cat.code,
                "name": cat.name_en if english else cat.name_nl,
                "description": cat.description_en if english else cat.description_nl,
                "justification": item.justification,
                "is_special": cat.is_special,
                "is_sensitive": cat.is_sensitive,
                "statutory": cat.statutory,
                "statutory_reference": cat.statutory_reference,
            }
        )
    basis = version.legal_basis
    return {
        "language": language,
        "draft": draft,
        "version": version,
        "reference": f"IKC-{agreement.pk}-v{version.number}",
        "title": agreement.title,
        "ikc_name": agreement.ikc.name,
        "sender": _contact(sender),
        "receiver": _contact(receiver),
        "contacts": [_contact(sender), _contact(receiver)],
        "sender_signatory": _signatory(version, sender),
        "receiver_signatory": _signatory(version, receiver),
        "letter_date": letter_date or timezone.localdate(),
        "purpose": version.purpose,
        "purpose_explanation": version.purpose_explanation,
        "items": items,
        "has_special": any(i["is_special"] for i in items),
        "has_statutory": any(i["statutory"] for i in items),
        "art9_condition": version.art9_condition,
        "method_in_app": version.method_in_app,
        "method_meeting": version.method_meeting,
        "receiving_roles": sorted(r.name for r in version.receiving_roles.all()),
        "receiving_locations": sorted(loc.name for loc in version.receiving_locations.all()),
        "retention_months": version.retention_months,
        "valid_from": version.valid_from,
        "valid_until": version.valid_until,
        "basis": basis,
        "is_consent": basis == LegalBasis.CONSENT,
        "may_object": basis in (LegalBasis.PUBLIC_TASK, LegalBasis.LEGITIMATE_INTEREST),
        "has_portability": basis in (LegalBasis.CONSENT, LegalBasis.CONTRACT),
        "statutory_provision": version.statutory_provision,
        "guardian_policy": version.guardian_policy,
        "consent_per_category": version.consent_per_category,
        "consent_valid_months": version.consent_valid_months,
        "parents_read_first": version.parents_read_first,
        "parents_read_days": version.parents_read_days,
        "objection_wait_days": version.objection_wait_days,
        "link": link,
        "qr_svg": mark_safe(qr_svg(link)),  # noqa: S308 - segno's own SVG markup, no user input
    }


@dataclass(frozen=True)
class RenderedLetter:
    body: str  # the letter itself as HTML (what the web page shows)
    pdf: bytes

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.pdf).hexdigest()

    @property
    def text_sha256(self) -> str:
        return hashlib.sha256(self.body.encode("utf-8")).hexdigest()


def render_letter_body(context: dict[str, Any]) -> str:
    language = context["language"]
    with translation.override(language):
        return render_to_string(f"{TEMPLATE_DIR}/letter_{language}.html", context)


def render_letter(context: dict[str, Any]) -> RenderedLetter:
    """The letter as HTML (for the page) and as PDF (A4, print CSS, running header)."""
    body = render_letter_body(context)
    with translation.override(context["language"]):
        document = render_to_string(f"{TEMPLATE_DIR}/pdf.html", {**context, "body": body})
    return RenderedLetter(body=body, pdf=html_to_pdf(document))


def is_draft_version(version: AgreementVersion) -> bool:
    return version.status in DRAFT_STATUSES


def preview_link(version: AgreementVersion, language: str) -> str:
    """Where a preview's link and QR code point: the real letter page once the version is
    active and its letter exists; otherwise a placeholder that shows where it will go."""
    letter = generic_letter(version=version, language=language)
    return letter_link(generic_token=letter.public_token if letter else "voorbeeld-preview")


def letter_preview_context(*, version: AgreementVersion, language: str) -> dict[str, Any]:
    return letter_context(
        version=version, language=language, link=preview_link(version, language), draft=is_draft_version(version)
    )


def letter_preview_render(*, version: AgreementVersion, language: str) -> RenderedLetter:
    """A preview for directors and privacy officers. Never stored (see the module doc)."""
    return render_letter(letter_preview_context(version=version, language=language))


# --- Reading stored letters -------------------------------------------------------------------


def generic_letters(version: AgreementVersion) -> QuerySet[Letter]:
    return Letter.objects.filter(version=version, guardian__isnull=True, is_draft=False)


def generic_letter(*, version: AgreementVersion, language: str) -> Letter | None:
    return generic_letters(version).filter(language=language).first()


def letter_html_name(letter: Letter) -> str:
    """The stored HTML of a letter sits next to its PDF (same name, .html)."""
    return letter.file.name.removesuffix(".pdf") + ".html"


def letter_stored_body(letter: Letter) -> str | None:
    """The exact letter HTML rendered when the PDF was made (our own escaped template
    output), or None when the file cannot be read (the page then offers the PDF only)."""
    try:
        with default_storage.open(letter_html_name(letter), "rb") as fh:
            return fh.read().decode("utf-8")
    except (OSError, UnicodeDecodeError):
        logger.exception("stored HTML of letter %s cannot be read", letter.pk)
        return None


def letter_download_name(letter: Letter) -> str:
    version = letter.version
    base = slugify(
        f"{'informatiebrief' if letter.language == 'nl' else 'information-letter'} "
        f"{version.agreement.title} v{version.number} {letter.language}"
    )
    return f"{base}.pdf"


# --- Storing letters --------------------------------------------------------------------------


def _check_can_issue(version: AgreementVersion, language: str) -> None:
    if language not in LANGUAGES:
        raise ValidationError(_("Deze taal kennen we niet."))
    if version.status != AgreementVersion.Status.ACTIVE:
        raise ValidationError(
            _("Alleen voor een actieve afspraak maken we een brief voor ouders. Bekijk een concept als voorbeeld.")
        )


def _store(*, version: AgreementVersion, language: str, token: str, rendered: RenderedLetter, actor: Any) -> Letter:
    """Write the generic letter's PDF and HTML, then the row and its audit event in one
    transaction. If the transaction fails the files are deleted again: never half-stored.
    A concurrent writer who stored the same letter first wins; we return theirs."""
    stem = f"{language}-generic-{uuid.uuid4().hex}"
    pdf_name = default_storage.save(f"letters/v{version.pk}/{stem}.pdf", ContentFile(rendered.pdf))
    written = [pdf_name]
    try:
        html_name = pdf_name.removesuffix(".pdf") + ".html"
        saved = default_storage.save(html_name, ContentFile(rendered.body.encode("utf-8")))
        written.append(saved)
        if saved != html_name:
            raise RuntimeError("storage renamed the letter HTML; refusing to store a mismatched pair")
        with transaction.atomic():
            letter = Letter.objects.create(
                version=version,
                language=language,
                file=pdf_name,
                sha256=rendered.sha256,
                text_sha256=rendered.text_sha256,
                public_token=token,
                is_draft=False,
            )
            audit_record(
                organisation=version.agreement.sending_organisation,
                actor=actor,
                action="letter.generated",
                target=letter,
                payload={
                    "version": version.pk,
                    "language": language,
                    "personal": False,
                    "child": None,
                    "guardian": None,
                    "sha256": rendered.sha256,
                },
            )
    except IntegrityError:
        _delete_quietly(written)
        existing = generic_letter(version=version, language=language)
        if existing is None:
            raise
        return existing
    except BaseException:
        _delete_quietly(written)
        raise
    return letter


def _delete_quietly(names: list[str]) -> None:
    for name in names:
        try:
            default_storage.delete(name)
        except OSError:  # pragma: no cover - reported, the row was never written
            logger.exception("could not delete the unstored letter file %s", name)


def letter_generic_ensure(*, version: AgreementVersion, language: str, actor: Any = None) -> Letter:
    """The generic letter of an active version in one language: the stored one, or render
    and store it now (once). Raises ValidationError when the version is not active."""
    existing = generic_letter(version=version, language=language)
    if existing is not None:
        return existing
    _check_can_issue(version, language)
    version = version_for_letter(version.pk)
    token = secrets.token_urlsafe(32)
    context = letter_context(version=version, language=language, link=letter_link(generic_token=token))
    return _store(version=version, language=language, token=token, rendered=render_letter(context), actor=actor)


def letter_generic_generate(*, version_id: int, language: str, actor_id: int | None = None) -> Letter:
    """The task's entry point: ids in, the stored generic letter out."""
    version = AgreementVersion.objects.get(pk=version_id)
    actor = User.objects.filter(pk=actor_id).first() if actor_id else None
    return letter_generic_ensure(version=version, language=language, actor=actor)


def letter_generation_failed(*, version_id: int, language: str, error: str, actor_id: int | None = None) -> None:
    """Report a render that failed for good (after the task's retries)."""
    version = AgreementVersion.objects.select_related("agreement__sending_organisation").filter(pk=version_id).first()
    if version is None:
        return
    logger.error("information letter for version %s (%s) could not be made: %s", version_id, language, error)
    with transaction.atomic():
        audit_record(
            organisation=version.agreement.sending_organisation,
            actor=None,
            action="letter.generation_failed",
            target=version,
            payload={"language": language, "error": error, "actor": actor_id},
        )


# --- Logins for guardians who get a paper letter ------------------------------------------------


def _name_key(first: str, last: str) -> tuple[str, str]:
    return (" ".join(first.split()).casefold(), " ".join(last.split()).casefold())


def _same_person(user: Any, guardian: Guardian) -> bool:
    """A login found by e-mail address is this guardian's only when the names agree (or
    the login has no name): two parents who share one address are two people."""
    if not (user.first_name or user.last_name):
        return True
    return _name_key(user.first_name, user.last_name) == _name_key(guardian.first_name, guardian.last_name)


def _paper_username(guardian: Guardian) -> str:
    # Not an e-mail address, never reused: a person with no address logs in by paper link only.
    return f"ouder-{guardian.pk}-{secrets.token_hex(4)}"


def guardian_logins_ensure(*, guardians: Iterable[Guardian], actor: Any = None) -> None:
    """Give every guardian without a login one, so that their paper letter's personal link
    works; sets `.user` on the objects passed in. One login per person, never shared:

    - a guardian with an e-mail address gets the login of that address (as the consent
      e-mails do: the same parent at the school and at the childcare organisation is one
      person), but only when its name agrees; otherwise, and without a login of that
      address, a new login with the address as username;
    - a guardian WITHOUT an e-mail address gets a new login of their own: an unusable
      password and a username that is not an e-mail address. They log in by the paper
      link only (or staff record their answer on paper).

    Creating logins writes one audit event per organisation (ids only)."""
    wanted = {g.pk: g for g in guardians if g.user_id is None}
    if not wanted:
        return
    with transaction.atomic():
        locked = list(
            Guardian.objects.select_for_update(of=("self",)).select_related("user").filter(pk__in=wanted).order_by("pk")
        )
        todo = [g for g in locked if g.user_id is None]  # another batch may have been first
        emails = {g.email.strip().lower() for g in todo if g.email.strip()}
        by_email: dict[str, list[Any]] = {}
        for user in User.objects.annotate(address=Lower("email")).filter(address__in=emails).order_by("pk"):
            by_email.setdefault(user.address, []).append(user)
        taken = set(User.objects.filter(username__in=emails).values_list("username", flat=True))
        new_users: list[Any] = []
        for guardian in todo:
            email = guardian.email.strip().lower()
            user = next((u for u in by_email.get(email, []) if _same_person(u, guardian)), None)
            if user is None:
                username = email if email and email not in taken else _paper_username(guardian)
                taken.add(username)
                user = User(
                    username=username, email=email, first_name=guardian.first_name, last_name=guardian.last_name
                )
                user.set_unusable_password()
                new_users.append(user)
                if email:
                    by_email.setdefault(email, []).append(user)
            guardian.user = user
        User.objects.bulk_create(new_users)
        created = {user.pk for user in new_users}
        for guardian in todo:
            guardian.user_id = guardian.user.pk
        Guardian.objects.bulk_update(todo, ["user"])
        per_org: dict[int, list[Guardian]] = {}
        for guardian in todo:
            per_org.setdefault(guardian.organisation_id, []).append(guardian)
        organisations = Organisation.objects.in_bulk(list(per_org))
        for org_id, linked in sorted(per_org.items()):
            audit_record(
                organisation=organisations[org_id],
                actor=actor,
                action="guardian.logins_linked",
                target=None,
                payload={
                    "reason": "paper_letter",
                    "guardians": [g.pk for g in linked],
                    "users": [g.user_id for g in linked],
                    "created": [g.user_id for g in linked if g.user_id in created],
                },
            )
    found = {g.pk: g.user for g in locked}
    for guardian in wanted.values():
        guardian.user = found[guardian.pk]


# --- Personal paper letters: a cover in front of the stored generic letter ------------------------


@dataclass(frozen=True)
class Recipient:
    child: Child
    guardian: Guardian


def cover_context(*, version: AgreementVersion, language: str, generic: Letter, generic_pdf: GenericPdf) -> dict:
    """What every cover of a version and language shares (codes, not wording: the wording
    is in templates/agreements/letters/cover_<language>.html and cover_layer_<language>.html)."""
    if language not in LANGUAGES:
        raise ValidationError(_("Deze taal kennen we niet."))
    agreement = version.agreement
    today = timezone.localdate()
    return {
        "language": language,
        "cover_template": f"{TEMPLATE_DIR}/cover_{language}.html",
        "layer_template": f"{TEMPLATE_DIR}/cover_layer_{language}.html",
        "reference": f"IKC-{agreement.pk}-v{version.number}",
        "sender": _contact(agreement.sending_organisation),
        "receiver": _contact(agreement.receiving_organisation),
        "letter_date": today,
        "link_valid_until": today + paper_link_max_age() - timedelta(days=1),
        "is_consent": version.legal_basis == LegalBasis.CONSENT,
        "may_object": version.legal_basis in (LegalBasis.PUBLIC_TASK, LegalBasis.LEGITIMATE_INTEREST),
        "generic_sha256": generic.sha256,
        "generic_pages": generic_pdf.page_count,
    }


def cover_label(language: str) -> str:
    """The cover's page label in PDF viewers (the generic letter's pages stay 1, 2, 3 …)."""
    return "Cover page" if language == "en" else "Voorblad"


COVER_SLOTS = ("to", "greeting", "qr", "url")
LINK_LINE = 64  # characters of the link per printed line (it has no spaces to break at)


@dataclass(frozen=True)
class CoverDesign:
    """The covers of one batch (version and language): the shared context, the rendered
    background and the slot positions measured on it."""

    context: dict[str, Any]
    background: CoverBackground
    slots: CSS


def cover_design(*, version: AgreementVersion, language: str, generic: Letter, generic_pdf: GenericPdf) -> CoverDesign:
    """Render the cover's background once and measure where its empty slots are."""
    w = _weasy()
    context = cover_context(version=version, language=language, generic=generic, generic_pdf=generic_pdf)
    for compact in (False, True):  # very long names and addresses: a tighter layout
        with translation.override(language):
            document = render_to_string(f"{TEMPLATE_DIR}/covers.html", {**context, "covers": [], "compact": compact})
        rendered = w.HTML(string=document, base_url=ASSET_BASE, url_fetcher=w.StaticOnlyFetcher()).render(
            stylesheets=[_stylesheet(COVER_CSS)], font_config=_font_config()
        )
        if len(rendered.pages) == 1:
            break
    else:
        raise ValidationError(
            _(
                "De namen en adressen van de organisaties zijn te lang voor het voorblad van de brief. "
                "Maak ze korter en probeer het opnieuw."
            )
        )
    anchors = rendered.pages[0].anchors
    rules = []
    for slot in COVER_SLOTS:
        x1, y1, x2, y2 = anchors[f"slot-{slot}"]
        rules.append(
            f".slot-{slot} {{ left: {x1:.3f}px; top: {y1:.3f}px; width: {x2 - x1:.3f}px; height: {y2 - y1:.3f}px; }}"
        )
    return CoverDesign(
        context=context,
        background=w.pdf.CoverBackground(rendered.write_pdf()),
        slots=w.CSS(string="\n".join(rules), font_config=_font_config()),
    )


def _link_lines(link: str) -> list[str]:
    return [link[i : i + LINK_LINE] for i in range(0, len(link), LINK_LINE)]


def render_covers(*, design: CoverDesign, recipients: list[Recipient], version: AgreementVersion) -> bytes:
    """The personal layers of these recipients' covers: one page each, in their order, in
    one WeasyPrint document. Logins must exist (guardian_logins_ensure)."""
    language = design.context["language"]
    covers, images = [], {}
    for index, r in enumerate(recipients):
        link = letter_link(version=version, child=r.child, guardian=r.guardian, language=language)
        images[f"qr-{index}.png"] = qr_png(link, mask=PERSONAL_QR_MASK)
        covers.append(
            {
                "guardian_name": r.guardian.full_name,
                "child_name": r.child.full_name,
                "link": link,
                "link_text": "\n".join(_link_lines(link)),  # printed on lines of LINK_LINE characters
                "qr_url": f"{GENERATED_BASE}qr-{index}.png",
            }
        )
    with translation.override(language):
        document = render_to_string(f"{TEMPLATE_DIR}/covers.html", {**design.context, "covers": covers})
    w = _weasy()
    rendered = w.LayerHTML(
        string=document, base_url=ASSET_BASE, url_fetcher=w.StaticOnlyFetcher(generated=images)
    ).render(stylesheets=[_stylesheet(COVER_LAYER_CSS), design.slots], font_config=_font_config())
    if len(rendered.pages) != len(recipients):
        raise RuntimeError(f"{len(recipients)} cover layers came out as {len(rendered.pages)} pages")
    return rendered.write_pdf()


@dataclass
class _Made:
    recipient: Recipient
    pdf: bytes
    name: str = ""


def _personal_existing(
    version: AgreementVersion, language: str, recipients: list[Recipient]
) -> dict[tuple[int, int], Letter]:
    guardian_ids = {r.guardian.pk for r in recipients}
    child_ids = {r.child.pk for r in recipients}
    rows = Letter.objects.filter(
        version=version, language=language, guardian_id__in=guardian_ids, child_id__in=child_ids
    )
    return {(letter.child_id, letter.guardian_id): letter for letter in rows}


def letters_personal_make(
    *,
    version: AgreementVersion,
    language: str,
    generic: Letter,
    generic_pdf: GenericPdf,
    recipients: list[Recipient],
    actor: Any = None,
    design: CoverDesign | None = None,
) -> list[tuple[Letter, bytes | None]]:
    """The personal letters of these recipients, in their order: the stored ones, and the
    missing ones rendered together (one WeasyPrint document for their covers) and stored
    in ONE transaction with an audit event each. Returns (letter, its PDF bytes when it
    was made now). Files are written first and deleted again if the transaction fails:
    never half-stored. A concurrent batch that stored some first wins; theirs are used."""
    _check_can_issue(version, language)
    existing = _personal_existing(version, language, recipients)
    missing = [r for r in recipients if (r.child.pk, r.guardian.pk) not in existing]
    made: dict[tuple[int, int], tuple[Letter, bytes]] = {}
    if missing:
        guardian_logins_ensure(guardians=[r.guardian for r in missing], actor=actor)
        design = design or cover_design(version=version, language=language, generic=generic, generic_pdf=generic_pdf)
        pdf = render_covers(design=design, recipients=missing, version=version)
        pages = _weasy().pdf.CoverPages(pdf, generic=generic_pdf, background=design.background)
        label = cover_label(language)
        outputs = [_Made(r, pages.letter(i, cover_label=label)) for i, r in enumerate(missing)]
        made = _store_personal(version=version, language=language, generic=generic, outputs=outputs, actor=actor)
        if len(made) < len(missing):  # lost a race for some of them
            existing = _personal_existing(version, language, recipients)
    result = []
    for r in recipients:
        key = (r.child.pk, r.guardian.pk)
        if key in made:
            result.append(made[key])
        elif key in existing:
            result.append((existing[key], None))
        else:  # pragma: no cover - the race above returns the winner's letter
            raise RuntimeError("a personal letter was neither stored nor found")
    return result


def _store_personal(
    *, version: AgreementVersion, language: str, generic: Letter, outputs: list[_Made], actor: Any
) -> dict[tuple[int, int], tuple[Letter, bytes]]:
    written: list[str] = []
    try:
        for out in outputs:
            child, guardian = out.recipient.child, out.recipient.guardian
            stem = f"{language}-c{child.pk}-g{guardian.pk}-{uuid.uuid4().hex}"
            out.name = default_storage.save(f"letters/v{version.pk}/{stem}.pdf", ContentFile(out.pdf))
            written.append(out.name)
        with transaction.atomic():
            rows = Letter.objects.bulk_create(
                [
                    Letter(
                        version=version,
                        language=language,
                        child=out.recipient.child,
                        guardian=out.recipient.guardian,
                        file=out.name,
                        sha256=hashlib.sha256(out.pdf).hexdigest(),
                        # The letter's text is the generic letter's (after the cover): the
                        # generic letter's HTML hash, so both hashes say what was read.
                        text_sha256=generic.text_sha256,
                        public_token=secrets.token_urlsafe(32),
                        is_draft=False,
                    )
                    for out in outputs
                ]
            )
            sender = version.agreement.sending_organisation
            for letter in rows:
                audit_record(
                    organisation=sender,
                    actor=actor,
                    action="letter.generated",
                    target=letter,
                    payload={
                        "version": version.pk,
                        "language": language,
                        "personal": True,
                        "child": letter.child_id,
                        "guardian": letter.guardian_id,
                        "sha256": letter.sha256,
                        "generic": generic.pk,
                        "generic_sha256": generic.sha256,
                    },
                )
    except IntegrityError:
        _delete_quietly(written)
        if len(outputs) == 1:
            return {}
        # Someone stored some of these meanwhile: store the others one by one.
        kept: dict[tuple[int, int], tuple[Letter, bytes]] = {}
        for out in outputs:
            kept.update(
                _store_personal(version=version, language=language, generic=generic, outputs=[out], actor=actor)
            )
        return kept
    except BaseException:
        _delete_quietly(written)
        raise
    return {(letter.child_id, letter.guardian_id): (letter, out.pdf) for letter, out in zip(rows, outputs, strict=True)}


def letter_personal_ensure(
    *,
    version: AgreementVersion,
    language: str,
    child: Child,
    guardian: Guardian,
    generic: Letter,
    actor: Any = None,
) -> Letter:
    """The personalised paper letter for one guardian of one child (stored once)."""
    ((letter, _pdf),) = letters_personal_make(
        version=version,
        language=language,
        generic=generic,
        generic_pdf=generic_pdf_read(generic),
        recipients=[Recipient(child=child, guardian=guardian)],
        actor=actor,
    )
    return letter


def generic_pdf_read(generic: Letter) -> GenericPdf:
    with generic.file.open("rb") as fh:
        data = fh.read()
    pdf = _weasy().pdf.GenericPdf.read(data)
    if pdf.sha256 != generic.sha256:
        raise RuntimeError(f"the stored file of letter {generic.pk} does not match its SHA-256")
    return pdf


def personal_letter_generic(letter: Letter) -> Letter | None:
    """The generic letter a personal paper letter contains, checked on the bytes: the
    personal PDF starts with exactly the generic PDF (see letters_pdf). None when the
    letter is generic or the check fails."""
    if letter.guardian_id is None:
        return None
    generic = generic_letter(version=letter.version, language=letter.language)
    if generic is None:
        return None
    with generic.file.open("rb") as fh:
        length = len(fh.read())
    with letter.file.open("rb") as fh:
        personal = fh.read()
    return generic if _weasy().pdf.contains_generic(personal, generic.sha256, length) else None


# --- Personalised batch -----------------------------------------------------------------------


def batch_recipients(version: AgreementVersion) -> QuerySet[Guardianship]:
    """Every guardian with parental authority of every current child of the sending
    organisation: one personal letter each, in the order staff hand them out."""
    sender_id = version.agreement.sending_organisation_id
    return (
        Guardianship.objects.filter(
            child__organisation_id=sender_id,
            child__left_on__isnull=True,
            has_parental_authority=True,
            guardian__organisation_id=sender_id,
        )
        .select_related("child__location", "guardian__user")
        .order_by(
            "child__location__name",
            "child__group_name",
            "child__last_name",
            "child__first_name",
            "guardian__last_name",
            "guardian__first_name",
            "pk",
        )
    )


def _zip_entry_name(index: int, child: Child, guardian: Guardian) -> str:
    folder = slugify(f"{child.location.name} {child.group_name}") or "kinderen"
    return f"{folder}/{index:04d}-{slugify(child.full_name)}-{slugify(guardian.full_name)}.pdf"


def letter_batch_run(*, batch_id: int) -> LetterBatch:
    """Make (or reuse) every personal letter, COVER_CHUNK covers per render, count
    progress in LetterBatch.done after each chunk, and zip them as they come. Safe to run
    again after a failure: stored letters are reused."""
    batch = LetterBatch.objects.select_related("requested_by").get(pk=batch_id)
    if batch.status == LetterBatch.Status.DONE:
        return batch
    version = version_for_letter(batch.version_id)
    actor, language = batch.requested_by, batch.language
    ships = list(batch_recipients(version))
    LetterBatch.objects.filter(pk=batch.pk).update(
        status=LetterBatch.Status.RUNNING, total=len(ships), done=0, error=""
    )
    generic = letter_generic_ensure(version=version, language=language, actor=actor)
    generic_pdf = generic_pdf_read(generic)
    design = cover_design(version=version, language=language, generic=generic, generic_pdf=generic_pdf)
    with tempfile.SpooledTemporaryFile(max_size=32 * 1024 * 1024) as spool:  # large batches spill to disk
        with zipfile.ZipFile(spool, "w", compression=zipfile.ZIP_STORED) as archive:  # PDFs are compressed already
            done = 0
            for start in range(0, len(ships), COVER_CHUNK):
                chunk = ships[start : start + COVER_CHUNK]
                made = letters_personal_make(
                    version=version,
                    language=language,
                    generic=generic,
                    generic_pdf=generic_pdf,
                    recipients=[Recipient(child=s.child, guardian=s.guardian) for s in chunk],
                    actor=actor,
                    design=design,
                )
                for ship, (letter, pdf) in zip(chunk, made, strict=True):
                    done += 1
                    if pdf is None:  # stored by an earlier batch
                        with letter.file.open("rb") as fh:
                            pdf = fh.read()
                    archive.writestr(_zip_entry_name(done, ship.child, ship.guardian), pdf)
                LetterBatch.objects.filter(pk=batch.pk).update(done=done)
        spool.seek(0)
        zip_name = default_storage.save(
            f"letter-batches/batch-{batch.pk}-v{version.pk}-{language}-{uuid.uuid4().hex[:12]}.zip",
            File(spool),
        )
    try:
        with transaction.atomic():
            current = LetterBatch.objects.select_for_update().get(pk=batch.pk)
            if current.status == LetterBatch.Status.DONE:  # a redelivered copy of this task finished first
                _delete_quietly([zip_name])
                return current
            LetterBatch.objects.filter(pk=batch.pk).update(
                status=LetterBatch.Status.DONE,
                file=zip_name,
                done=len(ships),
                total=len(ships),
                finished_at=timezone.now(),
                error="",
            )
            batch.refresh_from_db()
            audit_record(
                organisation=version.agreement.sending_organisation,
                actor=actor,
                action="letter_batch.finished",
                target=batch,
                payload={"version": version.pk, "language": language, "letters": len(ships)},
            )
    except BaseException:
        _delete_quietly([zip_name])
        raise
    return batch


def batch_letters(batch: LetterBatch) -> list[Letter]:
    """The personal letters in a finished batch's ZIP, for recording that they were handed
    over (consent app): the letters of its version and language, made by the time it
    finished, for the guardians with authority of current children."""
    if batch.status != LetterBatch.Status.DONE or batch.finished_at is None:
        return []
    version = AgreementVersion.objects.select_related("agreement").get(pk=batch.version_id)
    pairs = set(batch_recipients(version).values_list("child_id", "guardian_id"))
    rows = Letter.objects.filter(
        version=version,
        language=batch.language,
        guardian__isnull=False,
        generated_at__lte=batch.finished_at,
    ).select_related("child", "guardian")
    return [letter for letter in rows.order_by("pk") if (letter.child_id, letter.guardian_id) in pairs]


# Sections another app adds to the batch page (the consent app: "handed over"), so that
# this app never imports it. provider(batch=..., user=...) returns None or a dict with
# "template" plus what that template needs.
_batch_sections: list[Callable[..., dict[str, Any] | None]] = []


def register_batch_section(provider: Callable[..., dict[str, Any] | None]) -> None:
    if provider not in _batch_sections:
        _batch_sections.append(provider)


def batch_sections(*, batch: LetterBatch, user: Any) -> list[dict[str, Any]]:
    return [section for provider in _batch_sections if (section := provider(batch=batch, user=user))]


def letter_batch_fail(*, batch_id: int, error: str) -> None:
    """Mark a batch as failed for good, with a message the director can read."""
    batch = LetterBatch.objects.select_related("version__agreement__sending_organisation").filter(pk=batch_id).first()
    if batch is None or batch.status == LetterBatch.Status.DONE:
        return
    with transaction.atomic():
        LetterBatch.objects.filter(pk=batch.pk).update(
            status=LetterBatch.Status.FAILED, error=error, finished_at=timezone.now()
        )
        audit_record(
            organisation=batch.version.agreement.sending_organisation,
            actor=None,
            action="letter_batch.failed",
            target=batch,
            payload={"version": batch.version_id, "language": batch.language},
        )
