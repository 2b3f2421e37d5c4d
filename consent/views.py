"""Pages of the consent app: the parent portal (e-mail link login, decide, withdraw,
object, history, export) and the staff side (rounds, coverage, paper decisions, told
withdrawals, notices, objections, export). Thin: permission helper → form → one service
→ redirect with a message."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate, login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from agreements.letters import permissions as letters_permissions
from agreements.models import AgreementVersion, LegalBasis
from agreements.rules.consent import consent_state_summaries, consent_state_summaries_for_pairs, consent_state_summary
from consent import letters_adapter, records, selectors, services
from consent import permissions as perms
from consent.forms import (
    NO,
    YES,
    CoverageFilterForm,
    DecisionForm,
    LinkRequestForm,
    MagicLinkForm,
    NoticeForm,
    ObjectionDecisionForm,
    ObjectionForm,
    PaperDecisionForm,
    RoundForm,
    StaffWithdrawForm,
)
from consent.middleware import MAGIC_LINK, MAGIC_LINK_SESSION_KEY, is_magic_link_session
from consent.models import ConsentDecision, ConsentRoundMail, ParentNotice
from ikc_share import permissions as core

portal_login_required = login_required(login_url="consent:portal-login")
SESAME_BACKEND = "sesame.backends.ModelBackend"
PAPER = "paper"  # ?via=paper: the personal link on a paper letter (agreements.letters.render.letter_link)


def _errors(request: HttpRequest, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


def _language(request: HttpRequest) -> str:
    return letters_adapter.letter_language(translation.get_language())


def _private(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


# --- Parent login by e-mail link ------------------------------------------------------------------


def _portal_next(request: HttpRequest, value: str) -> str:
    """Only a portal page on this site; otherwise the portal's start page."""
    if (
        value
        and value.startswith("/portal/")
        and url_has_allowed_host_and_scheme(value, allowed_hosts={request.get_host()}, require_https=False)
    ):
        return value
    return reverse("consent:portal-home")


@require_http_methods(["GET", "POST"])
@never_cache
def portal_login(request: HttpRequest) -> HttpResponse:
    """Ask for a fresh link by e-mail address. The page says the same whatever happens."""
    form = LinkRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.login_link_request(email=form.cleaned_data["email"], ip=request.META.get("REMOTE_ADDR", ""))
        messages.info(
            request,
            _(
                "Als dit e-mailadres bij ons bekend is, krijgt u binnen een paar minuten een e-mail met een link. "
                "De link werkt één keer en is %(days)s dagen geldig."
            )
            % {"days": settings.SESAME_MAX_AGE // 86400},
        )
        return redirect("consent:portal-login")
    return _private(render(request, "consent/portal_login.html", {"form": form}))


@require_http_methods(["GET", "POST"])
@never_cache
def portal_link(request: HttpRequest) -> HttpResponse:
    """The e-mail link, and the personal link (QR code) on a paper letter. GET shows ONE
    button ("Verder") and spends nothing, so a mail scanner that opens the link does not
    use it up; the POST spends the token (single use, expires) and starts a session that
    reaches the parent portal only. A paper link (`via=paper`) carries a token of its own
    scope that works PAPER_LINK_MAX_AGE_DAYS instead of SESAME_MAX_AGE: an e-mail token is
    not accepted as a paper one, so it never gets the longer validity."""
    if request.method == "GET":
        language = request.GET.get("lang", "")
        form = MagicLinkForm(initial={"sesame": request.GET.get("sesame", ""), "next": request.GET.get("next", "")})
        paper = request.GET.get("via") == PAPER
        with translation.override(letters_adapter.letter_language(language or translation.get_language())):
            return _private(render(request, "consent/portal_link.html", {"form": form, "paper": paper}))
    form = MagicLinkForm(request.POST)
    # A paper letter's link: a token of its own scope, valid longer (letters_adapter.paper_link_max_age).
    paper = request.POST.get("via") == PAPER
    invalid = {"paper": paper}
    if not form.is_valid():
        return _private(render(request, "consent/portal_link_invalid.html", invalid, status=400))
    target = _portal_next(request, form.cleaned_data["next"])
    # authenticate() (not sesame's get_user) so that django-axes sees the request: repeated
    # bad tokens from one address are throttled like bad passwords, and audited as failures.
    if paper:
        user = authenticate(
            request,
            sesame=form.cleaned_data["sesame"],
            scope=letters_adapter.PAPER_LINK_SCOPE,
            max_age=letters_adapter.paper_link_max_age(),
        )
    else:
        user = authenticate(request, sesame=form.cleaned_data["sesame"])
    if user is None:
        if request.user.is_authenticated:  # an older link, opened again in the same visit
            return redirect(target)
        return _private(render(request, "consent/portal_link_invalid.html", invalid, status=400))
    if request.user.is_authenticated and request.user.pk == user.pk:
        user.last_login = timezone.now()  # spend the token; keep the session as it is
        user.save(update_fields=["last_login"])
        return redirect(target)
    request.ikc_login_method = MAGIC_LINK  # the login audit records the method
    login(request, user, backend=SESAME_BACKEND)  # updates last_login: the token is spent
    request.session[MAGIC_LINK_SESSION_KEY] = MAGIC_LINK
    response = redirect(target)
    language = user.guardians.values_list("language", flat=True).first()
    if language:
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME, language, samesite="Lax", secure=settings.SESSION_COOKIE_SECURE
        )
    return response


