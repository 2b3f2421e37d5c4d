"""Every state change of the consent app. Plain functions with keyword-only arguments;
each runs in one transaction and writes its AuditEvent as the last step (ids and codes
only). Decisions and notices are only ever inserted, never updated.

The per-child lock: `child_lock(child=...)` locks the child's own row (SELECT … FOR
UPDATE) as the first step of a withdrawal or an objection; the transfers issue takes the
same lock (`Child.objects.select_for_update().get(pk=child.pk)`) before it shares, so a
withdrawal and a transfer for one child never cross. On SQLite the IMMEDIATE
transactions (settings) serialise writers anyway.
"""

from __future__ import annotations

import datetime
import hashlib
import uuid
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from agreements.letters.models import Letter, LetterBatch
from agreements.models import AgreementVersion, DataCategory, LegalBasis
from agreements.rules.consent import NO_ANSWER, consent_state_summaries
from consent import letters_adapter, selectors, tasks
from consent.models import ConsentDecision, ConsentRound, ConsentRoundMail, Objection, ParentNotice
from ikc_share.audit import audit_record
from ikc_share.models import Child, Guardian, Guardianship, Location

SCAN_MAX_BYTES = 10 * 1024 * 1024
SCAN_TYPES = {
    "application/pdf": b"%PDF",
    "image/jpeg": b"\xff\xd8\xff",
    "image/png": b"\x89PNG\r\n\x1a\n",
}


@dataclass(frozen=True)
class Answer:
    """One answer on the consent form: a category (None = the whole agreement), yes or no,
    and for yes whether the explicit tick for special categories was set."""

    category: DataCategory | None
    yes: bool
    explicit: bool = False


# --- Helpers ------------------------------------------------------------------------------------


def child_lock(*, child: Child) -> Child:
    """Lock the child's row until the end of the current transaction (see module doc)."""
    return Child.objects.select_for_update().get(pk=child.pk)


def _sender(version: AgreementVersion):
    return version.agreement.sending_organisation


def _check_version_for_child(*, version: AgreementVersion, child: Child) -> None:
    if version.status != AgreementVersion.Status.ACTIVE:
        raise ValidationError(_("Deze afspraak is niet (meer) actief."))
    if child.organisation_id != version.agreement.sending_organisation_id:
        raise ValidationError(_("Dit kind hoort niet bij de organisatie die onder deze afspraak gegevens deelt."))


def _check_guardian_authority(*, guardian: Guardian, child: Child) -> None:
    if (
        guardian.organisation_id != child.organisation_id
        or not Guardianship.objects.filter(guardian=guardian, child=child, has_parental_authority=True).exists()
    ):
        raise ValidationError(_("Alleen een ouder of verzorger met ouderlijk gezag kan hierover beslissen."))


def _check_consent_basis(version: AgreementVersion) -> None:
    if version.legal_basis != LegalBasis.CONSENT:
        raise ValidationError(_("Voor deze afspraak is geen toestemming nodig: de grondslag is geen toestemming."))


def scan_check(scan: UploadedFile) -> str:
    """PDF or image only, size-limited; returns the SHA-256 of the content."""
    if scan.size > SCAN_MAX_BYTES:
        raise ValidationError(_("De scan is te groot (maximaal 10 MB)."))
    head = scan.read(16)
    scan.seek(0)
    if not any(head.startswith(magic) for magic in SCAN_TYPES.values()):
        raise ValidationError(_("Upload de scan als PDF, JPEG of PNG."))
    digest = hashlib.sha256()
    for chunk in scan.chunks():
        digest.update(chunk)
    scan.seek(0)
    return digest.hexdigest()


# --- Decisions ----------------------------------------------------------------------------------


