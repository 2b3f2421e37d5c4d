"""Fixtures for the consent tests: private storage in a temporary folder, Dutch active."""

from __future__ import annotations

import pytest
from django.utils import translation

from ikc_share.models import Guardian, Guardianship


@pytest.fixture(autouse=True)
def consent_storage(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "private"), "base_url": None},
        },
    }
    return tmp_path / "private"


@pytest.fixture(autouse=True)
def dutch():
    with translation.override("nl"):
        yield


@pytest.fixture
def erik(world):
    """A guardian of Noah WITHOUT parental authority."""
    g = Guardian.objects.create(
        organisation=world.childcare, first_name="Erik", last_name="Hendriks", email="erik@example.nl"
    )
    Guardianship.objects.create(guardian=g, child=world.child_daycare, has_parental_authority=False)
    return g
