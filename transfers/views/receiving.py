"""The receiving side: the inbox, opening a received copy (recorded), confirming receipt,
linking it to the receiver's own child record, and its attachments. A copy whose consent was
withdrawn is flagged "to erase" (transfers/withdrawals.py); the director and privacy
contacts see those copies at the top of the inbox and erase them (views/erasure.py)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dates import MONTHS
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from ikc_share import http
from transfers import forms, selectors, services, withdrawals
from transfers import permissions as perms


@require_GET
@login_required
def inbox(request: HttpRequest, org_pk: int) -> HttpResponse:
    http.require_staff_session(request)
    organisation = perms.receiving_organisation(request.user, org_pk)
    before = request.GET.get("before", "")
    page = selectors.inbox(
        received=perms.received_for(request.user),
        organisation=organisation,
        before=http.parse_id(before),
    )
    _label_rows(page.received)
    withdrawals.mark_due(page.received)
    handler = (
        withdrawals.handler_overview(organisation, at=timezone.now())
        if perms.handles_rights(request.user, organisation)
        else None
    )
    return render(
        request,
        "transfers/inbox.html",
        {
            "organisation": organisation,
            "received": page.received,
            "older": page.older,
            "first": not before,
            "handler": handler,
        },
    )


def _label_rows(rows) -> None:
    """Give each copy in the list its link (`url`) and its arrival as the list shows it
    (`received_label`: '7 december 2026 15:35', the date filter's "j F Y H:i" in the current
    time zone and language). Made per row in the template, 50 reverse() calls and 50 runs
    of the date formatter were half of the page's rendering; here the link is reversed once
    and the label put together from the same month names (django.utils.dates.MONTHS)."""
    if not rows:
        return
    head, tail = reverse("transfers:received-detail", kwargs={"pk": 1}).rsplit("/1/", 1)
    for r in rows:
        r.url = f"{head}/{r.pk}/{tail}"
        local = timezone.localtime(r.received_at)
        r.received_label = f"{local.day} {MONTHS[local.month]} {local.year:04d} {local:%H:%M}"


@require_GET
@login_required
@never_cache
def received_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Opening a received copy records a TransferAccess and an AuditEvent."""
    http.require_staff_session(request)
    received = perms.get_received(request.user, pk)
    membership = perms.receiver_membership(request.user, received)
    services.received_open(
        received=received,
        actor=request.user,
        function_title=membership.function_title.name if membership and membership.function_title else "",
    )
    children = perms.receiver_children(request.user, received)
    suggestions = selectors.link_suggestions(received, children)
    link_form = forms.LinkChildForm(children=children)
    due = None if received.is_removed else withdrawals.due_for(received)
    return http.private(
        render(
            request,
            "transfers/received.html",
            {
                "received": received,
                "transfer": received.transfer,
                "sections": selectors.content_sections(received.category_codes, received.content),
                "categories": selectors.category_names(received.category_codes),
                "attachments": selectors.received_attachments(received),
                "suggestions": suggestions,
                "link_form": link_form,
                "link_choices": _link_choices(suggestions, link_form),
                "accesses": selectors.access_lines(received, with_names=True),
                "due": due,
                "due_names": withdrawals.category_names(due.codes) if due else [],
                "may_erase": perms.handles_rights(request.user, received.organisation),
                "refusal": "" if received.is_removed else withdrawals.erase_refusal(received),
            },
        )
    )


def _link_choices(suggestions, link_form) -> list[tuple[int, str]]:
    """The children to link to, each once: the suggestions first, then the others."""
    field = link_form.fields["child"]
    first = [(c.pk, field.label_from_instance(c)) for c in suggestions]
    shown = {pk for pk, _label in first}
    return first + [(c.pk, field.label_from_instance(c)) for c in field.queryset if c.pk not in shown]


@require_POST
@login_required
def received_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    http.require_staff_session(request)
    received = perms.get_received(request.user, pk)
    http.call_service(
        request,
        lambda: services.received_confirm(received=received, actor=request.user),
        success=_("De ontvangst is bevestigd. De verzender ziet dat."),
    )
    return redirect("transfers:received-detail", pk=pk)


@require_POST
@login_required
def received_link(request: HttpRequest, pk: int) -> HttpResponse:
    """Link to one of our own child records (chosen by a person), or create that record."""
    http.require_staff_session(request)
    received = perms.get_received(request.user, pk)
    if request.POST.get("create") == "1":
        http.call_service(
            request,
            lambda: services.received_child_create(received=received, actor=request.user),
            success=_("Er is een dossier voor dit kind gemaakt en de overdracht is eraan gekoppeld."),
        )
        return redirect("transfers:received-detail", pk=pk)
    form = forms.LinkChildForm(request.POST, children=perms.receiver_children(request.user, received))
    if not form.is_valid():
        messages.error(request, _("Kies een kind uit uw eigen administratie."))
    else:
        http.call_service(
            request,
            lambda: services.received_link(received=received, child=form.cleaned_data["child"], actor=request.user),
            success=_("De overdracht is gekoppeld aan het dossier van het kind."),
        )
    return redirect("transfers:received-detail", pk=pk)


@require_GET
@login_required
def received_attachment(request: HttpRequest, pk: int, attachment_pk: int) -> FileResponse:
    http.require_staff_session(request)
    received = perms.get_received(request.user, pk)
    attachment = perms.get_received_attachment(request.user, received, attachment_pk)
    return http.private_download(attachment.file, filename=attachment.name, content_type=attachment.content_type)
