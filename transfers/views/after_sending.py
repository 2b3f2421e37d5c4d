"""After sending: the sender corrects what was sent (art. 16) or erases it (art. 17); the
receiver's copy follows and the receiver is told (art. 19)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from ikc_share import http
from transfers import forms, selectors, services
from transfers import permissions as perms
from transfers.views import content_forms


@require_http_methods(["GET", "POST"])
@login_required
def transfer_rectify(request: HttpRequest, pk: int) -> HttpResponse:
    """Correct what was sent (art. 16); the receiver's copy is updated and the receiver told."""
    http.require_staff_session(request)
    transfer, received = perms.get_correctable_transfer(request.user, pk)
    categories = list(selectors.categories_by_code(transfer.category_codes).values())
    categories.sort(key=lambda c: transfer.category_codes.index(c.code))
    category_forms = content_forms.category_forms(
        request=request, child=transfer.child, categories=categories, content=received.content
    )
    if request.method == "POST":
        contents = content_forms.chosen_contents(request, category_forms, list(transfer.category_codes))
        if contents is not None:
            if http.call_service(
                request,
                lambda: services.transfer_rectify(transfer=transfer, contents=contents, actor=request.user),
                success=_("De correctie is doorgegeven aan de ontvanger."),
            ):
                return redirect("transfers:transfer-detail", pk=pk)
    return render(
        request,
        "transfers/rectify.html",
        {"transfer": transfer, "child": transfer.child, "forms": [(c, category_forms[c.code]) for c in categories]},
    )


@require_http_methods(["GET", "POST"])
@login_required
def transfer_erase(request: HttpRequest, pk: int) -> HttpResponse:
    """Erasure (art. 17) by the sending director; the receiver's copy goes too (art. 19)."""
    http.require_staff_session(request)
    transfer = perms.get_sent_transfer(request.user, pk, need=perms.MANAGE)
    form = forms.EraseForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        if http.call_service(
            request,
            lambda: services.transfer_erase(transfer=transfer, reason=form.cleaned_data["reason"], actor=request.user),
            success=_("De overdracht is gewist, ook bij de ontvanger. De ontvanger is ingelicht."),
        ):
            return redirect("transfers:transfer-detail", pk=pk)
    return render(
        request,
        "transfers/erase.html",
        {"transfer": transfer, "child": transfer.child, "form": form},
    )
