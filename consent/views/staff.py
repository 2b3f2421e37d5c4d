"""Staff of the sending organisation, per child: the child's consent page, a decision on
paper, a withdrawal told in person or by phone, a notice, the objection page, restricting
the processing of data categories (art. 18) and lifting it, the export of the child's
consent record and the scan of a paper form."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from agreements import selectors as agreement_selectors
from agreements.rules import bases, remedies
from agreements.rules.consent import consent_state_summaries_for_pairs
from consent import letters_adapter, selectors, services
from consent import permissions as perms
from consent.forms import (
    NoticeForm,
    ObjectionDecisionForm,
    PaperDecisionForm,
    RestrictionForm,
    RestrictionLiftForm,
    StaffWithdrawForm,
)
from consent.models import ConsentDecision
from consent.views.common import noon, record_download
from ikc_share.http import errors_to_messages, private, require_staff_session


def _restriction_form(child, versions, data=None) -> RestrictionForm:
    """The categories of the agreements under which the organisation shares the child's
    data, and the guardians with authority who may ask."""
    by_version = selectors.categories_of_versions(versions)
    categories = {c.pk: c for cats in by_version.values() for c in cats}
    return RestrictionForm(
        data,
        categories=sorted(categories.values(), key=lambda c: (c.order, c.code)),
        guardians=selectors.guardians_with_authority(child=child),
    )


def _versions(child) -> list:
    """The active versions under which the child's organisation sends that concern the child
    (their scope, decided by the database)."""
    return list(
        agreement_selectors.versions_concerning(
            versions=selectors.active_versions_sent_by(child.organisation_id), child=child, at=timezone.now()
        )
    )


def _child_page(request: HttpRequest, child, *, restriction_form: RestrictionForm | None = None) -> HttpResponse:
    versions = _versions(child)
    summaries = consent_state_summaries_for_pairs(pairs=[(child, v) for v in versions], at=timezone.now())
    rows = [{"version": v, "summary": summaries[child.pk, v.pk], "is_consent": bases.asks_consent(v)} for v in versions]
    restrictions = list(selectors.restrictions_of_child(child=child))
    may_restrict = perms.may_handle_restrictions(request.user, child.organisation)
    if may_restrict and restriction_form is None:
        restriction_form = _restriction_form(child, versions)
    return render(
        request,
        "consent/child_consent.html",
        {
            "child": child,
            "organisation": child.organisation,
            "rows": rows,
            "history": selectors.decision_history(child=child),
            "notices": selectors.notices_for(child=child),
            "objections": selectors.objections_for(child=child),
            "restrictions_in_force": [r for r in restrictions if r.lifted_at is None],
            "restrictions_lifted": [r for r in restrictions if r.lifted_at is not None],
            "may_restrict": may_restrict,
            "restriction_form": restriction_form if may_restrict else None,
            "may_act": perms.may(request.user, child.organisation, perms.ACT),
            "may_audit": perms.may(request.user, child.organisation, perms.AUDIT),
        },
    )


@require_GET
@login_required
def child_consent(request: HttpRequest, child_pk: int) -> HttpResponse:
    require_staff_session(request)
    return _child_page(request, perms.get_staff_child(request.user, child_pk))


@require_POST
@login_required
def restriction_record(request: HttpRequest, child_pk: int) -> HttpResponse:
    """Restrict the processing of data categories of the child (art. 18): the director or
    a privacy contact, at the request of a guardian with authority. Bad input: the child's
    page again, with the form and its messages, nothing recorded."""
    require_staff_session(request)
    child = perms.get_restriction_child(request.user, child_pk)
    versions = _versions(child)
    form = _restriction_form(child, versions, request.POST)
    if not form.is_valid():
        messages.error(request, _("De beperking is niet vastgelegd: bekijk het formulier hieronder."))
        return _child_page(request, child, restriction_form=form)
    try:
        services.restriction_record(
            child=child,
            categories=form.cleaned_data["categories"],
            requested_by=form.cleaned_data["requested_by"],
            reason=form.cleaned_data["reason"],
            actor=request.user,
        )
    except ValidationError as exc:
        errors_to_messages(request, exc)
        return _child_page(request, child, restriction_form=form)
    return _recorded(request, child, _("De beperking is vastgelegd. Deze gegevens worden nu niet gedeeld."))


@require_POST
@login_required
def restriction_lift(request: HttpRequest, pk: int) -> HttpResponse:
    """Lift a restriction, with the explanation the parent sees. Bad input: a message on
    the child's page, nothing changed."""
    require_staff_session(request)
    restriction = perms.get_restriction(request.user, pk)
    form = RestrictionLiftForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect("consent:child-consent", child_pk=restriction.child_id)
    try:
        services.restriction_lift(restriction=restriction, actor=request.user, reason=form.cleaned_data["reason"])
    except ValidationError as exc:
        errors_to_messages(request, exc)
        return redirect("consent:child-consent", child_pk=restriction.child_id)
    return _recorded(request, restriction.child, _("De beperking is opgeheven."))