@transaction.atomic
def consent_decide(
    *,
    child: Child,
    guardian: Guardian,
    version: AgreementVersion,
    answers: list[Answer],
    channel: str,
    actor,
    language: str,
    letter: Letter | None,
    decided_at: datetime.datetime | None = None,
    scan: UploadedFile | None = None,
) -> list[ConsentDecision]:
    """Record a guardian's answers (portal, or a paper form recorded by staff). A "no" to
    something the guardian had given is recorded as a withdrawal."""
    child_lock(child=child)
    _check_version_for_child(version=version, child=child)
    _check_consent_basis(version)
    _check_guardian_authority(guardian=guardian, child=child)
    if not answers:
        raise ValidationError(_("Kies ja of nee."))
    items = {i.category_id: i.category for i in version.items.select_related("category")}
    for a in answers:
        if a.category is None:
            continue
        if not version.consent_per_category:
            raise ValidationError(
                _("Bij deze afspraak geven ouders toestemming voor de hele afspraak, niet per onderdeel.")
            )
        if a.category.pk not in items:
            raise ValidationError(_("Deze gegevenscategorie staat niet in de afspraak."))
    if channel == ConsentDecision.Channel.PAPER and scan is None:
        raise ValidationError(_("Voeg de scan van het ondertekende formulier toe."))
    if letter is not None:
        letters_adapter.check_letter(letter=letter, version=version)
    now = timezone.now()
    decided_at = decided_at or now
    if decided_at > now + datetime.timedelta(minutes=5):
        raise ValidationError(_("De datum van de beslissing ligt in de toekomst."))
    scan_sha = scan_check(scan) if scan is not None else ""
    given = selectors.given_categories(child=child, guardian=guardian, version=version)
    submission = uuid.uuid4()
    rows = []
    for a in answers:
        if a.yes:
            state = ConsentDecision.State.GIVEN
        else:
            key = a.category.pk if a.category else None
            had = bool(given) if key is None else (key in given or None in given)
            state = ConsentDecision.State.WITHDRAWN if had else ConsentDecision.State.REFUSED
        explicit = bool(a.yes and a.explicit and _has_special(items, a.category))
        row = ConsentDecision(
            child=child,
            guardian=guardian,
            version=version,
            category=a.category,
            state=state,
            explicit=explicit,
            decided_at=decided_at,
            recorded_at=now,
            channel=channel,
            recorded_by=actor,
            language=letters_adapter.letter_language(language),
            letter=letter,
            letter_sha256=letter.sha256 if letter else "",
            guardian_policy=version.guardian_policy,
            scan_sha256=scan_sha,
            submission=submission,
        )
        if scan is not None:
            row.scan.save(f"c{child.pk}-g{guardian.pk}-{submission.hex[:12]}{_scan_suffix(scan)}", scan, save=False)
        rows.append(row)
    saved = ConsentDecision.objects.bulk_create(rows)  # PostgreSQL and SQLite ≥ 3.35 return the ids
    if any(row.pk is None for row in saved):
        saved = list(ConsentDecision.objects.filter(submission=submission).select_related("category").order_by("pk"))
    audit_record(
        organisation=child.organisation,
        actor=actor,
        action="consent.decided",
        target=child,
        payload={
            "version": version.pk,
            "guardian": guardian.pk,
            "channel": channel,
            "decisions": [d.pk for d in saved],
            "states": [d.state for d in saved],
            "categories": [d.category.code if d.category else None for d in saved],
            "explicit": [d.explicit for d in saved],
            "letter_sha256": letter.sha256 if letter else None,
            "scan_sha256": scan_sha or None,
        },
    )
    return saved


def _has_special(items: dict, category: DataCategory | None) -> bool:
    if category is not None:
        return category.is_special
    return any(c.is_special for c in items.values())


def _scan_suffix(scan: UploadedFile) -> str:
    head = scan.read(16)
    scan.seek(0)
    if head.startswith(SCAN_TYPES["application/pdf"]):
        return ".pdf"
    if head.startswith(SCAN_TYPES["image/png"]):
        return ".png"
    return ".jpg"


