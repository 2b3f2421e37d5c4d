"""The data categories and the clock the builders share: the catalogue (from its data
migration), the letter tests' own categories, and the consent tests' fixed dates."""

from __future__ import annotations

import datetime
import importlib
from zoneinfo import ZoneInfo

from django.apps import apps as django_apps

from agreements.models import DataCategory

_CATALOGUE = importlib.import_module("agreements.migrations.0002_seed_data_categories")

AMS = ZoneInfo("Europe/Amsterdam")
T0 = datetime.datetime(2026, 3, 3, 10, 0, tzinfo=AMS)  # "3 maart 2026"

CODES = ["identification", "development_language", "health"]  # the consent tests' default
DEV_CODES = ["identification", "development_language", "development_social_emotional"]
VVE_CODES = ["vve_programme", "vve_duration"]


def day(n: int, hour: int = 10) -> datetime.datetime:
    return (T0 + datetime.timedelta(days=n)).replace(hour=hour)


def ensure_catalogue() -> None:
    """The data-category catalogue comes from a data migration; a transactional test that
    ran earlier (live-server browser tests) may have flushed it. Put it back if so."""
    if not DataCategory.objects.exists():
        _CATALOGUE.seed(django_apps, None)


def category(code: str) -> DataCategory:
    return DataCategory.objects.get(code=code)


def categories(codes=CODES) -> list[DataCategory]:
    found = {c.code: c for c in DataCategory.objects.filter(code__in=codes)}
    return [found[c] for c in codes]


# The letter tests' categories: their own names and descriptions, so that the letters'
# texts are known exactly.
LETTER_CATEGORIES = [
    # code, order, name_nl, name_en, description_nl, description_en, special, statutory, reference
    (
        "lt-identification",
        901,
        "Naam en geboortedatum",
        "Name and date of birth",
        "De naam en geboortedatum van uw kind.",
        "Your child's name and date of birth.",
        False,
        False,
        "",
    ),
    (
        "lt-development",
        902,
        "Ontwikkeling: taal",
        "Development: language",
        "Wat de pedagogisch medewerker zag over taal.",
        "What the practitioner saw about language.",
        False,
        False,
        "",
    ),
    (
        "lt-health",
        903,
        "Gezondheid: allergieën",
        "Health: allergies",
        "Allergieën waar de school rekening mee moet houden.",
        "Allergies the school must take into account.",
        True,
        False,
        "",
    ),
    (
        "lt-vve-programme",
        904,
        "VVE-programma en duur",
        "VVE programme and duration",
        "Welk VVE-programma uw kind volgde en hoe lang.",
        "Which VVE programme your child followed and how long.",
        False,
        True,
        "Besluit basisvoorwaarden kwaliteit voorschoolse educatie",
    ),
]


def seed_letter_categories() -> dict[str, DataCategory]:
    cats = {}
    for code, order, nl, en, dnl, den, special, statutory, ref in LETTER_CATEGORIES:
        cats[code], _ = DataCategory.objects.get_or_create(
            code=code,
            defaults=dict(
                order=order,
                name_nl=nl,
                name_en=en,
                description_nl=dnl,
                description_en=den,
                is_special=special,
                statutory=statutory,
                statutory_reference=ref,
            ),
        )
    return cats
