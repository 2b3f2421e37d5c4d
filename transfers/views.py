"""Pages of the transfers: staff of the sending organisation (may I share?, prepare, share,
meeting record, correct, erase), the receiving side (inbox, open, confirm, link), the
privacy officer's register, the guide, and the parents' pages in the portal (read first,
timeline). Thin: permission helper → form → one service → redirect with a message."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from agreements.models import LegalBasis
from transfers import forms, guide, selectors, services
from transfers import permissions as perms
from transfers.models import Transfer

portal_login_required = login_required(login_url="consent:portal-login")
MAGIC_LINK_SESSION_KEY = "ikc_login_method"  # set by the consent portal's e-mail link login


def _errors(request: HttpRequest, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


def _private(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def _staff_only(request: HttpRequest) -> None:
    """Belt and braces: the consent middleware already keeps e-mail-link sessions in the
    portal; staff pages need the password login."""
    if request.session.get(MAGIC_LINK_SESSION_KEY) == "magic_link":
        raise Http404


def _download(attachment) -> FileResponse:
    try:
        handle = attachment.file.open("rb")
    except (FileNotFoundError, OSError):
        raise Http404
    response = FileResponse(handle, as_attachment=True, filename=attachment.name, content_type=attachment.content_type)
    return _private(response)


# --- Category forms -----------------------------------------------------------------------------------


def _category_forms(*, request, child, categories, content: dict | None) -> dict[str, forms.CategoryForm]:
    """One bound (POST) or prefilled (GET) form per category."""
    out = {}
    for category in categories:
        cls = forms.form_class(category.code)
        if request.method == "POST":
            out[category.code] = cls(request.POST, prefix=category.code, child=child)
        else:
            data = (content or {}).get(category.code)
            initial = cls.initial_from(data) if data else cls.initial_for(child)
            out[category.code] = cls(initial=initial, prefix=category.code, child=child)
    return out


def _chosen_contents(category_forms: dict[str, forms.CategoryForm], codes: list[str]) -> dict[str, dict] | None:
    """The content of the chosen categories, or None when one of their forms is invalid."""
    valid = True
    contents = {}
    for code in codes:
        form = category_forms[code]
        if form.is_valid():
            contents[code] = form.content()
        else:
            valid = False
    return contents if valid else None


def _rows(verdict: selectors.VersionVerdict, category_forms, chosen: list[str]) -> list[dict]:
    return [
        {"verdict": cv, "form": category_forms.get(cv.category.code), "chosen": cv.category.code in chosen}
        for cv in verdict.categories
    ]


# --- Staff: may I share? -----------------------------------------------------------------------------


@require_GET
@login_required
def child_transfers(request: HttpRequest, child_pk: int) -> HttpResponse:
    """'May I share?' per agreement and category, how to hand over, and this child's transfers."""
    _staff_only(request)
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
    _staff_only(request)
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
    category_forms = _category_forms(request=request, child=child, categories=categories, content=None)
    chosen: list[str] = []  # data minimisation: nothing goes along unless staff choose it
    if request.method == "POST":
        chosen = request.POST.getlist("categories")
        if page.is_valid():
            codes = page.cleaned_data["categories"]
            contents = _chosen_contents(category_forms, codes)
            if contents is not None:
                try:
                    transfer = services.transfer_create(
                        child=child,
                        version=version,
                        location=page.cleaned_data["location"],
                        contents=contents,
                        actor=request.user,
                    )
                except ValidationError as exc:
                    _errors(request, exc)
                else:
                    messages.success(request, _("De overdracht is opgeslagen als concept. Controleer hem en deel hem."))
                    return redirect("transfers:transfer-detail", pk=transfer.pk)
            else:
                messages.error(request, _("Niet alles is goed ingevuld; zie hieronder."))
    return render(
        request,
        "transfers/compose.html",
        {
            "child": child,
            "version": version,
            "verdict": verdict,
            "page": page,
            "rows": _rows(verdict, category_forms, chosen),
            "mode": "create",
            "title": _("Overdracht voorbereiden"),
        },
    )


