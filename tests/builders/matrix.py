"""The objects the permission matrix (tests/matrix_routes/) needs, on the `world` fixture.
Its lambdas call these for every cast member: each call is cheap and idempotent (it finds
its object again by a title of its own)."""

from __future__ import annotations

import datetime
import uuid

from django.core.files.base import ContentFile
from django.utils import timezone

from agreements.letters.models import LetterBatch
from agreements.letters.storage import letter_generic_ensure
from agreements.models import Agreement, AgreementVersion
from consent.models import ConsentDecision, ConsentRound, ConsentRoundMail, Objection
from tests.builders.consent import decide, fake_letter, guardian, other_family_child
from tests.builders.transfers import draft, png_upload, sanne, transfer_version
from tests.builders.versions import agreement_version, letter_version
from transfers import services
from transfers.models import ReceivedTransfer, Transfer, TransferRemark

# --- Consent ---------------------------------------------------------------------------------------

MATRIX_CONSENT = "Matrix: toestemming"
MATRIX_OBJECTION = "Matrix: gerechtvaardigd belang"


def _matrix_version(world, title: str, basis: str) -> AgreementVersion:
    existing = AgreementVersion.objects.filter(agreement__title=title, status="active").first()
    if existing:
        return existing
    version = agreement_version(world, basis=basis, title=title, codes=["identification", "development_language"])
    fake_letter(version, "nl")
    fake_letter(version, "en")
    return version


def matrix_consent_version(world) -> AgreementVersion:
    return _matrix_version(world, MATRIX_CONSENT, "a")


def matrix_objection_version(world) -> AgreementVersion:
    return _matrix_version(world, MATRIX_OBJECTION, "f")


def matrix_round(world) -> ConsentRound:
    version = matrix_consent_version(world)
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
    version = matrix_consent_version(world)
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


# --- Letters ---------------------------------------------------------------------------------------

MATRIX_LETTERS = "Matrix: warme overdracht"


def matrix_letter_version(world, *, status: str = "active") -> AgreementVersion:
    existing = AgreementVersion.objects.filter(agreement__title=MATRIX_LETTERS, status=status).first()
    if existing:
        return existing
    agreement = Agreement.objects.filter(title=MATRIX_LETTERS).first()
    return letter_version(world, status=status, agreement=agreement, title=MATRIX_LETTERS)


def matrix_letter(world):
    return letter_generic_ensure(version=matrix_letter_version(world), language="nl")


def matrix_batch(world) -> LetterBatch:
    version = matrix_letter_version(world)
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


# --- Transfers -------------------------------------------------------------------------------------

MATRIX_TRANSFERS = "Matrix: overdracht"


def matrix_transfer_version(world) -> AgreementVersion:
    return transfer_version(world, title=MATRIX_TRANSFERS)


def _tagged(world, state: str) -> Transfer | None:
    return Transfer.objects.filter(version__agreement__title=MATRIX_TRANSFERS, state=state).order_by("pk").first()


def _draft_with_photo(world) -> Transfer:
    t = draft(world, matrix_transfer_version(world))
    services.transfer_attachment_add(transfer=t, upload=png_upload(), actor=world.user("staff_childcare"))
    return t


def _shared_with_photo(world) -> Transfer:
    return services.transfer_share(transfer=_draft_with_photo(world), actor=world.user("staff_childcare"))


def matrix_draft(world) -> Transfer:
    return _tagged(world, Transfer.State.DRAFT) or _draft_with_photo(world)


def matrix_reading(world) -> Transfer:
    t = _tagged(world, Transfer.State.PARENTS_READING)
    if t is None:
        t = _shared_with_photo(world)
        services.transfer_parents_remark(
            transfer=t, guardian=sanne(world), text="De geboortedatum klopt niet.", actor=world.user("parent_a")
        )
    return t


def matrix_remark(world) -> TransferRemark:
    return matrix_reading(world).remarks.order_by("pk").first()


def matrix_sent(world) -> Transfer:
    t = _tagged(world, Transfer.State.SENT)
    if t is None:
        t = _shared_with_photo(world)
        services.transfer_parents_confirm(transfer=t, guardian=sanne(world), actor=world.user("parent_a"))
        t = services.transfer_share(transfer=t, actor=world.user("staff_childcare"))
    return t


def matrix_received(world) -> ReceivedTransfer:
    return ReceivedTransfer.objects.get(transfer=matrix_sent(world))


def matrix_stopped_with_pdf(world) -> Transfer:
    """A refused transfer whose parents asked for the PDF (file stored directly: no rendering)."""
    t = (
        Transfer.objects.filter(version__agreement__title=MATRIX_TRANSFERS, state=Transfer.State.STOPPED)
        .exclude(parent_pdf="")
        .first()
    )
    if t is None:
        t = draft(world, matrix_transfer_version(world))
        t = services.transfer_cancel(transfer=t, actor=world.user("staff_childcare"))
        t.parent_pdf.save(f"matrix-{t.pk}.pdf", ContentFile(b"%PDF-1.4 copy\n%%EOF"), save=False)
        Transfer.objects.filter(pk=t.pk).update(
            parent_pdf=t.parent_pdf.name, parent_pdf_until=timezone.now() + datetime.timedelta(days=30)
        )
        t.refresh_from_db()
    return t
