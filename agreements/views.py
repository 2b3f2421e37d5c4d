"""Thin views: fetch through agreements/permissions.py (404 when not visible, 403 when
visible but not allowed to change), validate the form, call one service, redirect with a
message."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template import TemplateDoesNotExist
from django.template.loader import get_template
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from agreements import history, permissions, selectors, services
from agreements.choices import AgreementVersionStatus
from agreements.forms import (
    DecisionForm,
    DirectionForm,
    EndForm,
    ItemFormSet,
    VersionForm,
    item_initial,
    version_initial,
    version_spec,
)
from ikc_share import http

if TYPE_CHECKING:
    from agreements.models import AgreementVersion
    from ikc_share.models import Organisation

LETTERS_PANEL = "agreements/letters/_version_panel.html"  # provided by the letters work, when present


def _optional_template(name: str) -> str | None:
    try:
        get_template(name)
    except TemplateDoesNotExist:
        return None
    return name


def _attach_rule_errors(form: VersionForm, exc: services.AgreementRuleError) -> list[str]:
    """Put each rule message next to its field; messages about the items are returned
    to be shown above the list of data categories."""
    item_errors = []
    for message in exc.rule_messages:
        if message.field == "items":
            item_errors.append(message.text)
        elif message.field in form.fields:
            form.add_error(message.field, message.text)
        else:
            form.add_error(None, message.text)
    return item_errors


def _detail(version_or_agreement) -> HttpResponse:
    agreement = getattr(version_or_agreement, "agreement", version_or_agreement)
    return redirect("agreements:agreement-detail", pk=agreement.pk)


@require_GET
@login_required
def agreement_list(request: HttpRequest, org_pk: int) -> HttpResponse:
    organisation = permissions.member_organisation(request.user, org_pk)
    return render(
        request,
        "agreements/list.html",
        {
            "organisation": organisation,
            "rows": selectors.agreement_rows(user=request.user, organisation=organisation),
            "can_draft": permissions.can_draft(request.user, organisation),
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def agreement_create(request: HttpRequest, org_pk: int) -> HttpResponse:
    organisation = permissions.drafting_organisation(request.user, org_pk)
    direction = DirectionForm(request.GET if "counterpart" in request.GET else None, organisation=organisation)
    if not direction.is_bound or not direction.is_valid():
        if request.method == "POST":
            messages.error(request, _("Kies eerst de andere organisatie en de richting."))
        return render(request, "agreements/direction.html", {"organisation": organisation, "form": direction})
    sending, receiving = direction.parties()
    categories = selectors.catalogue()
    form = VersionForm(request.POST or None, sender=sending, receiver=receiving)
    items = ItemFormSet(request.POST or None, categories=categories, initial=item_initial(categories))
    item_errors: list[str] = []
    if request.method == "POST" and form.is_valid() and items.is_valid():
        spec = version_spec(form, items, sending=sending, receiving=receiving)
        try:
            version = services.agreement_create(actor=request.user, spec=spec, title=form.cleaned_data["title"])
        except services.AgreementRuleError as exc:
            item_errors = _attach_rule_errors(form, exc)
        else:
            messages.success(
                request, _("De afspraak is opgeslagen als concept. Bied hem aan ter goedkeuring als hij klaar is.")
            )
            return _detail(version)
    return render(
        request,
        "agreements/version_form.html",
        {
            "organisation": organisation,
            "form": form,
            "items": items,
            "item_errors": item_errors,
            "sending": sending,
            "receiving": receiving,
            "title": _("Nieuwe uitwisselingsafspraak"),
            "back": reverse("agreements:agreement-list", kwargs={"org_pk": organisation.pk}),
        },
    )


@require_GET
@login_required
def agreement_detail(request: HttpRequest, pk: int) -> HttpResponse:
    agreement = permissions.get_agreement(request.user, pk)
    overview = selectors.agreement_overview(agreement=agreement, user=request.user)
    return render(
        request,
        "agreements/detail.html",
        {
            "agreement": agreement,
            "overview": overview,
            "decision_form": DecisionForm(),
            "letters_panel": _optional_template(LETTERS_PANEL),
        },
    )


@require_GET
@login_required
def agreement_history(request: HttpRequest, pk: int) -> HttpResponse:
    agreement = permissions.get_agreement(request.user, pk)
    permissions.require_audit(request.user, agreement)
    return render(
        request,
        "agreements/history.html",
        {
            "agreement": agreement,
            "entries": history.history(agreement=agreement, user=request.user),
        },
    )


@require_GET
@login_required
def version_detail(request: HttpRequest, pk: int) -> HttpResponse:
    version = permissions.get_version(request.user, pk)
    previous = selectors.previous_version(version=version, user=request.user)
    return render(
        request,
        "agreements/version_detail.html",
        {
            "agreement": version.agreement,
            "view": selectors.version_view(version=version, user=request.user),
            "version": version,
            "diff": history.version_diff(previous, version) if previous else None,
            "can_audit": permissions.can_audit(request.user, version.agreement),
            "letters_panel": _optional_template(LETTERS_PANEL),
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def version_edit(request: HttpRequest, pk: int) -> HttpResponse:
    version = permissions.get_version(request.user, pk)
    agreement = version.agreement
    permissions.require_manage(request.user, agreement)
    if version.status != AgreementVersionStatus.DRAFT:
        messages.error(request, _("Alleen een concept kan worden bewerkt."))
        return _detail(agreement)
    categories = selectors.catalogue()
    form = VersionForm(
        request.POST or None,
        sender=agreement.sending_organisation,
        receiver=agreement.receiving_organisation,
        initial=version_initial(version),
    )
    items = ItemFormSet(request.POST or None, categories=categories, initial=item_initial(categories, version))
    item_errors: list[str] = []
    if request.method == "POST" and form.is_valid() and items.is_valid():
        spec = version_spec(
            form, items, sending=agreement.sending_organisation, receiving=agreement.receiving_organisation
        )
        try:
            services.agreement_version_update(
                version=version, actor=request.user, spec=spec, title=form.cleaned_data["title"]
            )
        except services.AgreementRuleError as exc:
            item_errors = _attach_rule_errors(form, exc)
        except ValidationError as exc:
            http.errors_to_messages(request, exc)
            return _detail(agreement)
        else:
            messages.success(request, _("Wijzigingen in het concept opgeslagen."))
            return _detail(agreement)
    return render(
        request,
        "agreements/version_form.html",
        {
            "organisation": None,
            "form": form,
            "items": items,
            "item_errors": item_errors,
            "version": version,
            "sending": agreement.sending_organisation,
            "receiving": agreement.receiving_organisation,
            "title": _("Versie %(number)s bewerken") % {"number": version.number},
            "back": reverse("agreements:agreement-detail", kwargs={"pk": agreement.pk}),
        },
    )


@require_POST
@login_required
def version_submit(request: HttpRequest, pk: int) -> HttpResponse:
    version = permissions.get_version(request.user, pk)
    permissions.require_manage(request.user, version.agreement)
    try:
        services.agreement_version_submit(version=version, actor=request.user)
    except ValidationError as exc:
        http.errors_to_messages(request, exc)
    else:
        sides = permissions.approval_sides(request.user, version.agreement)
        if len(sides) == 1:
            messages.success(
                request,
                _(
                    "Aangeboden ter goedkeuring en daarmee goedgekeurd namens %(org)s. De directeur van de "
                    "andere organisatie krijgt een e-mail; de afspraak wordt actief zodra die ook goedkeurt."
                )
                % {"org": sides[0].name},
            )
        else:
            messages.success(
                request,
                _(
                    "Aangeboden ter goedkeuring. De afspraak wordt actief als de directeuren van "
                    "beide organisaties deze versie hebben goedgekeurd."
                ),
            )
    return _detail(version)


def _decision(request: HttpRequest, pk: int) -> tuple[AgreementVersion, Organisation | None, str]:
    """The version, the side the user decides for (None: they direct both and must choose)
    and their comment, from a DecisionForm post."""
    version = permissions.get_version(request.user, pk)
    form = DecisionForm(request.POST)
    valid = form.is_valid()
    side = permissions.decision_side(
        request.user, version.agreement, form.cleaned_data.get("organisation") if valid else None
    )
    if side is None:
        messages.error(request, _("Kies voor welke organisatie u beslist."))
    return version, side, form.cleaned_data.get("comment", "") if valid else ""


@require_POST
@login_required
def version_approve(request: HttpRequest, pk: int) -> HttpResponse:
    version, side, comment = _decision(request, pk)
    if side is None:
        return _detail(version)
    try:
        version = services.agreement_version_approve(
            version=version, actor=request.user, organisation=side, comment=comment
        )
    except ValidationError as exc:
        http.errors_to_messages(request, exc)
    else:
        if version.status == AgreementVersionStatus.ACTIVE:
            messages.success(
                request, _("Goedgekeurd. Beide organisaties hebben nu goedgekeurd: de afspraak is actief.")
            )
        else:
            messages.success(
                request,
                _("Goedgekeurd namens %(org)s. De afspraak wordt actief zodra ook de andere organisatie goedkeurt.")
                % {"org": side.name},
            )
    return _detail(version)


@require_POST
@login_required
def version_return(request: HttpRequest, pk: int) -> HttpResponse:
    version, side, comment = _decision(request, pk)
    if side is None:
        return _detail(version)
    try:
        services.agreement_version_return(version=version, actor=request.user, organisation=side, comment=comment)
    except ValidationError as exc:
        http.errors_to_messages(request, exc)
    else:
        messages.success(request, _("Teruggestuurd met uw opmerking. De versie is weer een concept."))
    return _detail(version)


@require_POST
@login_required
def agreement_amend(request: HttpRequest, pk: int) -> HttpResponse:
    agreement = permissions.get_agreement(request.user, pk)
    permissions.require_manage(request.user, agreement)
    try:
        version = services.agreement_amend(agreement=agreement, actor=request.user)
    except ValidationError as exc:
        http.errors_to_messages(request, exc)
        return _detail(agreement)
    messages.success(
        request,
        _(
            "Nieuwe versie %(number)s aangemaakt als kopie van de actieve versie. De actieve "
            "versie blijft gelden tot beide directeuren de nieuwe hebben goedgekeurd."
        )
        % {"number": version.number},
    )
    return redirect("agreements:version-edit", pk=version.pk)


@require_http_methods(["GET", "POST"])
@login_required
def agreement_end(request: HttpRequest, pk: int) -> HttpResponse:
    agreement = permissions.get_agreement(request.user, pk)
    permissions.require_manage(request.user, agreement)
    form = EndForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.agreement_end(agreement=agreement, actor=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            http.errors_to_messages(request, exc)
        else:
            messages.success(request, _("De afspraak is beëindigd. Er wordt niets meer onder gedeeld."))
        return _detail(agreement)
    return render(
        request,
        "ikc_share/form_page.html",
        {
            "form": form,
            "title": _("Afspraak beëindigen: %(title)s") % {"title": agreement.title},
            "back": reverse("agreements:agreement-detail", kwargs={"pk": agreement.pk}),
        },
    )
