"""Onboarding state changes: the operator console, import jobs, leavers and import rights.
Invitations live in invitations.py (see the package docstring). Keyword-only arguments,
one transaction each, audit event last, tasks queued on commit."""

from __future__ import annotations

import datetime
import hashlib
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ikc_share import outbox
from ikc_share import services as core_services
from ikc_share.audit import audit_record
from ikc_share.choices import LocationKind, MembershipRole, OrganisationKind
from onboarding import columns as column_defs
from onboarding import reading, selectors, tasks
from onboarding.models import ImportJob, ImportMapping, ImportPermission

if TYPE_CHECKING:
    from ikc_share.models import Child, Ikc, Location, Membership, Organisation

LOCATION_KINDS_FOR = {
    OrganisationKind.CHILDCARE: {LocationKind.DAYCARE, LocationKind.PRESCHOOL, LocationKind.BSO},
    OrganisationKind.SCHOOL: {LocationKind.SCHOOL},
}


# --- Operator console ------------------------------------------------------------------------


def _check_location_kind(organisation_kind: str, kind: str) -> None:
    if kind not in LOCATION_KINDS_FOR.get(organisation_kind, set()):
        raise ValidationError(
            _("Een %(org)s heeft geen locaties van het soort '%(kind)s'.")
            % {"org": str(OrganisationKind(organisation_kind).label).lower(), "kind": LocationKind(kind).label}
        )


@transaction.atomic
def location_add(
    *, organisation: Organisation, name: str, kind: str, registry_code: str = "", address: str = "", actor
) -> Location:
    _check_location_kind(organisation.kind, kind)
    if organisation.locations.filter(name__iexact=name.strip()).exists():
        raise ValidationError(_("Deze organisatie heeft al een locatie met deze naam."))
    return core_services.location_create(
        organisation=organisation,
        name=name.strip(),
        kind=kind,
        registry_code=registry_code.strip(),
        address=address.strip(),
        actor=actor,
    )


@transaction.atomic
def organisation_setup(
    *,
    ikc: Ikc,
    name: str,
    kind: str,
    actor,
    kvk_number: str = "",
    brin_number: str = "",
    address: str = "",
    postal_code: str = "",
    city: str = "",
    privacy_email: str = "",
    privacy_officer_name: str = "",
    privacy_officer_email: str = "",
    privacy_officer_phone: str = "",
    privacy_officer_address: str = "",
    location: dict | None = None,
) -> Organisation:
    """A controller of the IKC, with its first location when given."""
    if not (kvk_number or brin_number):
        raise ValidationError(_("Vul een KvK-nummer of een BRIN-/bestuursnummer in."))
    if ikc.organisations.filter(name__iexact=name.strip()).exists():
        raise ValidationError(_("Dit IKC heeft al een organisatie met deze naam."))
    if location:
        _check_location_kind(kind, location["kind"])
    organisation = core_services.organisation_create(
        ikc=ikc,
        name=name.strip(),
        kind=kind,
        actor=actor,
        kvk_number=kvk_number,
        brin_number=brin_number,
        address=address,
        postal_code=postal_code,
        city=city,
        privacy_email=privacy_email.lower(),
        privacy_officer_name=privacy_officer_name,
        privacy_officer_email=privacy_officer_email.lower(),
        privacy_officer_phone=privacy_officer_phone.strip(),
        privacy_officer_address=privacy_officer_address.strip(),
    )
    if location:
        location_add(organisation=organisation, actor=actor, **location)
    return organisation


def director_invite(*, organisation: Organisation, email: str, first_name: str, last_name: str, actor) -> Membership:
    """The operator invites an organisation's director (the core's membership_invite,
    which creates the invitation)."""
    return core_services.membership_invite(
        organisation=organisation,
        actor=actor,
        email=email,
        first_name=first_name,
        last_name=last_name,
        role=MembershipRole.DIRECTOR,
    )


# --- Import rights -----------------------------------------------------------------------------


