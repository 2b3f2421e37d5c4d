"""Staff of the sending organisation: the overview of its agreements, who is covered
under a version, consent rounds (ask, remind, inform) and the paper letters handed over."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from agreements import selectors as agreement_selectors
from agreements.choices import AgreementVersionStatus
from agreements.letters import permissions as letters_permissions
from agreements.rules import bases, scope
from agreements.rules.consent import consent_state_summaries
from consent import letters_adapter, selectors, services
from consent import permissions as perms
from consent.forms import CoverageFilterForm, RoundForm
from consent.models import ConsentRoundMail, ParentNotice
from ikc_share import permissions as core
from ikc_share.http import errors_to_messages, require_staff_session

COVERAGE_ORDER = ["conflict", "withdrawn", "refused", "no_answer", "given", "not_needed"]


def _children_and_groups(request: HttpRequest, organisation):
    """The organisation's current children the user may read, and their group names."""
    children = core.children_for(request.user).filter(organisation=organisation, left_on__isnull=True)
    groups = sorted(set(children.exclude(group_name="").values_list("group_name", flat=True)))
    return children, groups


@require_GET
@login_required
def overview(request: HttpRequest, org_pk: int) -> HttpResponse:
    require_staff_session(request)
    organisation = perms.organisation_for_overview(request.user, org_pk)
    versions = list(selectors.active_versions_sent_by(organisation.pk))
    return render(
        request,
        "consent/overview.html",
        {
            "organisation": organisation,
            "versions": versions,
            "objections": selectors.pending_objections(organisation_id=organisation.pk)
            if perms.may(request.user, organisation, perms.AUDIT)
            else [],
        },
    )


