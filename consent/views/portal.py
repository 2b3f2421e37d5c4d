"""The parent portal: the children, a child's agreements and history (with the
restrictions of processing, art. 18), deciding, withdrawing, objecting and the export of
the child's consent record."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from agreements import selectors as agreement_selectors
from agreements.rules import bases, remedies
from agreements.rules.consent import consent_state_summaries_for_pairs, consent_state_summary
from consent import letters_adapter, selectors, services
from consent import permissions as perms
from consent.forms import NO, YES, DecisionForm, ObjectionForm
from consent.models import ConsentDecision, Objection
from consent.views.common import language, portal_login_required, record_download
from ikc_share.chain_cache import while_chains_stand
from ikc_share.http import errors_to_messages, private


def _parent_rows(accesses: list[perms.ParentAccess], at, *, with_objections: bool = True) -> dict[int, list[dict]]:
    """Per child: a row per active agreement of the child's organisation that concerns the
    child (its scope, decided by the database in the versions' query), with the consent
    state and (`with_objections`) the objections where the parent has authority. A fixed
    number of queries for any number of children and agreements (one batch each for
    versions, consent and objections)."""
    versions = list(
        agreement_selectors.with_concerns(
            versions=selectors.active_versions_sent_by_any({a.child.organisation_id for a in accesses}),
            children=[a.child for a in accesses],
            at=at,
        )
    )

    def concerning(child) -> list:
        return [
            v
            for v in versions
            if v.agreement.sending_organisation_id == child.organisation_id and agreement_selectors.concerns(v, child)
        ]

    pairs = [(a.child, v) for a in accesses if a.has_authority for v in concerning(a.child)]
    summaries = consent_state_summaries_for_pairs(pairs=pairs, at=at)
    objections = selectors.objections_for_pairs(pairs=pairs) if with_objections else {}
    out: dict[int, list[dict]] = {}
    for access in accesses:
        rows = []
        for version in concerning(access.child):
            row = {
                "version": version,
                "is_consent": bases.asks_consent(version),
                "may_object": bases.allows_objection(version),
            }
            if access.has_authority:
                summary = summaries[access.child.pk, version.pk]
                mine = next((g for g in summary.guardians if g.guardian_id == access.guardian.pk), None)
                row.update(
                    summary=summary,
                    mine=mine,
                    may_withdraw=bool(mine and mine.state in ("given", "partial")),
                    objections=objections.get((access.child.pk, version.pk), []),
                )
            rows.append(row)
        out[access.child.pk] = rows
    return out


# The start page's rows (the parent's children, the agreements in force, their consent state)
# are rendered once and cached (Django's cache: per process, or Redis with CACHE_URL) under
# the audit chain heads of every organisation where the parent has a guardian record, the
# user, the language and the minute. Every change the rows show (a decision or withdrawal by
# either parent, a notice, an objection or its decision, a restriction, a version activated
# or ended, a child or guardian imported or changed, a login linked) writes an event in that
# organisation's chain in the same transaction, so the next request after it renders afresh;
# what time alone changes (consent expiring, an objection's waiting period ending) is at
# most a minute old.
PORTAL_ROWS_SECONDS = 60


def _same_child(child) -> tuple:
    """The real child behind a record: the childcare organisation and the school each keep
    their own record of the same child (same names, same date of birth)."""
    names = (child.first_name, child.name_prefix, child.last_name)
    return (*(" ".join(n.split()).casefold() for n in names), child.date_of_birth)


def group_by_child(accesses: list[perms.ParentAccess], rows: dict[int, list[dict]]) -> list[dict]:
    """One entry per real child, with a part per organisation that keeps a record of it."""
    entries: dict[tuple, dict] = {}
    for a in accesses:
        entry = entries.setdefault(_same_child(a.child), {"child": a.child, "parts": []})
        entry["parts"].append({"access": a, "rows": rows[a.child.pk]})
    return list(entries.values())


def _home_rows(user) -> SafeString:
    def render_rows() -> str:
        children = perms.parent_children(user)
        rows = _parent_rows(children, timezone.now(), with_objections=False)
        entries = group_by_child(children, rows)
        return str(render_to_string("consent/_portal_home_rows.html", {"entries": entries}))  # a plain str pickles

    minute = int(timezone.now().timestamp() // PORTAL_ROWS_SECONDS)
    html = while_chains_stand(
        perms.parent_organisation_ids(user),
        "consent.portal-home",
        render_rows,
        parts=(user.pk, translation.get_language(), minute),
        timeout=PORTAL_ROWS_SECONDS,
    )
    return mark_safe(html)  # noqa: S308  (our own template's escaped output)


@require_GET
@portal_login_required
def portal_home(request: HttpRequest) -> HttpResponse:
    return private(render(request, "consent/portal_home.html", {"rows": _home_rows(request.user)}))


@require_GET
@portal_login_required
def portal_child(request: HttpRequest, child_pk: int) -> HttpResponse:
    access = perms.get_parent_child(request.user, child_pk)
    rows = _parent_rows([access], timezone.now())[access.child.pk]
    context = {"access": access, "child": access.child, "rows": rows}
    if any(o.status == Objection.Status.REJECTED for row in rows for o in row.get("objections", ())):
        # Art. 34/35 UAVG, art. 77 GDPR: a rejected objection names the remedy (issue 17.4). The
        # sending organisation decided it: the child's own organisation.
        context["objection_remedy"] = remedies.remedy_for(organisation=access.child.organisation)
    if access.has_authority:
        context["history"] = selectors.decision_history(child=access.child)
        context["notices"] = selectors.notices_for(child=access.child)
        context["restrictions"] = list(selectors.restrictions_of_child(child=access.child))
    return private(render(request, "consent/portal_child.html", context))


def _decide(request: HttpRequest, access: perms.ParentAccess, version, form: DecisionForm) -> bool:
    """Record the parent's answers; False (with a message) when nothing was recorded."""
    choice = request.POST.get("choice", "")
    if not (form.is_valid() and choice in (YES, NO, "save")):
        messages.error(request, _("Kies ja of nee."))
        return False
    answers = form.answers(choice)
    if not answers:
        messages.error(request, _("Kies bij minstens één onderdeel ja of nee."))
        return False
    # The letter the form says was shown and the generic letter in one query (the generic one
    # is rendered only when it was never stored).
    shown, letter = letters_adapter.letters_for_decision(
        version=version, shown_pk=form.cleaned_data["letter"], language=language(request)
    )
    if shown is None and letter is None:
        letter = letters_adapter.generic_letter(version=version, language=language(request))
    try:
        services.consent_decide(
            child=access.child,
            guardian=access.guardian,
            version=version,
            answers=[services.Answer(c, yes, explicit) for c, yes, explicit in answers],
            channel=ConsentDecision.Channel.PORTAL,
            actor=request.user,
            language=shown.language if shown else language(request),
            letter=shown or letter,
            version_categories=form.categories,
            letter_shown=shown is not None,
        )
    except ValidationError as exc:
        errors_to_messages(request, exc)
        return False
    gave = any(yes for _c, yes, _e in answers)
    messages.success(
        request,
        _("Dank u wel. Uw toestemming is vastgelegd.")
        if gave
        else _("Dank u wel. Uw keuze is vastgelegd: er wordt niets gedeeld."),
    )
    return True


@require_http_methods(["GET", "POST"])
@portal_login_required
def portal_decide(request: HttpRequest, child_pk: int, version_pk: int) -> HttpResponse:
    access = perms.get_parent_child(request.user, child_pk)
    version = perms.get_parent_version(access, version_pk)
    if request.method == "POST":
        perms.require_authority(access)
        perms.require_consent_basis(version)
    categories = selectors.version_categories(version)
    form = None
    if request.method == "POST":
        form = DecisionForm(request.POST or None, version=version, categories=categories)
        if _decide(request, access, version, form):
            return redirect("consent:portal-child", child_pk=access.child.pk)
    letter = letters_adapter.generic_letter(version=version, language=language(request))
    if form is None or not form.is_bound:
        form = DecisionForm(version=version, categories=categories, initial={"letter": letter.pk})
    summary = mine = None
    choices: dict = {}
    if access.has_authority:
        summary = consent_state_summary(child=access.child, version=version, at=timezone.now())
        mine = next((g for g in summary.guardians if g.guardian_id == access.guardian.pk), None)
        if version.consent_per_category:
            choices = selectors.latest_choices(child=access.child, guardian=access.guardian, version=version)
    return private(
        render(
            request,
            "consent/portal_decide.html",
            {
                "access": access,
                "child": access.child,
                "version": version,
                "letter": letter,
                "body": letters_adapter.letter_body(letter),
                "form": form,
                "categories": categories,
                "is_consent": bases.asks_consent(version),
                "summary": summary,
                "mine": mine,
                "may_withdraw": bool(mine and mine.state in ("given", "partial")),
                "category_rows": [
                    (c, field, choices.get(c.pk, choices.get(None, ""))) for c, field in form.category_fields()
                ],
                "special": [c for c in categories if c.is_special],
            },
        )
    )


@require_http_methods(["GET", "POST"])
@portal_login_required
def portal_withdraw(request: HttpRequest, child_pk: int, version_pk: int) -> HttpResponse:
    """One button on the child's page, one confirmation here. No reason asked."""
    access = perms.get_parent_child(request.user, child_pk)
    perms.require_authority(access)
    version = perms.get_parent_version(access, version_pk)
    if request.method == "POST":
        try:
            services.consent_withdraw(
                child=access.child,
                guardian=access.guardian,
                version=version,
                channel=ConsentDecision.Channel.PORTAL,
                actor=request.user,
                language=language(request),
                letter=letters_adapter.stored_letter(version=version, language=language(request)),
            )
        except ValidationError as exc:
            errors_to_messages(request, exc)
        else:
            messages.success(request, _("Uw toestemming is ingetrokken. Vanaf nu wordt er niets meer gedeeld."))
        return redirect("consent:portal-child", child_pk=access.child.pk)
    context = {"access": access, "child": access.child, "version": version}
    return private(render(request, "consent/portal_withdraw.html", context))


@require_http_methods(["GET", "POST"])
@portal_login_required
def portal_object(request: HttpRequest, child_pk: int, version_pk: int) -> HttpResponse:
    access = perms.get_parent_child(request.user, child_pk)
    perms.require_authority(access)
    version = perms.get_parent_version_for_objection(access, version_pk)
    form = ObjectionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.objection_file(
                child=access.child,
                guardian=access.guardian,
                version=version,
                explanation=form.cleaned_data["explanation"],
                actor=request.user,
            )
        except ValidationError as exc:
            errors_to_messages(request, exc)
        else:
            messages.success(request, _("Uw bezwaar is ontvangen. Tot de directeur beslist, wordt er niets gedeeld."))
        return redirect("consent:portal-child", child_pk=access.child.pk)
    context = {"access": access, "child": access.child, "version": version, "form": form}
    return private(render(request, "consent/portal_object.html", context))


@require_GET
@portal_login_required
def portal_export(request: HttpRequest, child_pk: int, fmt: str) -> HttpResponse:
    access = perms.get_parent_child(request.user, child_pk)
    perms.require_authority(access)
    return record_download(request, access.child, fmt)
