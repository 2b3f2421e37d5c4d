"""Parent information letters: what goes into a letter, rendering it (web HTML and PDF
with WeasyPrint) and storing it immutably, plus the personalised paper batch.

- The generic letter of an active version is rendered ONCE per language and stored as a
  `Letter` (PDF through the storage API, its SHA-256, the SHA-256 of the rendered letter
  HTML, and that HTML next to the PDF so the web page shows exactly the stored text).
  Asking again returns the stored one; a consent decision references its SHA-256.
- Previews of versions that are not active are rendered on the fly with a DRAFT
  watermark and never stored: a draft still changes, no parent ever sees it, so there is
  nothing to prove later (see `letter_preview_render`).
- Personalised letters (one per child × guardian with parental authority) are stored
  as `Letter` rows with child and guardian, so the exact paper letter a parent received
  stays provable; a batch zips them.

The Celery tasks (agreements/tasks.py) call `letter_generic_ensure` and `letter_batch_run`;
the services that enqueue them live in agreements/letters_services.py (so that this module
never imports the tasks: no import cycle).
"""

from __future__ import annotations

import hashlib
import logging
import mimetypes
import posixpath
import secrets
import tempfile
import threading
import uuid
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import segno
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.staticfiles import finders
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile, File
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.safestring import mark_safe
from django.utils.text import slugify
from django.utils.translation import gettext as _
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

from ikc_share.audit import audit_record
from ikc_share.models import Child, Guardian, Guardianship, Organisation

from .models import AgreementVersion, Approval, LegalBasis, Letter, LetterBatch

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
PRINT_CSS = "css/letter-print.css"
DRAFT_STATUSES = (AgreementVersion.Status.DRAFT, AgreementVersion.Status.AWAITING_APPROVAL)


# --- Fetching assets ----------------------------------------------------------------------


class StaticOnlyFetcher(URLFetcher):
    """Serves the app's own static files (CSS, SVG, PNG) from disk; refuses the rest:
    no http(s), no file://, no data: URLs, no path tricks."""

    def __init__(self) -> None:
        super().__init__(allowed_protocols=("https",), allow_redirects=False)

    def fetch(self, url: str, headers: dict | None = None) -> URLFetcherResponse:
        path = static_path_for(url)
        return URLFetcherResponse(url, body=path.read_bytes(), headers={"Content-Type": _asset_type(path)})


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
        _render_state.font_config = FontConfiguration()
    return _render_state.font_config


def _print_stylesheet() -> CSS:
    # Parsed once per thread, through the same fetcher: ~10% of a letter's render time.
    if getattr(_render_state, "stylesheet", None) is None:
        _render_state.stylesheet = CSS(
            url=f"{ASSET_BASE}{PRINT_CSS}", url_fetcher=StaticOnlyFetcher(), font_config=_font_config()
        )
    return _render_state.stylesheet


def html_to_pdf(document: str) -> bytes:
    """Render a full HTML document to PDF bytes with the letter's print stylesheet. Only
    the app's own static files are reachable from the document."""
    return HTML(string=document, base_url=ASSET_BASE, url_fetcher=StaticOnlyFetcher()).write_pdf(
        stylesheets=[_print_stylesheet()], font_config=_font_config()
    )


# --- Links ----------------------------------------------------------------------------------


def letter_link(*, generic_token: str, child: Child | None = None, guardian: Guardian | None = None) -> str:
    """The ONE place that decides where a letter's link and QR code point.

    Today every letter, generic or personal, points to the generic letter's public page
    (its unguessable token). The consent issue points personal letters (child and
    guardian given) to the parent-portal page for this agreement instead."""
    return settings.SITE_URL + reverse("agreements:letter-public", kwargs={"token": generic_token})


def qr_svg(url: str) -> str:
    """An inline SVG QR code, made locally (no service, no data: URL to fetch)."""
    return segno.make(url, error="m").svg_inline(scale=3, border=2, omitsize=True)


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
    child: Child | None = None,
    guardian: Guardian | None = None,
    letter_date=None,
) -> dict[str, Any]:
    """Everything the per-language letter templates need. Codes, not wording: the
    wording lives in templates/agreements/letters/letter_<language>.html."""
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
        "child_name": child.full_name if child else "",
        "guardian_name": guardian.full_name if guardian else "",
        "personal": guardian is not None,
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