@require_GET
@login_required
def transfer_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _staff_only(request)
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
            "is_consent": transfer.version.legal_basis == LegalBasis.CONSENT,
            "read_first": transfer.version.parents_read_first,
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def transfer_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Edit a concept, or correct the text while the parents read it."""
    _staff_only(request)
    transfer = perms.get_transfer(request.user, pk, need=perms.ACT)
    if not transfer.is_pending:
        raise Http404
    child, version = transfer.child, transfer.version
    verdict = selectors.version_verdict(child=child, version=version, user=request.user, method="in_app")
    draft = transfer.state == Transfer.State.DRAFT
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
    category_forms = _category_forms(request=request, child=child, categories=categories, content=transfer.content)
    chosen = list(transfer.category_codes)
    if request.method == "POST":
        if draft:
            chosen = request.POST.getlist("categories")
        if page.is_valid():
            codes = page.cleaned_data["categories"] if draft else list(transfer.category_codes)
            contents = _chosen_contents(category_forms, codes)
            if contents is not None:
                try:
                    services.transfer_update(
                        transfer=transfer,
                        contents=contents,
                        actor=request.user,
                        location=page.cleaned_data["location"] if draft else None,
                    )
                except ValidationError as exc:
                    _errors(request, exc)
                else:
                    messages.success(request, _("De overdracht is bijgewerkt."))
                    return redirect("transfers:transfer-detail", pk=transfer.pk)
            else:
                messages.error(request, _("Niet alles is goed ingevuld; zie hieronder."))
    return render(
        request,
        "transfers/compose.html",
        {
            "child": child,
            "version": version,
            "verdict": verdict,
            "page": page,
            "rows": [r for r in _rows(verdict, category_forms, chosen) if r["form"] is not None],
            "mode": "edit",
            "transfer": transfer,
            "title": _("Overdracht bewerken") if draft else _("Tekst verbeteren"),
        },
    )


@require_POST
@login_required
def attachment_add(request: HttpRequest, pk: int) -> HttpResponse:
    _staff_only(request)
    transfer = perms.get_transfer(request.user, pk, need=perms.ACT)
    form = forms.AttachmentForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Kies een bestand."))
    else:
        try:
            services.transfer_attachment_add(transfer=transfer, upload=form.cleaned_data["file"], actor=request.user)
        except ValidationError as exc:
            _errors(request, exc)
        else:
            messages.success(request, _("De bijlage is toegevoegd."))
    return redirect("transfers:transfer-detail", pk=transfer.pk)


@require_POST
@login_required
def attachment_remove(request: HttpRequest, pk: int, attachment_pk: int) -> HttpResponse:
    _staff_only(request)
    transfer = perms.get_transfer(request.user, pk, need=perms.ACT)
    attachment = perms.get_sender_attachment(request.user, transfer, attachment_pk)
    try:
        services.transfer_attachment_remove(attachment=attachment, actor=request.user)
    except ValidationError as exc:
        _errors(request, exc)
    else:
        messages.success(request, _("De bijlage is verwijderd."))
    return redirect("transfers:transfer-detail", pk=transfer.pk)


@require_GET
@login_required
def attachment_download(request: HttpRequest, pk: int, attachment_pk: int) -> FileResponse:
    _staff_only(request)
    transfer = perms.get_transfer(request.user, pk)
    return _download(perms.get_sender_attachment(request.user, transfer, attachment_pk))


@require_POST
@login_required
def transfer_share(request: HttpRequest, pk: int) -> HttpResponse:
    _staff_only(request)
    transfer = perms.get_transfer(request.user, pk, need=perms.ACT)
    try:
        transfer = services.transfer_share(transfer=transfer, actor=request.user)
    except ValidationError as exc:
        _errors(request, exc)
        return redirect("transfers:transfer-detail", pk=pk)
    if transfer.state == Transfer.State.PARENTS_READING:
        messages.success(request, _("De ouders lezen eerst mee. Zij krijgen een e-mail met een link."))
    elif transfer.state == Transfer.State.SENT:
        messages.success(
            request,
            _("Verzonden naar %(location)s van %(receiver)s.")
            % {"location": transfer.receiving_location.name, "receiver": transfer.receiving_organisation.name},
        )
    elif transfer.state == Transfer.State.STOPPED:
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
    _staff_only(request)
    transfer = perms.get_transfer(request.user, pk, need=perms.ACT)
    try:
        services.transfer_cancel(transfer=transfer, actor=request.user)
    except ValidationError as exc:
        _errors(request, exc)
    else:
        messages.success(request, _("De overdracht is gestopt en de voorbereide tekst is vernietigd."))
    return redirect("transfers:transfer-detail", pk=pk)


@require_POST
@login_required
def transfer_talked(request: HttpRequest, pk: int) -> HttpResponse:
    _staff_only(request)
    transfer = perms.get_transfer(request.user, pk, need=perms.ACT)
    try:
        services.transfer_talked(transfer=transfer, actor=request.user)
    except ValidationError as exc:
        _errors(request, exc)
    else:
        messages.success(request, _("Vastgelegd. De ouders kunnen nu opnieuw reageren."))
    return redirect("transfers:transfer-detail", pk=pk)


@require_POST
@login_required
def remark_answer(request: HttpRequest, pk: int, remark_pk: int) -> HttpResponse:
    _staff_only(request)
    transfer = perms.get_transfer(request.user, pk, need=perms.ACT)
    remark = perms.get_remark(transfer, remark_pk)
    form = forms.RemarkAnswerForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Schrijf een antwoord voor de ouder."))
    else:
        try:
            services.transfer_remark_answer(
                remark=remark,
                answer=form.cleaned_data["answer"],
                corrected=form.cleaned_data["corrected"],
                actor=request.user,
            )
        except ValidationError as exc:
            _errors(request, exc)
        else:
            messages.success(request, _("Uw antwoord is vastgelegd. De ouder ziet het in het ouderportaal."))
    return redirect("transfers:transfer-detail", pk=pk)


@require_http_methods(["GET", "POST"])
@login_required
def transfer_rectify(request: HttpRequest, pk: int) -> HttpResponse:
    """Correct what was sent (art. 16); the receiver's copy is updated and the receiver told."""
    _staff_only(request)
    transfer = perms.get_transfer(request.user, pk, need=perms.ACT)
    if transfer.state != Transfer.State.SENT:
        raise Http404
    received = selectors.received_of(transfer)
    if received is None or received.is_removed:
        raise Http404
    categories = list(selectors.categories_by_code(transfer.category_codes).values())
    categories.sort(key=lambda c: transfer.category_codes.index(c.code))
    category_forms = _category_forms(
        request=request, child=transfer.child, categories=categories, content=received.content
    )
    if request.method == "POST":
        contents = _chosen_contents(category_forms, list(transfer.category_codes))
        if contents is not None:
            try:
                services.transfer_rectify(transfer=transfer, contents=contents, actor=request.user)
            except ValidationError as exc:
                _errors(request, exc)
            else:
                messages.success(request, _("De correctie is doorgegeven aan de ontvanger."))
                return redirect("transfers:transfer-detail", pk=pk)
        else:
            messages.error(request, _("Niet alles is goed ingevuld; zie hieronder."))
    return render(
        request,
        "transfers/rectify.html",
        {"transfer": transfer, "child": transfer.child, "forms": [(c, category_forms[c.code]) for c in categories]},
    )