@transaction.atomic
def import_permission_grant(*, membership: Membership, actor) -> ImportPermission:
    if not membership.is_active or membership.role != MembershipRole.STAFF:
        raise ValidationError(_("Alleen een actieve medewerker kan het recht krijgen om te importeren."))
    grant, created = ImportPermission.objects.get_or_create(membership=membership, defaults={"granted_by": actor})
    if not created:
        raise ValidationError(_("Deze medewerker mag al importeren."))
    audit_record(
        organisation=membership.organisation,
        actor=actor,
        action="import_permission.granted",
        target=membership,
        payload={"membership": membership.pk, "user": membership.user_id},
    )
    return grant


@transaction.atomic
def import_permission_revoke(*, grant: ImportPermission, actor) -> None:
    membership = grant.membership
    grant.delete()
    audit_record(
        organisation=membership.organisation,
        actor=actor,
        action="import_permission.revoked",
        target=membership,
        payload={"membership": membership.pk, "user": membership.user_id},
    )


# --- Import jobs ----------------------------------------------------------------------------------


@transaction.atomic
def import_upload(*, organisation: Organisation, upload: UploadedFile, preset: str, actor) -> ImportJob:
    """Read the upload, drop BSN-like columns, store a normalised copy through the
    storage API and suggest a column mapping."""
    if upload.size and upload.size > reading.MAX_BYTES:
        raise ValidationError(
            _("Het bestand is groter dan %(mb)s MB. Splits het bestand, bijvoorbeeld per locatie.")
            % {"mb": reading.MAX_BYTES // (1024 * 1024)}
        )
    data = upload.read()
    try:
        table = reading.read_upload(data)
    except reading.UnreadableFile as exc:
        raise ValidationError(exc.message) from exc
    if preset not in column_defs.PRESETS:
        preset = "generic"
    remembered = selectors.remembered_mapping(organisation)
    job = ImportJob(
        organisation=organisation,
        created_by=actor,
        file_name=(upload.name or "")[:255],
        file_format=table.file_format,
        encoding=table.encoding,
        delimiter=table.delimiter,
        file_sha256=hashlib.sha256(data).hexdigest(),
        headers=table.headers,
        ignored_columns=table.ignored,
        row_count=len(table.rows),
        preset=preset,
        columns=column_defs.auto_map(
            table.headers, preset=preset, remembered=remembered.columns if remembered else None
        ),
        default_location=remembered.default_location if remembered else None,
    )
    job.file.save("upload.csv", ContentFile(reading.normalised_csv(table)), save=False)
    job.save()
    audit_record(
        organisation=organisation,
        actor=actor,
        action="import.uploaded",
        target=job,
        payload={
            "job": job.pk,
            "rows": job.row_count,
            "format": job.file_format,
            "bsn_columns_ignored": len(table.ignored),
        },
    )
    return job


def _locked(job: ImportJob) -> ImportJob:
    return ImportJob.objects.select_for_update().select_related("organisation").get(pk=job.pk)


@transaction.atomic
def import_check_request(
    *, job: ImportJob, columns: dict[str, str], default_location: Location | None, actor
) -> ImportJob:
    """Save the column mapping (also as the organisation's mapping for next time) and run
    the dry run in the background."""
    job = _locked(job)
    if job.status not in (ImportJob.Status.UPLOADED, ImportJob.Status.CHECKED):
        raise ValidationError(_("Deze import wordt al uitgevoerd of is afgerond."))
    organisation = job.organisation
    columns = {k: v for k, v in columns.items() if v}
    unknown = [k for k, v in columns.items() if k not in column_defs.FIELDS_BY_KEY or v not in job.headers]
    if unknown:
        raise ValidationError(_("De koppeling noemt kolommen die niet in het bestand staan."))
    if len(set(columns.values())) != len(columns):
        raise ValidationError(_("Elke kolom uit het bestand kan maar aan één veld gekoppeld worden."))
    missing = [str(column_defs.FIELDS_BY_KEY[k].label) for k in column_defs.REQUIRED if k not in columns]
    if missing:
        raise ValidationError(_("Koppel ook: %(fields)s.") % {"fields": ", ".join(missing)})
    if default_location is not None and default_location.organisation_id != organisation.pk:
        raise ValidationError(_("Deze locatie hoort niet bij deze organisatie."))
    if "location" not in columns and default_location is None and organisation.locations.count() != 1:
        raise ValidationError(_("Kies de locatie voor het hele bestand, of koppel een kolom 'locatie'."))
    job.columns = columns
    job.default_location = default_location
    job.status = ImportJob.Status.CHECKING
    job.summary, job.problems, job.problem_count, job.warnings = {}, [], 0, []
    job.progress_done, job.progress_total, job.phase, job.error = 0, job.row_count, "", ""
    job.save()
    ImportMapping.objects.update_or_create(
        organisation=organisation,
        defaults={
            "preset": job.preset,
            "columns": columns,
            "default_location": default_location,
            "updated_at": timezone.now(),
            "updated_by": actor,
        },
    )
    pk = job.pk
    outbox.enqueue(tasks.check_import, pk)
    audit_record(
        organisation=organisation,
        actor=actor,
        action="import.mapping_saved",
        target=job,
        payload={"job": job.pk, "fields": sorted(columns)},
    )
    return job


@transaction.atomic
def import_confirm(*, job: ImportJob, actor) -> ImportJob:
    job = _locked(job)
    if job.status != ImportJob.Status.CHECKED:
        raise ValidationError(_("Deze import is niet (meer) klaar om uit te voeren."))
    if job.problem_count:
        raise ValidationError(_("Los eerst de problemen in het bestand op en upload het opnieuw."))
    job.status = ImportJob.Status.QUEUED
    job.confirmed_by = actor
    job.progress_done, job.phase = 0, ""
    job.save(update_fields=["status", "confirmed_by", "progress_done", "phase"])
    pk = job.pk
    outbox.enqueue(tasks.run_import, pk)
    audit_record(
        organisation=job.organisation, actor=actor, action="import.confirmed", target=job, payload={"job": job.pk}
    )
    return job


@transaction.atomic
def import_cancel(*, job: ImportJob, actor) -> ImportJob:
    job = _locked(job)
    if job.status not in (ImportJob.Status.UPLOADED, ImportJob.Status.CHECKING, ImportJob.Status.CHECKED):
        raise ValidationError(_("Deze import kan niet meer geannuleerd worden."))
    job.status = ImportJob.Status.CANCELLED
    job.finished_at = timezone.now()
    job.problems = []
    job.save(update_fields=["status", "finished_at", "problems"])
    name = job.file.name
    storage = job.file.storage
    ImportJob.objects.filter(pk=job.pk).update(file="")
    if name:
        transaction.on_commit(lambda: storage.delete(name))
    audit_record(
        organisation=job.organisation, actor=actor, action="import.cancelled", target=job, payload={"job": job.pk}
    )
    return job


@transaction.atomic
def children_mark_left(*, job: ImportJob, children: list[Child], left_on: datetime.date, actor) -> int:
    """Children who were no longer in the file leave: their leaving date starts their
    retention clock. Nobody is deleted."""
    if left_on > timezone.localdate():
        raise ValidationError(_("De vertrekdatum kan niet in de toekomst liggen."))
    allowed = set(selectors.leavers(job).values_list("pk", flat=True))
    chosen = [c for c in children if c.pk in allowed]
    if not chosen:
        raise ValidationError(_("Kies minstens één kind."))
    core_services.children_leaving_date_set(children=chosen, left_on=left_on)
    for child in chosen:
        audit_record(
            organisation=job.organisation,
            actor=actor,
            action="child.left",
            target=child,
            payload={"job": job.pk, "left_on": left_on.isoformat()},
        )
    return len(chosen)