def _store(
    *,
    version: AgreementVersion,
    language: str,
    token: str,
    rendered: RenderedLetter,
    actor: Any,
    child: Child | None = None,
    guardian: Guardian | None = None,
    keep_body: bool,
) -> Letter:
    """Write the file(s), then the row and its audit event in one transaction. If the
    transaction fails the files are deleted again: never half-stored. A concurrent writer
    who stored the same letter first wins; we return theirs."""
    kind = f"c{child.pk}-g{guardian.pk}" if guardian else "generic"
    stem = f"{language}-{kind}-{uuid.uuid4().hex}"
    pdf_name = default_storage.save(f"letters/v{version.pk}/{stem}.pdf", ContentFile(rendered.pdf))
    written = [pdf_name]
    try:
        if keep_body:
            html_name = pdf_name.removesuffix(".pdf") + ".html"
            saved = default_storage.save(html_name, ContentFile(rendered.body.encode("utf-8")))
            written.append(saved)
            if saved != html_name:
                raise RuntimeError("storage renamed the letter HTML; refusing to store a mismatched pair")
        with transaction.atomic():
            letter = Letter.objects.create(
                version=version,
                language=language,
                child=child,
                guardian=guardian,
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
                    "personal": guardian is not None,
                    "child": child.pk if child else None,
                    "guardian": guardian.pk if guardian else None,
                    "sha256": rendered.sha256,
                },
            )
    except IntegrityError:
        _delete_quietly(written)
        existing = _existing(version=version, language=language, child=child, guardian=guardian)
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


def _existing(*, version, language, child=None, guardian=None) -> Letter | None:
    if guardian is None:
        return generic_letter(version=version, language=language)
    return Letter.objects.filter(version=version, language=language, child=child, guardian=guardian).first()


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
    return _store(
        version=version, language=language, token=token, rendered=render_letter(context), actor=actor, keep_body=True
    )


def letter_generic_generate(*, version_id: int, language: str, actor_id: int | None = None) -> Letter:
    """The task's entry point: ids in, the stored generic letter out."""
    version = AgreementVersion.objects.get(pk=version_id)
    actor = User.objects.filter(pk=actor_id).first() if actor_id else None
    return letter_generic_ensure(version=version, language=language, actor=actor)


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
    existing = _existing(version=version, language=language, child=child, guardian=guardian)
    if existing is not None:
        return existing
    _check_can_issue(version, language)
    link = letter_link(generic_token=generic.public_token, child=child, guardian=guardian)
    context = letter_context(version=version, language=language, link=link, child=child, guardian=guardian)
    return _store(
        version=version,
        language=language,
        token=secrets.token_urlsafe(32),
        rendered=render_letter(context),
        actor=actor,
        child=child,
        guardian=guardian,
        keep_body=False,
    )


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
        .select_related("child__location", "guardian")
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
    """Render (or reuse) every personal letter, count progress in LetterBatch.done, then
    zip them. Safe to run again after a failure: stored letters are reused."""
    batch = LetterBatch.objects.select_related("requested_by").get(pk=batch_id)
    if batch.status == LetterBatch.Status.DONE:
        return batch
    version = version_for_letter(batch.version_id)
    actor = batch.requested_by
    recipients = list(batch_recipients(version))
    LetterBatch.objects.filter(pk=batch.pk).update(
        status=LetterBatch.Status.RUNNING, total=len(recipients), done=0, error=""
    )
    generic = letter_generic_ensure(version=version, language=batch.language, actor=actor)
    entries: list[tuple[str, Letter]] = []
    for index, ship in enumerate(recipients, start=1):
        letter = letter_personal_ensure(
            version=version,
            language=batch.language,
            child=ship.child,
            guardian=ship.guardian,
            generic=generic,
            actor=actor,
        )
        entries.append((_zip_entry_name(index, ship.child, ship.guardian), letter))
        LetterBatch.objects.filter(pk=batch.pk).update(done=index)
    with tempfile.SpooledTemporaryFile(max_size=32 * 1024 * 1024) as spool:  # large batches spill to disk
        with zipfile.ZipFile(spool, "w", compression=zipfile.ZIP_STORED) as archive:  # PDFs are compressed already
            for name, letter in entries:
                with letter.file.open("rb") as fh:
                    archive.writestr(name, fh.read())
        spool.seek(0)
        zip_name = default_storage.save(
            f"letter-batches/batch-{batch.pk}-v{version.pk}-{batch.language}-{uuid.uuid4().hex[:12]}.zip",
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
                done=len(entries),
                total=len(entries),
                finished_at=timezone.now(),
                error="",
            )
            batch.refresh_from_db()
            audit_record(
                organisation=version.agreement.sending_organisation,
                actor=actor,
                action="letter_batch.finished",
                target=batch,
                payload={"version": version.pk, "language": batch.language, "letters": len(entries)},
            )
    except BaseException:
        _delete_quietly([zip_name])
        raise
    return batch


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