@require_GET
@login_required
def coverage(request: HttpRequest, version_pk: int) -> HttpResponse:
    require_staff_session(request)
    version = perms.get_sending_version(request.user, version_pk)
    organisation = version.agreement.sending_organisation
    children, groups = _children_and_groups(request, organisation)
    form = CoverageFilterForm(request.GET or None, groups=groups)
    group = form.cleaned_data["group"] if form.is_valid() else ""
    now = timezone.now()
    # Only the children the version's scope concerns (agreements/rules/scope.py).
    children = list(
        agreement_selectors.children_concerned(
            children=selectors.children_in_scope(children=children, location_id=None, group_name=group),
            version=version,
            at=now,
        )
        .select_related("location")
        .order_by("group_name", "first_name", "last_name")
    )
    summaries = consent_state_summaries(children=children, version=version, at=now)
    rows = [{"child": c, "summary": summaries[c.pk]} for c in children]
    counts = {state: 0 for state in COVERAGE_ORDER}
    for r in rows:
        counts[r["summary"].state] += 1
    return render(
        request,
        "consent/coverage.html",
        {
            "version": version,
            "organisation": organisation,
            "rows": rows,
            "form": form,
            "group": group,
            "counts": [(s, counts[s]) for s in COVERAGE_ORDER if counts[s] or s != "not_needed"],
            "may_act": perms.may(request.user, organisation, perms.ACT)
            and version.status == AgreementVersionStatus.ACTIVE,
            "is_consent": bases.asks_consent(version),
            "scope_text": scope.describe_version(version),
            "rounds": selectors.rounds_for(version=version)[:10],
            "uninformed": sum(1 for r in rows if not r["summary"].informed),
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def round_start(request: HttpRequest, version_pk: int) -> HttpResponse:
    require_staff_session(request)
    version = perms.get_sending_version(request.user, version_pk, need=perms.ACT)
    organisation = version.agreement.sending_organisation
    children, groups = _children_and_groups(request, organisation)
    locations = core.locations_for(request.user).filter(organisation=organisation)
    form = RoundForm(request.POST or None, locations=locations, groups=groups)
    if request.method == "POST" and form.is_valid():
        try:
            round_ = services.consent_round_start(
                version=version,
                actor=request.user,
                children=children,
                location=form.cleaned_data["location"],
                group_name=form.cleaned_data["group_name"],
            )
        except ValidationError as exc:
            errors_to_messages(request, exc)
        else:
            messages.success(request, _("De e-mails worden verstuurd."))
            return redirect("consent:round-detail", pk=round_.pk)
    return render(
        request,
        "consent/round_start.html",
        {"version": version, "organisation": organisation, "form": form, "is_consent": bases.asks_consent(version)},
    )


@require_POST
@login_required
def reminder_send(request: HttpRequest, version_pk: int) -> HttpResponse:
    require_staff_session(request)
    version = perms.get_sending_version(request.user, version_pk, need=perms.ACT)
    children, groups = _children_and_groups(request, version.agreement.sending_organisation)
    group = request.POST.get("group", "")
    try:
        round_ = services.consent_round_start(
            version=version,
            actor=request.user,
            children=children,
            group_name=group if group in groups else "",
            reminder=True,
        )
    except ValidationError as exc:
        errors_to_messages(request, exc)
        return redirect("consent:coverage", version_pk=version.pk)
    messages.success(request, _("De herinneringen worden verstuurd."))
    return redirect("consent:round-detail", pk=round_.pk)


@require_GET
@login_required
@never_cache
def round_detail(request: HttpRequest, pk: int) -> HttpResponse:
    require_staff_session(request)
    round_ = perms.get_round(request.user, pk)
    mails = list(selectors.round_mails(round=round_))
    return render(
        request,
        "consent/round_detail.html",
        {
            "round": round_,
            "version": round_.version,
            "organisation": round_.organisation,
            "emails": [m for m in mails if m.channel == ConsentRoundMail.Channel.EMAIL],
            "paper": [m for m in mails if m.channel == ConsentRoundMail.Channel.PAPER],
            "may_act": perms.may(request.user, round_.organisation, perms.ACT),
            "may_batch": perms.may(request.user, round_.organisation, perms.MANAGE),
        },
    )


@require_POST
@login_required
def round_paper_handed_over(request: HttpRequest, pk: int, mail_pk: int) -> HttpResponse:
    require_staff_session(request)
    round_ = perms.get_round(request.user, pk, need=perms.ACT)
    mail = perms.get_round_paper_mail(round_, mail_pk)
    children = list(mail.children.all())
    try:
        # Each child's own paper letter (a personal letter names one child), else the generic one.
        shown = {
            child.pk: letters_adapter.letter_for_guardian(
                version=round_.version, child=child, guardian=mail.guardian, actor=request.user
            )
            for child in children
        }
        services.parent_notice_record(
            version=round_.version,
            guardian=mail.guardian,
            children=children,
            how=ParentNotice.How.PAPER,
            actor=request.user,
            round_mail=mail,
            letter=shown[children[0].pk] if children else None,
            child_letters=shown,
        )
    except ValidationError as exc:
        errors_to_messages(request, exc)
    else:
        messages.success(request, _("Vastgelegd: de brief is overhandigd."))
    return redirect("consent:round-detail", pk=round_.pk)


@require_POST
@login_required
def letter_batch_handed_over(request: HttpRequest, batch_pk: int) -> HttpResponse:
    """Staff confirm that the personal paper letters of a batch were handed over or posted:
    that (not making them) records each guardian as informed. Directors of the sending
    organisation, who start and download batches (agreements/letters/permissions.py)."""
    require_staff_session(request)
    batch = letters_permissions.get_batch(request.user, batch_pk)
    try:
        notices = services.paper_letters_handed_over(batch=batch, actor=request.user)
    except ValidationError as exc:
        errors_to_messages(request, exc)
    else:
        messages.success(
            request,
            _("Vastgelegd: %(count)s ouders hebben de brief op papier gekregen.") % {"count": len(notices)},
        )
    return redirect("agreements:letter-batch", pk=batch.pk)
