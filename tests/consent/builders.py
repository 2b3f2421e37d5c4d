"""Agreement versions, letters, decisions and notices for the consent tests, built with the
ORM on top of the `world` fixture (the rules must be testable without the agreements and
letters services). Also used by tests/matrix_routes/consent.py."""

from __future__ import annotations

import datetime
import hashlib
import uuid
from zoneinfo import ZoneInfo

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from agreements.letters.models import Letter
from agreements.models import Agreement, AgreementItem, AgreementVersion, Approval, DataCategory
from consent.models import ConsentDecision, ConsentRound, ConsentRoundMail, Objection, ParentNotice
from ikc_share.models import Child, FunctionTitle, Guardian, Guardianship

AMS = ZoneInfo("Europe/Amsterdam")
T0 = datetime.datetime(2026, 3, 3, 10, 0, tzinfo=AMS)  # "3 maart 2026"

CODES = ["identification", "development_language", "health"]


def day(n: int, hour: int = 10) -> datetime.datetime:
    return (T0 + datetime.timedelta(days=n)).replace(hour=hour)


def categories(codes=CODES) -> list[DataCategory]:
    found = {c.code: c for c in DataCategory.objects.filter(code__in=codes)}
    return [found[c] for c in codes]


def make_version(
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
) -> AgreementVersion:
    sender = sender or world.childcare
    receiver = receiver or world.school
    if agreement is None:
        agreement = Agreement.objects.create(
            ikc=world.ikc,
            sending_organisation=sender,
            receiving_organisation=receiver,
            title=title,
            created_by=world.user("director_childcare"),
        )
    number = (agreement.versions.order_by("-number").values_list("number", flat=True).first() or 0) + 1
    if status == "active":
        agreement.versions.filter(status="active").update(status="superseded", superseded_at=timezone.now())
    special = any(c.is_special for c in categories(codes))
    version = AgreementVersion.objects.create(
        agreement=agreement,
        number=number,
        status=status,
        purpose="development_line",
        purpose_explanation="De leerkracht van groep 1 wil goed aansluiten bij wat uw kind al kan.",
        legal_basis=basis,
        art9_condition="a" if special and basis == "a" else ("g" if special else ""),
        statutory_provision="Wet kinderopvang, artikel 1.50b" if basis == "c" else "",
        balancing_test="Afweging gemaakt." if basis == "f" else "",
        method_in_app=True,
        method_meeting=True,
        retention_months=24,
        valid_from=datetime.date(2026, 1, 1),
        guardian_policy=policy,
        consent_per_category=per_category,
        objection_wait_days=wait_days,
        consent_valid_months=valid_months,
        is_material_change=material,
        created_by=world.user("director_childcare"),
        activated_at=activated_at or (day(-30) if status in ("active", "superseded") else None),
    )
    for c in categories(codes):
        AgreementItem.objects.create(version=version, category=c, justification=f"Nodig ({c.code}).")
    version.receiving_roles.set(FunctionTitle.objects.filter(organisation=receiver))
    if status in ("active", "superseded"):
        # Submitted, then approved by both directors, then active (as check_transfer checks).
        activated = version.activated_at
        version.submitted_at = activated - datetime.timedelta(days=2)
        version.save(update_fields=["submitted_at"])
        for org in (sender, receiver):
            director = world.user("director_childcare" if org == world.childcare else "director_school")
            Approval.objects.create(
                version=version,
                organisation=org,
                decided_by=director,
                decision=Approval.Decision.APPROVED,
                decided_at=activated - datetime.timedelta(days=1),
            )
    return version


def fake_letter(version: AgreementVersion, language: str = "nl") -> Letter:
    """A stored generic letter without rendering a PDF (fast)."""
    existing = Letter.objects.filter(version=version, language=language, guardian__isnull=True, is_draft=False).first()
    if existing:
        return existing
    body = f"<p>Brief over {version.label} ({language})</p>".encode()
    letter = Letter(
        version=version,
        language=language,
        sha256=hashlib.sha256(body).hexdigest(),
        text_sha256=hashlib.sha256(body).hexdigest(),
        public_token=uuid.uuid4().hex,
    )
    letter.file.save(
        f"fake-v{version.pk}-{language}-{uuid.uuid4().hex[:8]}.pdf", ContentFile(b"%PDF-1.4 fake"), save=False
    )
    letter.save()
    default_storage.save(letter.file.name.removesuffix(".pdf") + ".html", ContentFile(body))
    return letter


def guardian(world, child: Child, first_name: str) -> Guardian:
    return Guardian.objects.get(guardianships__child=child, first_name=first_name)


