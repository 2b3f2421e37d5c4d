"""Fixtures for the onboarding tests: private storage in a temporary folder, fixture
files with dates relative to today, and helpers that walk the import pages."""

from __future__ import annotations

import datetime
import re
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from onboarding.models import ImportJob

FILES = Path(__file__).parent / "files"
_AGE = re.compile(rb"@AGE(\d+)(?::(iso|dmy))?@")


@pytest.fixture(autouse=True)
def import_storage(settings, tmp_path):
    """Uploads go to a temporary folder, never to var/private."""
    root = tmp_path / "private"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(root), "base_url": None},
        },
    }
    return root


def dob(years: int, extra_days: int = 100) -> datetime.date:
    """A date of birth for a child that is `years` old (and some days) today."""
    today = datetime.date.today()
    try:
        birthday = today.replace(year=today.year - years)
    except ValueError:  # 29 February
        birthday = today.replace(year=today.year - years, day=28)
    return birthday - datetime.timedelta(days=extra_days)


def fixture_bytes(name: str) -> bytes:
    """A fixture file with @AGE3@ (dd-mm-jjjj), @AGE3:dmy@ (d-m-jjjj) and @AGE3:iso@
    (jjjj-mm-dd) replaced by a date of birth of a child of that age. The placeholders are
    ASCII, so the file keeps its encoding (UTF-8, Windows-1252, …)."""
    data = (FILES / name).read_bytes()

    def replace(match: re.Match) -> bytes:
        day = dob(int(match.group(1)))
        fmt = match.group(2)
        if fmt == "iso":
            return day.isoformat().encode()
        if fmt == "dmy":
            return f"{day.day}-{day.month}-{day.year}".encode()
        return day.strftime("%d-%m-%Y").encode()

    return _AGE.sub(replace, data)


def upload_file(name: str, data: bytes | None = None) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, fixture_bytes(name) if data is None else data)


class ImportFlow:
    """Walks the import pages as a person would: upload, map, dry run, import."""

    def __init__(self, client, organisation, capture):
        self.client = client
        self.organisation = organisation
        self.capture = capture

    def upload(self, name: str, data: bytes | None = None, preset: str = "generic"):
        url = reverse("ikc_share:import-start", kwargs={"org_pk": self.organisation.pk})
        return self.client.post(url, {"file": upload_file(name, data), "preset": preset})

    def job(self) -> ImportJob:
        return ImportJob.objects.filter(organisation=self.organisation).order_by("-pk").first()

    def check(self, job: ImportJob, columns: dict[str, str] | None = None, default_location=None):
        """Submit the suggested (or given) mapping; the dry run runs (eagerly) on commit."""
        data = {f"col_{k}": v for k, v in (job.columns if columns is None else columns).items()}
        if default_location is not None:
            data["default_location"] = default_location.pk
        elif job.default_location_id:
            data["default_location"] = job.default_location_id
        with self.capture(execute=True):
            response = self.client.post(reverse("ikc_share:import-mapping", kwargs={"pk": job.pk}), data)
        job.refresh_from_db()
        return response

    def confirm(self, job: ImportJob):
        with self.capture(execute=True):
            response = self.client.post(reverse("ikc_share:import-confirm", kwargs={"pk": job.pk}))
        job.refresh_from_db()
        return response

    def run(self, name: str, data: bytes | None = None, preset: str = "generic", default_location=None):
        """Upload, dry run and import; returns the job."""
        response = self.upload(name, data, preset)
        assert response.status_code == 302, response.content.decode()[:2000]
        job = self.job()
        self.check(job, default_location=default_location)
        assert job.status == "checked", job.problems[:5]
        assert not job.problem_count, job.problems[:5]
        self.confirm(job)
        assert job.status == "done", job.error
        return job


@pytest.fixture
def import_flow(world, login, django_capture_on_commit_callbacks):
    def _flow(user="director_childcare", organisation=None):
        client = login(world.user(user))
        return ImportFlow(client, organisation or world.childcare, django_capture_on_commit_callbacks)

    return _flow
