"""Demo transfers for IKC De Regenboog (after agreements.demo and consent.demo):

- the parents of the daycare's VVE children are informed of the VVE handover (an
  'inform' round: legal duty needs no consent, but parents are told beforehand), and
  Emma's parents consent to the BSO → school daily-care agreement;
- development line (consent, parents read first) for a child whose parent consented:
  one SENT (the parent added a view and agreed; the teacher opened it and confirmed
  receipt), one waiting TER INZAGE BIJ OUDERS, one where the parents asked to TALK first,
  one the parents REFUSED (content destroyed, tombstone), one CONCEPT, and a three-way
  meeting RECORDED;
- VVE handover (legal duty, no reading first): Noah's is SENT and waits for the teacher;
  another one was sent and later ERASED by the director (the receiver's copy went too);
  and one received copy is PAST ITS RETENTION TERM (dates moved back, as if it arrived
  more than two years ago): the hourly purge task (transfers.tasks.housekeeping)
  removes it;
- BSO → school: Emma's practical arrangements SENT.

The informing and the consent go through the consent app's services (the demo sits above
both apps); the transfers through transfers/services/, so the audit trail is
written. Idempotent: once the demo IKC has a transfer, nothing is added.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.core import mail as django_mail
from django.test.utils import override_settings
from django.utils import timezone

from agreements import selectors as agreement_selectors
from agreements.choices import AgreementVersionStatus
from agreements.rules.consent import GIVEN, consent_state_summary
from consent import letters_adapter
from consent import mail as consent_mail
from consent import services as consent_services
from ikc_share import selectors as core_selectors
from transfers import services
from transfers.models import ReceivedTransfer, Transfer

if TYPE_CHECKING:
    from agreements.models import AgreementVersion
    from ikc_share.models import Child, Guardian

DEVELOPMENT = "Doorgaande ontwikkellijn naar de basisschool"
VVE = "VVE-overdracht naar de basisschool"
BSO = "Afstemming dagelijkse zorg: BSO naar school"


def _version(ctx, title: str) -> AgreementVersion | None:
    return (
        agreement_selectors.versions_with_parties()
        .filter(agreement__ikc=ctx.ikc, agreement__title=title, status=AgreementVersionStatus.ACTIVE)
        .first()
    )


def _guardians(child: Child) -> list[Guardian]:
    return [
        s.guardian
        for s in child.guardianships.filter(has_parental_authority=True, guardian__organisation=child.organisation)
        .select_related("guardian__user")
        .order_by("pk")
    ]


def _inform(version: AgreementVersion, children: list[Child], actor) -> None:
    """A round that informs (or asks) the guardians, sent at once into a local outbox."""
    if not children:
        return
    round_ = consent_services.consent_round_start(version=version, actor=actor, children=children, enqueue=False)
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
        consent_mail.consent_round_send(round_id=round_.pk)
        django_mail.outbox = []
    for child in children:  # guardians without e-mail: the paper letter was handed over
        for guardian in _guardians(child):
            if not guardian.email:
                consent_services.parent_notice_record(
                    version=version,
                    guardian=guardian,
                    children=[child],
                    how="paper",
                    actor=actor,
                    letter=letters_adapter.letter_for_guardian(version=version, child=child, guardian=guardian),
                )


def _development_content(child: Child, codes: list[str]) -> dict[str, dict]:
    texts = {
        "identification": {
            "first_name": child.first_name,
            "name_prefix": child.name_prefix,
            "last_name": child.last_name,
            "date_of_birth": child.date_of_birth.isoformat(),
            "external_id": child.external_id,
        },
        "development_social_emotional": {
            "going_well": f"{child.first_name} speelt graag samen en troost andere kinderen.",
            "needs_support": "Bij drukte trekt het kind zich soms terug; een vaste plek helpt.",
            "tips": "Begin de dag met een kort persoonlijk praatje.",
            "observed_with": "Observatie in de groep",
        },
        "development_language": {
            "going_well": "Vertelt in korte zinnen over thuis en de opvang.",
            "needs_support": "Nieuwe woorden beklijven beter met plaatjes.",
            "tips": "",
            "observed_with": "Kindvolgsysteem",
        },
        "development_motor": {
            "going_well": "Rent, klimt en fietst met plezier.",
            "needs_support": "Knippen langs een lijn is nog lastig.",
            "tips": "",
            "observed_with": "Observatie in de groep",
        },
        "development_play_learning": {
            "going_well": "Kan lang geconcentreerd bouwen met blokken.",
            "needs_support": "",
            "tips": "",
            "observed_with": "",
        },
        "development_self_reliance": {
            "going_well": "Trekt zelf de jas aan en gaat zelfstandig naar de wc.",
            "needs_support": "",
            "tips": "",
            "observed_with": "",
        },
    }
    return {code: texts[code] for code in codes if code in texts}


def _vve_content(child: Child) -> dict[str, dict]:
    return {
        "vve_programme": {"programme": child.vve_programme or "other", "other_name": ""},
        "vve_duration": {"months": child.vve_months or 12, "hours_per_week": 16},
    }


def seed(ctx) -> None:
    development, vve, bso = _version(ctx, DEVELOPMENT), _version(ctx, VVE), _version(ctx, BSO)
    if development is None or vve is None or bso is None:
        return
    senders = [development.agreement.sending_organisation_id, bso.agreement.sending_organisation_id]
    if Transfer.objects.filter(sending_organisation_id__in=senders).exists():
        return
    director = ctx.users["directeur.opvang"]
    pm = ctx.users["pm.dagopvang"]
    pm_bso = ctx.users["pm.bso"]
    teacher = ctx.users["leerkracht.school"]
    now = timezone.now()
    childcare = ctx.childcare
    daycare_children = list(
        core_selectors.children_of(organisation=childcare)
        .filter(location=ctx.daycare, left_on__isnull=True)
        .order_by("external_id", "pk")
    )

    # Informing: VVE parents (legal duty: no consent, but told beforehand); Emma's parents
    # are asked about the BSO → school agreement, and Sanne says yes.
    vve_children = [c for c in daycare_children if c.vve_programme]
    _inform(vve, vve_children, director)
    emma = core_selectors.children_of(organisation=childcare).filter(location=ctx.bso, first_name="Emma").first()
    if emma is not None:
        _inform(bso, [emma], director)
        sanne = _guardians(emma)[0]
        consent_services.consent_decide(
            child=emma,
            guardian=sanne,
            version=bso,
            answers=[consent_services.Answer(None, True)],
            channel="portal",
            actor=sanne.user,
            language=sanne.language,
            letter=letters_adapter.generic_letter(version=bso, language=sanne.language),
            decided_at=now - datetime.timedelta(days=2),
        )

    # Development line: children whose parents consented to the whole agreement.
    consented = [
        c
        for c in daycare_children
        if c.first_name not in ("Sem", "Noah")
        and consent_state_summary(child=c, version=development, at=now).state == GIVEN
    ]
    consented.sort(key=lambda c: not (_guardians(c) and _guardians(c)[0].user_id))  # parents who can log in first
    codes = [i.category.code for i in development.items.select_related("category").order_by("category__order")]
    school_location = ctx.school_location

    def prepared(child: Child, categories: list[str], *, share: bool = True) -> Transfer:
        """A development-line handover of `categories` about `child`, written by the
        pedagogical worker and (unless `share` is off) shared: to the parents first."""
        transfer = services.transfer_create(
            child=child,
            version=development,
            location=school_location,
            contents=_development_content(child, categories),
            actor=pm,
        )
        return services.transfer_share(transfer=transfer, actor=pm) if share else transfer

    with_login = [c for c in consented if _guardians(c) and _guardians(c)[0].user_id]
    if with_login:
        child = with_login[0]
        parent = _guardians(child)[0]
        # SENT: the parent read it first, added a view and agreed; the teacher opened it.
        sent = prepared(child, codes)
        services.transfer_parents_view(
            transfer=sent,
            guardian=parent,
            text="Thuis praat ons kind veel meer dan op de opvang; het heeft even tijd nodig om te wennen.",
            actor=parent.user,
        )
        services.transfer_parents_confirm(transfer=sent, guardian=parent, actor=parent.user)
        sent = services.transfer_share(transfer=sent, actor=pm)
        received = ReceivedTransfer.objects.get(transfer=sent)
        services.received_open(received=received, actor=teacher, function_title="Leerkracht groep 1-2")
        services.received_confirm(received=received, actor=teacher)
        # The parents asked to talk first about a follow-up on language and play.
        talk = prepared(child, ["development_language", "development_play_learning"])
        services.transfer_parents_talk(transfer=talk, guardian=parent, actor=parent.user)
        # The parents did not want a note on self-reliance sent: destroyed, tombstone kept.
        refused = prepared(child, ["development_self_reliance"])
        services.transfer_parents_refuse(transfer=refused, guardian=parent, want_pdf=False, actor=parent.user)
        # The parents agreed to a note on motor skills; the sender has not sent it yet.
        agreed = prepared(child, ["development_motor"])
        services.transfer_parents_confirm(transfer=agreed, guardian=parent, actor=parent.user)
        # A three-way meeting, recorded.
        services.meeting_record(
            child=child,
            version=development,
            location=school_location,
            meeting_date=timezone.localdate() - datetime.timedelta(days=3),
            parents_present=True,
            codes=["development_social_emotional", "development_language"],
            summary="Kennismaking met de leerkracht; afgesproken dat het kind de eerste weken een vaste plek krijgt.",
            actor=pm,
        )
    # TER INZAGE BIJ OUDERS: waits for the parents (another child if there is one).
    reader = next((c for c in consented if not with_login or c != with_login[0]), None) or (
        with_login[0] if with_login else None
    )
    if reader is not None:
        prepared(reader, ["development_social_emotional", "development_motor"])
    sem = next((c for c in daycare_children if c.first_name == "Sem"), None)
    if sem is not None:  # CONCEPT: Linda said yes to everything but motor skills
        prepared(sem, ["development_social_emotional", "development_language"], share=False)

    # VVE handover: sent straight away (legal duty; parents were informed above).
    for index, child in enumerate(vve_children[:3]):
        transfer = services.transfer_create(
            child=child, version=vve, location=school_location, contents=_vve_content(child), actor=pm
        )
        transfer = services.transfer_share(transfer=transfer, actor=pm)
        if transfer.state != Transfer.State.SENT:
            continue
        if index == 1:  # sent by mistake to the school: erased by the director, at the receiver too
            services.transfer_erase(transfer=transfer, reason="wrongly_shared", actor=director)
        elif index == 2:  # arrived more than two years ago: past its retention term, due for the purge
            long_ago = now - datetime.timedelta(days=800)
            ReceivedTransfer.objects.filter(transfer=transfer).update(
                received_at=long_ago, retention_until=(long_ago + datetime.timedelta(days=730)).date()
            )
            Transfer.objects.filter(pk=transfer.pk).update(created_at=long_ago, shared_at=long_ago)

    # BSO → school: Emma's days and pick-up.
    if emma is not None:
        transfer = services.transfer_create(
            child=emma,
            version=bso,
            location=school_location,
            contents={
                "bso_practical": {
                    "days": ["mon", "tue", "thu"],
                    "collected_at": "15:15",
                    "pickup_place": "Bij het hek van groep 4",
                    "home_by": "18:00",
                    "picked_up_by": "Sanne of Mark; op donderdag oma",
                }
            },
            actor=pm_bso,
        )
        services.transfer_share(transfer=transfer, actor=pm_bso)
