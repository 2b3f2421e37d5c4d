"""The scale seed's fixed data (names, towns, texts of the transfers), its sizes and the
rows that the domain seeders hand each other (organisations, children, agreement versions)."""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass, field

SCALE_PASSWORD = "schaal-bench-2024"
BENCH_USERNAMES = {
    "director": "directeur.schaal",
    "privacy_officer": "fg.schaal",
    "staff": "pm.schaal",
    "receiver": "leerkracht.schaal",
    "parent": "ouder.schaal@example.nl",
}
UTC = datetime.UTC

FIRST_NAMES = (
    "Noah Emma Liam Julia Lucas Mila Finn Tess Sem Sophie Daan Zoë Levi Sara Milan Nora Bram Evi Luuk Saar Jesse "
    "Anna Thijs Lotte Sam Eva Mees Lisa Adam Fenna Jayden Yara Thomas Noor Ruben Isa Ties Lieke Siem Fleur Mohamed "
    "Amira Youssef Aya Ayoub Nour Omar Ilse Hugo Roos"
).split()
PREFIXES = ("", "", "", "", "de", "van", "van der", "van den", "van de")
SURNAMES = [
    "Jansen",
    "Vries",
    "Berg",
    "Bakker",
    "Visser",
    "Smit",
    "Meijer",
    "Boer",
    "Mulder",
    "Groot",
    "Bos",
    "Vos",
    "Peters",
    "Hendriks",
    "Leeuwen",
    "Dekker",
    "Brouwer",
    "Wit",
    "Dijkstra",
    "Smits",
    "Graaf",
    "Meer",
    "Linden",
    "Kok",
    "Jacobs",
    "Haan",
    "Vermeulen",
    "Heuvel",
    "Veen",
    "Broek",
    "Bruijn",
    "Heijden",
    "Schouten",
    "Beek",
    "Willems",
    "Vliet",
    "Ven",
    "Hoekstra",
    "Maas",
    "Verhoeven",
    "Koster",
    "Dam",
    "Wal",
    "Prins",
    "Blom",
    "Huisman",
    "Peeters",
    "El Amrani",
    "Yilmaz",
    "Öztürk",
    "Bouzid",
]
TOWNS = (
    "Utrecht Amersfoort Zwolle Deventer Apeldoorn Arnhem Nijmegen Tilburg Breda Eindhoven Den Bosch Leiden Delft "
    "Haarlem Alkmaar Hoorn Groningen Leeuwarden Assen Emmen"
).split()
IKC_NAMES = (
    "De Regenboog|De Zonnebloem|Het Kompas|De Vlinder|De Boomgaard|Het Klavertje|De Sterrenwacht|De Wilgenhoek|"
    "Het Palet|De Ontdekking|De Kameleon|Het Anker|De Windroos|De Vuurtoren|De Bolster|Het Mozaïek|De Horizon|"
    "De Springplank|Het Avontuur|De Eik"
).split("|")
GOING_WELL = [
    "Speelt graag samen met andere kinderen en deelt speelgoed zonder hulp.",
    "Vertelt in korte zinnen wat het heeft meegemaakt en luistert goed naar verhalen.",
    "Klimt, rent en springt vol zelfvertrouwen; houdt een kwast goed vast.",
    "Kan lang geconcentreerd bezig zijn met puzzels en bouwmateriaal.",
    "Trekt zelf de jas aan en ruimt na het spelen op.",
    "Maakt makkelijk contact met nieuwe volwassenen in de groep.",
]
NEEDS_SUPPORT = [
    "Vindt afscheid nemen van de ouder soms lastig; een vast ritueel helpt.",
    "Heeft hulp nodig bij het vinden van woorden als het boos is.",
    "Oefent nog met knippen langs een lijn.",
    "Wordt snel afgeleid in een drukke groep.",
    "",
]
TIPS = ["Geef een vaste plek in de kring.", "Benoem wat het kind goed doet.", "Kondig overgangen vooraf aan.", ""]
WEEKDAYS = ["mon", "tue", "wed", "thu", "fri"]
A1_CODES = [
    "identification",
    "development_social_emotional",
    "development_language",
    "development_motor",
    "development_play_learning",
    "development_self_reliance",
]
A2_CODES = ["bso_practical"]


def name_parts(rng: random.Random) -> tuple[str, str, str]:
    return rng.choice(FIRST_NAMES), rng.choice(PREFIXES), rng.choice(SURNAMES)


@dataclass
class Sizes:
    ikcs: int = 50
    children: int = 25_000
    decisions: int = 200_000
    transfers: int = 100_000
    accesses: int = 300_000
    events: int = 1_000_000
    bench_org_events: int | None = None  # None: the whole top-up (see _fill_events)
    letters: bool = True

    @classmethod
    def scaled(cls, ikcs: int, **overrides) -> Sizes:
        f = ikcs / 50
        base = cls(
            ikcs=ikcs,
            children=int(25_000 * f),
            decisions=int(200_000 * f),
            transfers=int(100_000 * f),
            accesses=int(300_000 * f),
            events=int(1_000_000 * f),
        )
        for key, value in overrides.items():
            if value is not None:
                setattr(base, key, value)
        return base


@dataclass
class Org:
    id: int
    ikc_id: int
    kind: str
    name: str
    locations: dict[str, int] = field(default_factory=dict)  # kind -> id
    titles: dict[str, int] = field(default_factory=dict)  # name -> id
    director: int = 0
    privacy_officer: int = 0
    staff: list[tuple[int, str, int | None]] = field(default_factory=list)  # (user, title, location or None)
    children: list[int] = field(default_factory=list)


@dataclass
class ChildRow:
    id: int
    org: int
    location: int
    first_name: str
    name_prefix: str
    last_name: str
    dob: datetime.date
    external_id: str
    guardians: list[tuple[int, int | None, bool, str]] = field(
        default_factory=list
    )  # (guardian, user, authority, name)


@dataclass
class Version:
    id: int
    agreement: int
    number: int
    sender: int
    receiver: int
    activated_at: datetime.datetime
    superseded_at: datetime.datetime | None
    codes: list[str]
    receiving_location: int
    retention_months: int
    letter_sha: dict[str, str]
    title: str = ""