@transaction.atomic
def consent_withdraw(
    *,
    child: Child,
    guardian: Guardian,
    version: AgreementVersion,
    channel: str,
    actor,
    language: str,
    told_via: str = "",
    letter: Letter | None = None,
    decided_at: datetime.datetime | None = None,
) -> ConsentDecision:
    """Withdraw everything this guardian gave for this agreement: one row, at once, no
    reason asked. Does not undo earlier transfers."""
    child_lock(child=child)
    _check_version_for_child(version=version, child=child)
    _check_consent_basis(version)
    _check_guardian_authority(guardian=guardian, child=child)
    if not selectors.given_categories(child=child, guardian=guardian, version=version):
        raise ValidationError(_("Er is geen toestemming om in te trekken."))
    if channel == ConsentDecision.Channel.STAFF and told_via not in (
        ConsentDecision.ToldVia.IN_PERSON,
        ConsentDecision.ToldVia.PHONE,
    ):
        raise ValidationError(_("Geef aan of de ouder het persoonlijk of telefonisch heeft gezegd."))
    now = timezone.now()
    decision = ConsentDecision.objects.create(
        child=child,
        guardian=guardian,
        version=version,
        category=None,
        state=ConsentDecision.State.WITHDRAWN,
        decided_at=decided_at or now,
        recorded_at=now,
        channel=channel,
        told_via=told_via,
        recorded_by=actor,
        language=letters_adapter.letter_language(language),
        letter=letter,
        letter_sha256=letter.sha256 if letter else "",
        guardian_policy=version.guardian_policy,
        submission=uuid.uuid4(),
    )
    audit_record(
        organisation=child.organisation,
        actor=actor,
        action="consent.withdrawn",
        target=child,
        payload={
            "version": version.pk,
            "guardian": guardian.pk,
            "decision": decision.pk,
            "channel": channel,
            "told_via": told_via or None,
        },
    )
    return decision


# --- Notices ------------------------------------------------------------------------------------


@transaction.atomic
def parent_notice_record(
    *,
    version: AgreementVersion,
    guardian: Guardian,
    children: Iterable[Child],
    how: str,
    actor,
    letter: Letter | None,
    at: datetime.datetime | None = None,
    round_mail: ConsentRoundMail | None = None,
    child_letters: dict[int, Letter] | None = None,
) -> list[ParentNotice]:
    """Record that a guardian was informed of this version (e-mail, paper letter handed
    over, three-way meeting), with the letter's SHA-256. `child_letters` gives a child its
    own letter (a personal paper letter names one child); the others get `letter`."""
    children = list(children)
    child_letters = child_letters or {}
    if how not in ParentNotice.How.values:
        raise ValidationError(_("Kies hoe de ouder is geïnformeerd."))
    if version.status != AgreementVersion.Status.ACTIVE:
        raise ValidationError(_("Deze afspraak is niet (meer) actief."))
    for child in children:
        if child.organisation_id != version.agreement.sending_organisation_id:
            raise ValidationError(_("Dit kind hoort niet bij de organisatie die onder deze afspraak gegevens deelt."))
        if (
            guardian.organisation_id != child.organisation_id
            or not Guardianship.objects.filter(guardian=guardian, child=child).exists()
        ):
            raise ValidationError(_("Deze ouder hoort niet bij dit kind."))
    shown = {child.pk: child_letters.get(child.pk, letter) for child in children}
    for given in {s.pk: s for s in shown.values() if s is not None}.values():
        letters_adapter.check_letter(letter=given, version=version)
    now = timezone.now()
    at = at or now
    if at > now + datetime.timedelta(minutes=5):
        raise ValidationError(_("De datum ligt in de toekomst."))
    notices = [
        ParentNotice.objects.create(
            version=version,
            guardian=guardian,
            child=child,
            how=how,
            language=shown[child.pk].language if shown[child.pk] else guardian.language,
            letter=shown[child.pk],
            letter_sha256=shown[child.pk].sha256 if shown[child.pk] else "",
            at=at,
            recorded_by=actor,
            round_mail=round_mail,
        )
        for child in children
    ]
    if (
        round_mail is not None
        and how == ParentNotice.How.PAPER
        and round_mail.status == ConsentRoundMail.Status.PENDING
    ):
        ConsentRoundMail.objects.filter(pk=round_mail.pk).update(
            status=ConsentRoundMail.Status.HANDED_OVER, sent_at=now, letter_sha256=letter.sha256 if letter else ""
        )
    audit_record(
        organisation=_sender(version),
        actor=actor,
        action="consent.parent_informed",
        target=version,
        payload={
            "guardian": guardian.pk,
            "children": [c.pk for c in children],
            "how": how,
            "notices": [n.pk for n in notices],
            "letter_sha256": letter.sha256 if letter else None,
            "letter_sha256s": [n.letter_sha256 or None for n in notices],
        },
    )
    return notices


