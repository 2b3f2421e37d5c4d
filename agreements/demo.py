"""Demo agreements for IKC De Regenboog: one ACTIVE agreement per purpose and one DRAFT.

- Doorgaande ontwikkellijn, childcare → school, under consent (development observations
  per domain; parents read a handover first);
- VVE-overdracht, childcare → school, under legal duty (VVE programme and duration only,
  the statutory provision named);
- BSO ↔ school daily care as TWO agreements, one per sending controller, under consent;
- a draft about care needs and health (special categories, explicit consent).

Scopes (agreements/rules/scope.py): the VVE handover concerns only the daycare's children
with a VVE programme, the BSO → school agreement only the children at the BSO; the others
concern every child of their sender. A daycare child without VVE is therefore not asked
about the VVE handover nor the BSO agreement, gets neither letter and does not see them in
the portal.

Everything goes through the services, so the audit trail is written. Idempotent: an
agreement that already exists (by title, in this IKC) is left alone, except that an active
version from before scopes existed is amended to the demo's scope once (through the
services: amend, edit, submit, both approve; narrowing is not a material change). The generic
information letters of the active versions (Dutch and English) are made here and now,
not by the worker, so the demo has them at once; making them again returns the stored ones.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.utils import timezone

from agreements import rules, services
from agreements.letters.content import LANGUAGES
from agreements.letters.storage import letter_generic_ensure
from agreements.models import (
    Agreement,
    AgreementItem,
    AgreementVersion,
    Art9Condition,
    DataCategory,
    LegalBasis,
    Purpose,
)

if TYPE_CHECKING:
    from ikc_share.models import FunctionTitle, Organisation


@dataclass(frozen=True)
class _Demo:
    """One demo agreement: who sends (the other organisation receives), why, what and to whom."""

    title: str
    sender: str  # "childcare" or "school": the seed context's attribute
    location: str  # the receiving location: the seed context's attribute
    purpose: str
    explanation: str
    legal_basis: str
    items: list[tuple[str, str]]  # (category code, why it is necessary)
    methods: frozenset[str]
    roles: list[str]  # the receiving organisation's function titles
    retention_months: int
    options: dict = field(default_factory=dict)  # further VersionSpec fields
    scope: dict = field(default_factory=dict)  # scope_* VersionSpec fields; "scope_locations": the ctx attributes
    activate: bool = True  # False: left a draft


_AGREEMENTS = (
    _Demo(
        title="Doorgaande ontwikkellijn naar de basisschool",
        sender="childcare",
        location="school_location",
        purpose=Purpose.DEVELOPMENT_LINE,
        explanation=(
            "Als uw kind rond 4 jaar naar OBS De Regenboog gaat, vertelt de pedagogisch medewerker de "
            "leerkracht hoe uw kind zich ontwikkelt. Zo kan de school aansluiten bij wat uw kind al kan en "
            "waar het nog hulp bij nodig heeft. U leest de overdracht eerst zelf mee."
        ),
        legal_basis=LegalBasis.CONSENT,
        items=[
            ("identification", "Om de overdracht aan het juiste kind op school te koppelen."),
            (
                "development_social_emotional",
                "Zodat de leerkracht weet hoe uw kind contact maakt en wat het nodig heeft om zich veilig te "
                "voelen in de klas.",
            ),
            (
                "development_language",
                "Zodat de leerkracht kan aansluiten bij de woordenschat en de taal(en) van uw kind.",
            ),
            (
                "development_motor",
                "Zodat de school ziet of uw kind extra oefening nodig heeft met bijvoorbeeld "
                "knippen of een pen vasthouden.",
            ),
            (
                "development_play_learning",
                "Zodat de leerkracht kan aansluiten bij de interesses en de concentratie van uw kind.",
            ),
            (
                "development_self_reliance",
                "Zodat de leerkracht weet waarbij uw kind nog hulp nodig heeft, zoals aankleden of naar de wc gaan.",
            ),
        ],
        methods=frozenset({rules.METHOD_IN_APP, rules.METHOD_MEETING}),
        roles=["Leerkracht groep 1-2", "Intern begeleider"],
        retention_months=24,
        options={"consent_per_category": True, "parents_read_first": True, "parents_read_days": 10},
    ),
    _Demo(
        title="VVE-overdracht naar de basisschool",
        sender="childcare",
        location="school_location",
        purpose=Purpose.VVE_HANDOVER,
        explanation=(
            "Heeft uw kind bij ons voorschoolse educatie (VVE) gekregen, dan geven wij door welk programma uw "
            "kind volgde en hoe lang. Dat schrijft de wet voor, zodat de school de vroegschoolse educatie in "
            "groep 1 en 2 daarop kan laten aansluiten. Hiervoor is geen toestemming nodig; u wordt wel vooraf "
            "geïnformeerd."
        ),
        legal_basis=LegalBasis.LEGAL_DUTY,
        items=[
            ("vve_programme", "De wet schrijft voor dat de school weet welk VVE-programma uw kind volgde."),
            ("vve_duration", "De wet schrijft voor dat de school weet hoe lang uw kind VVE kreeg."),
        ],
        methods=frozenset({rules.METHOD_IN_APP}),
        roles=["Leerkracht groep 1-2", "Intern begeleider"],
        retention_months=24,
        options={"statutory_provision": rules.DEFAULT_VVE_REFERENCE},
        scope={"scope_locations": ["daycare"], "scope_vve_only": True},
    ),
    _Demo(
        title="Afstemming dagelijkse zorg: BSO naar school",
        sender="childcare",
        location="school_location",
        purpose=Purpose.BSO_SCHOOL,
        explanation=(
            "Gaat uw kind na school naar BSO De Regenboog, dan laten wij de leerkracht weten op welke dagen uw "
            "kind naar de BSO gaat en wie het ophaalt. Zo gaat uw kind na school naar de juiste plek."
        ),
        legal_basis=LegalBasis.CONSENT,
        items=[
            (
                "bso_practical",
                "Zodat de leerkracht weet op welke dagen uw kind na school naar de BSO gaat en wie het ophaalt.",
            ),
        ],
        methods=frozenset({rules.METHOD_IN_APP}),
        roles=["Leerkracht groep 1-2", "Leerkracht groep 3", "Leerkracht groep 4-5"],
        retention_months=12,
        scope={"scope_locations": ["bso"]},
    ),
    _Demo(
        title="Afstemming dagelijkse zorg: school naar BSO",
        sender="school",
        location="bso",
        purpose=Purpose.BSO_SCHOOL,
        explanation=(
            "De school laat de BSO weten als de schooltijden van uw kind afwijken, bijvoorbeeld bij een "
            "studiedag of een schoolreisje, zodat de BSO uw kind op het juiste moment opvangt."
        ),
        legal_basis=LegalBasis.CONSENT,
        items=[("bso_practical", "Zodat de BSO weet wanneer uw kind uit school komt als de schooltijden afwijken.")],
        methods=frozenset({rules.METHOD_IN_APP}),
        roles=["Pedagogisch medewerker BSO"],
        retention_months=12,
    ),
    _Demo(
        title="Zorg en gezondheid bij de overgang naar school",
        sender="childcare",
        location="school_location",
        purpose=Purpose.DEVELOPMENT_LINE,
        explanation=(
            "Heeft uw kind extra zorg nodig, of een allergie of medicijnen, dan kan de school zich daar alleen "
            "op voorbereiden als zij dat weet. Wij vragen u daarvoor apart en uitdrukkelijk toestemming."
        ),
        legal_basis=LegalBasis.CONSENT,
        items=[
            ("care_needs", "Zodat de intern begeleider de ondersteuning op school vanaf dag één kan regelen."),
            ("health", "Zodat de school weet wat te doen bij een allergische reactie of aanval."),
        ],
        methods=frozenset({rules.METHOD_MEETING}),
        roles=["Intern begeleider"],
        retention_months=12,
        options={"art9_condition": Art9Condition.EXPLICIT_CONSENT, "consent_per_category": True},
        activate=False,
    ),
)


# Issue 17.3: the English versions of the demo's own texts (Dutch text → English), so the
# demo's English letters are fully English.
_ENGLISH = {
    _AGREEMENTS[0].explanation: (
        "When your child goes to OBS De Regenboog at around 4 years old, the pedagogical employee tells the "
        "teacher how your child is developing. The school can then build on what your child can already do and "
        "where your child still needs help. You read the handover yourself first."
    ),
    _AGREEMENTS[1].explanation: (
        "If your child received early childhood education (VVE) with us, we pass on which programme your child "
        "followed and for how long. The law requires this, so that the school can build on it in groups 1 and 2. "
        "No consent is needed for this, but you are informed beforehand."
    ),
    _AGREEMENTS[2].explanation: (
        "If your child goes to BSO De Regenboog after school, we tell the teacher on which days your child goes to "
        "out-of-school care and who picks your child up. Your child then goes to the right place after school."
    ),
    _AGREEMENTS[3].explanation: (
        "The school tells the out-of-school care when your child's school times are different, for example on a "
        "study day or a school trip, so that the out-of-school care looks after your child at the right time."
    ),
    _AGREEMENTS[4].explanation: (
        "If your child needs extra care, or has an allergy or takes medicines, the school can only prepare for "
        "this if it knows. We ask you separately and explicitly for your consent for this."
    ),
    **dict(
        zip(
            [justification for demo in _AGREEMENTS for _code, justification in demo.items],
            [
                "To link the handover to the right child at school.",
                "So that the teacher knows how your child makes contact and what your child needs to feel safe "
                "in the classroom.",
                "So that the teacher can build on your child's vocabulary and language(s).",
                "So that the school sees whether your child needs extra practice with, for example, cutting or "
                "holding a pen.",
                "So that the teacher can build on your child's interests and concentration.",
                "So that the teacher knows where your child still needs help, such as getting dressed or going "
                "to the toilet.",
                "The law requires that the school knows which early childhood education programme your child followed.",
                "The law requires that the school knows for how long your child received early childhood education.",
                "So that the teacher knows on which days your child goes to out-of-school care after school and "
                "who picks your child up.",
                "So that the out-of-school care knows when your child leaves school when the school times are "
                "different.",
                "So that the special educational needs coordinator can arrange the support at school from day one.",
                "So that the school knows what to do in case of an allergic reaction or a seizure.",
            ],
            strict=True,
        )
    ),
}


def _items(pairs: list[tuple[str, str]]) -> list[rules.ItemSpec]:
    categories = {c.code: c for c in DataCategory.objects.filter(code__in=[code for code, _ in pairs])}
    return [rules.ItemSpec(categories[code], text, _ENGLISH.get(text, "")) for code, text in pairs]


def _fill_english(ctx) -> None:
    """Demo versions made before English texts existed get them, only where blank. A direct
    update: an English text is no material change and needs no new version."""
    for version in AgreementVersion.objects.filter(agreement__ikc=ctx.ikc, purpose_explanation_en=""):
        english = _ENGLISH.get(version.purpose_explanation, "")
        if english:
            AgreementVersion.objects.filter(pk=version.pk).update(purpose_explanation_en=english)
    for item in AgreementItem.objects.filter(version__agreement__ikc=ctx.ikc, justification_en=""):
        english = _ENGLISH.get(item.justification, "")
        if english:
            AgreementItem.objects.filter(pk=item.pk).update(justification_en=english)


def _roles(organisation: Organisation, names: list[str]) -> list[FunctionTitle]:
    return [organisation.function_titles.get_or_create(name=name)[0] for name in names]


def _spec(ctx, demo: _Demo, *, start: datetime.date) -> rules.VersionSpec:
    sender = getattr(ctx, demo.sender)
    receiver = ctx.school if sender == ctx.childcare else ctx.childcare
    return rules.VersionSpec(
        sending_organisation=sender,
        receiving_organisation=receiver,
        ikc=ctx.ikc,
        purpose=demo.purpose,
        purpose_explanation=demo.explanation,
        purpose_explanation_en=_ENGLISH.get(demo.explanation, ""),
        legal_basis=demo.legal_basis,
        items=_items(demo.items),
        methods=demo.methods,
        receiving_roles=_roles(receiver, demo.roles),
        receiving_locations=[getattr(ctx, demo.location)],
        retention_months=demo.retention_months,
        valid_from=start,
        **demo.options,
        **_scope(ctx, demo),
    )


def _scope(ctx, demo: _Demo) -> dict:
    """The demo's scope as VersionSpec fields (its locations from the seed context)."""
    fields = dict(demo.scope)
    fields["scope_locations"] = [getattr(ctx, name) for name in fields.get("scope_locations", [])]
    return fields