# --- Parent portal -------------------------------------------------------------------------------


def _parent_rows(accesses: list[perms.ParentAccess], at) -> dict[int, list[dict]]:
    """Per child: a row per active agreement of the child's organisation, with the consent
    state and objections where the parent has authority. A fixed number of queries for any
    number of children and agreements (one batch each for versions, consent and objections)."""
    versions = list(selectors.active_versions_sent_by_any({a.child.organisation_id for a in accesses}))
    pairs = [
        (a.child, v)
        for a in accesses
        if a.has_authority
        for v in versions
        if v.agreement.sending_organisation_id == a.child.organisation_id
    ]
    summaries = consent_state_summaries_for_pairs(pairs=pairs, at=at)
    objections = selectors.objections_for_pairs(pairs=pairs)
    out: dict[int, list[dict]] = {}
    for access in accesses:
        rows = []
        for version in versions:
            if version.agreement.sending_organisation_id != access.child.organisation_id:
                continue
            row = {
                "version": version,
                "is_consent": version.legal_basis == LegalBasis.CONSENT,
                "may_object": version.legal_basis in (LegalBasis.PUBLIC_TASK, LegalBasis.LEGITIMATE_INTEREST),
            }
            if access.has_authority:
                summary = summaries[access.child.pk, version.pk]
                mine = next((g for g in summary.guardians if g.guardian_id == access.guardian.pk), None)
                row.update(
                    summary=summary,
                    mine=mine,
                    may_withdraw=bool(mine and mine.state in ("given", "partial")),
                    objections=objections[access.child.pk, version.pk],
                )
            rows.append(row)
        out[access.child.pk] = rows
    return out


@require_GET
@portal_login_required
def portal_home(request: HttpRequest) -> HttpResponse:
    children = perms.parent_children(request.user)
    rows = _parent_rows(children, timezone.now())
    entries = [{"access": a, "rows": rows[a.child.pk]} for a in children]
    return _private(render(request, "consent/portal_home.html", {"entries": entries}))


@require_GET
@portal_login_required
def portal_child(request: HttpRequest, child_pk: int) -> HttpResponse:
    access = perms.get_parent_child(request.user, child_pk)
    context = {"access": access, "child": access.child, "rows": _parent_rows([access], timezone.now())[access.child.pk]}
    if access.has_authority:
        context["history"] = selectors.decision_history(child=access.child)
        context["notices"] = selectors.notices_for(child=access.child)
    return _private(render(request, "consent/portal_child.html", context))


