"""Fixtures for the transfer tests: private storage in a temporary folder, Dutch active,
staff names for the "read by J. de Vries" line."""

from __future__ import annotations

import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def transfer_storage(settings, tmp_path):
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
def names(world):
    teacher = world.user("staff_school")
    teacher.first_name, teacher.last_name = "Jeroen", "de Vries"
    teacher.save(update_fields=["first_name", "last_name"])
    return world
