"""Agreement versions for the letter tests, built directly with the ORM on top of the
`world` fixture (the letters must not depend on the agreements services). Also used by
tests/matrix_routes/letters.py."""

from __future__ import annotations

import datetime

from django.core.files.base import ContentFile

from agreements.letters import render as letters
from agreements.letters.models import LetterBatch
from agreements.models import Agreement, AgreementItem, AgreementVersion, Approval, DataCategory
from ikc_share.models import FunctionTitle

CATEGORIES = [
    # code, order, name_nl, name_en, description_nl, description_en, special, statutory, reference
    (
        "lt-identification",
        901,
        "Naam en geboortedatum",
        "Name and date of birth",
        "De naam en geboortedatum van uw kind.",
        "Your child's name and date of birth.",
        False,
        False,
        "",
    ),
    (
        "lt-development",
        902,
        "Ontwikkeling: taal",
        "Development: language",
        "Wat de pedagogisch medewerker zag over taal.",
        "What the practitioner saw about language.",
        False,
        False,
        "",
    ),
    (
        "lt-health",
        903,
        "Gezondheid: allergieën",
        "Health: allergies",
        "Allergieën waar de school rekening mee moet houden.",
        "Allergies the school must take into account.",
        True,
        False,
        "",
    ),
    (
        "lt-vve-programme",
        904,
        "VVE-programma en duur",
        "VVE programme and duration",
        "Welk VVE-programma uw kind volgde en hoe lang.",
        "Which VVE programme your child followed and how long.",
        False,
        True,
        "Besluit basisvoorwaarden kwaliteit voorschoolse educatie",
    ),
]

PROVISIONS = {
    "c": "Wet kinderopvang, artikel 1.50b (overdracht voorschoolse educatie)",
    "e": "Wet op het primair onderwijs, artikel 8 (zorg voor een doorgaande ontwikkeling)",
}
EXPLANATION = "De leerkracht van groep 1 wil goed aansluiten bij wat uw kind al kan."


def seed_categories() -> dict[str, DataCategory]:
    cats = {}
    for code, order, nl, en, dnl, den, special, statutory, ref in CATEGORIES:
        cats[code], _ = DataCategory.objects.get_or_create(
            code=code,
            defaults=dict(
                order=order,
                name_nl=nl,
                name_en=en,
                description_nl=dnl,
                description_en=den,
                is_special=special,
                statutory=statutory,
                statutory_reference=ref,
            ),
        )
    return cats


def make_version(
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
    """A version from the childcare organisation (sender) to the school (receiver)."""
    cats = seed_categories()
    director = world.user("director_childcare")
    if agreement is None:
        agreement = Agreement.objects.create(
            ikc=world.ikc,
            sending_organisation=world.childcare,
            receiving_organisation=world.school,
            title=title,
            created_by=director,
        )
    number = (agreement.versions.order_by("-number").values_list("number", flat=True).first() or 0) + 1
    if status == "active":
        agreement.versions.filter(status="active").update(status="superseded")
    version = AgreementVersion.objects.create(
        agreement=agreement,
        number=number,
        status=status,
        purpose=purpose,
        purpose_explanation=explanation,
        legal_basis=basis,
        art9_condition=("a" if basis == "a" else "g") if special else "",
        statutory_provision=PROVISIONS.get(basis, ""),
        method_in_app=True,
        method_meeting=True,
        retention_months=24,
        valid_from=datetime.date(2026, 1, 1),
        guardian_policy=guardian_policy,
        consent_per_category=basis == "a",
        created_by=director,
    )
    codes = ["lt-identification", "lt-development"] + (["lt-health"] if special else [])
    if purpose == "vve_handover":
        codes.append("lt-vve-programme")
    for code in codes:
        AgreementItem.objects.create(
            version=version, category=cats[code], justification=f"Nodig voor een goede start ({code})."
        )
    version.receiving_roles.set(FunctionTitle.objects.filter(organisation=world.school))
    if status in ("active", "superseded"):
        for org, who in ((world.childcare, "director_childcare"), (world.school, "director_school")):
            Approval.objects.create(
                version=version, organisation=org, decided_by=world.user(who), decision=Approval.Decision.APPROVED
            )
    return version


# --- For the permission matrix (lambdas get `world`; each call must be cheap and idempotent) ---

MATRIX_TITLE = "Matrix: warme overdracht"


def matrix_version(world, *, status: str = "active") -> AgreementVersion:
    existing = AgreementVersion.objects.filter(agreement__title=MATRIX_TITLE, status=status).first()
    if existing:
        return existing
    agreement = Agreement.objects.filter(title=MATRIX_TITLE).first()
    return make_version(world, status=status, agreement=agreement, title=MATRIX_TITLE)


def matrix_letter(world):
    return letters.letter_generic_ensure(version=matrix_version(world), language="nl")


def matrix_batch(world) -> LetterBatch:
    version = matrix_version(world)
    batch = LetterBatch.objects.filter(version=version, status=LetterBatch.Status.DONE).first()
    if batch is None:
        batch = LetterBatch.objects.create(
            version=version,
            language="nl",
            requested_by=world.user("director_childcare"),
            status=LetterBatch.Status.DONE,
            total=0,
            done=0,
        )
        batch.file.save(f"matrix-{batch.pk}.zip", ContentFile(b"PK\x05\x06" + b"\x00" * 18))
    return batch