@require_http_methods(["GET", "POST"])
@portal_login_required
def portal_decide(request: HttpRequest, child_pk: int, version_pk: int) -> HttpResponse:
    access = perms.get_parent_child(request.user, child_pk)
    version = perms.get_parent_version(access, version_pk)
    if request.method == "POST":
        perms.require_authority(access)
    categories = selectors.version_categories(version)
    letter = letters_adapter.generic_letter(version=version, language=_language(request))
    is_consent = version.legal_basis == LegalBasis.CONSENT
    form = DecisionForm(request.POST or None, version=version, categories=categories, initial={"letter": letter.pk})
    if request.method == "POST":
        if not is_consent:
            raise PermissionDenied
        choice = request.POST.get("choice", "")
        if form.is_valid() and choice in (YES, NO, "save"):
            answers = form.answers(choice)
            shown = version.letters.filter(pk=form.cleaned_data["letter"], guardian__isnull=True).first()
            if not answers:
                messages.error(request, _("Kies bij minstens één onderdeel ja of nee."))
            else:
                try:
                    services.consent_decide(
                        child=access.child,
                        guardian=access.guardian,
                        version=version,
                        answers=[services.Answer(c, yes, explicit) for c, yes, explicit in answers],
                        channel=ConsentDecision.Channel.PORTAL,
                        actor=request.user,
                        language=shown.language if shown else _language(request),
                        letter=shown or letter,
                    )
                except ValidationError as exc:
                    _errors(request, exc)
                else:
                    gave = any(yes for _c, yes, _e in answers)
                    messages.success(
                        request,
                        _("Dank u wel. Uw toestemming is vastgelegd.")
                        if gave
                        else _("Dank u wel. Uw keuze is vastgelegd: er wordt niets gedeeld."),
                    )
                    return redirect("consent:portal-child", child_pk=access.child.pk)
        else:
            messages.error(request, _("Kies ja of nee."))
    summary = (
        consent_state_summary(child=access.child, version=version, at=timezone.now())
        if (access.has_authority)
        else None
    )
    return _private(
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
                "is_consent": is_consent,
                "summary": summary,
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
                language=_language(request),
                letter=letters_adapter.stored_letter(version=version, language=_language(request)),
            )
        except ValidationError as exc:
            _errors(request, exc)
        else:
            messages.success(request, _("Uw toestemming is ingetrokken. Vanaf nu wordt er niets meer gedeeld."))
        return redirect("consent:portal-child", child_pk=access.child.pk)
    return _private(
        render(
            request,
            "consent/portal_withdraw.html",
            {
                "access": access,
                "child": access.child,
                "version": version,
            },
        )
    )


@require_http_methods(["GET", "POST"])
@portal_login_required
def portal_object(request: HttpRequest, child_pk: int, version_pk: int) -> HttpResponse:
    access = perms.get_parent_child(request.user, child_pk)
    perms.require_authority(access)
    version = perms.get_parent_version(access, version_pk)
    if version.legal_basis not in (LegalBasis.PUBLIC_TASK, LegalBasis.LEGITIMATE_INTEREST):
        raise Http404
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
            _errors(request, exc)
        else:
            messages.success(request, _("Uw bezwaar is ontvangen. Tot de directeur beslist, wordt er niets gedeeld."))
        return redirect("consent:portal-child", child_pk=access.child.pk)
    return _private(
        render(
            request,
            "consent/portal_object.html",
            {
                "access": access,
                "child": access.child,
                "version": version,
                "form": form,
            },
        )
    )


def _export(request: HttpRequest, child, fmt: str) -> HttpResponse:
    if fmt not in ("json", "pdf"):
        raise Http404
    record = records.consent_record(child=child)
    services.consent_record_exported(child=child, actor=request.user, fmt=fmt)
    stamp = timezone.localdate().isoformat()
    if fmt == "json":
        response = JsonResponse(record, json_dumps_params={"ensure_ascii": False, "indent": 2})
        response["Content-Disposition"] = f'attachment; filename="toestemming-kind-{child.pk}-{stamp}.json"'
        return _private(response)
    pdf = records.consent_record_pdf(record=record, child=child, language=_language(request))
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="toestemming-kind-{child.pk}-{stamp}.pdf"'
    return _private(response)


@require_GET
@portal_login_required
def portal_export(request: HttpRequest, child_pk: int, fmt: str) -> HttpResponse:
    access = perms.get_parent_child(request.user, child_pk)
    perms.require_authority(access)
    return _export(request, access.child, fmt)


# --- Staff ---------------------------------------------------------------------------------------


def _staff_only(request: HttpRequest) -> None:
    """Belt and braces: the middleware already keeps link sessions in the portal."""
    if is_magic_link_session(request):
        raise Http404


@require_GET
@login_required
def overview(request: HttpRequest, org_pk: int) -> HttpResponse:
    _staff_only(request)
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


COVERAGE_ORDER = ["conflict", "withdrawn", "refused", "no_answer", "given", "not_needed"]


