"""Pages for parent information letters: the public letter (web + PDF), the preview for
directors and privacy officers, and the personalised paper batch. Thin: permission
helper → form → one service → redirect with a message."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from agreements.letters import permissions as perms
from agreements.letters import services as letters_services
from agreements.letters.batches import batch_sections
from agreements.letters.content import (
    LANGUAGE_NAMES,
    LANGUAGES,
    is_draft_version,
    letter_preview_context,
    letter_preview_render,
)
from agreements.letters.forms import LetterBatchForm
from agreements.letters.links import paper_link_max_age
from agreements.letters.models import LetterBatch
from agreements.letters.render import render_letter_body
from agreements.letters.selectors import (
    generic_letters,
    latest_batches,
    letter_download_name,
    letter_stored_body,
    version_for_letter,
)
from agreements.letters.storage import letter_generic_ensure
from ikc_share.http import errors_to_messages, private

# --- Public: anyone with the unguessable link ------------------------------------------------


@require_GET
def letter_public(request: HttpRequest, token: str) -> HttpResponse:
    letter = perms.get_public_letter(token)
    with translation.override(letter.language):
        response = render(
            request,
            "agreements/letters/public.html",
            {
                "letter": letter,
                "version": letter.version,
                "body": letter_stored_body(letter),
                "languages": [(code, LANGUAGE_NAMES[code]) for code in LANGUAGES if code != letter.language],
            },
        )
    return private(response)


@require_GET
def letter_public_pdf(request: HttpRequest, token: str) -> FileResponse:
    letter = perms.get_public_letter(token)
    response = FileResponse(
        letter.file.open("rb"),
        as_attachment=True,
        filename=letter_download_name(letter),
        content_type="application/pdf",
    )
    return private(response)


@require_GET
def letter_public_language(request: HttpRequest, token: str, language: str) -> HttpResponse:
    """The same letter in the other language (made now, once, if it is not there yet)."""
    letter = perms.get_public_letter(token)
    other = letter_generic_ensure(version=letter.version, language=perms.get_language(language))
    return redirect("agreements:letter-public", token=other.public_token)


# --- Directors and privacy officers of either organisation ---------------------------------------


@require_GET
@login_required
def version_letters(request: HttpRequest, version_pk: int) -> HttpResponse:
    version = perms.get_version_for_preview(request.user, version_pk)
    agreement = version.agreement
    generic = {letter.language: letter for letter in generic_letters(version)}
    may_batch = perms.may_start_batch(request.user, version)
    return render(
        request,
        "agreements/letters/version_letters.html",
        {
            "version": version,
            "agreement": agreement,
            "languages": [(code, LANGUAGE_NAMES[code], generic.get(code)) for code in LANGUAGES],
            "is_active": version.status == version.Status.ACTIVE,
            "is_draft": is_draft_version(version),
            "may_generate": perms.may_generate(request.user, version),
            "may_batch": may_batch,
            "batch_form": LetterBatchForm() if may_batch else None,
            "batches": latest_batches(version) if may_batch else [],
            "paper_link_days": paper_link_max_age().days,
            "organisation": agreement.sending_organisation,
        },
    )


@require_GET
@login_required
def letter_preview(request: HttpRequest, version_pk: int, language: str) -> HttpResponse:
    version = perms.get_version_for_preview(request.user, version_pk)
    language = perms.get_language(language)
    context = letter_preview_context(version=version_for_letter(version.pk), language=language)
    return render(
        request,
        "agreements/letters/preview.html",
        {
            "version": version,
            "language": language,
            "body": render_letter_body(context),
            "is_draft": context["draft"],
            "languages": [(code, LANGUAGE_NAMES[code]) for code in LANGUAGES],
        },
    )


@require_GET
@login_required
@never_cache
def letter_preview_pdf(request: HttpRequest, version_pk: int, language: str) -> HttpResponse:
    version = perms.get_version_for_preview(request.user, version_pk)
    rendered = letter_preview_render(version=version_for_letter(version.pk), language=perms.get_language(language))
    prefix = "concept" if is_draft_version(version) else "voorbeeld"
    response = HttpResponse(rendered.pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{prefix}-informatiebrief-v{version.number}-{language}.pdf"'
    return response


@require_POST
@login_required
def letter_generate(request: HttpRequest, version_pk: int) -> HttpResponse:
    version = perms.get_version_for_generate(request.user, version_pk)
    try:
        queued = letters_services.letters_generate(version=version, actor=request.user)
    except ValidationError as exc:
        errors_to_messages(request, exc)
    else:
        if queued:
            messages.success(request, _("De brieven worden gemaakt. Ververs deze pagina over een paar seconden."))
        else:
            messages.info(request, _("De brieven zijn er al."))
    return redirect("agreements:version-letters", version_pk=version.pk)


# --- Personalised paper batch: directors of the sending organisation ----------------------------


@require_POST
@login_required
def letter_batch_start(request: HttpRequest, version_pk: int) -> HttpResponse:
    version = perms.get_version_for_batch(request.user, version_pk)
    form = LetterBatchForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Kies de taal van de brieven."))
        return redirect("agreements:version-letters", version_pk=version.pk)
    try:
        batch = letters_services.letter_batch_start(
            version=version, language=form.cleaned_data["language"], actor=request.user
        )
    except ValidationError as exc:
        errors_to_messages(request, exc)
        return redirect("agreements:version-letters", version_pk=version.pk)
    messages.success(request, _("De brieven worden gemaakt. Op deze pagina ziet u hoe ver het is."))
    return redirect("agreements:letter-batch", pk=batch.pk)


@require_GET
@login_required
@never_cache
def letter_batch(request: HttpRequest, pk: int) -> HttpResponse:
    batch = perms.get_batch(request.user, pk)
    busy = batch.status in (LetterBatch.Status.QUEUED, LetterBatch.Status.RUNNING)
    return render(
        request,
        "agreements/letters/batch.html",
        {
            "batch": batch,
            "version": batch.version,
            "busy": busy,
            "percent": int(100 * batch.done / batch.total) if batch.total else 0,
            "organisation": batch.version.agreement.sending_organisation,
            # e.g. the consent app's "handed over" confirmation (registered, never imported here)
            "sections": batch_sections(batch=batch, user=request.user),
        },
    )


@require_GET
@login_required
def letter_batch_download(request: HttpRequest, pk: int) -> HttpResponse:
    batch = perms.get_batch(request.user, pk)
    if batch.status != LetterBatch.Status.DONE or not batch.file:
        messages.info(request, _("De brieven zijn nog niet klaar."))
        return redirect(reverse("agreements:letter-batch", kwargs={"pk": batch.pk}))
    version = batch.version
    filename = f"brieven-v{version.number}-{batch.language}-reeks-{batch.pk}.zip"
    return FileResponse(batch.file.open("rb"), as_attachment=True, filename=filename, content_type="application/zip")