@require_http_methods(["GET", "POST"])
@login_required
def transfer_erase(request: HttpRequest, pk: int) -> HttpResponse:
    """Erasure (art. 17) by the sending director; the receiver's copy goes too (art. 19)."""
    _staff_only(request)
    transfer = perms.get_transfer(request.user, pk, need=perms.MANAGE)
    if transfer.state != Transfer.State.SENT:
        raise Http404
    form = forms.EraseForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.transfer_erase(transfer=transfer, reason=form.cleaned_data["reason"], actor=request.user)
        except ValidationError as exc:
            _errors(request, exc)
        else:
            messages.success(request, _("De overdracht is gewist, ook bij de ontvanger. De ontvanger is ingelicht."))
            return redirect("transfers:transfer-detail", pk=pk)
    return render(
        request,
        "transfers/erase.html",
        {"transfer": transfer, "child": transfer.child, "form": form},
    )


@require_http_methods(["GET", "POST"])
@login_required
def meeting_record(request: HttpRequest, child_pk: int, version_pk: int) -> HttpResponse:
    """Record a three-way meeting (driegesprek) under the same rules."""
    _staff_only(request)
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
            _errors(request, exc)
        else:
            messages.success(request, _("Het driegesprek is vastgelegd."))
            return redirect("transfers:transfer-detail", pk=transfer.pk)
    return render(
        request,
        "transfers/meeting.html",
        {"child": child, "version": version, "verdict": verdict, "form": form},
    )