def _staff_form(request: HttpRequest, *, form, child, version, title: str, intro: str, submit: str, **extra):
    """The one form page for recording something about a child under a version."""
    context = {"form": form, "child": child, "version": version, "organisation": child.organisation, **extra}
    return render(request, "consent/staff_form.html", {**context, "title": title, "intro": intro, "submit": submit})


def _recorded(request: HttpRequest, child, message: str) -> HttpResponse:
    messages.success(request, message)
    return redirect("consent:child-consent", child_pk=child.pk)


@require_http_methods(["GET", "POST"])
@login_required
def paper_decision(request: HttpRequest, child_pk: int, version_pk: int) -> HttpResponse:
    require_staff_session(request)
    child, version = perms.get_staff_child_version(request.user, child_pk, version_pk, need=perms.ACT)
    guardians = selectors.guardians_with_authority(child=child)
    form = PaperDecisionForm(request.POST or None, request.FILES or None, guardians=guardians, version=version)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        yes = data["state"] == ConsentDecision.State.GIVEN
        cats = list(data.get("categories") or [])
        answers = [services.Answer(c, yes, yes and data["explicit"]) for c in cats] or [
            services.Answer(None, yes, yes and data["explicit"])
        ]
        guardian = data["guardian"]
        try:
            services.consent_decide(
                child=child,
                guardian=guardian,
                version=version,
                answers=answers,
                channel=ConsentDecision.Channel.PAPER,
                actor=request.user,
                language=guardian.language,
                letter=letters_adapter.letter_for_guardian(
                    version=version, child=child, guardian=guardian, actor=request.user
                ),
                decided_at=noon(data["decided_on"]),
                scan=data["scan"],
            )
        except ValidationError as exc:
            errors_to_messages(request, exc)
        else:
            return _recorded(request, child, _("Het papieren formulier is vastgelegd."))
    return _staff_form(
        request,
        form=form,
        child=child,
        version=version,
        multipart=True,
        title=_("Beslissing op papier vastleggen"),
        intro=_(
            "Een beslissing op papier is net zo geldig als een online beslissing. Voeg de scan van het "
            "ondertekende formulier toe."
        ),
        submit=_("Vastleggen"),
    )


@require_http_methods(["GET", "POST"])
@login_required
def staff_withdraw(request: HttpRequest, child_pk: int, version_pk: int) -> HttpResponse:
    """A withdrawal told in person or by phone: recorded at once, no scan, no reason."""
    require_staff_session(request)
    child, version = perms.get_staff_child_version(request.user, child_pk, version_pk, need=perms.ACT)
    guardians = selectors.guardians_with_authority(child=child)
    form = StaffWithdrawForm(request.POST or None, guardians=guardians)
    if request.method == "POST" and form.is_valid():
        guardian = form.cleaned_data["guardian"]
        try:
            services.consent_withdraw(
                child=child,
                guardian=guardian,
                version=version,
                channel=ConsentDecision.Channel.STAFF,
                actor=request.user,
                language=guardian.language,
                told_via=form.cleaned_data["told_via"],
            )
        except ValidationError as exc:
            errors_to_messages(request, exc)
        else:
            return _recorded(request, child, _("De intrekking is vastgelegd. Vanaf nu wordt er niets meer gedeeld."))
    return _staff_form(
        request,
        form=form,
        child=child,
        version=version,
        title=_("Intrekking vastleggen"),
        intro=_(
            "Een ouder mag altijd en zonder reden intrekken. Leg het meteen vast; een handtekening is niet "
            "nodig. Wat al gedeeld is, blijft gedeeld."
        ),
        submit=_("Intrekking vastleggen"),
    )