@transaction.atomic
def paper_letters_handed_over(*, batch: LetterBatch, actor) -> list[ParentNotice]:
    """Staff confirm that the personal paper letters of a finished batch were handed over
    or posted: each guardian is now informed of the version, by the exact letter they
    got (a ParentNotice, how=paper, with that letter's SHA-256). Making the letters was
    not informing anyone; this is. Letters recorded before are skipped (a second click
    changes nothing); a pending paper request of a consent round to the same guardian
    counts as handed over when all its children's letters are."""
    batch = LetterBatch.objects.select_for_update().select_related("version__agreement").get(pk=batch.pk)
    version = batch.version
    if batch.status != LetterBatch.Status.DONE:
        raise ValidationError(_("De brieven zijn nog niet klaar."))
    if version.status != AgreementVersion.Status.ACTIVE:
        raise ValidationError(_("Deze afspraak is niet (meer) actief."))
    given = letters_adapter.batch_letters(batch)
    if not given:
        raise ValidationError(_("In deze reeks zitten geen brieven om vast te leggen."))
    recorded = set(
        ParentNotice.objects.filter(version=version, how=ParentNotice.How.PAPER, letter__in=given).values_list(
            "letter_id", flat=True
        )
    )
    todo = [letter for letter in given if letter.pk not in recorded]
    if not todo:
        raise ValidationError(_("Dit is al vastgelegd: deze ouders zijn geïnformeerd."))
    now = timezone.now()
    covered = {(letter.guardian_id, letter.child_id) for letter in given}
    mails = {}
    for mail in (
        ConsentRoundMail.objects.filter(
            round__version=version,
            channel=ConsentRoundMail.Channel.PAPER,
            status=ConsentRoundMail.Status.PENDING,
            guardian_id__in={letter.guardian_id for letter in todo},
        )
        .prefetch_related("children")
        .order_by("round_id", "pk")
    ):
        if all((mail.guardian_id, child.pk) in covered for child in mail.children.all()):
            mails[mail.guardian_id] = mail  # the latest round's request
    notices = ParentNotice.objects.bulk_create(
        [
            ParentNotice(
                version=version,
                guardian_id=letter.guardian_id,
                child_id=letter.child_id,
                how=ParentNotice.How.PAPER,
                language=letter.language,
                letter=letter,
                letter_sha256=letter.sha256,
                at=now,
                recorded_by=actor,
                round_mail=mails.get(letter.guardian_id),
            )
            for letter in todo
        ]
    )
    for mail in mails.values():
        first = next(letter for letter in todo if letter.guardian_id == mail.guardian_id)
        ConsentRoundMail.objects.filter(pk=mail.pk, status=ConsentRoundMail.Status.PENDING).update(
            status=ConsentRoundMail.Status.HANDED_OVER, sent_at=now, letter_sha256=first.sha256
        )
    audit_record(
        organisation=_sender(version),
        actor=actor,
        action="consent.paper_letters_handed_over",
        target=batch,
        payload={
            "batch": batch.pk,
            "version": version.pk,
            "letters": [letter.pk for letter in todo],
            "round_mails": sorted(mail.pk for mail in mails.values()),
        },
    )
    return notices