@require_GET
@login_required
def transfer_list(request: HttpRequest, org_pk: int) -> HttpResponse:
    """The organisation's transfers (sent) for the children the user may see, and a link to
    the inbox (received)."""
    _staff_only(request)
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
        {"situations": guide.situations(translation.get_language())},
    )


# --- Receiving side ------------------------------------------------------------------------------------


@require_GET
@login_required
def inbox(request: HttpRequest, org_pk: int) -> HttpResponse:
    _staff_only(request)
    organisation = perms.receiving_organisation(request.user, org_pk)
    before = request.GET.get("before", "")
    page = selectors.inbox(
        received=perms.received_for(request.user),
        organisation=organisation,
        before=int(before) if before.isdigit() and 0 < int(before) <= perms.MAX_PK else None,
    )
    return render(
        request,
        "transfers/inbox.html",
        {"organisation": organisation, "received": page.received, "older": page.older, "first": not before},
    )


@require_GET
@login_required
@never_cache
def received_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Opening a received copy records a TransferAccess and an AuditEvent."""
    _staff_only(request)
    received = perms.get_received(request.user, pk)
    membership = perms.receiver_membership(request.user, received)
    services.received_open(
        received=received,
        actor=request.user,
        function_title=membership.function_title.name if membership and membership.function_title else "",
    )
    children = perms.receiver_children(request.user, received)
    return _private(
        render(
            request,
            "transfers/received.html",
            {
                "received": received,
                "transfer": received.transfer,
                "sections": selectors.content_sections(received.category_codes, received.content),
                "categories": selectors.category_names(received.category_codes),
                "attachments": selectors.received_attachments(received),
                "suggestions": selectors.link_suggestions(received, children),
                "link_form": forms.LinkChildForm(children=children),
                "accesses": selectors.access_lines(received, with_names=True),
            },
        )
    )


@require_POST
@login_required
def received_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    _staff_only(request)
    received = perms.get_received(request.user, pk)
    try:
        services.received_confirm(received=received, actor=request.user)
    except ValidationError as exc:
        _errors(request, exc)
    else:
        messages.success(request, _("De ontvangst is bevestigd. De verzender ziet dat."))
    return redirect("transfers:received-detail", pk=pk)


@require_POST
@login_required
def received_link(request: HttpRequest, pk: int) -> HttpResponse:
    """Link to one of our own child records (chosen by a person), or create that record."""
    _staff_only(request)
    received = perms.get_received(request.user, pk)
    if request.POST.get("create") == "1":
        try:
            services.received_child_create(received=received, actor=request.user)
        except ValidationError as exc:
            _errors(request, exc)
        else:
            messages.success(request, _("Er is een dossier voor dit kind gemaakt en de overdracht is eraan gekoppeld."))
        return redirect("transfers:received-detail", pk=pk)
    form = forms.LinkChildForm(request.POST, children=perms.receiver_children(request.user, received))
    if not form.is_valid():
        messages.error(request, _("Kies een kind uit uw eigen administratie."))
    else:
        try:
            services.received_link(received=received, child=form.cleaned_data["child"], actor=request.user)
        except ValidationError as exc:
            _errors(request, exc)
        else:
            messages.success(request, _("De overdracht is gekoppeld aan het dossier van het kind."))
    return redirect("transfers:received-detail", pk=pk)


@require_GET
@login_required
def received_attachment(request: HttpRequest, pk: int, attachment_pk: int) -> FileResponse:
    _staff_only(request)
    received = perms.get_received(request.user, pk)
    return _download(perms.get_received_attachment(request.user, received, attachment_pk))


# --- Privacy officer ---------------------------------------------------------------------------------


@require_GET
@login_required
def register(request: HttpRequest, org_pk: int) -> HttpResponse:
    """What was sent and received, who opened what (with names), what is due for removal
    and what was removed. Metadata only: no content."""
    _staff_only(request)
    organisation = perms.register_organisation(request.user, org_pk)
    return render(
        request,
        "transfers/register.html",
        {"organisation": organisation, "register": selectors.register(organisation=organisation)},
    )


# --- Parents (portal) --------------------------------------------------------------------------------


@require_GET
@portal_login_required
def portal_timeline(request: HttpRequest, child_pk: int) -> HttpResponse:
    child = perms.get_parent_child(request.user, child_pk)
    return _private(
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
    return _private(
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
                "status": selectors.transfer_status(transfer, with_names=False),
                "remarks": list(transfer.remarks.select_related("guardian")),
                "view_form": forms.ParentsViewForm(initial={"view": transfer.parents_view}),
                "remark_form": forms.ParentsRemarkForm(),
                "may_answer": transfer.state in (Transfer.State.PARENTS_READING, Transfer.State.PARENTS_TALK),
                "may_remark": transfer.with_parents,
                "is_consent": transfer.version.legal_basis == LegalBasis.CONSENT,
            },
        )
    )


def _portal_action(request: HttpRequest, pk: int, action, success: str) -> HttpResponse:
    transfer, guardian = perms.get_parent_transfer(request.user, pk)
    try:
        action(transfer, guardian)
    except ValidationError as exc:
        _errors(request, exc)
    else:
        messages.success(request, success)
    return redirect("transfers:portal-transfer", pk=pk)


@require_POST
@portal_login_required
def portal_view(request: HttpRequest, pk: int) -> HttpResponse:
    form = forms.ParentsViewForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Uw zienswijze is te lang."))
        return redirect("transfers:portal-transfer", pk=pk)
    return _portal_action(
        request,
        pk,
        lambda t, g: services.transfer_parents_view(
            transfer=t, guardian=g, text=form.cleaned_data["view"], actor=request.user
        ),
        _("Uw zienswijze is opgeslagen. Die gaat mee met de overdracht."),
    )


@require_POST
@portal_login_required
def portal_remark(request: HttpRequest, pk: int) -> HttpResponse:
    form = forms.ParentsRemarkForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Schrijf op wat er niet klopt."))
        return redirect("transfers:portal-transfer", pk=pk)
    return _portal_action(
        request,
        pk,
        lambda t, g: services.transfer_parents_remark(
            transfer=t, guardian=g, text=form.cleaned_data["text"], actor=request.user
        ),
        _("Dank u wel. De medewerker verbetert de tekst of geeft u antwoord voordat er iets wordt verstuurd."),
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
        try:
            services.transfer_parents_refuse(
                transfer=transfer, guardian=guardian, want_pdf=form.cleaned_data["want_pdf"], actor=request.user
            )
        except ValidationError as exc:
            _errors(request, exc)
        else:
            messages.success(
                request,
                _("Er wordt niets verstuurd. U kunt de tekst hieronder als PDF downloaden.")
                if form.cleaned_data["want_pdf"]
                else _("Er wordt niets verstuurd en de voorbereide tekst is vernietigd."),
            )
        return redirect("transfers:portal-transfer", pk=pk)
    if not transfer.with_parents:
        raise Http404
    return _private(
        render(
            request,
            "transfers/portal_refuse.html",
            {"transfer": transfer, "child": transfer.child, "form": form},
        )
    )


@require_GET
@portal_login_required
def portal_pdf(request: HttpRequest, pk: int) -> FileResponse:
    transfer, _guardian = perms.get_parent_transfer(request.user, pk)
    if not transfer.parent_pdf:
        raise Http404
    try:
        handle = transfer.parent_pdf.open("rb")
    except (FileNotFoundError, OSError):
        raise Http404
    name = f"overdracht-{transfer.child.first_name.lower()}.pdf"
    return _private(FileResponse(handle, as_attachment=True, filename=name, content_type="application/pdf"))


@require_GET
@portal_login_required
def portal_attachment(request: HttpRequest, pk: int, attachment_pk: int) -> FileResponse:
    transfer, _guardian = perms.get_parent_transfer(request.user, pk)
    return _download(perms.get_parent_attachment(transfer, attachment_pk))
