"""Agreement versions for tests, two ways:

- `agreement_version` (and `letter_version` on top of it) writes the rows directly with the
  factories (fast, no audit events): the rules, letters, consent and transfers must be
  testable without the agreements services;
- `spec`/`make_draft`/`make_awaiting`/`make_active`/`activate` go through the agreements
  services, for the tests of those services and pages. Each maker is idempotent by title,
  so calling it again returns the same version, also after a rolled-back attempt.
"""

from __future__ import annotations

import datetime

from django.utils import timezone

from agreements import rules, services
from agreements.models import Agreement, AgreementVersion, LegalBasis, Purpose
from ikc_share.models import FunctionTitle
from tests.builders.catalogue import CODES, categories, category, day, seed_letter_categories
from tests.factories import AGREEMENT_EXPLANATION, AgreementFactory, AgreementVersionFactory

EXPLANATION = AGREEMENT_EXPLANATION

# --- Rows written directly --------------------------------------------------------------------------


def agreement_version(
    world,
    *,
    basis: str = "a",
    policy: str = "one",
    per_category: bool = False,
    codes=CODES,
    agreement: Agreement | None = None,
    material: bool = True,
    valid_months: int | None = None,
    wait_days: int = 14,
    status: str = "active",
    activated_at: datetime.datetime | None = None,
    title: str = "Doorgaande lijn (test)",
    sender=None,
    receiver=None,
    purpose: str = "development_line",
    explanation: str = EXPLANATION,
    statutory_provision: str | None = None,
    balancing_test: str | None = None,
    justification: str = "Nodig ({code}).",
    dated: bool = True,
) -> AgreementVersion:
    """A version from `sender` (default the childcare organisation) to `receiver` (the
    school), with an item per code, every function title of the receiver as receiving role,
    and, when active or superseded, both directors' approvals. An active version supersedes
    the agreement's active one. `dated`: submission, activation and approval times as the
    workflow leaves them (activated 30 days before T0 unless `activated_at`); without it no
    times are set (approvals: now)."""
    sender = sender or world.childcare
    receiver = receiver or world.school
    director = world.user("director_childcare")
    if agreement is None:
        agreement = AgreementFactory(
            ikc=world.ikc,
            sending_organisation=sender,
            receiving_organisation=receiver,
            title=title,
            created_by=director,
        )
    if status == "active":
        active = agreement.versions.filter(status="active")
        if dated:
            active.update(status="superseded", superseded_at=timezone.now())
        else:
            active.update(status="superseded")
    cats = categories(codes)
    special = any(c.is_special for c in cats)
    approved = status in ("active", "superseded")
    activated = (activated_at or (day(-30) if approved else None)) if dated else None
    approvals = []
    if approved:
        for org in (sender, receiver):
            who = world.user("director_childcare" if org == world.childcare else "director_school")
            approvals.append((org, who, activated - datetime.timedelta(days=1) if dated else None))
    default_provision = "Wet kinderopvang, artikel 1.50b" if basis == "c" else ""
    default_balancing = "Afweging gemaakt." if basis == "f" else ""
    return AgreementVersionFactory(
        agreement=agreement,
        status=status,
        purpose=purpose,
        purpose_explanation=explanation,
        legal_basis=basis,
        art9_condition="a" if special and basis == "a" else ("g" if special else ""),
        statutory_provision=statutory_provision if statutory_provision is not None else default_provision,
        balancing_test=balancing_test if balancing_test is not None else default_balancing,
        guardian_policy=policy,
        consent_per_category=per_category,
        objection_wait_days=wait_days,
        consent_valid_months=valid_months,
        is_material_change=material,
        created_by=director,
        activated_at=activated,
        # Submitted, then approved by both directors, then active (as check_transfer checks).
        submitted_at=activated - datetime.timedelta(days=2) if (approved and dated) else None,
        items=[(c, justification.format(code=c.code)) for c in cats],
        receiving_roles=FunctionTitle.objects.filter(organisation=receiver),
        approvals=approvals,
    )


LETTER_PROVISIONS = {
    "c": "Wet kinderopvang, artikel 1.50b (overdracht voorschoolse educatie)",
    "e": "Wet op het primair onderwijs, artikel 8 (zorg voor een doorgaande ontwikkeling)",
}


def letter_version(
    world,
    *,
    basis: str = "a",
    status: str = "active",
    agreement: Agreement | None = None,
    purpose: str = "development_line",
    guardian_policy: str = "one",
    special: bool = True,
    title: str = "Warme overdracht naar groep 1",
    explanation: str = EXPLANATION,
) -> AgreementVersion:
    """A version from the childcare organisation to the school over the letter tests' own
    categories (tests/builders/catalogue.py), without times, as the letters see it."""
    seed_letter_categories()
    codes = ["lt-identification", "lt-development"] + (["lt-health"] if special else [])
    if purpose == "vve_handover":
        codes.append("lt-vve-programme")
    return agreement_version(
        world,
        basis=basis,
        status=status,
        agreement=agreement,
        purpose=purpose,
        policy=guardian_policy,
        per_category=basis == "a",
        codes=codes,
        title=title,
        explanation=explanation,
        statutory_provision=LETTER_PROVISIONS.get(basis, ""),
        balancing_test="",
        justification="Nodig voor een goede start ({code}).",
        dated=False,
    )


# --- Through the agreements services ----------------------------------------------------------------

ACTIVE_TITLE = "Testafspraak actief"
DRAFT_TITLE = "Testafspraak concept"
AWAITING_TITLE = "Testafspraak wacht"


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
    services.agreement_version_submit(version=version, actor=world.user("director_childcare"))  # approves childcare
    return services.agreement_version_approve(
        version=version, actor=world.user("director_school"), organisation=world.school
    )