# --- Rounds -------------------------------------------------------------------------------------


@transaction.atomic
def consent_round_start(
    *,
    version: AgreementVersion,
    actor,
    children: Iterable[Child],
    location: Location | None = None,
    group_name: str = "",
    reminder: bool = False,
    at: datetime.datetime | None = None,
    enqueue: bool = True,
) -> ConsentRound:
    """Ask (or remind, or, for bases without consent, inform) every guardian with parental
    authority of these children. E-mails go out from a Celery task after commit
    (`enqueue=False`: the caller sends them itself, e.g. the demo seeder)."""
    if version.status != AgreementVersion.Status.ACTIVE:
        raise ValidationError(_("Alleen voor een actieve afspraak kunt u ouders benaderen."))
    sender = _sender(version)
    children = [c for c in children if c.organisation_id == sender.pk and c.left_on is None]
    if location is not None and location.organisation_id != sender.pk:
        raise ValidationError(_("Deze locatie hoort niet bij de verzendende organisatie."))
    if location is not None:
        children = [c for c in children if c.location_id == location.pk]
    if group_name:
        children = [c for c in children if c.group_name == group_name]
    consent = version.legal_basis == LegalBasis.CONSENT
    if reminder:
        if not consent:
            raise ValidationError(_("Een herinnering is er alleen voor afspraken op basis van toestemming."))
        summaries = consent_state_summaries(children=children, version=version, at=at or timezone.now())
        children = [c for c in children if summaries[c.pk].state == NO_ANSWER]
    if not children:
        raise ValidationError(_("Er zijn geen kinderen om ouders voor te benaderen."))
    kind = (
        ConsentRound.Kind.REMINDER if reminder else ConsentRound.Kind.REQUEST if consent else ConsentRound.Kind.INFORM
    )
    round_ = ConsentRound.objects.create(
        version=version, organisation=sender, kind=kind, location=location, group_name=group_name, started_by=actor
    )
    per_guardian: dict[int, list[Child]] = defaultdict(list)
    guardians: dict[int, Guardian] = {}
    ships = Guardianship.objects.filter(
        child__in=children, has_parental_authority=True, guardian__organisation=sender
    ).select_related("guardian", "child")
    if reminder:
        # Remind only those who have not answered themselves.
        covering = [v.pk for v in selectors.covering_versions(version)]
        answered = set(
            ConsentDecision.objects.filter(child__in=children, version_id__in=covering).values_list(
                "child_id", "guardian_id"
            )
        )
        ships = [s for s in ships if (s.child_id, s.guardian_id) not in answered]
    for ship in ships:
        per_guardian[ship.guardian_id].append(ship.child)
        guardians[ship.guardian_id] = ship.guardian
    email_count = paper_count = 0
    for gid, kids in per_guardian.items():
        guardian = guardians[gid]
        channel = ConsentRoundMail.Channel.EMAIL if guardian.email else ConsentRoundMail.Channel.PAPER
        mail = ConsentRoundMail.objects.create(
            round=round_,
            guardian=guardian,
            channel=channel,
            language=letters_adapter.letter_language(guardian.language),
        )
        mail.children.set(kids)
        if channel == ConsentRoundMail.Channel.EMAIL:
            email_count += 1
        else:
            paper_count += 1
    if enqueue:
        transaction.on_commit(lambda: tasks.send_round_mails.delay(round_.pk))
    audit_record(
        organisation=sender,
        actor=actor,
        action="consent_round.started",
        target=round_,
        payload={
            "version": version.pk,
            "kind": kind,
            "location": location.pk if location else None,
            "group": group_name or None,
            "children": sorted(c.pk for c in children),
            "emails": email_count,
            "paper": paper_count,
        },
    )
    return round_


# --- Objections -----------------------------------------------------------------------------------


