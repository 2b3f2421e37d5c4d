"""Demo data for the consent app: a consent round in progress on the demo's consent-based
development-line agreement (childcare → school), with a mix of answers.

- the round's e-mails went out to every guardian with an address (so they are informed,
  with the letter's SHA-256); Yara's mother has no e-mail: her paper letter was handed over
  and she signed the paper form (scan stored);
- Noah (Sanne and Mark) has no answer yet: try the portal yourself as
  sanne.deboer@example.nl or mark.jansen@example.nl;
- Sem: Linda (with authority) said yes per category, except motor skills; Erik (no
  authority) cannot decide; Linda asked to correct the note on play and learning, so its
  processing is restricted (art. 18) until that is settled;
- other daycare children: one refusal, one conflict (one parent yes, the other no), one
  withdrawal told to staff by phone, one consent; the rest have not answered yet.

Everything goes through the services (so the audit trail is written). Idempotent: once
the agreement has a consent round, nothing is added. The e-mails are rendered but not
printed (the demo's console would fill up); ask for a fresh link on /portal/login/.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core import mail as django_mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test.utils import override_settings
from django.utils import timezone

from agreements import selectors as agreement_selectors
from agreements.choices import AgreementVersionStatus
from agreements.letters.render import html_to_pdf
from consent import letters_adapter, mail, services
from consent.models import ConsentRound, ConsentRoundMail, ParentNotice, ProcessingRestriction
from ikc_share import selectors as core_selectors

if TYPE_CHECKING:
    from agreements.models import AgreementVersion
    from ikc_share.models import Child, Guardian

AGREEMENT_TITLE = "Doorgaande ontwikkellijn naar de basisschool"


def _version(ctx) -> AgreementVersion | None:
    return (
        agreement_selectors.versions_with_parties()
        .filter(agreement__ikc=ctx.ikc, agreement__title=AGREEMENT_TITLE, status=AgreementVersionStatus.ACTIVE)
        .first()
    )


def _guardians(child: Child) -> list[Guardian]:
    return [
        s.guardian
        for s in child.guardianships.filter(has_parental_authority=True, guardian__organisation=child.organisation)
        .select_related("guardian")
        .order_by("pk")
    ]


def seed(ctx) -> None:
    version = _version(ctx)
    if version is None or ConsentRound.objects.filter(version=version).exists():
        return
    director = ctx.users["directeur.opvang"]
    staff = ctx.users["pm.dagopvang"]
    childcare = ctx.childcare
    children = list(
        core_selectors.children_of(organisation=childcare).filter(left_on__isnull=True).order_by("external_id")
    )
    round_ = services.consent_round_start(version=version, actor=director, children=children, enqueue=False)
    # Send now, into a local outbox (the demo console would otherwise print ~30 e-mails).
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
        mail.consent_round_send(round_id=round_.pk)
        django_mail.outbox = []

    by_name = {c.first_name: c for c in children}
    daycare = [c for c in children if c.location_id == ctx.daycare.pk and c.first_name not in ("Noah", "Sem", "Yara")]
    now = timezone.now()

    def portal(child: Child, guardian: Guardian, answers: list[services.Answer], days_ago: int) -> None:
        services.consent_decide(
            child=child,
            guardian=guardian,
            version=version,
            answers=answers,
            channel="portal",
            actor=guardian.user,
            language=guardian.language,
            letter=letters_adapter.generic_letter(version=version, language=guardian.language),
            decided_at=now - timezone.timedelta(days=days_ago),
        )

    # Sem: Linda says yes per category, except motor skills.
    sem = by_name.get("Sem")
    if sem is not None:
        linda = _guardians(sem)[0]
        answers = [
            services.Answer(i.category, i.category.code != "development_motor")
            for i in version.items.select_related("category")
        ]
        portal(sem, linda, answers, 3)

    # Yara: her mother has no e-mail address. The paper letter was handed over; she signed.
    yara = by_name.get("Yara")
    if yara is not None:
        naima = _guardians(yara)[0]
        paper_mail = round_.mails.filter(guardian=naima, channel=ConsentRoundMail.Channel.PAPER).first()
        letter = letters_adapter.letter_for_guardian(version=version, child=yara, guardian=naima, actor=staff)
        services.parent_notice_record(
            version=version,
            guardian=naima,
            children=[yara],
            how=ParentNotice.How.PAPER,
            actor=staff,
            letter=letter,
            round_mail=paper_mail,
            at=now - timezone.timedelta(days=6),
        )
        scan = SimpleUploadedFile(
            "toestemmingsformulier-yara.pdf",
            html_to_pdf(
                '<html lang="nl"><title>Toestemmingsformulier</title>'
                "<p>Toestemmingsformulier (demo): ja, getekend door de ouder.</p></html>"
            ),
            content_type="application/pdf",
        )
        services.consent_decide(
            child=yara,
            guardian=naima,
            version=version,
            answers=[services.Answer(None, True)],
            channel="paper",
            actor=staff,
            language=naima.language,
            letter=letter,
            decided_at=now - timezone.timedelta(days=4),
            scan=scan,
        )

    # A mix among the other daycare children.
    yes_all = [services.Answer(None, True)]
    no_all = [services.Answer(None, False)]
    roles = ["consent", "refused", "conflict", "withdrawn"]
    for child in daycare:
        guardians = _guardians(child)
        role = next((r for r in roles if r != "conflict" or len(guardians) > 1), None) if guardians else None
        if role is None:
            continue
        roles.remove(role)
        first, second = guardians[0], guardians[-1]
        if role == "consent":
            portal(child, first, yes_all, 5)
        elif role == "refused":
            portal(child, first, no_all, 2)
        elif role == "conflict":  # the parents disagree
            portal(child, first, yes_all, 4)
            portal(child, second, no_all, 1)
        else:  # given, then withdrawn by phone
            portal(child, first, yes_all, 7)
            services.consent_withdraw(
                child=child,
                guardian=first,
                version=version,
                channel="staff",
                told_via="phone",
                actor=staff,
                language=first.language,
            )
    _restriction_seed(ctx, version)


def _restriction_seed(ctx, version: AgreementVersion) -> None:
    """Sem: the note on play and learning is restricted while Linda's correction is looked
    at (idempotent: once Sem has a restriction, nothing is added)."""
    sem = core_selectors.children_of(organisation=ctx.childcare).filter(first_name="Sem").first()
    item = version.items.select_related("category").filter(category__code="development_play_learning").first()
    if sem is None or item is None or ProcessingRestriction.objects.filter(child=sem).exists():
        return
    services.restriction_record(
        child=sem,
        categories=[item.category],
        requested_by=_guardians(sem)[0],
        reason="Linda vraagt de observatie over spelen en leren te corrigeren; die wordt nog beoordeeld.",
        actor=ctx.users["directeur.opvang"],
    )
