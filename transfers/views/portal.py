"""The parents' pages in the portal: the child's timeline of transfers and, while they read
first, the transfer itself with their view, remarks and answer (akkoord, eerst praten,
niet akkoord)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from agreements.rules import bases
from ikc_share import http
from transfers import forms, selectors, services, withdrawals
from transfers import permissions as perms
from transfers.choices import TransferState

portal_login_required = login_required(login_url="consent:portal-login")


@require_GET
@portal_login_required
def portal_timeline(request: HttpRequest, child_pk: int) -> HttpResponse:
    child = perms.get_parent_child(request.user, child_pk)
    return http.private(
        render(
            request,
            "transfers/portal_timeline.html",
            {"child": child, "entries": selectors.parent_timeline(child)},
        )
    )


@require_GET
@portal_login_required
def portal_transfer(request: HttpRequest, pk: int) -> HttpResponse:
    transfer, guardian = perms.get_parent_transfer(request.user, pk)
    sections, view, attachments = selectors.parent_content(transfer)
    status = selectors.transfer_status(transfer, with_names=False)
    received = status.received
    return http.private(
        render(
            request,
            "transfers/portal_transfer.html",
            {
                "transfer": transfer,
                "child": transfer.child,
                "guardian": guardian,
                "sections": sections,
                "parents_view": view,
                "attachments": attachments,
                "status": status,
                "erase_due": withdrawals.due_for(received) if received and not received.is_removed else None,
                "remarks": list(transfer.remarks.select_related("guardian")),
                "view_form": forms.ParentsViewForm(initial={"view": transfer.parents_view}),
                "remark_form": forms.ParentsRemarkForm(),
                "may_answer": transfer.state in (TransferState.PARENTS_READING, TransferState.PARENTS_TALK),
                "may_remark": transfer.with_parents,
                "is_consent": bases.asks_consent(transfer.version),
            },
        )
    )


def _portal_action(request: HttpRequest, pk: int, action, success: str) -> HttpResponse:
    """One answer of the parents: `action(transfer, guardian)`, back to the transfer."""
    transfer, guardian = perms.get_parent_transfer(request.user, pk)
    http.call_service(request, lambda: action(transfer, guardian), success=success)
    return redirect("transfers:portal-transfer", pk=pk)


@require_POST
@portal_login_required
def portal_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _portal_text(
        request,
        pk,
        forms.ParentsViewForm(request.POST),
        "view",
        services.transfer_parents_view,
        invalid=_("Uw zienswijze is te lang."),
        success=_("Uw zienswijze is opgeslagen. Die gaat mee met de overdracht."),
    )


@require_POST
@portal_login_required
def portal_remark(request: HttpRequest, pk: int) -> HttpResponse:
    return _portal_text(
        request,
        pk,
        forms.ParentsRemarkForm(request.POST),
        "text",
        services.transfer_parents_remark,
        invalid=_("Schrijf op wat er niet klopt."),
        success=_("Dank u wel. De medewerker verbetert de tekst of geeft u antwoord voordat er iets wordt verstuurd."),
    )


def _portal_text(
    request: HttpRequest, pk: int, form, field: str, service, *, invalid: str, success: str
) -> HttpResponse:
    """A text the parents send (their view, a remark): `invalid` when the form is not valid,
    else `service(transfer=, guardian=, text=, actor=)`."""
    if not form.is_valid():
        messages.error(request, invalid)
        return redirect("transfers:portal-transfer", pk=pk)
    text = form.cleaned_data[field]
    return _portal_action(
        request, pk, lambda t, g: service(transfer=t, guardian=g, text=text, actor=request.user), success
    )


@require_POST
@portal_login_required
def portal_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    return _portal_action(
        request,
        pk,
        lambda t, g: services.transfer_parents_confirm(transfer=t, guardian=g, actor=request.user),
        _("Dank u wel. U bent akkoord; de medewerker kan de overdracht nu versturen."),
    )


@require_POST
@portal_login_required
def portal_talk(request: HttpRequest, pk: int) -> HttpResponse:
    return _portal_action(
        request,
        pk,
        lambda t, g: services.transfer_parents_talk(transfer=t, guardian=g, actor=request.user),
        _("De medewerker neemt contact met u op. Tot dan wordt er niets verstuurd."),
    )


@require_http_methods(["GET", "POST"])
@portal_login_required
def portal_refuse(request: HttpRequest, pk: int) -> HttpResponse:
    transfer, guardian = perms.get_parent_transfer(request.user, pk)
    form = forms.ParentsRefuseForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        http.call_service(
            request,
            lambda: services.transfer_parents_refuse(
                transfer=transfer, guardian=guardian, want_pdf=form.cleaned_data["want_pdf"], actor=request.user
            ),
            success=_("Er wordt niets verstuurd. U kunt de tekst hieronder als PDF downloaden.")
            if form.cleaned_data["want_pdf"]
            else _("Er wordt niets verstuurd en de voorbereide tekst is vernietigd."),
        )
        return redirect("transfers:portal-transfer", pk=pk)
    perms.require_with_parents(transfer)
    return http.private(
        render(
            request,
            "transfers/portal_refuse.html",
            {"transfer": transfer, "child": transfer.child, "form": form},
        )
    )


@require_GET
@portal_login_required
def portal_pdf(request: HttpRequest, pk: int) -> FileResponse:
    transfer = perms.get_parent_pdf_transfer(request.user, pk)
    name = f"overdracht-{transfer.child.first_name.lower()}.pdf"
    return http.private_download(transfer.parent_pdf, filename=name, content_type="application/pdf")


@require_GET
@portal_login_required
def portal_attachment(request: HttpRequest, pk: int, attachment_pk: int) -> FileResponse:
    transfer, _guardian = perms.get_parent_transfer(request.user, pk)
    attachment = perms.get_parent_attachment(transfer, attachment_pk)
    return http.private_download(attachment.file, filename=attachment.name, content_type=attachment.content_type)