def _rescope(ctx, demo: _Demo, directors: dict) -> None:
    """An active demo version from before scopes existed gets the demo's scope once, as a
    director would do it: amend, edit, submit, both approve."""
    if not demo.scope:
        return
    active = AgreementVersion.objects.filter(
        agreement__ikc=ctx.ikc, agreement__title=demo.title, status=AgreementVersion.Status.ACTIVE
    ).first()
    if active is None or not rules.scope.scope_of(active).is_everyone:
        return
    if active.agreement.versions.filter(status__in=services.OPEN_STATUSES).exists():
        return
    spec = rules.spec_from_version(active)
    for name, value in _scope(ctx, demo).items():
        setattr(spec, name, value)
    sender, receiver = spec.sending_organisation, spec.receiving_organisation
    draft = services.agreement_amend(agreement=active.agreement, actor=directors[sender.pk])
    services.agreement_version_update(version=draft, actor=directors[sender.pk], spec=spec)
    services.agreement_version_submit(version=draft, actor=directors[sender.pk])  # the sender's approval
    services.agreement_version_approve(version=draft, actor=directors[receiver.pk], organisation=receiver)


def _activate(*, spec: rules.VersionSpec, title: str, directors: dict) -> None:
    """Draft by the sending side's director, submit, and approve on both sides."""
    sender, receiver = spec.sending_organisation, spec.receiving_organisation
    version = services.agreement_create(actor=directors[sender.pk], spec=spec, title=title)
    services.agreement_version_submit(version=version, actor=directors[sender.pk])  # the sender's approval
    services.agreement_version_approve(version=version, actor=directors[receiver.pk], organisation=receiver)


def seed(ctx) -> None:
    directors = {ctx.childcare.pk: ctx.users["directeur.opvang"], ctx.school.pk: ctx.users["directeur.school"]}
    start = timezone.localdate().replace(month=8, day=1)
    if start > timezone.localdate():
        start = start.replace(year=start.year - 1)  # the current school year

    for demo in _AGREEMENTS:
        if Agreement.objects.filter(ikc=ctx.ikc, title=demo.title).exists():
            _rescope(ctx, demo, directors)
            continue
        spec = _spec(ctx, demo, start=start)
        if demo.activate:
            _activate(spec=spec, title=demo.title, directors=directors)
        else:
            services.agreement_create(actor=directors[spec.sending_organisation.pk], spec=spec, title=demo.title)

    _fill_english(ctx)
    for version in AgreementVersion.objects.filter(agreement__ikc=ctx.ikc, status=AgreementVersion.Status.ACTIVE):
        for language in LANGUAGES:
            letter_generic_ensure(
                version=version, language=language, actor=directors[version.agreement.sending_organisation_id]
            )
