"""The sender's attachments of a concept: add, remove, download."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from ikc_share import http
from transfers import forms, services
from transfers import permissions as perms


@require_POST
@login_required
def attachment_add(request: HttpRequest, pk: int) -> HttpResponse:
    http.require_staff_session(request)
    transfer = perms.get_transfer(request.user, pk, need=perms.ACT)
    form = forms.AttachmentForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Kies een bestand."))
    else:
        http.call_service(
            request,
            lambda: services.transfer_attachment_add(
                transfer=transfer, upload=form.cleaned_data["file"], actor=request.user
            ),
            success=_("De bijlage is toegevoegd."),
        )
    return redirect("transfers:transfer-detail", pk=transfer.pk)


@require_POST
@login_required
def attachment_remove(request: HttpRequest, pk: int, attachment_pk: int) -> HttpResponse:
    http.require_staff_session(request)
    transfer = perms.get_transfer(request.user, pk, need=perms.ACT)
    attachment = perms.get_sender_attachment(request.user, transfer, attachment_pk)
    http.call_service(
        request,
        lambda: services.transfer_attachment_remove(attachment=attachment, actor=request.user),
        success=_("De bijlage is verwijderd."),
    )
    return redirect("transfers:transfer-detail", pk=transfer.pk)


@require_GET
@login_required
def attachment_download(request: HttpRequest, pk: int, attachment_pk: int) -> FileResponse:
    http.require_staff_session(request)
    transfer = perms.get_transfer(request.user, pk)
    attachment = perms.get_sender_attachment(request.user, transfer, attachment_pk)
    return http.private_download(attachment.file, filename=attachment.name, content_type=attachment.content_type)
