"""The receiving organisation erases its own copy (art. 17 AVG): after the parents withdrew
the consent it was shared on, on their request, or when it is no longer needed. The
director or privacy contact sees the copy's metadata (never its content) and the reason it
is to erase; under a legal duty or public task the page says why it stays."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from ikc_share import http
from transfers import permissions as perms
from transfers import services, withdrawals
from transfers.erasure_forms import ReceivedEraseForm


@require_http_methods(["GET", "POST"])
@login_required
def received_erase(request: HttpRequest, pk: int) -> HttpResponse:
    http.require_staff_session(request)
    received = perms.get_received_for_erasure(request.user, pk)
    due = None if received.is_removed else withdrawals.due_for(received)
    refusal = "" if received.is_removed else withdrawals.erase_refusal(received)
    form = ReceivedEraseForm(request.POST if request.method == "POST" else None, withdrawn=due is not None)
    if request.method == "POST":
        if not form.is_valid():
            for errors in form.errors.values():
                for error in errors:
                    messages.error(request, error)
        elif http.call_service(
            request,
            lambda: services.received_erase(received=received, reason=form.cleaned_data["reason"], actor=request.user),
            success=_("De gegevens zijn gewist. Een grafsteen zonder inhoud blijft bewaard."),
        ):
            return redirect("transfers:received-erase", pk=pk)
    return http.private(
        render(
            request,
            "transfers/received_erase.html",
            {
                "received": received,
                "transfer": received.transfer,
                "categories": withdrawals.category_names(received.category_codes),
                "due": due,
                "due_names": withdrawals.category_names(due.codes) if due else [],
                "refusal": refusal,
                "form": form,
                "may_open": perms.received_for(request.user).filter(pk=pk).exists(),
            },
        )
    )
