"""Agreement objects for tests (and for the permission-matrix lambdas, which get
`world`). Each maker is idempotent by title, so calling it again returns the same
agreement, also after a rolled-back attempt."""

from __future__ import annotations

import datetime

from django.utils import timezone

from agreements import rules, services
from agreements.models import Agreement, AgreementVersion, DataCategory, LegalBasis, Purpose
from ikc_share.models import FunctionTitle

ACTIVE_TITLE = "Testafspraak actief"
DRAFT_TITLE = "Testafspraak concept"
AWAITING_TITLE = "Testafspraak wacht"


def category(code: str) -> DataCategory:
    return DataCategory.objects.get(code=code)


def items(*codes: str, justification: str = "Nodig voor een goede start op school.") -> list[rules.ItemSpec]:
    return [rules.ItemSpec(category(code), justification) for code in codes]


def role(org, name: str) -> FunctionTitle:
    return FunctionTitle.objects.get(organisation=org, name=name)


def spec(world, **overrides) -> rules.VersionSpec:
    """A valid childcare → school development-line agreement under consent."""
    values = dict(
        sending_organisation=world.childcare,
        receiving_organisation=world.school,
        ikc=world.ikc,
        purpose=Purpose.DEVELOPMENT_LINE,
        purpose_explanation="Zodat de leerkracht kan aansluiten bij wat uw kind al kan.",
        legal_basis=LegalBasis.CONSENT,
        items=items("development_language", "development_social_emotional"),
        methods=frozenset({rules.METHOD_IN_APP}),
        receiving_roles=[role(world.school, "Leerkracht groep 1-2")],
        receiving_locations=[world.school_location],
        retention_months=12,
        valid_from=timezone.localdate() - datetime.timedelta(days=30),
    )
    values.update(overrides)
    return rules.VersionSpec(**values)


def vve_spec(world, **overrides) -> rules.VersionSpec:
    values = dict(
        purpose=Purpose.VVE_HANDOVER,
        legal_basis=LegalBasis.LEGAL_DUTY,
        items=items("vve_programme", "vve_duration"),
        statutory_provision=rules.DEFAULT_VVE_REFERENCE,
    )
    values.update(overrides)
    return spec(world, **values)


def _existing(title: str) -> AgreementVersion | None:
    agreement = Agreement.objects.filter(title=title).first()
    return agreement.versions.order_by("-number").first() if agreement else None


def make_draft(world, title: str = DRAFT_TITLE, **overrides) -> AgreementVersion:
    return _existing(title) or services.agreement_create(
        actor=world.user("director_childcare"), spec=spec(world, **overrides), title=title
    )


def make_awaiting(world, title: str = AWAITING_TITLE, **overrides) -> AgreementVersion:
    version = _existing(title)
    if version is None:
        version = make_draft(world, title=title, **overrides)
        version = services.agreement_version_submit(version=version, actor=world.user("director_childcare"))
    return version


def make_active(world, title: str = ACTIVE_TITLE, spec_maker=spec, **overrides) -> AgreementVersion:
    version = _existing(title)
    if version is None:
        version = services.agreement_create(
            actor=world.user("director_childcare"), spec=spec_maker(world, **overrides), title=title
        )
        activate(world, version)
        version.refresh_from_db()
    return version


def activate(world, version: AgreementVersion) -> AgreementVersion:
    services.agreement_version_submit(version=version, actor=world.user("director_childcare"))
    services.agreement_version_approve(
        version=version, actor=world.user("director_childcare"), organisation=world.childcare
    )
    return services.agreement_version_approve(
        version=version, actor=world.user("director_school"), organisation=world.school
    )
