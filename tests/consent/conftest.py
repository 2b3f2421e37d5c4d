"""Fixtures for the consent tests: private storage in a temporary folder, Dutch active."""

from __future__ import annotations

import pytest

from ikc_share.models import Guardian, Guardianship


@pytest.fixture(autouse=True)
def consent_storage(private_files, dutch):
    return private_files


@pytest.fixture
def erik(world):
    """A guardian of Noah WITHOUT parental authority."""
    g = Guardian.objects.create(
        organisation=world.childcare, first_name="Erik", last_name="Hendriks", email="erik@example.nl"
    )
    Guardianship.objects.create(guardian=g, child=world.child_daycare, has_parental_authority=False)
    return g
