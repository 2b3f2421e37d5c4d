"""Transfers for tests: their agreement version (with the parents informed and consent
given), their content, and transfers in each state through the transfers services, on top
of the `world` fixture. Each maker is cheap and idempotent where the permission matrix
calls it (once per cast member)."""

from __future__ import annotations

import datetime
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from agreements.models import AgreementVersion
from ikc_share.models import FunctionTitle, Guardian
from tests.builders.catalogue import DEV_CODES, ensure_catalogue
from tests.builders.consent import decide, fake_letter, inform_all
from tests.builders.versions import agreement_version
from transfers import services
from transfers.models import Transfer


def png_bytes(size=(8, 8), exif: bytes | None = None) -> bytes:
    out = io.BytesIO()
    img = Image.new("RGB", size, (200, 30, 30))
    if exif is not None:
        img.save(out, format="PNG", exif=exif)
    else:
        img.save(out, format="PNG")
    return out.getvalue()


def png_upload(name: str = "foto.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, png_bytes(), content_type="image/png")


def content_for(codes, child=None) -> dict[str, dict]:
    texts = {
        "identification": {
            "first_name": child.first_name if child else "Noah",
            "name_prefix": "",
            "last_name": child.last_name if child else "Jansen",
            "date_of_birth": (child.date_of_birth if child else datetime.date(2022, 1, 1)).isoformat(),
            "external_id": "",
        },
        "development_language": {
            "going_well": "Vertelt in korte zinnen.",
            "needs_support": "",
            "tips": "",
            "observed_with": "",
        },
        "development_social_emotional": {
            "going_well": "Speelt graag samen.",
            "needs_support": "",
            "tips": "",
            "observed_with": "",
        },
        "development_motor": {"going_well": "Klimt en rent.", "needs_support": "", "tips": "", "observed_with": ""},
        "vve_programme": {"programme": "uk_en_puk", "other_name": ""},
        "vve_duration": {"months": 18, "hours_per_week": None},
        "bso_practical": {
            "days": ["mon"],
            "collected_at": "15:00",
            "pickup_place": "",
            "home_by": None,
            "picked_up_by": "Sanne",
        },
        "health": {"allergies": "Pinda", "medication": "", "emergency": "", "diet": ""},
    }
    return {c: texts[c] for c in codes}


def transfer_version(
    world,
    *,
    title: str = "Overdracht (test)",
    basis: str = "a",
    codes=DEV_CODES,
    read_first: bool = True,
    read_days: int = 10,
    roles=("Leerkracht groep 1-2",),
    in_app: bool = True,
    meeting: bool = True,
    retention_months: int = 24,
    receiving_locations=None,
    consent: bool = True,
    inform: bool = True,
    sender=None,
    receiver=None,
) -> AgreementVersion:
    """An active version (idempotent by title) with Noah's parents informed and, under
    consent, Sanne's consent for the whole agreement (explicit, so health is covered too)."""
    existing = AgreementVersion.objects.filter(agreement__title=title, status="active").first()
    if existing:
        return existing
    ensure_catalogue()
    v = agreement_version(world, basis=basis, title=title, codes=list(codes), sender=sender, receiver=receiver)
    receiver = receiver or world.school
    AgreementVersion.objects.filter(pk=v.pk).update(
        parents_read_first=read_first,
        parents_read_days=read_days,
        method_in_app=in_app,
        method_meeting=meeting,
        retention_months=retention_months,
        statutory_provision="Besluit basisvoorwaarden kwaliteit voorschoolse educatie" if basis == "c" else "",
        objection_wait_days=0,
    )
    v.refresh_from_db()
    v.receiving_roles.set(FunctionTitle.objects.filter(organisation=receiver, name__in=list(roles)))
    locations = (
        receiving_locations
        if receiving_locations is not None
        else [loc for loc in [world.school_location] if loc.organisation_id == receiver.pk]
    )
    v.receiving_locations.set(locations)
    fake_letter(v, "nl")
    child = world.child_daycare if (sender or world.childcare) == world.childcare else None
    if child is not None and inform:
        inform_all(v, child, at=timezone.now() - datetime.timedelta(days=30))
        inform_all(v, world.child_bso, at=timezone.now() - datetime.timedelta(days=30))
    if child is not None and consent and basis == "a":
        for kid in (world.child_daycare, world.child_bso):
            sanne = Guardian.objects.get(guardianships__child=kid, first_name="Sanne")
            decide(v, kid, sanne, "given", at=timezone.now() - datetime.timedelta(days=20), explicit=True)
    return v


def sanne(world, child=None) -> Guardian:
    child = child or world.child_daycare
    return Guardian.objects.get(guardianships__child=child, first_name="Sanne", organisation=child.organisation)


def draft(world, v: AgreementVersion | None = None, *, codes=None, child=None, actor=None) -> Transfer:
    v = v or transfer_version(world)
    child = child or world.child_daycare
    codes = codes or [i.category.code for i in v.items.select_related("category")]
    return services.transfer_create(
        child=child,
        version=v,
        location=world.school_location,
        contents=content_for(codes, child),
        actor=actor or world.user("staff_childcare" if child.location_id == world.daycare.pk else "director_childcare"),
    )


def reading(world, v=None, **kw) -> Transfer:
    t = draft(world, v, **kw)
    t = services.transfer_share(transfer=t, actor=t.created_by)
    assert t.state == Transfer.State.PARENTS_READING, t.verdict_reasons
    return t


def sent(world, v=None, **kw) -> Transfer:
    t = reading(world, v, **kw)
    services.transfer_parents_confirm(transfer=t, guardian=sanne(world, t.child), actor=world.user("parent_a"))
    t = services.transfer_share(transfer=t, actor=t.created_by)
    assert t.state == Transfer.State.SENT, t.verdict_reasons
    return t