@require_GET
@login_required
def coverage(request: HttpRequest, version_pk: int) -> HttpResponse:
    _staff_only(request)
    version = perms.get_sending_version(request.user, version_pk)
    organisation = version.agreement.sending_organisation
    children = core.children_for(request.user).filter(organisation=organisation, left_on__isnull=True)
    groups = sorted(set(children.exclude(group_name="").values_list("group_name", flat=True)))
    form = CoverageFilterForm(request.GET or None, groups=groups)
    group = form.cleaned_data["group"] if form.is_valid() else ""
    children = list(
        selectors.children_in_scope(children=children, location_id=None, group_name=group)
        .select_related("location")
        .order_by("group_name", "first_name", "last_name")
    )
    summaries = consent_state_summaries(children=children, version=version, at=timezone.now())
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
            and version.status == AgreementVersion.Status.ACTIVE,
            "is_consent": version.legal_basis == LegalBasis.CONSENT,
            "rounds": selectors.rounds_for(version=version)[:10],
            "uninformed": sum(1 for r in rows if not r["summary"].informed),
        },
    )


def _scope_choices(request: HttpRequest, version):
    organisation = version.agreement.sending_organisation
    children = core.children_for(request.user).filter(organisation=organisation, left_on__isnull=True)
    locations = core.locations_for(request.user).filter(organisation=organisation)
    groups = sorted(set(children.exclude(group_name="").values_list("group_name", flat=True)))
    return children, locations, groups


@require_http_methods(["GET", "POST"])
@login_required
def round_start(request: HttpRequest, version_pk: int) -> HttpResponse:
    _staff_only(request)
    version = perms.get_sending_version(request.user, version_pk, need=perms.ACT)
    children, locations, groups = _scope_choices(request, version)
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
            _errors(request, exc)
        else:
            messages.success(request, _("De e-mails worden verstuurd."))
            return redirect("consent:round-detail", pk=round_.pk)
    return render(
        request,
        "consent/round_start.html",
        {
            "version": version,
            "organisation": version.agreement.sending_organisation,
            "form": form,
            "is_consent": version.legal_basis == LegalBasis.CONSENT,
        },
    )


@require_POST
@login_required
def reminder_send(request: HttpRequest, version_pk: int) -> HttpResponse:
    _staff_only(request)
    version = perms.get_sending_version(request.user, version_pk, need=perms.ACT)
    children, _locations, groups = _scope_choices(request, version)
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
        _errors(request, exc)
        return redirect("consent:coverage", version_pk=version.pk)
    messages.success(request, _("De herinneringen worden verstuurd."))
    return redirect("consent:round-detail", pk=round_.pk)


@require_GET
@login_required
@never_cache
def round_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _staff_only(request)
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
    _staff_only(request)
    round_ = perms.get_round(request.user, pk, need=perms.ACT)
    mail = round_.mails.filter(pk=mail_pk, channel=ConsentRoundMail.Channel.PAPER).select_related("guardian").first()
    if mail is None:
        raise Http404
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
        _errors(request, exc)
    else:
        messages.success(request, _("Vastgelegd: de brief is overhandigd."))
    return redirect("consent:round-detail", pk=round_.pk)


@require_POST
@login_required
def letter_batch_handed_over(request: HttpRequest, batch_pk: int) -> HttpResponse:
    """Staff confirm that the personal paper letters of a batch were handed over or posted:
    that (not making them) records each guardian as informed. Directors of the sending
    organisation, who start and download batches (agreements/letters_permissions.py)."""
    _staff_only(request)
    batch = letters_permissions.get_batch(request.user, batch_pk)
    try:
        notices = services.paper_letters_handed_over(batch=batch, actor=request.user)
    except ValidationError as exc:
        _errors(request, exc)
    else:
        messages.success(
            request,
            _("Vastgelegd: %(count)s ouders hebben de brief op papier gekregen.") % {"count": len(notices)},
        )
    return redirect("agreements:letter-batch", pk=batch.pk)


