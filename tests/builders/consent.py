"""Letters, consent decisions, parent notices and objections for tests, written directly
with the factories (no services) on top of the `world` fixture."""

from __future__ import annotations

import datetime
import hashlib
import uuid

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from agreements.letters.models import Letter
from agreements.models import AgreementVersion, DataCategory
from consent.models import ConsentDecision, Objection, ParentNotice
from ikc_share.models import Child, Guardian, Guardianship
from tests.builders.catalogue import day
from tests.factories import ConsentDecisionFactory, ObjectionFactory, ParentNoticeFactory


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
    """The guardian of `child` with that first name (the organisation's own record)."""
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
    return ConsentDecisionFactory(
        child=child,
        guardian=g,
        version=version,
        category=DataCategory.objects.get(code=category) if category else None,
        state=state,
        explicit=explicit,
        decided_at=at or day(0),
        channel=channel,
    )


def inform(version, child, guardians, *, at=None, how: str = "email") -> list[ParentNotice]:
    letter = Letter.objects.filter(version=version, language="nl", guardian__isnull=True).first()
    return [
        ParentNoticeFactory(version=version, guardian=g, child=child, how=how, at=at or day(-20), letter=letter)
        for g in guardians
    ]


def inform_all(version, child, *, at=None) -> list[ParentNotice]:
    gs = Guardian.objects.filter(guardianships__child=child, guardianships__has_parental_authority=True)
    return inform(version, child, list(gs), at=at)


def object_(version, child, g, *, at=None, status: str = "pending", decided_at=None, by=None) -> Objection:
    return ObjectionFactory(
        child=child,
        version=version,
        guardian=g,
        status=status,
        created_at=at or day(0),
        decided_at=decided_at if status != "pending" else None,
        decided_by=by,
        decision_reason="Besloten." if status != "pending" else "",
    )


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
