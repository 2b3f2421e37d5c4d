"""The legal-basis rules: the ONE place that decides whether an agreement version is
valid, whether a change is material, and whether a transfer is allowed.

Every rule returns a RuleMessage with a stable `code` (for tests and for the form to
attach it to a field), a severity (error blocks, warning and notice inform) and a Dutch
sentence a director understands (gettext: the msgid is the Dutch text).

`check_transfer()` is the stable interface the transfers issue calls. It re-checks
everything at the moment it is asked and never trusts a stored status on its own.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.db.models import Prefetch, prefetch_related_objects
from django.utils import formats
from django.utils.translation import gettext as _

from agreements.models import (
    AgreementItem,
    AgreementVersion,
    Approval,
    Art9Condition,
    DataCategory,
    GuardianPolicy,
    LegalBasis,
    Purpose,
)
from agreements.rules import consent as rules_consent
from ikc_share.models import Child, FunctionTitle, Ikc, Location, Membership, Organisation

AMSTERDAM = ZoneInfo("Europe/Amsterdam")

ERROR = "error"
WARNING = "warning"
NOTICE = "notice"

METHOD_IN_APP = "in_app"
METHOD_MEETING = "meeting"
METHOD_EMAIL = "email"  # never allowed; named so that the rules can refuse it explicitly
ALLOWED_METHODS = (METHOD_IN_APP, METHOD_MEETING)

# Purposes that only make sense from childcare to school.
CHILDCARE_TO_SCHOOL_PURPOSES = {Purpose.DEVELOPMENT_LINE, Purpose.VVE_HANDOVER}

DEFAULT_VVE_REFERENCE = (
    "Besluit basisvoorwaarden kwaliteit voorschoolse educatie (op grond van art. 1.50b Wet kinderopvang) "
    "en Wet op het primair onderwijs (doorgaande lijn van voorschoolse naar vroegschoolse educatie)"
)


def method_label(method: str) -> str:
    return {
        METHOD_IN_APP: _("delen in de app"),
        METHOD_MEETING: _("driegesprek met ouders"),
        METHOD_EMAIL: _("e-mail"),
    }.get(method, method)


def local_date(at: datetime.datetime) -> datetime.date:
    """The calendar date in Europe/Amsterdam: validity dates are local calendar days."""
    if at.tzinfo is None:
        raise ValueError("check_transfer needs an aware datetime")
    return at.astimezone(AMSTERDAM).date()


def _date(day: datetime.date) -> str:
    return formats.date_format(day, "j F Y")


def _names(things: Iterable) -> str:
    """'a', 'a en b', 'a, b en c' (in the active language)."""
    names = [str(getattr(t, "name", t)) for t in things]
    if len(names) <= 1:
        return "".join(names)
    return _("%(first)s en %(last)s") % {"first": ", ".join(names[:-1]), "last": names[-1]}


# --- What is validated ----------------------------------------------------------------


@dataclass
class ItemSpec:
    category: DataCategory
    justification: str = ""


@dataclass
class VersionSpec:
    """The content of an agreement version, saved or not (a form's cleaned data)."""

    sending_organisation: Organisation
    receiving_organisation: Organisation
    purpose: str
    purpose_explanation: str
    legal_basis: str
    items: list[ItemSpec]
    methods: frozenset[str]
    receiving_roles: list[FunctionTitle]
    retention_months: int
    valid_from: datetime.date
    valid_until: datetime.date | None = None
    art9_condition: str = ""
    statutory_provision: str = ""
    balancing_test: str = ""
    receiving_locations: list[Location] = field(default_factory=list)
    consent_per_category: bool = False
    guardian_policy: str = GuardianPolicy.ONE_MAY_CONSENT
    parents_read_first: bool = False
    parents_read_days: int = 10
    objection_wait_days: int = 14
    consent_valid_months: int | None = None
    ikc: Ikc | None = None  # the agreement's IKC; None = the sending organisation's

    @property
    def categories(self) -> list[DataCategory]:
        """In catalogue order, so messages name them in a stable order."""
        return sorted((item.category for item in self.items), key=lambda c: (c.order, c.code))

    @property
    def special_categories(self) -> list[DataCategory]:
        return [c for c in self.categories if c.is_special]


def _prefetched(version: AgreementVersion, name: str) -> list | None:
    """The related rows `check_transfers` loaded for many versions at once, or None."""
    cache = getattr(version, "_prefetched_objects_cache", {})
    return list(cache[name]) if name in cache else None


def _version_items(version: AgreementVersion) -> list[AgreementItem]:
    items = _prefetched(version, "items")
    return items if items is not None else list(version.items.select_related("category"))


def spec_from_version(version: AgreementVersion) -> VersionSpec:
    agreement = version.agreement
    methods = set()
    if version.method_in_app:
        methods.add(METHOD_IN_APP)
    if version.method_meeting:
        methods.add(METHOD_MEETING)
    return VersionSpec(
        ikc=agreement.ikc,
        sending_organisation=agreement.sending_organisation,
        receiving_organisation=agreement.receiving_organisation,
        purpose=version.purpose,
        purpose_explanation=version.purpose_explanation,
        legal_basis=version.legal_basis,
        art9_condition=version.art9_condition,
        statutory_provision=version.statutory_provision,
        balancing_test=version.balancing_test,
        items=[ItemSpec(i.category, i.justification) for i in _version_items(version)],
        methods=frozenset(methods),
        receiving_roles=list(version.receiving_roles.all()),
        receiving_locations=list(version.receiving_locations.all()),
        retention_months=version.retention_months,
        valid_from=version.valid_from,
        valid_until=version.valid_until,
        consent_per_category=version.consent_per_category,
        guardian_policy=version.guardian_policy,
        parents_read_first=version.parents_read_first,
        parents_read_days=version.parents_read_days,
        objection_wait_days=version.objection_wait_days,
        consent_valid_months=version.consent_valid_months,
    )


@dataclass(frozen=True)
class RuleMessage:
    code: str
    severity: str
    text: str
    field: str = ""  # the form field it belongs to; "" = the agreement as a whole

    def __str__(self) -> str:
        return self.text

    @property
    def is_error(self) -> bool:
        return self.severity == ERROR


def _error(code: str, text: str, field_name: str = "") -> RuleMessage:
    return RuleMessage(code, ERROR, text, field_name)


def _warning(code: str, text: str, field_name: str = "") -> RuleMessage:
    return RuleMessage(code, WARNING, text, field_name)


def _notice(code: str, text: str, field_name: str = "") -> RuleMessage:
    return RuleMessage(code, NOTICE, text, field_name)


# --- The rules for an agreement version -----------------------------------------------


def rule_organisations(spec: VersionSpec) -> list[RuleMessage]:
    sender, receiver = spec.sending_organisation, spec.receiving_organisation
    out = []
    if sender.pk == receiver.pk:
        out.append(
            _error(
                "organisations_same",
                _("De verzendende en de ontvangende organisatie moeten twee verschillende organisaties zijn."),
            )
        )
    ikc_id = spec.ikc.pk if spec.ikc is not None else sender.ikc_id
    for org in (sender, receiver):
        if org.ikc_id != ikc_id:
            ikc = spec.ikc or sender.ikc
            out.append(
                _error(
                    "organisations_other_ikc",
                    _("Beide organisaties moeten bij hetzelfde IKC horen; %(org)s hoort niet bij %(ikc)s.")
                    % {"org": org.name, "ikc": ikc.name},
                )
            )
    return out


def rule_purpose(spec: VersionSpec) -> list[RuleMessage]:
    out = []
    sender, receiver = spec.sending_organisation, spec.receiving_organisation
    if spec.purpose in CHILDCARE_TO_SCHOOL_PURPOSES and not (
        sender.kind == Organisation.Kind.CHILDCARE and receiver.kind == Organisation.Kind.SCHOOL
    ):
        out.append(
            _error(
                "purpose_direction",
                _(
                    "Het doel ‘%(purpose)s’ hoort bij een overdracht van de kinderopvang naar de school; deze "
                    "afspraak loopt van %(sender)s naar %(receiver)s."
                )
                % {"purpose": Purpose(spec.purpose).label, "sender": sender.name, "receiver": receiver.name},
                "purpose",
            )
        )
    if not spec.purpose_explanation.strip():
        out.append(
            _error(
                "no_explanation",
                _("Leg het doel in gewone taal uit voor ouders: waarom worden deze gegevens gedeeld?"),
                "purpose_explanation",
            )
        )
    return out


def rule_items(spec: VersionSpec) -> list[RuleMessage]:
    if not spec.items:
        return [
            _error(
                "no_items",
                _("Kies ten minste één gegevenscategorie: welke gegevens zijn nodig voor het doel?"),
                "items",
            )
        ]
    out = []
    seen: set[int] = set()
    twice = []
    for item in spec.items:
        if item.category.pk in seen:
            twice.append(item.category)
        seen.add(item.category.pk)
    if twice:
        out.append(
            _error("item_twice", _("%(names)s staat meer dan eens in de afspraak.") % {"names": _names(twice)}, "items")
        )
    missing = [item.category for item in spec.items if not item.justification.strip()]
    if missing:
        out.append(
            _error(
                "item_without_justification",
                _(
                    "Leg bij elke gegevenscategorie uit waarom die nodig is voor het doel. Dat ontbreekt nog bij: "
                    "%(names)s."
                )
                % {"names": _names(missing)},
                "items",
            )
        )
    return out


def rule_methods(spec: VersionSpec) -> list[RuleMessage]:
    out = []
    if METHOD_EMAIL in spec.methods:
        out.append(
            _error(
                "email_not_allowed",
                _(
                    "E-mail is geen veilige manier om gegevens over een kind over te dragen en kan niet worden "
                    "gekozen: niet mailen maar delen."
                ),
                "methods",
            )
        )
    if not (set(spec.methods) & set(ALLOWED_METHODS)):
        out.append(
            _error(
                "no_method",
                _("Kies ten minste één manier van overdragen: delen in de app of een driegesprek met de ouders."),
                "methods",
            )
        )
    unknown = set(spec.methods) - set(ALLOWED_METHODS) - {METHOD_EMAIL}
    if unknown:
        out.append(
            _error(
                "method_unknown",
                _("Alleen delen in de app of een driegesprek met de ouders zijn mogelijke manieren van overdragen."),
                "methods",
            )
        )
    return out


def rule_receivers(spec: VersionSpec) -> list[RuleMessage]:
    receiver = spec.receiving_organisation
    out = []
    if not spec.receiving_roles:
        out.append(
            _error(
                "no_receiving_roles",
                _("Kies ten minste één functie bij %(receiver)s die de gegevens mag inzien.")
                % {"receiver": receiver.name},
                "receiving_roles",
            )
        )
    foreign = [r for r in spec.receiving_roles if r.organisation_id != receiver.pk]
    if foreign:
        out.append(
            _error(
                "role_not_at_receiver",
                _(
                    "De functie(s) %(names)s horen niet bij %(receiver)s. Kies functies uit de functielijst van de "
                    "ontvangende organisatie."
                )
                % {"names": _names(foreign), "receiver": receiver.name},
                "receiving_roles",
            )
        )
    foreign_locations = [loc for loc in spec.receiving_locations if loc.organisation_id != receiver.pk]
    if foreign_locations:
        out.append(
            _error(
                "location_not_at_receiver",
                _("De locatie(s) %(names)s horen niet bij %(receiver)s.")
                % {"names": _names(foreign_locations), "receiver": receiver.name},
                "receiving_locations",
            )
        )
    return out


def rule_retention_and_validity(spec: VersionSpec) -> list[RuleMessage]:
    out = []
    if not spec.retention_months or spec.retention_months < 1:
        out.append(
            _error(
                "retention_missing",
                _("Geef aan hoe lang de ontvangende organisatie de gegevens bewaart: ten minste één maand."),
                "retention_months",
            )
        )
    if spec.valid_until is not None and spec.valid_until < spec.valid_from:
        out.append(_error("validity_order", _("De einddatum ligt vóór de begindatum."), "valid_until"))
    return out


def rule_legal_duty(spec: VersionSpec) -> list[RuleMessage]:
    """c: only childcare → school, only statutory items (VVE programme and duration),
    and the statutory provision must be named."""
    if spec.legal_basis != LegalBasis.LEGAL_DUTY:
        return []
    out = []
    sender, receiver = spec.sending_organisation, spec.receiving_organisation
    if not (sender.kind == Organisation.Kind.CHILDCARE and receiver.kind == Organisation.Kind.SCHOOL):
        out.append(
            _error(
                "legal_duty_direction",
                _(
                    "Een wettelijke verplichting (grondslag c) geldt alleen voor de overdracht van voorschoolse "
                    "educatie (VVE) van de kinderopvang naar de school. Deze afspraak loopt van %(sender)s naar "
                    "%(receiver)s: vraag de ouders om toestemming."
                )
                % {"sender": sender.name, "receiver": receiver.name},
                "legal_basis",
            )
        )
    non_statutory = [c for c in spec.categories if not c.statutory]
    if non_statutory:
        out.append(
            _error(
                "legal_duty_items",
                _(
                    "Een wettelijke verplichting (grondslag c) dekt alleen wat de wet voorschrijft: het gevolgde "
                    "VVE-programma en de duur ervan. Voor %(names)s is toestemming van de ouders nodig. Haal deze "
                    "gegevens uit deze afspraak en leg ze vast in een aparte afspraak op basis van toestemming."
                )
                % {"names": _names(non_statutory)},
                "items",
            )
        )
    if not spec.statutory_provision.strip():
        reference = next(
            (c.statutory_reference for c in spec.categories if c.statutory_reference), DEFAULT_VVE_REFERENCE
        )
        out.append(
            _error(
                "legal_duty_provision",
                _("Noem de wettelijke bepaling waarop de verplichting berust, bijvoorbeeld: %(reference)s.")
                % {"reference": reference},
                "statutory_provision",
            )
        )
    return out


def rule_special_categories(spec: VersionSpec) -> list[RuleMessage]:
    """Art. 9: a special category needs a 9(2) condition; with consent that is explicit
    consent; c and d never cover special categories."""
    special = spec.special_categories
    condition = spec.art9_condition or ""
    out = []
    if not special:
        if condition:
            out.append(
                _warning(
                    "art9_without_special",
                    _(
                        "U koos een uitzondering voor bijzondere persoonsgegevens (art. 9 lid 2 AVG), maar deze "
                        "afspraak bevat geen bijzondere persoonsgegevens. Laat dat veld leeg."
                    ),
                    "art9_condition",
                )
            )
        return out
    names = _names(special)
    if spec.legal_basis in (LegalBasis.LEGAL_DUTY, LegalBasis.VITAL_INTEREST):
        out.append(
            _error(
                "special_basis_excluded",
                _(
                    "Een wettelijke verplichting (c) of een vitaal belang (d) dekt geen bijzondere persoonsgegevens. "
                    "Haal %(names)s uit deze afspraak; wilt u ze toch delen, maak dan een afspraak op basis van "
                    "uitdrukkelijke toestemming van de ouders."
                )
                % {"names": names},
                "items",
            )
        )
        return out
    if not condition:
        out.append(
            _error(
                "special_needs_art9",
                _(
                    "%(names)s zijn bijzondere persoonsgegevens (gezondheid, art. 9 AVG). Die mogen alleen worden "
                    "uitgewisseld met een uitzondering uit art. 9 lid 2 AVG. Kies die uitzondering."
                )
                % {"names": names},
                "art9_condition",
            )
        )
    elif spec.legal_basis == LegalBasis.CONSENT and condition != Art9Condition.EXPLICIT_CONSENT:
        out.append(
            _error(
                "special_consent_not_explicit",
                _(
                    "Met toestemming als grondslag moet de toestemming voor %(names)s uitdrukkelijk zijn (art. 9 lid 2 "
                    "onder a AVG): ouders zeggen apart en met zoveel woorden ja tegen deze gegevens. Kies "
                    "‘uitdrukkelijke toestemming’."
                )
                % {"names": names},
                "art9_condition",
            )
        )
    elif condition == Art9Condition.VITAL_INTEREST:
        out.append(
            _error(
                "art9_vital_interest",
                _(
                    "Vitaal belang (art. 9 lid 2 onder c AVG) geldt alleen als een kind in nood is en niemand "
                    "toestemming kan geven. Dat past bij een noodsituatie, niet bij een vaste afspraak."
                ),
                "art9_condition",
            )
        )
    elif condition == Art9Condition.SUBSTANTIAL_PUBLIC_INTEREST:
        out.append(
            _warning(
                "art9_public_interest_rare",
                _(
                    "Zwaarwegend algemeen belang (art. 9 lid 2 onder g AVG) vraagt een wet die deze uitwisseling "
                    "specifiek regelt. Voor kinderopvang en school is die er meestal niet; uitdrukkelijke toestemming "
                    "van de ouders is dan de weg."
                ),
                "art9_condition",
            )
        )
    elif condition == Art9Condition.HEALTH_CARE:
        out.append(
            _warning(
                "art9_health_care_rare",
                _(
                    "Gezondheidszorg (art. 9 lid 2 onder h AVG) geldt voor zorgverleners met een beroepsgeheim, "
                    "zoals een jeugdarts. Een pedagogisch medewerker of leerkracht valt daar niet onder; "
                    "uitdrukkelijke toestemming van de ouders is dan de weg."
                ),
                "art9_condition",
            )
        )
    return out


def _objection_notice() -> str:
    return _(
        "Bij deze grondslag mogen ouders bezwaar maken (art. 21 AVG). De informatiebrief vertelt hun dat; "
        "zolang een bezwaar loopt of is toegekend, worden de gegevens van hun kind niet gedeeld."
    )


def rule_public_task(spec: VersionSpec) -> list[RuleMessage]:
    """e: only an organisation with a public task by law (a school); parents may object."""
    if spec.legal_basis != LegalBasis.PUBLIC_TASK:
        return []
    sender = spec.sending_organisation
    out = []
    if not sender.has_public_task:
        out.append(
            _error(
                "public_task_not_available",
                _(
                    "Een taak van algemeen belang (grondslag e) kan alleen een organisatie die zo’n taak bij wet "
                    "heeft, zoals een school. %(sender)s is een kinderopvangorganisatie en heeft die taak niet. Vraag "
                    "de ouders om toestemming."
                )
                % {"sender": sender.name},
                "legal_basis",
            )
        )
    elif not spec.statutory_provision.strip():
        out.append(
            _warning(
                "public_task_provision",
                _(
                    "Noem de wettelijke taak waarop de school zich beroept (art. 6 lid 3 AVG), zodat ouders kunnen "
                    "nagaan waarop de uitwisseling berust."
                ),
                "statutory_provision",
            )
        )
    out.append(_notice("public_task_objection", _objection_notice(), "legal_basis"))
    return out


def rule_legitimate_interest(spec: VersionSpec) -> list[RuleMessage]:
    """f: not for a school (a public authority in its public task, art. 6(1) last
    sentence), and only with a recorded balancing test; parents may object."""
    if spec.legal_basis != LegalBasis.LEGITIMATE_INTEREST:
        return []
    sender = spec.sending_organisation
    out = []
    if sender.has_public_task:
        out.append(
            _error(
                "legitimate_interest_public_authority",
                _(
                    "%(sender)s is als school een overheidsinstantie en verwerkt deze gegevens voor haar publieke "
                    "taak. Daarvoor kan zij zich niet op gerechtvaardigd belang (grondslag f) beroepen (art. 6 lid 1, "
                    "laatste zin AVG). Vraag de ouders om toestemming."
                )
                % {"sender": sender.name},
                "legal_basis",
            )
        )
    if not spec.balancing_test.strip():
        out.append(
            _error(
                "legitimate_interest_balancing_test",
                _(
                    "Bij gerechtvaardigd belang (grondslag f) legt u vast waarom het belang van de uitwisseling "
                    "zwaarder weegt dan de privacy van het kind: de belangenafweging. Vul die in."
                ),
                "balancing_test",
            )
        )
    out.append(_notice("legitimate_interest_objection", _objection_notice(), "legal_basis"))
    return out


def rule_vital_interest(spec: VersionSpec) -> list[RuleMessage]:
    if spec.legal_basis != LegalBasis.VITAL_INTEREST:
        return []
    return [
        _error(
            "vital_interest_refused",
            _(
                "Vitaal belang (grondslag d) is bedoeld voor een noodsituatie waarin de gezondheid of het leven "
                "van een kind op het spel staat, niet voor een vaste afspraak. Volg in een noodsituatie de "
                "handleiding bij overdrachten en kies voor deze afspraak een andere grondslag, meestal "
                "toestemming van de ouders."
            ),
            "legal_basis",
        )
    ]


def rule_contract(spec: VersionSpec) -> list[RuleMessage]:
    if spec.legal_basis != LegalBasis.CONTRACT:
        return []
    return [
        _warning(
            "contract_rarely_fits",
            _(
                "Uitvoering van een overeenkomst (grondslag b) past zelden. De overeenkomst met de ouders gaat over de "
                "opvang of het onderwijs zelf; gegevens doorgeven aan een andere organisatie is daar bijna nooit voor "
                "nodig. Kinderopvang en school zijn twee aparte verantwoordelijken, elk met een eigen overeenkomst. "
                "Kies bij voorkeur toestemming van de ouders."
            ),
            "legal_basis",
        )
    ]


def rule_inform_parents(spec: VersionSpec) -> list[RuleMessage]:
    if spec.legal_basis == LegalBasis.CONSENT:
        return []
    return [
        _notice(
            "inform_parents",
            _(
                "Ook zonder toestemming als grondslag informeert u de ouders vooraf: waarom, welke gegevens, hoe, wie "
                "ze ontvangt, de grondslag en hun rechten."
            ),
        )
    ]


RULES: list[Callable[[VersionSpec], list[RuleMessage]]] = [
    rule_organisations,
    rule_purpose,
    rule_items,
    rule_legal_duty,
    rule_special_categories,
    rule_public_task,
    rule_legitimate_interest,
    rule_vital_interest,
    rule_contract,
    rule_methods,
    rule_receivers,
    rule_retention_and_validity,
    rule_inform_parents,
]


def validate_version(spec: VersionSpec) -> list[RuleMessage]:
    """All messages for this content: errors block saving, submitting and approving."""
    messages: list[RuleMessage] = []
    for rule in RULES:
        messages.extend(rule(spec))
    return messages


def errors(messages: Iterable[RuleMessage]) -> list[RuleMessage]:
    return [m for m in messages if m.severity == ERROR]


# --- Material change ------------------------------------------------------------------


@dataclass(frozen=True)
class Change:
    code: str
    text: str
    material: bool


@dataclass
class ChangeReport:
    changes: list[Change]

    @property
    def is_material(self) -> bool:
        return any(c.material for c in self.changes)

    @property
    def summary(self) -> str:
        lines = []
        for c in self.changes:
            lines.append(_("%(text)s (wezenlijke wijziging)") % {"text": c.text} if c.material else c.text)
        return "\n".join(lines)


def _label(choices, value: str) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return value or "–"


def classify_change(old: VersionSpec, new: VersionSpec) -> ChangeReport:
    """What changed between two versions, and whether it is material: a material change
    (purpose changed, items added, legal basis changed, receiving roles added, retention
    longer) means earlier consent does not cover the new version."""
    changes: list[Change] = []

    def add(code: str, text: str, material: bool = False) -> None:
        changes.append(Change(code, text, material))

    if old.purpose != new.purpose:
        add(
            "purpose",
            _("Doel gewijzigd: %(old)s → %(new)s")
            % {"old": _label(Purpose, old.purpose), "new": _label(Purpose, new.purpose)},
            True,
        )
    if old.purpose_explanation.strip() != new.purpose_explanation.strip():
        add("purpose_explanation", _("Uitleg voor ouders aangepast"))
    old_items = {i.category.pk: i for i in old.items}
    new_items = {i.category.pk: i for i in new.items}
    added = [i.category for pk, i in new_items.items() if pk not in old_items]
    removed = [i.category for pk, i in old_items.items() if pk not in new_items]
    rejustified = [
        i.category
        for pk, i in new_items.items()
        if pk in old_items and old_items[pk].justification.strip() != i.justification.strip()
    ]
    if added:
        add("items_added", _("Gegevens toegevoegd: %(names)s") % {"names": _names(added)}, True)
    if removed:
        add("items_removed", _("Gegevens geschrapt: %(names)s") % {"names": _names(removed)})
    if rejustified:
        add("justification", _("Onderbouwing aangepast bij: %(names)s") % {"names": _names(rejustified)})
    if old.legal_basis != new.legal_basis:
        add(
            "legal_basis",
            _("Grondslag gewijzigd: %(old)s → %(new)s")
            % {"old": _label(LegalBasis, old.legal_basis), "new": _label(LegalBasis, new.legal_basis)},
            True,
        )
    if (old.art9_condition or "") != (new.art9_condition or ""):
        add(
            "art9_condition",
            _("Uitzondering voor bijzondere persoonsgegevens gewijzigd: %(old)s → %(new)s")
            % {
                "old": _label(Art9Condition, old.art9_condition or ""),
                "new": _label(Art9Condition, new.art9_condition or ""),
            },
            True,
        )
    if old.statutory_provision.strip() != new.statutory_provision.strip():
        add("statutory_provision", _("Wettelijke bepaling aangepast"))
    if old.balancing_test.strip() != new.balancing_test.strip():
        add("balancing_test", _("Belangenafweging aangepast"))
    if set(old.methods) != set(new.methods):
        add(
            "methods",
            _("Manier van overdragen: %(old)s → %(new)s")
            % {
                "old": _names(method_label(m) for m in sorted(old.methods)) or "–",
                "new": _names(method_label(m) for m in sorted(new.methods)) or "–",
            },
        )
    old_roles = {r.pk: r for r in old.receiving_roles}
    new_roles = {r.pk: r for r in new.receiving_roles}
    roles_added = [r for pk, r in new_roles.items() if pk not in old_roles]
    roles_removed = [r for pk, r in old_roles.items() if pk not in new_roles]
    if roles_added:
        add("roles_added", _("Ontvangende functies toegevoegd: %(names)s") % {"names": _names(roles_added)}, True)
    if roles_removed:
        add("roles_removed", _("Ontvangende functies geschrapt: %(names)s") % {"names": _names(roles_removed)})
    if {loc.pk for loc in old.receiving_locations} != {loc.pk for loc in new.receiving_locations}:
        add(
            "locations",
            _("Ontvangende locaties: %(old)s → %(new)s")
            % {
                "old": _names(old.receiving_locations) or _("alle locaties"),
                "new": _names(new.receiving_locations) or _("alle locaties"),
            },
        )
    if old.retention_months != new.retention_months:
        longer = new.retention_months > old.retention_months
        text = (
            _("Bewaartermijn verlengd: %(old)s → %(new)s maanden")
            if longer
            else _("Bewaartermijn verkort: %(old)s → %(new)s maanden")
        )
        add("retention", text % {"old": old.retention_months, "new": new.retention_months}, longer)
    if (old.valid_from, old.valid_until) != (new.valid_from, new.valid_until):
        add("validity", _("Geldigheid: %(old)s → %(new)s") % {"old": _validity(old), "new": _validity(new)})
    if old.consent_per_category != new.consent_per_category:
        add(
            "consent_per_category",
            _("Toestemming per categorie: %(old)s → %(new)s")
            % {
                "old": _("ja") if old.consent_per_category else _("nee"),
                "new": _("ja") if new.consent_per_category else _("nee"),
            },
        )
    if old.guardian_policy != new.guardian_policy:
        add(
            "guardian_policy",
            _("Regel voor ouders met gezag: %(old)s → %(new)s")
            % {"old": _label(GuardianPolicy, old.guardian_policy), "new": _label(GuardianPolicy, new.guardian_policy)},
        )
    if (old.parents_read_first, old.parents_read_days) != (new.parents_read_first, new.parents_read_days):
        add("parents_read_first", _("Ouders lezen eerst mee: aangepast"))
    if old.objection_wait_days != new.objection_wait_days:
        add(
            "objection_wait_days",
            _("Wachttijd voor bezwaar: %(old)s → %(new)s dagen")
            % {"old": old.objection_wait_days, "new": new.objection_wait_days},
        )
    if old.consent_valid_months != new.consent_valid_months:
        add("consent_valid_months", _("Geldigheid van toestemming aangepast"))
    return ChangeReport(changes)


def _validity(spec: VersionSpec) -> str:
    if spec.valid_until is None:
        return _("vanaf %(from)s") % {"from": _date(spec.valid_from)}
    return _("%(from)s t/m %(until)s") % {"from": _date(spec.valid_from), "until": _date(spec.valid_until)}


# --- Approvals ------------------------------------------------------------------------


def current_decisions(version: AgreementVersion) -> dict[int, Approval]:
    """Each side's latest decision in the current round (since the version was last
    submitted). A return sends the version back to draft; after it is submitted again,
    both sides decide again on what may have changed."""
    if version.submitted_at is None:
        return {}
    decisions: dict[int, Approval] = {}
    approvals = _prefetched(version, "approvals")
    if approvals is None:
        approvals = version.approvals.filter(decided_at__gte=version.submitted_at).order_by("decided_at", "pk")
    else:
        approvals = sorted(
            (a for a in approvals if a.decided_at >= version.submitted_at), key=lambda a: (a.decided_at, a.pk)
        )
    for approval in approvals:
        decisions[approval.organisation_id] = approval
    return decisions


def approved_by_both(version: AgreementVersion, *, at: datetime.datetime | None = None) -> bool:
    agreement = version.agreement
    decisions = current_decisions(version)
    for org_id in (agreement.sending_organisation_id, agreement.receiving_organisation_id):
        decision = decisions.get(org_id)
        if decision is None or decision.decision != Approval.Decision.APPROVED:
            return False
        if at is not None and decision.decided_at > at:
            return False
    return True


# --- check_transfer -------------------------------------------------------------------


@dataclass
class Verdict:
    """allowed: the whole transfer may go ahead. per_category: code → (allowed, sentences).
    reasons: when refused, every sentence saying why; when allowed, one sentence saying on
    what it rests. codes: the stable codes of what refused (for tests and statistics)."""

    allowed: bool
    per_category: dict[str, tuple[bool, list[str]]]
    reasons: list[str]
    codes: list[str] = field(default_factory=list)  # stable codes of the reasons that refused


def _version_active_reasons(version: AgreementVersion, at: datetime.datetime) -> list[tuple[str, str]]:
    """Active at `at`: both approvals on this version, activated by then, not superseded
    or ended by then, and `at` within validity (local calendar days, both inclusive)."""
    out: list[tuple[str, str]] = []
    agreement = version.agreement
    if version.activated_at is None or version.activated_at > at or not approved_by_both(version, at=at):
        out.append(
            (
                "version_not_active",
                _(
                    "Deze versie van de afspraak is niet door beide directeuren goedgekeurd en was op %(date)s "
                    "niet actief."
                )
                % {"date": _date(local_date(at))},
            )
        )
        return out
    ended_at = version.ended_at or agreement.ended_at
    if ended_at is not None and ended_at <= at:
        out.append(
            ("agreement_ended", _("De afspraak is op %(date)s beëindigd.") % {"date": _date(local_date(ended_at))})
        )
    if version.superseded_at is not None and version.superseded_at <= at:
        out.append(
            (
                "version_superseded",
                _("Deze versie is op %(date)s vervangen door een nieuwere versie; gebruik de actieve versie.")
                % {"date": _date(local_date(version.superseded_at))},
            )
        )
    if version.status not in (
        AgreementVersion.Status.ACTIVE,
        AgreementVersion.Status.SUPERSEDED,
        AgreementVersion.Status.ENDED,
    ):
        out.append(("version_not_active", _("Deze versie van de afspraak is niet actief.")))
    day = local_date(at)
    if not version.is_valid_on(day):
        if version.valid_until is None:
            text = _("De afspraak geldt pas vanaf %(from)s.") % {"from": _date(version.valid_from)}
        else:
            text = _("De afspraak geldt van %(from)s tot en met %(until)s; %(date)s valt daarbuiten.") % {
                "from": _date(version.valid_from),
                "until": _date(version.valid_until),
                "date": _date(day),
            }
        out.append(("outside_validity", text))
    return out


def _requester_reasons(
    *, requester, child: Child, version: AgreementVersion, memberships: dict[int, Membership] | None = None
) -> list[tuple[str, str]]:
    """`memberships`: the requester's active memberships by organisation id, when
    `check_transfers` loaded them once for many versions."""
    agreement = version.agreement
    sender = agreement.sending_organisation
    if requester is None or not getattr(requester, "is_authenticated", False) or not requester.is_active:
        return [
            (
                "requester_unknown",
                _("Alleen een ingelogde medewerker van %(sender)s kan gegevens overdragen.") % {"sender": sender.name},
            )
        ]
    if memberships is not None:
        membership = memberships.get(sender.pk)
    else:
        membership = (
            Membership.objects.filter(user=requester, organisation=sender, is_active=True)
            .prefetch_related("locations")
            .first()
        )
    if membership is None:
        if (
            agreement.receiving_organisation_id in memberships
            if memberships is not None
            else Membership.objects.filter(
                user=requester, organisation_id=agreement.receiving_organisation_id, is_active=True
            ).exists()
        ):
            return [
                (
                    "receiver_cannot_pull",
                    _("De ontvangende organisatie kan gegevens niet zelf ophalen: alleen %(sender)s draagt over.")
                    % {"sender": sender.name},
                )
            ]
        return [
            (
                "requester_not_sender",
                _("U werkt niet bij %(sender)s en kunt onder deze afspraak geen gegevens overdragen.")
                % {"sender": sender.name},
            )
        ]
    if membership.role == Membership.Role.PRIVACY_OFFICER:
        return [
            (
                "privacy_officer_never_sends",
                _("Een privacy officer controleert en adviseert, maar draagt zelf geen gegevens over."),
            )
        ]
    if membership.role not in (Membership.Role.STAFF, Membership.Role.DIRECTOR):
        return [("requester_not_sender", _("U kunt onder deze afspraak geen gegevens overdragen."))]
    locations = list(membership.locations.all())
    if locations and child.location_id not in {loc.pk for loc in locations}:
        return [
            (
                "requester_wrong_location",
                _("U werkt niet op %(location)s, de locatie van dit kind.") % {"location": child.location.name},
            )
        ]
    return []


def _method_reasons(*, method: str, version: AgreementVersion) -> list[tuple[str, str]]:
    if method == METHOD_EMAIL:
        return [("method_email", _("E-mail is nooit toegestaan: niet mailen maar delen."))]
    allowed = {METHOD_IN_APP: version.method_in_app, METHOD_MEETING: version.method_meeting}
    if not allowed.get(method, False):
        return [
            (
                "method_not_allowed",
                _("Deze afspraak staat overdracht via ‘%(method)s’ niet toe.") % {"method": method_label(method)},
            )
        ]
    return []


def _consent_reasons(
    *, child: Child, version: AgreementVersion, categories: list[DataCategory], at: datetime.datetime
) -> dict[str, list[str]]:
    """Consent, notices and objections, per category: an empty list means nothing there
    blocks it. Asked for EVERY legal basis: parents must have been informed of this
    version whatever the basis; under e and f they may object (and the wait after
    informing must have passed); under consent (a) the guardians' decisions count, per
    the version's guardian policy, per category and explicit for special categories.
    The rules themselves live in agreements/rules_consent.py, which reads consent state
    through consent/selectors.py."""
    if not categories:
        return {}
    return rules_consent.consent_reasons(child=child, version=version, categories=categories, at=at)


def check_transfer(
    *,
    child: Child,
    agreement_version: AgreementVersion,
    categories: Iterable,
    at: datetime.datetime,
    requester,
    method: str,
) -> Verdict:
    """May `requester` hand over these categories of `child` under this version, by this
    method, at `at`? Everything is re-checked now; a stored status is not trusted alone.
    `categories` holds DataCategory objects or their codes."""
    return _check_transfer(
        child=child, version=agreement_version, categories=categories, at=at, requester=requester, method=method
    )


@dataclass
class TransferQuestion:
    version: AgreementVersion
    categories: list  # DataCategory objects or codes
    method: str


def check_transfers(
    *, child: Child, questions: list[TransferQuestion], at: datetime.datetime, requester
) -> list[Verdict]:
    """check_transfer for several versions at once (the staff child page asks it for every
    active agreement): the same function per question, with what it reads loaded once for
    all of them, so the number of queries does not grow with the number of agreements."""
    if not questions:
        return []
    versions = list({q.version.pk: q.version for q in questions}.values())
    prefetch_related_objects(
        versions,
        "agreement__ikc",
        "agreement__sending_organisation",
        "agreement__receiving_organisation",
        Prefetch("items", queryset=AgreementItem.objects.select_related("category")),
        "receiving_roles",
        "receiving_locations",
        "approvals",
    )
    memberships = None
    if requester is not None and getattr(requester, "is_authenticated", False) and requester.is_active:
        memberships = {
            m.organisation_id: m
            for m in Membership.objects.filter(user=requester, is_active=True).prefetch_related("locations")
        }
    facts = rules_consent.consent_facts_for_pairs(
        pairs=[(child, v) for v in versions if child.organisation_id == v.agreement.sending_organisation_id], at=at
    )
    return [
        _check_transfer(
            child=child,
            version=q.version,
            categories=q.categories,
            at=at,
            requester=requester,
            method=q.method,
            memberships=memberships,
            consent_facts=facts.get((child.pk, q.version.pk)),
        )
        for q in questions
    ]


def _check_transfer(
    *,
    child: Child,
    version: AgreementVersion,
    categories: Iterable,
    at: datetime.datetime,
    requester,
    method: str,
    memberships: dict[int, Membership] | None = None,
    consent_facts=None,
) -> Verdict:
    if at.tzinfo is None:
        raise ValueError("check_transfer needs an aware datetime")
    agreement = version.agreement
    sender = agreement.sending_organisation
    codes = [c.code if isinstance(c, DataCategory) else str(c) for c in categories]
    in_agreement = {i.category.code: i for i in _version_items(version)}
    known = {code: in_agreement[code].category for code in codes if code in in_agreement}
    if len(known) < len(set(codes)):
        known.update({c.code: c for c in DataCategory.objects.filter(code__in=[c for c in codes if c not in known])})

    general: list[tuple[str, str]] = []
    if not codes:
        general.append(("no_categories", _("Kies ten minste één gegevenscategorie om te delen.")))
    general += _version_active_reasons(version, at)
    broken = errors(validate_version(spec_from_version(version)))
    for message in broken:
        general.append(
            ("agreement_invalid", _("De afspraak voldoet niet (meer) aan de regels: %(text)s") % {"text": message.text})
        )
    if child.organisation_id != sender.pk:
        general.append(
            (
                "child_not_of_sender",
                _(
                    "Dit kind staat niet ingeschreven bij %(sender)s, de verzendende organisatie van deze "
                    "afspraak. Een organisatie deelt alleen gegevens uit haar eigen administratie."
                )
                % {"sender": sender.name},
            )
        )
    general += _requester_reasons(requester=requester, child=child, version=version, memberships=memberships)
    general += _method_reasons(method=method, version=version)
    if version.legal_basis == LegalBasis.LEGAL_DUTY and not child.vve_programme:
        general.append(
            (
                "no_vve_programme",
                _(
                    "Dit kind heeft geen VVE-programma gevolgd. De wettelijke overdracht geldt alleen voor "
                    "kinderen die voorschoolse educatie kregen."
                ),
            )
        )

    per_category: dict[str, tuple[bool, list[str]]] = {}
    covered = [known[c] for c in codes if c in in_agreement and c in known]
    # Consent, notices and objections count for every basis; for a child of another
    # organisation the sender has no guardians to ask (already refused above).
    if child.organisation_id != sender.pk:
        consent = {}
    elif consent_facts is not None:
        consent = (
            rules_consent.reasons_from_facts(facts=consent_facts, version=version, categories=covered, at=at)
            if covered
            else {}
        )
    else:
        consent = _consent_reasons(child=child, version=version, categories=covered, at=at)
    category_codes: list[str] = []
    for code in codes:
        if code not in in_agreement:
            name = known[code].name if code in known else code
            per_category[code] = (
                False,
                [_("%(name)s staat niet in deze afspraak en mag niet worden gedeeld.") % {"name": name}],
            )
            category_codes.append("category_not_in_agreement")
            continue
        refusals = consent.get(code, [])
        if refusals:
            category_codes.append("parents")
            per_category[code] = (False, refusals)
        else:
            per_category[code] = (
                True,
                [_("%(name)s staat in de afspraak.") % {"name": in_agreement[code].category.name}],
            )

    allowed = not general and bool(codes) and all(ok for ok, _reasons in per_category.values())
    if allowed:
        reasons = [
            _("Toegestaan: de afspraak ‘%(label)s’ is actief en de grondslag is %(basis)s.")
            % {"label": version.label, "basis": version.get_legal_basis_display()}
        ]
    else:
        reasons = [text for _code, text in general]
        if not general:
            reasons.append(_("Niet alle gekozen gegevens mogen worden gedeeld; zie per categorie."))
    return Verdict(
        allowed=allowed,
        per_category=per_category,
        reasons=reasons,
        codes=[code for code, _text in general] + sorted(set(category_codes)),
    )