@transaction.atomic
def objection_file(
    *, child: Child, guardian: Guardian, version: AgreementVersion, explanation: str, actor
) -> Objection:
    """A guardian objects to an exchange on basis e or f. Blocks transfers at once."""
    child_lock(child=child)
    _check_version_for_child(version=version, child=child)
    if version.legal_basis not in (LegalBasis.PUBLIC_TASK, LegalBasis.LEGITIMATE_INTEREST):
        raise ValidationError(
            _(
                "Bezwaar maken kan bij een afspraak op grond van een taak van algemeen belang of een "
                "gerechtvaardigd belang. Bij toestemming kunt u uw toestemming intrekken."
            )
        )
    if (
        guardian.organisation_id != child.organisation_id
        or not Guardianship.objects.filter(guardian=guardian, child=child, has_parental_authority=True).exists()
    ):
        raise ValidationError(_("Alleen een ouder of verzorger met ouderlijk gezag kan bezwaar maken."))
    if Objection.objects.filter(
        child=child, version__agreement=version.agreement, status=Objection.Status.PENDING
    ).exists():
        raise ValidationError(_("Er loopt al een bezwaar voor dit kind en deze afspraak."))
    objection = Objection.objects.create(
        child=child, version=version, guardian=guardian, explanation=explanation.strip()[:5000], created_by=actor
    )
    audit_record(
        organisation=child.organisation,
        actor=actor,
        action="objection.filed",
        target=objection,
        payload={"child": child.pk, "version": version.pk, "guardian": guardian.pk},
    )
    return objection


@transaction.atomic
def objection_decide(*, objection: Objection, uphold: bool, reason: str, actor) -> Objection:
    """The sending organisation's director upholds (transfers stay blocked) or rejects the
    objection, with a written reason the parent sees."""
    objection = Objection.objects.select_for_update().get(pk=objection.pk)
    child_lock(child=objection.child)
    if objection.status != Objection.Status.PENDING:
        raise ValidationError(_("Over dit bezwaar is al beslist."))
    reason = reason.strip()
    if not reason:
        raise ValidationError(_("Schrijf op waarom: de ouder krijgt deze uitleg te zien."))
    objection.status = Objection.Status.UPHELD if uphold else Objection.Status.REJECTED
    objection.decided_by = actor
    objection.decided_at = timezone.now()
    objection.decision_reason = reason[:5000]
    objection.save(update_fields=["status", "decided_by", "decided_at", "decision_reason"])
    audit_record(
        organisation=objection.child.organisation,
        actor=actor,
        action=f"objection.{objection.status}",
        target=objection,
        payload={"child": objection.child_id, "version": objection.version_id},
    )
    return objection


# --- Login links and exports --------------------------------------------------------------------

LINK_REQUESTS_PER_ADDRESS = 3
LINK_REQUESTS_PER_IP = 10
LINK_REQUEST_WINDOW = 3600  # seconds


def _throttled(key: str, limit: int) -> bool:
    cache.add(key, 0, LINK_REQUEST_WINDOW)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, LINK_REQUEST_WINDOW)
        count = 1
    return count > limit


def login_link_request(*, email: str, ip: str) -> bool:
    """A parent asks for a fresh link. Throttled per address and per IP address; the page
    says the same whatever happens here. Returns whether a send was queued."""
    email = email.strip().lower()
    address_key = "consent-link-addr:" + hashlib.sha256(email.encode()).hexdigest()
    ip_key = "consent-link-ip:" + hashlib.sha256(ip.encode()).hexdigest()
    if _throttled(ip_key, LINK_REQUESTS_PER_IP) or _throttled(address_key, LINK_REQUESTS_PER_ADDRESS):
        return False
    if not Guardian.objects.filter(email__iexact=email).exists():
        return False
    tasks.send_login_link.delay(email)
    return True


@transaction.atomic
def consent_record_exported(*, child: Child, actor, fmt: str) -> None:
    """Exporting a child's consent record is logged in the child's organisation's chain."""
    audit_record(
        organisation=child.organisation,
        actor=actor,
        action="consent.record_exported",
        target=child,
        payload={"format": fmt},
    )
