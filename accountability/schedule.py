"""The retention schedule: for each kind of record, the documented default with its source,
what starts the clock and what happens when it runs out. A director may set the
organisation's own period (RetentionRule); the defaults below apply otherwise.

The periods are defaults to start from, not legal advice: the privacy officer checks them
against the organisation's own obligations (e.g. fiscal records kept by the
administration, which this app does not hold).

The audit trail is kept, not purged: its events hold ids and codes only (no names, no
content), its hash chain is only verifiable as a whole, and it is the evidence the
organisation needs for art. 5(2) and for the records of the other kinds that were removed.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from accountability.models import RetentionRule

Kind = RetentionRule.Kind


@dataclass(frozen=True)
class RetentionDefault:
    kind: str
    months: int
    clock: Promise  # what starts the period
    action: Promise  # what happens when it has passed
    source: Promise  # where the default comes from
    editable: bool = True  # the director may set another period
    automatic: bool = True  # a nightly task carries it out


DEFAULTS: dict[str, RetentionDefault] = {
    Kind.CHILD_RECORDS: RetentionDefault(
        kind=Kind.CHILD_RECORDS,
        months=24,
        clock=_("vanaf de vertrekdatum van het kind"),
        action=_("naam, geboortedatum, eigen nummer en groep worden geanonimiseerd"),
        source=_(
            "Gangbare termijn voor dossiers van kinderen en leerlingen: twee jaar na vertrek (model-privacyreglement "
            "PO-Raad; vergelijkbaar voor het kinddossier in de kinderopvang). Fiscale en contractgegevens bewaart "
            "de administratie zelf zeven jaar (art. 52 AWR); die staan niet in ikc-share."
        ),
    ),
    Kind.GUARDIAN_RECORDS: RetentionDefault(
        kind=Kind.GUARDIAN_RECORDS,
        months=24,
        clock=_("vanaf het vertrek van hun laatste kind"),
        action=_("naam, e-mailadres, telefoon en eigen nummer worden geanonimiseerd; de login wordt ontkoppeld"),
        source=_("Volgt het dossier van het kind: zonder kind is er geen doel meer om de ouder vast te leggen."),
    ),
    Kind.CONSENT_EVIDENCE: RetentionDefault(
        kind=Kind.CONSENT_EVIDENCE,
        months=24,
        clock=_("vanaf het vertrek van het kind"),
        action=_(
            "scans van papieren toestemmingsformulieren worden verwijderd; de beslissingen zelf blijven als "
            "nummers en hashes (ze zijn onveranderlijk en verwijzen naar het geanonimiseerde kind)"
        ),
        source=_(
            "Art. 7 lid 1 en art. 5 lid 2 AVG: de organisatie moet toestemming kunnen aantonen zolang zij op "
            "grond daarvan gegevens verwerkt of heeft verwerkt; daarna volgt het bewijs het kinddossier."
        ),
    ),
    Kind.RECEIVED_TRANSFERS: RetentionDefault(
        kind=Kind.RECEIVED_TRANSFERS,
        months=0,
        clock=_("vanaf de ontvangst; de termijn staat per afspraak vast"),
        action=_("de inhoud en bijlagen worden verwijderd; een grafsteen (categorieën, datum, hash) blijft"),
        source=_(
            "De uitwisselingsafspraak bepaalt de bewaartermijn bij de ontvanger (art. 5 lid 1 onder e AVG); beide "
            "directeuren keuren die goed. Daarom hier niet per organisatie aan te passen."
        ),
        editable=False,
    ),
    Kind.AUDIT_EVENTS: RetentionDefault(
        kind=Kind.AUDIT_EVENTS,
        months=0,
        clock=_("—"),
        action=_("wordt bewaard, niet verwijderd"),
        source=_(
            "De audittrail bevat alleen nummers en codes, geen namen of inhoud. De hash-keten is alleen als "
            "geheel te controleren; hij is het bewijs van verantwoording (art. 5 lid 2 AVG) en van wat volgens "
            "de andere termijnen is verwijderd."
        ),
        editable=False,
        automatic=False,
    ),
    Kind.RIGHTS_REQUESTS: RetentionDefault(
        kind=Kind.RIGHTS_REQUESTS,
        months=24,
        clock=_("vanaf de afhandeling van het verzoek"),
        action=_("het verzoek met de toelichting, de berichten en de inzage-export wordt verwijderd"),
        source=_(
            "Art. 5 lid 2 en art. 12 AVG: aantonen dat een verzoek op tijd is behandeld. Gangbaar is twee jaar na "
            "afhandeling (de termijn waarbinnen een klacht bij de Autoriteit Persoonsgegevens nog speelt)."
        ),
    ),
    Kind.INCIDENTS: RetentionDefault(
        kind=Kind.INCIDENTS,
        months=60,
        clock=_("vanaf het afsluiten van het incident"),
        action=_("het afgesloten incident wordt uit het register verwijderd"),
        source=_(
            "Art. 33 lid 5 AVG: elk datalek documenteren; de Autoriteit Persoonsgegevens adviseert het register "
            "enkele jaren te bewaren. Standaard vijf jaar."
        ),
    ),
}

ORDER = [
    Kind.CHILD_RECORDS,
    Kind.GUARDIAN_RECORDS,
    Kind.CONSENT_EVIDENCE,
    Kind.RECEIVED_TRANSFERS,
    Kind.RIGHTS_REQUESTS,
    Kind.INCIDENTS,
    Kind.AUDIT_EVENTS,
]


@dataclass(frozen=True)
class Retention:
    """The period that applies to one kind for one organisation."""

    default: RetentionDefault
    months: int
    rule: RetentionRule | None

    @property
    def kind(self) -> str:
        return self.default.kind

    @property
    def label(self) -> str:
        return str(Kind(self.default.kind).label)

    @property
    def is_default(self) -> bool:
        return self.rule is None


def schedule_for(rules: list[RetentionRule]) -> dict[str, Retention]:
    own = {r.kind: r for r in rules}
    out = {}
    for kind in ORDER:
        default = DEFAULTS[kind]
        rule = own.get(kind) if default.editable else None
        out[kind] = Retention(default=default, months=rule.months if rule else default.months, rule=rule)
    return out
