"""Onboarding pages. Thin: permission helper → form → one service → redirect with a message."""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_otp import user_has_device

from ikc_share import permissions as core_permissions
from ikc_share.models import Membership
from onboarding import columns as column_defs
from onboarding import invitations, permissions, reading, selectors, services
from onboarding.forms import (
    AcceptInvitationForm,
    DirectorInviteForm,
    IkcForm,
    ImportPermissionForm,
    LeaversForm,
    LocationForm,
    MappingForm,
    OrganisationForm,
    UploadForm,
)
from onboarding.models import ImportJob, Invitation

PROBLEMS_PER_PAGE = 100


def _service_error(request: HttpRequest, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


def operator_view(view):
    """Login required, then 404 for anyone but the operator, then two-factor where required."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs):
        permissions.require_operator(request.user)
        if permissions.operator_needs_second_factor(request.user):
            target = "ikc_share:otp-verify" if user_has_device(request.user) else "ikc_share:otp-setup"
            return redirect(f"{reverse(target)}?next={request.get_full_path()}")
        return view(request, *args, **kwargs)

    return login_required(wrapper)


# --- Operator console -------------------------------------------------------------------------


@require_GET
@operator_view
def operator_home(request: HttpRequest) -> HttpResponse:
    return render(request, "onboarding/operator_home.html", {"ikcs": selectors.ikcs_overview()})


@require_http_methods(["GET", "POST"])
@operator_view
def operator_ikc_create(request: HttpRequest) -> HttpResponse:
    form = IkcForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            ikc = services.ikc_create(name=form.cleaned_data["name"], actor=request.user)
        except ValidationError as exc:
            _service_error(request, exc)
        else:
            messages.success(request, _("IKC aangemaakt. Voeg nu de organisaties toe."))
            return redirect("ikc_share:operator-ikc-detail", pk=ikc.pk)
    return render(
        request,
        "ikc_share/form_page.html",
        {
            "form": form,
            "title": _("Nieuw IKC"),
            "back": reverse("ikc_share:operator-home"),
        },
    )


@require_GET
@operator_view
def operator_ikc_detail(request: HttpRequest, pk: int) -> HttpResponse:
    ikc = permissions.get_operator_ikc(request.user, pk)
    organisations = []
    for org in ikc.organisations.all():
        directors = []
        for membership in selectors.directors_of(org):
            invitation = membership.invitations.order_by("-created_at", "-id").first()
            directors.append({"membership": membership, "invitation": invitation})
        organisations.append({"organisation": org, "locations": list(org.locations.all()), "directors": directors})
    return render(request, "onboarding/operator_ikc.html", {"ikc": ikc, "organisations": organisations})


@require_http_methods(["GET", "POST"])
@operator_view
def operator_organisation_create(request: HttpRequest, pk: int) -> HttpResponse:
    ikc = permissions.get_operator_ikc(request.user, pk)
    form = OrganisationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.organisation_setup(ikc=ikc, actor=request.user, **form.service_kwargs())
        except ValidationError as exc:
            _service_error(request, exc)
        else:
            messages.success(request, _("Organisatie aangemaakt. Nodig nu de directeur uit."))
            return redirect("ikc_share:operator-ikc-detail", pk=ikc.pk)
    return render(
        request,
        "ikc_share/form_page.html",
        {
            "form": form,
            "title": _("Nieuwe organisatie in %(ikc)s") % {"ikc": ikc.name},
            "back": reverse("ikc_share:operator-ikc-detail", kwargs={"pk": ikc.pk}),
        },
    )


@require_http_methods(["GET", "POST"])
@operator_view
def operator_location_create(request: HttpRequest, org_pk: int) -> HttpResponse:
    organisation = permissions.get_operator_organisation(request.user, org_pk)
    form = LocationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.location_add(organisation=organisation, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            _service_error(request, exc)
        else:
            messages.success(request, _("Locatie toegevoegd."))
            return redirect("ikc_share:operator-ikc-detail", pk=organisation.ikc_id)
    return render(
        request,
        "ikc_share/form_page.html",
        {
            "form": form,
            "title": _("Nieuwe locatie"),
            "organisation": organisation,
            "back": reverse("ikc_share:operator-ikc-detail", kwargs={"pk": organisation.ikc_id}),
        },
    )


@require_http_methods(["GET", "POST"])
@operator_view
def operator_director_invite(request: HttpRequest, org_pk: int) -> HttpResponse:
    organisation = permissions.get_operator_organisation(request.user, org_pk)
    form = DirectorInviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            membership = services.director_invite(organisation=organisation, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            _service_error(request, exc)
        else:
            if membership.user.has_usable_password():
                messages.success(
                    request,
                    _("Deze persoon had al een account en is nu directeur; een e-mail met een link is niet nodig."),
                )
            else:
                messages.success(
                    request, _("De uitnodiging is verstuurd naar %(email)s.") % {"email": membership.user.email}
                )
            return redirect("ikc_share:operator-ikc-detail", pk=organisation.ikc_id)
    return render(
        request,
        "ikc_share/form_page.html",
        {
            "form": form,
            "title": _("Directeur uitnodigen"),
            "organisation": organisation,
            "back": reverse("ikc_share:operator-ikc-detail", kwargs={"pk": organisation.ikc_id}),
        },
    )


@require_POST
@operator_view
def operator_invitation_resend(request: HttpRequest, pk: int) -> HttpResponse:
    invitation = permissions.get_operator_invitation(request.user, pk)
    _resend(request, invitation)
    return redirect("ikc_share:operator-ikc-detail", pk=invitation.organisation.ikc_id)


@require_POST
@operator_view
def operator_invitation_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    invitation = permissions.get_operator_invitation(request.user, pk)
    _revoke(request, invitation)
    return redirect("ikc_share:operator-ikc-detail", pk=invitation.organisation.ikc_id)


def _resend(request: HttpRequest, invitation: Invitation) -> None:
    try:
        invitations.invitation_resend(invitation=invitation, actor=request.user)
    except ValidationError as exc:
        _service_error(request, exc)
    else:
        messages.success(request, _("De uitnodiging wordt opnieuw verstuurd; de vorige link werkt niet meer."))


def _revoke(request: HttpRequest, invitation: Invitation) -> None:
    try:
        invitations.invitation_revoke(invitation=invitation, actor=request.user)
    except ValidationError as exc:
        _service_error(request, exc)
    else:
        messages.success(request, _("De uitnodiging is ingetrokken; de link werkt niet meer."))


# --- Invitations of an organisation --------------------------------------------------------------


@require_GET
@login_required
def invitation_list(request: HttpRequest, org_pk: int) -> HttpResponse:
    organisation = permissions.get_organisation(request.user, org_pk, need=core_permissions.AUDIT)
    can_manage = core_permissions.has_org_perm(request.user, organisation, core_permissions.MANAGE)
    paginator = Paginator(selectors.invitations_of(organisation), 50)
    return render(
        request,
        "onboarding/invitations.html",
        {
            "organisation": organisation,
            "page": paginator.get_page(request.GET.get("page")),
            "can_manage": can_manage,
            "without_login": selectors.guardians_without_login(organisation).count(),
        },
    )


@require_POST
@login_required
def invitation_resend(request: HttpRequest, pk: int) -> HttpResponse:
    invitation = permissions.get_invitation(request.user, pk)
    _resend(request, invitation)
    return redirect("ikc_share:invitation-list", org_pk=invitation.organisation_id)


@require_POST
@login_required
def invitation_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    invitation = permissions.get_invitation(request.user, pk)
    _revoke(request, invitation)
    return redirect("ikc_share:invitation-list", org_pk=invitation.organisation_id)


@require_POST
@login_required
def parents_invite(request: HttpRequest, org_pk: int) -> HttpResponse:
    organisation = permissions.get_organisation(request.user, org_pk, need=core_permissions.MANAGE)
    result = invitations.parents_invite(organisation=organisation, actor=request.user)
    messages.success(
        request,
        _(
            "%(invited)s ouder(s) uitgenodigd; %(linked)s hadden al een account of uitnodiging en "
            "zijn daaraan gekoppeld."
        )
        % {"invited": result.invited, "linked": result.linked},
    )
    return redirect("ikc_share:invitation-list", org_pk=organisation.pk)


@require_http_methods(["GET", "POST"])
def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    """The link in the invitation e-mail: choose a password, then (staff in a deciding
    role) set up two-factor login."""
    invitation = selectors.invitation_by_token(token)
    if invitation is None:
        return render(request, "onboarding/invitation_invalid.html", {"reason": "unknown"}, status=404)
    if not invitation.is_usable:
        return render(request, "onboarding/invitation_invalid.html", {"reason": invitation.status}, status=410)
    user = invitation.user
    if request.user.is_authenticated and request.user.pk != user.pk:
        return render(request, "onboarding/invitation_accept.html", {"other_user": True, "invitation": invitation})
    if user.has_usable_password():
        invitations.invitation_accept(invitation=invitation, password=None)
        messages.success(request, _("U heeft al een wachtwoord. Log in om verder te gaan."))
        return redirect("ikc_share:login")
    form = AcceptInvitationForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = invitations.invitation_accept(invitation=invitation, password=form.cleaned_data["new_password1"])
        except ValidationError as exc:
            _service_error(request, exc)
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            deciding = Membership.objects.filter(
                user=user, is_active=True, role__in=[Membership.Role.DIRECTOR, Membership.Role.PRIVACY_OFFICER]
            ).exists()
            if deciding:
                messages.success(
                    request,
                    _(
                        "Uw wachtwoord is ingesteld. Stel nu tweestapsverificatie in: daarmee "
                        "beschermt u de gegevens van de kinderen."
                    ),
                )
                return redirect(f"{reverse('ikc_share:otp-setup')}?next={reverse('ikc_share:home')}")
            if invitation.kind == Invitation.Kind.MEMBER:
                messages.success(
                    request,
                    _(
                        "Uw wachtwoord is ingesteld. Tip: stel tweestapsverificatie in via "
                        "Account → Tweestapsverificatie."
                    ),
                )
            else:
                messages.success(request, _("Uw wachtwoord is ingesteld. Welkom!"))
            return redirect("ikc_share:home")
    return render(request, "onboarding/invitation_accept.html", {"form": form, "invitation": invitation})


# --- Import -----------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@login_required
def import_start(request: HttpRequest, org_pk: int) -> HttpResponse:
    organisation = permissions.get_import_organisation(request.user, org_pk)
    remembered = selectors.remembered_mapping(organisation)
    form = UploadForm(
        request.POST or None, request.FILES or None, initial={"preset": remembered.preset if remembered else "generic"}
    )
    if request.method == "POST" and form.is_valid():
        try:
            job = services.import_upload(
                organisation=organisation,
                upload=form.cleaned_data["file"],
                preset=form.cleaned_data["preset"],
                actor=request.user,
            )
        except ValidationError as exc:
            for message in exc.messages:
                form.add_error("file", message)
        else:
            return redirect("ikc_share:import-mapping", pk=job.pk)
    return render(
        request,
        "onboarding/import_start.html",
        {
            "organisation": organisation,
            "form": form,
            "jobs": selectors.recent_jobs(organisation),
            "presets": column_defs.PRESETS.values(),
            "can_manage": core_permissions.has_org_perm(request.user, organisation, core_permissions.MANAGE),
        },
        status=400 if request.method == "POST" else 200,
    )


@require_GET
@login_required
def import_template(request: HttpRequest, org_pk: int, preset: str) -> HttpResponse:
    permissions.get_import_organisation(request.user, org_pk)
    if preset not in column_defs.PRESETS:
        raise Http404
    response = HttpResponse(column_defs.template_csv(preset), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="ikc-share-{preset}.csv"'
    return response


@require_GET
@login_required
def import_columns(request: HttpRequest, org_pk: int) -> HttpResponse:
    organisation = permissions.get_import_organisation(request.user, org_pk)
    presets = list(column_defs.PRESETS.values())
    rows = [
        {"field": f, "required": f.key in column_defs.REQUIRED, "headers": [p.headers.get(f.key, "") for p in presets]}
        for f in column_defs.FIELDS
    ]
    context = {
        "organisation": organisation,
        "rows": rows,
        "presets": presets,
        "locations": organisation.locations.order_by("name"),
    }
    if request.GET.get("download"):
        text = render_to_string("onboarding/import_columns.txt", context, request=request)
        response = HttpResponse(text, content_type="text/plain; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="ikc-share-kolommen.txt"'
        return response
    return render(request, "onboarding/import_columns.html", context)


@require_http_methods(["GET", "POST"])
@login_required
def import_mapping(request: HttpRequest, pk: int) -> HttpResponse:
    job = permissions.get_import_job(request.user, pk)
    if job.status not in (ImportJob.Status.UPLOADED, ImportJob.Status.CHECKED) or not job.file:
        messages.info(request, _("De kolommen van deze import kunnen niet meer gewijzigd worden."))
        return redirect("ikc_share:import-detail", pk=job.pk)
    with job.file.open("rb") as fh:
        samples = reading.normalised_sample(fh.read(65536))
    initial = {f"col_{key}": header for key, header in job.columns.items()}
    initial["default_location"] = job.default_location_id
    form = MappingForm(
        request.POST or None, headers=job.headers, organisation=job.organisation, samples=samples, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.import_check_request(
                job=job,
                columns=form.cleaned_data["columns"],
                default_location=form.cleaned_data["default_location"],
                actor=request.user,
            )
        except ValidationError as exc:
            _service_error(request, exc)
        else:
            return redirect("ikc_share:import-detail", pk=job.pk)
    return render(
        request, "onboarding/import_mapping.html", {"job": job, "organisation": job.organisation, "form": form}
    )


@require_GET
@login_required
def import_detail(request: HttpRequest, pk: int) -> HttpResponse:
    job = permissions.get_import_job(request.user, pk)
    if job.status == ImportJob.Status.UPLOADED:
        return redirect("ikc_share:import-mapping", pk=job.pk)
    mapped = set(job.columns.values())
    labels = column_defs.FIELDS_BY_KEY
    problems = Paginator(job.problems, PROBLEMS_PER_PAGE).get_page(request.GET.get("page"))
    may_mark = permissions.may_mark_leavers(request.user, job.organisation)
    return render(
        request,
        "onboarding/import_detail.html",
        {
            "job": job,
            "organisation": job.organisation,
            "problems": problems,
            "mapping": [(labels[k].label, h) for k, h in job.columns.items() if k in labels],
            "extra_columns": [h for h in job.headers if h not in mapped],
            "same_file": selectors.previous_import_of_same_file(job)
            if job.status == ImportJob.Status.CHECKED
            else None,
            "refresh": job.is_active,
            "may_mark_leavers": may_mark,
            "leavers_open": selectors.leavers(job).count() if job.status == ImportJob.Status.DONE and may_mark else 0,
            "delimiter_label": reading.DELIMITER_LABELS.get(job.delimiter, job.delimiter),
        },
    )


@require_POST
@login_required
def import_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    job = permissions.get_import_job(request.user, pk)
    try:
        services.import_confirm(job=job, actor=request.user)
    except ValidationError as exc:
        _service_error(request, exc)
    return redirect("ikc_share:import-detail", pk=job.pk)


@require_POST
@login_required
def import_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    job = permissions.get_import_job(request.user, pk)
    try:
        services.import_cancel(job=job, actor=request.user)
    except ValidationError as exc:
        _service_error(request, exc)
        return redirect("ikc_share:import-detail", pk=job.pk)
    messages.success(request, _("De import is geannuleerd; er is niets veranderd en het bestand is verwijderd."))
    return redirect("ikc_share:import-start", org_pk=job.organisation_id)


@require_http_methods(["GET", "POST"])
@login_required
def import_leavers(request: HttpRequest, pk: int) -> HttpResponse:
    job = permissions.get_leavers_job(request.user, pk)
    children = list(selectors.leavers(job))
    form = LeaversForm(request.POST or None, children=children)
    if request.method == "POST" and form.is_valid():
        chosen = {int(pk) for pk in form.cleaned_data["children"]}
        try:
            count = services.children_mark_left(
                job=job,
                children=[c for c in children if c.pk in chosen],
                left_on=form.cleaned_data["left_on"],
                actor=request.user,
            )
        except ValidationError as exc:
            _service_error(request, exc)
        else:
            messages.success(
                request,
                _("%(n)s kind(eren) gemarkeerd als vertrokken. Hun bewaartermijn loopt vanaf de vertrekdatum.")
                % {"n": count},
            )
            return redirect("ikc_share:import-leavers", pk=job.pk)
    return render(
        request,
        "onboarding/import_leavers.html",
        {
            "job": job,
            "organisation": job.organisation,
            "children": children,
            "form": form,
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def import_access(request: HttpRequest, org_pk: int) -> HttpResponse:
    organisation = permissions.get_organisation(request.user, org_pk, need=core_permissions.MANAGE)
    form = ImportPermissionForm(
        request.POST or None, memberships=selectors.staff_without_import_permission(organisation)
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.import_permission_grant(membership=form.cleaned_data["membership"], actor=request.user)
        except ValidationError as exc:
            _service_error(request, exc)
        else:
            messages.success(request, _("Deze medewerker mag nu kinderen en ouders importeren."))
            return redirect("ikc_share:import-access", org_pk=organisation.pk)
    return render(
        request,
        "onboarding/import_access.html",
        {
            "organisation": organisation,
            "form": form,
            "grants": selectors.import_permissions_of(organisation),
        },
    )


@require_POST
@login_required
def import_access_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    grant = permissions.get_import_permission(request.user, pk)
    organisation_id = grant.membership.organisation_id
    services.import_permission_revoke(grant=grant, actor=request.user)
    messages.success(request, _("Het recht om te importeren is ingetrokken."))
    return redirect("ikc_share:import-access", org_pk=organisation_id)
