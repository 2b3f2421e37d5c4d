"""Fixtures for the accountability tests: private files in a temporary folder, Dutch."""

from __future__ import annotations

import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def private_storage(settings, tmp_path):
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
