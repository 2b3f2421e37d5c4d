"""The sending organisation's staff: 'may I share?' for a child, preparing a handover
(compose, edit), sharing it, stopping it, answering the parents while they read first, and
recording a three-way meeting instead."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from agreements.rules import bases
from ikc_share import http
from transfers import forms, selectors, services
from transfers import permissions as perms
from transfers.choices import TransferState
from transfers.views import content_forms


@require_GET
@login_required
def child_transfers(request: HttpRequest, child_pk: int) -> HttpResponse:
    """'May I share?' per agreement and category, how to hand over, and this child's transfers."""
    http.require_staff_session(request)
    child = perms.get_child_for_transfer(request.user, child_pk)
    return render(
        request,
        "transfers/child.html",
        {
            "child": child,
            "organisation": child.organisation,
            "verdicts": selectors.child_verdicts(child=child, user=request.user),
            "transfers": selectors.child_transfers(child),
            "may_act": perms.may(request.user, child.organisation, perms.ACT),
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def compose(request: HttpRequest, child_pk: int, version_pk: int) -> HttpResponse:
    """Prepare a handover: the receiving location, the agreement's categories with their
    verdicts (only allowed ones can be chosen) and a structured form for each."""
    http.require_staff_session(request)
    child = perms.get_child_for_transfer(request.user, child_pk, need=perms.ACT)
    version = perms.get_sending_version(request.user, child, version_pk)
    verdict = selectors.version_verdict(child=child, version=version, user=request.user, method="in_app")
    categories = [cv.category for cv in verdict.categories if cv.allowed]
    locations = selectors.receiving_locations(version)
    page = forms.ComposeForm(
        request.POST if request.method == "POST" else None,
        locations=locations,
        allowed_codes=[(c.code, c.name) for c in categories],
        initial={"location": locations.first()},
    )
    category_forms = content_forms.category_forms(request=request, child=child, categories=categories, content=None)
    chosen: list[str] = []  # data minimisation: nothing goes along unless staff choose it
    if request.method == "POST":
        chosen = request.POST.getlist("categories")
        if page.is_valid():
            codes = page.cleaned_data["categories"]
            contents = content_forms.chosen_contents(request, category_forms, codes)
            if contents is not None:
                transfer = http.service_result(
                    request,
                    lambda: services.transfer_create(
                        child=child,
                        version=version,
                        location=page.cleaned_data["location"],
                        contents=contents,
                        actor=request.user,
                    ),
                    success=_("De overdracht is opgeslagen als concept. Controleer hem en deel hem."),
                )
                if transfer is not None:
                    return redirect("transfers:transfer-detail", pk=transfer.pk)
    return _compose_page(
        request,
        child=child,
        verdict=verdict,
        page=page,
        rows=content_forms.verdict_rows(verdict, category_forms, chosen),
        mode="create",
        title=_("Overdracht voorbereiden"),
    )


def _compose_page(
    request: HttpRequest, *, child, verdict, page, rows, mode: str, title: str, transfer=None
) -> HttpResponse:
    """The compose page, for preparing a handover and for editing one: each category with
    check_transfer's verdict (refused ones cannot be chosen) and its content form."""
    return render(
        request,
        "transfers/compose.html",
        {
            "child": child,
            "version": verdict.version,
            "verdict": verdict,
            "page": page,
            "rows": rows,
            "mode": mode,
            "transfer": transfer,
            "title": title,
        },
    )


@require_GET
@login_required
def transfer_detail(request: HttpRequest, pk: int) -> HttpResponse:
    http.require_staff_session(request)
    transfer = perms.get_transfer(request.user, pk)
    may_act = perms.may(request.user, transfer.sending_organisation, perms.ACT)
    status = selectors.transfer_status(transfer)
    return render(
        request,
        "transfers/detail.html",
        {
            "transfer": transfer,
            "child": transfer.child,
            "status": status,
            "sections": selectors.content_sections(transfer.category_codes, transfer.content)
            if transfer.is_pending
            else [],
            "categories": selectors.category_names(transfer.category_codes),
            "attachments": selectors.pending_attachments(transfer) if transfer.is_pending else [],
            "remarks": list(transfer.remarks.select_related("guardian", "answered_by")),
            "may_act": may_act,
            "may_erase": perms.may(request.user, transfer.sending_organisation, perms.MANAGE),
            "attachment_form": forms.AttachmentForm(),
            "answer_form": forms.RemarkAnswerForm(),
            "silence": selectors.may_proceed_on_silence(transfer),
            "is_consent": bases.asks_consent(transfer.version),
            "read_first": transfer.version.parents_read_first,
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def transfer_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Edit a concept, or correct the text while the parents read it."""
    http.require_staff_session(request)
    transfer = perms.get_pending_transfer(request.user, pk)
    child, version = transfer.child, transfer.version
    verdict = selectors.version_verdict(child=child, version=version, user=request.user, method="in_app")
    draft = transfer.state == TransferState.DRAFT
    allowed = {cv.category.code for cv in verdict.categories if cv.allowed}
    categories = [
        cv.category
        for cv in verdict.categories
        if (cv.category.code in allowed if draft else cv.category.code in transfer.category_codes)
    ]
    locations = selectors.receiving_locations(version)
    page = forms.ComposeForm(
        request.POST if request.method == "POST" else None,
        locations=locations,
        allowed_codes=[(c.code, c.name) for c in categories],
        initial={"location": transfer.receiving_location, "categories": list(transfer.category_codes)},
    )
    if not draft:
        page.fields["location"].disabled = True
        page.fields["categories"].disabled = True
    category_forms = content_forms.category_forms(
        request=request, child=child, categories=categories, content=transfer.content
    )
    chosen = list(transfer.category_codes)
    if request.method == "POST":
        if draft:
            chosen = request.POST.getlist("categories")
        if page.is_valid():
            codes = page.cleaned_data["categories"] if draft else list(transfer.category_codes)
            contents = content_forms.chosen_contents(request, category_forms, codes)
            if contents is not None:
                if http.call_service(
                    request,
                    lambda: services.transfer_update(
                        transfer=transfer,
                        contents=contents,
                        actor=request.user,
                        location=page.cleaned_data["location"] if draft else None,
                    ),
                    success=_("De overdracht is bijgewerkt."),
                ):
                    return redirect("transfers:transfer-detail", pk=transfer.pk)
    return _compose_page(
        request,
        child=child,
        verdict=verdict,
        page=page,
        rows=[r for r in content_forms.verdict_rows(verdict, category_forms, chosen) if r["form"] is not None],
        mode="edit",
        title=_("Overdracht bewerken") if draft else _("Tekst verbeteren"),
        transfer=transfer,
    )


@require_POST
@login_required
def transfer_share(request: HttpRequest, pk: int) -> HttpResponse:
    http.require_staff_session(request)
    transfer = perms.get_transfer(request.user, pk, need=perms.ACT)
    try:
        transfer = services.transfer_share(transfer=transfer, actor=request.user)
    except ValidationError as exc:
        http.errors_to_messages(request, exc)
        return redirect("transfers:transfer-detail", pk=pk)
    if transfer.state == TransferState.PARENTS_READING:
        messages.success(request, _("De ouders lezen eerst mee. Zij krijgen een e-mail met een link."))
    elif transfer.state == TransferState.SENT:
        messages.success(
            request,
            _("Verzonden naar %(location)s van %(receiver)s.")
            % {"location": transfer.receiving_location.name, "receiver": transfer.receiving_organisation.name},
        )
    elif transfer.state == TransferState.STOPPED:
        messages.warning(request, _("Niet verzonden. De voorbereide tekst is vernietigd."))
        for reason in transfer.verdict_reasons:
            messages.warning(request, reason)
    else:
        messages.error(request, _("Deze overdracht mag nu niet worden verzonden."))
        for reason in transfer.verdict_reasons:
            messages.error(request, reason)
    return redirect("transfers:transfer-detail", pk=pk)


@require_POST
@login_required
def transfer_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    return _sender_step(
        request, pk, services.transfer_cancel, _("De overdracht is gestopt en de voorbereide tekst is vernietigd.")
    )


@require_POST
@login_required
def transfer_talked(request: HttpRequest, pk: int) -> HttpResponse:
    return _sender_step(request, pk, services.transfer_talked, _("Vastgelegd. De ouders kunnen nu opnieuw reageren."))


def _sender_step(request: HttpRequest, pk: int, service, success: str) -> HttpResponse:
    """A one-button step of the sender (ACT): `service(transfer=, actor=)`, back to the transfer."""
    http.require_staff_session(request)
    transfer = perms.get_transfer(request.user, pk, need=perms.ACT)
    http.call_service(request, lambda: service(transfer=transfer, actor=request.user), success=success)
    return redirect("transfers:transfer-detail", pk=pk)


@require_POST
@login_required
def remark_answer(request: HttpRequest, pk: int, remark_pk: int) -> HttpResponse:
    http.require_staff_session(request)
    transfer = perms.get_transfer(request.user, pk, need=perms.ACT)
    remark = perms.get_remark(transfer, remark_pk)
    form = forms.RemarkAnswerForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Schrijf een antwoord voor de ouder."))
    else:
        http.call_service(
            request,
            lambda: services.transfer_remark_answer(
                remark=remark,
                answer=form.cleaned_data["answer"],
                corrected=form.cleaned_data["corrected"],
                actor=request.user,
            ),
            success=_("Uw antwoord is vastgelegd. De ouder ziet het in het ouderportaal."),
        )
    return redirect("transfers:transfer-detail", pk=pk)


@require_http_methods(["GET", "POST"])
@login_required
def meeting_record(request: HttpRequest, child_pk: int, version_pk: int) -> HttpResponse:
    """Record a three-way meeting (driegesprek) under the same rules."""
    http.require_staff_session(request)
    child = perms.get_child_for_transfer(request.user, child_pk, need=perms.ACT)
    version = perms.get_sending_version(request.user, child, version_pk)
    verdict = selectors.version_verdict(child=child, version=version, user=request.user, method="meeting")
    allowed = [(cv.category.code, cv.category.name) for cv in verdict.categories if cv.allowed]
    form = forms.MeetingForm(
        request.POST if request.method == "POST" else None,
        locations=selectors.receiving_locations(version),
        allowed_codes=allowed,
        initial={"meeting_date": timezone.localdate(), "parents_present": "yes"},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            transfer = services.meeting_record(
                child=child,
                version=version,
                location=data["location"],
                meeting_date=data["meeting_date"],
                parents_present=data["parents_present"],
                codes=data["categories"],
                summary=data["summary"],
                actor=request.user,
            )
        except ValidationError as exc:
            http.errors_to_messages(request, exc)
        else:
            messages.success(request, _("Het driegesprek is vastgelegd."))
            return redirect("transfers:transfer-detail", pk=transfer.pk)
    return render(
        request,
        "transfers/meeting.html",
        {"child": child, "version": version, "verdict": verdict, "form": form},
    )
