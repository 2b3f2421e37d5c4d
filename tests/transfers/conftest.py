"""Fixtures for the transfer tests: private storage in a temporary folder, Dutch active,
staff names for the "read by J. de Vries" line."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def transfer_storage(private_files, dutch):
    return private_files


@pytest.fixture
def names(world):
    teacher = world.user("staff_school")
    teacher.first_name, teacher.last_name = "Jeroen", "de Vries"
    teacher.save(update_fields=["first_name", "last_name"])
    return world