@require_http_methods(["GET", "POST"])
@login_required
def notice_record(request: HttpRequest, child_pk: int, version_pk: int) -> HttpResponse:
    require_staff_session(request)
    child, version = perms.get_staff_child_version(request.user, child_pk, version_pk, need=perms.ACT)
    guardians = selectors.guardians_with_authority(child=child)
    form = NoticeForm(request.POST or None, guardians=guardians)
    if request.method == "POST" and form.is_valid():
        guardian = form.cleaned_data["guardian"]
        on = form.cleaned_data["on"]
        try:
            services.parent_notice_record(
                version=version,
                guardian=guardian,
                children=[child],
                how=form.cleaned_data["how"],
                actor=request.user,
                at=timezone.now() if on == timezone.localdate() else noon(on),
                letter=letters_adapter.letter_for_guardian(
                    version=version, child=child, guardian=guardian, actor=request.user
                ),
            )
        except ValidationError as exc:
            errors_to_messages(request, exc)
        else:
            return _recorded(request, child, _("Vastgelegd: de ouder is geïnformeerd."))
    return _staff_form(
        request,
        form=form,
        child=child,
        version=version,
        title=_("Informeren vastleggen"),
        intro=_("Leg vast dat een ouder de brief op papier heeft gekregen of in een driegesprek is geïnformeerd."),
        submit=_("Vastleggen"),
    )


@require_http_methods(["GET", "POST"])
@login_required
def objection_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Read by the sending organisation's members who may see the child; decided by its
    director only (the privacy officer advises and audits)."""
    require_staff_session(request)
    objection = perms.get_objection(request.user, pk)
    may_decide = perms.may(request.user, objection.child.organisation, perms.MANAGE)
    form = ObjectionDecisionForm(request.POST or None) if may_decide else None
    if request.method == "POST":
        perms.require(may_decide)
        if form.is_valid():
            try:
                services.objection_decide(
                    objection=objection,
                    uphold=form.cleaned_data["decision"] == "uphold",
                    reason=form.cleaned_data["reason"],
                    actor=request.user,
                )
            except ValidationError as exc:
                errors_to_messages(request, exc)
            else:
                messages.success(request, _("Uw beslissing is vastgelegd. De ouder ziet de uitleg in het portaal."))
                return redirect("consent:objection-detail", pk=objection.pk)
    return render(
        request,
        "consent/objection_detail.html",
        {
            "objection": objection,
            "organisation": objection.child.organisation,
            "form": form,
            # What the parent reads against the rejection (art. 34/35 UAVG, art. 77 GDPR).
            "remedy": remedies.remedy_for(organisation=objection.child.organisation)
            if objection.status == objection.Status.REJECTED
            else None,
        },
    )


@require_GET
@login_required
def staff_export(request: HttpRequest, child_pk: int, fmt: str) -> HttpResponse:
    require_staff_session(request)
    child = perms.get_staff_child(request.user, child_pk, need=perms.AUDIT)
    return record_download(request, child, fmt)


@require_GET
@login_required
def decision_scan(request: HttpRequest, pk: int) -> FileResponse:
    require_staff_session(request)
    decision = perms.get_decision_scan(request.user, pk)
    name = decision.scan.name.rsplit("/", 1)[-1]
    return private(FileResponse(decision.scan.open("rb"), as_attachment=True, filename=name))