@require_GET
@login_required
def child_consent(request: HttpRequest, child_pk: int) -> HttpResponse:
    _staff_only(request)
    child = perms.get_staff_child(request.user, child_pk)
    versions = list(selectors.active_versions_sent_by(child.organisation_id))
    summaries = consent_state_summaries_for_pairs(pairs=[(child, v) for v in versions], at=timezone.now())
    rows = [
        {
            "version": v,
            "summary": summaries[child.pk, v.pk],
            "is_consent": v.legal_basis == LegalBasis.CONSENT,
        }
        for v in versions
    ]
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
            "may_act": perms.may(request.user, child.organisation, perms.ACT),
            "may_audit": perms.may(request.user, child.organisation, perms.AUDIT),
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def paper_decision(request: HttpRequest, child_pk: int, version_pk: int) -> HttpResponse:
    _staff_only(request)
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
        decided_at = _noon(data["decided_on"])
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
                decided_at=decided_at,
                scan=data["scan"],
            )
        except ValidationError as exc:
            _errors(request, exc)
        else:
            messages.success(request, _("Het papieren formulier is vastgelegd."))
            return redirect("consent:child-consent", child_pk=child.pk)
    return render(
        request,
        "consent/staff_form.html",
        {
            "form": form,
            "child": child,
            "version": version,
            "organisation": child.organisation,
            "multipart": True,
            "title": _("Beslissing op papier vastleggen"),
            "intro": _(
                "Een beslissing op papier is net zo geldig als een online beslissing. Voeg de scan van het "
                "ondertekende formulier toe."
            ),
            "submit": _("Vastleggen"),
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def staff_withdraw(request: HttpRequest, child_pk: int, version_pk: int) -> HttpResponse:
    """A withdrawal told in person or by phone: recorded at once, no scan, no reason."""
    _staff_only(request)
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
            _errors(request, exc)
        else:
            messages.success(request, _("De intrekking is vastgelegd. Vanaf nu wordt er niets meer gedeeld."))
            return redirect("consent:child-consent", child_pk=child.pk)
    return render(
        request,
        "consent/staff_form.html",
        {
            "form": form,
            "child": child,
            "version": version,
            "organisation": child.organisation,
            "title": _("Intrekking vastleggen"),
            "intro": _(
                "Een ouder mag altijd en zonder reden intrekken. Leg het meteen vast; een handtekening is niet "
                "nodig. Wat al gedeeld is, blijft gedeeld."
            ),
            "submit": _("Intrekking vastleggen"),
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def notice_record(request: HttpRequest, child_pk: int, version_pk: int) -> HttpResponse:
    _staff_only(request)
    child, version = perms.get_staff_child_version(request.user, child_pk, version_pk, need=perms.ACT)
    guardians = selectors.guardians_with_authority(child=child)
    form = NoticeForm(request.POST or None, guardians=guardians)
    if request.method == "POST" and form.is_valid():
        guardian = form.cleaned_data["guardian"]
        on = form.cleaned_data["on"]
        at = timezone.now() if on == timezone.localdate() else _noon(on)
        try:
            services.parent_notice_record(
                version=version,
                guardian=guardian,
                children=[child],
                how=form.cleaned_data["how"],
                actor=request.user,
                at=at,
                letter=letters_adapter.letter_for_guardian(
                    version=version, child=child, guardian=guardian, actor=request.user
                ),
            )
        except ValidationError as exc:
            _errors(request, exc)
        else:
            messages.success(request, _("Vastgelegd: de ouder is geïnformeerd."))
            return redirect("consent:child-consent", child_pk=child.pk)
    return render(
        request,
        "consent/staff_form.html",
        {
            "form": form,
            "child": child,
            "version": version,
            "organisation": child.organisation,
            "title": _("Informeren vastleggen"),
            "intro": _(
                "Leg vast dat een ouder de brief op papier heeft gekregen of in een driegesprek is geïnformeerd."
            ),
            "submit": _("Vastleggen"),
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def objection_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Read by the sending organisation's members who may see the child; decided by its
    director only (the privacy officer advises and audits)."""
    _staff_only(request)
    objection = perms.get_objection(request.user, pk)
    may_decide = perms.may(request.user, objection.child.organisation, perms.MANAGE)
    form = ObjectionDecisionForm(request.POST or None) if may_decide else None
    if request.method == "POST":
        if not may_decide:
            raise PermissionDenied
        if form.is_valid():
            try:
                services.objection_decide(
                    objection=objection,
                    uphold=form.cleaned_data["decision"] == "uphold",
                    reason=form.cleaned_data["reason"],
                    actor=request.user,
                )
            except ValidationError as exc:
                _errors(request, exc)
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
        },
    )


@require_GET
@login_required
def staff_export(request: HttpRequest, child_pk: int, fmt: str) -> HttpResponse:
    _staff_only(request)
    child = perms.get_staff_child(request.user, child_pk, need=perms.AUDIT)
    return _export(request, child, fmt)


@require_GET
@login_required
def decision_scan(request: HttpRequest, pk: int) -> FileResponse:
    _staff_only(request)
    decision = perms.get_decision_scan(request.user, pk)
    name = decision.scan.name.rsplit("/", 1)[-1]
    return _private(FileResponse(decision.scan.open("rb"), as_attachment=True, filename=name))


def _noon(day: datetime.date) -> datetime.datetime:
    """A date from a paper form as a moment: noon, Amsterdam time."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(12, 0)))