def decide(
    version,
    child,
    g: Guardian,
    state: str,
    *,
    at=None,
    category: str | None = None,
    explicit: bool = False,
    channel: str = "portal",
) -> ConsentDecision:
    cat = DataCategory.objects.get(code=category) if category else None
    return ConsentDecision.objects.create(
        child=child,
        guardian=g,
        version=version,
        category=cat,
        state=state,
        explicit=explicit,
        decided_at=at or day(0),
        channel=channel,
        language="nl",
        guardian_policy=version.guardian_policy,
        submission=uuid.uuid4(),
        scan="x.pdf" if channel == "paper" else "",
    )


def inform(version, child, guardians, *, at=None, how: str = "email") -> list[ParentNotice]:
    letter = Letter.objects.filter(version=version, language="nl", guardian__isnull=True).first()
    return [
        ParentNotice.objects.create(
            version=version,
            guardian=g,
            child=child,
            how=how,
            at=at or day(-20),
            letter=letter,
            letter_sha256=letter.sha256 if letter else "",
        )
        for g in guardians
    ]


def inform_all(version, child, *, at=None) -> list[ParentNotice]:
    gs = Guardian.objects.filter(guardianships__child=child, guardianships__has_parental_authority=True)
    return inform(version, child, list(gs), at=at)


def object_(version, child, g, *, at=None, status: str = "pending", decided_at=None, by=None) -> Objection:
    return Objection.objects.create(
        child=child,
        version=version,
        guardian=g,
        explanation="Liever niet.",
        status=status,
        created_at=at or day(0),
        decided_at=decided_at if status != "pending" else None,
        decided_by=by,
        decision_reason="Besloten." if status != "pending" else "",
    )


# --- For the permission matrix (lambdas get `world`; each call must be cheap and idempotent) ---

MATRIX_CONSENT = "Matrix: toestemming"
MATRIX_OBJECTION = "Matrix: gerechtvaardigd belang"


def _matrix_version(world, title: str, basis: str) -> AgreementVersion:
    existing = AgreementVersion.objects.filter(agreement__title=title, status="active").first()
    if existing:
        return existing
    version = make_version(world, basis=basis, title=title, codes=["identification", "development_language"])
    fake_letter(version, "nl")
    fake_letter(version, "en")
    return version


def matrix_version(world) -> AgreementVersion:
    return _matrix_version(world, MATRIX_CONSENT, "a")


def matrix_objection_version(world) -> AgreementVersion:
    return _matrix_version(world, MATRIX_OBJECTION, "f")


def other_family_child(world) -> Child:
    """Sem: a daycare child of ANOTHER family, whose only guardian has no e-mail address."""
    child = Child.objects.filter(organisation=world.childcare, first_name="Sem", last_name="Bos").first()
    if child:
        return child
    child = Child.objects.create(
        organisation=world.childcare,
        location=world.daycare,
        first_name="Sem",
        last_name="Bos",
        date_of_birth=datetime.date(2023, 1, 1),
        group_name="Vlinders",
    )
    g = Guardian.objects.create(organisation=world.childcare, first_name="Naima", last_name="Bos", email="")
    Guardianship.objects.create(guardian=g, child=child, has_parental_authority=True)
    return child


def matrix_round(world) -> ConsentRound:
    version = matrix_version(world)
    existing = ConsentRound.objects.filter(version=version).first()
    if existing:
        return existing
    child = other_family_child(world)
    round_ = ConsentRound.objects.create(
        version=version, organisation=world.childcare, started_by=world.user("director_childcare")
    )
    mail = ConsentRoundMail.objects.create(round=round_, guardian=child.guardianships.get().guardian, channel="paper")
    mail.children.set([child])
    return round_


def matrix_paper_mail(world):
    return matrix_round(world).mails.get(channel="paper")


def matrix_objection(world) -> Objection:
    version = matrix_objection_version(world)
    existing = Objection.objects.filter(version=version).first()
    if existing:
        return existing
    child = world.child_daycare
    return Objection.objects.create(child=child, version=version, guardian=guardian(world, child, "Mark"))


def matrix_scanned_decision(world) -> ConsentDecision:
    version = matrix_version(world)
    existing = ConsentDecision.objects.filter(version=version, channel="paper").first()
    if existing:
        return existing
    d = decide(version, world.child_daycare, guardian(world, world.child_daycare, "Sanne"), "given", channel="staff")
    # A paper decision with its scan stored privately.
    row = ConsentDecision(
        child=d.child,
        guardian=d.guardian,
        version=version,
        state="given",
        decided_at=d.decided_at,
        channel="paper",
        language="nl",
        guardian_policy=version.guardian_policy,
        submission=uuid.uuid4(),
    )
    row.scan.save("matrix-scan.pdf", ContentFile(b"%PDF-1.4 scan"), save=False)
    row.save()
    return row
