"""The fixed cast: a director, staff member and privacy officer of each organisation,
two parents, a stranger; one IKC with a childcare organisation and a school board."""

from __future__ import annotations

import datetime
import shutil
from dataclasses import dataclass

import pytest
from django.db import connection

from ikc_share import services
from ikc_share.models import Child, FunctionTitle, Location, Organisation
from tests.factories import (
    ChildFactory,
    GuardianFactory,
    IkcFactory,
    UserFactory,
    link_guardian,
    make_location,
    make_organisation,
)

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


@dataclass
class World:
    ikc: object
    childcare: Organisation
    school: Organisation
    daycare: Location
    bso: Location
    school_location: Location
    users: dict
    child_daycare: Child  # Noah, daycare, guardians parent_a + parent_b
    child_bso: Child
    child_school: Child  # the school's record (parent_a's other child)

    def user(self, name):
        return self.users[name]

    def membership(self, name):
        from ikc_share.models import Membership

        return Membership.objects.get(user=self.users[name])


CAST = [
    "director_childcare",
    "staff_childcare",
    "po_childcare",
    "director_school",
    "staff_school",
    "po_school",
    "parent_a",
    "parent_b",
    "stranger",
    "operator",
]
CAST_NAMES = [  # none of them a child's or a guardian record's name
    ("Dirk", "Dekker"),
    ("Petra", "Prins"),
    ("Frank", "Feenstra"),
    ("Dorien", "Dijkman"),
    ("Lars", "Lammers"),
    ("Femke", "Faber"),
    ("Anke", "Aalders"),
    ("Bram", "Brouwer"),
    ("Vera", "Veenstra"),
    ("Olaf", "Oosting"),
]


@pytest.fixture
def private_files(settings, tmp_path):
    """Private files (letters, scans, attachments, exports) in a temporary folder; the
    folder. The app folders' conftest.py make it automatic for their tests."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "private"), "base_url": None},
        },
    }
    return tmp_path / "private"


@pytest.fixture
def dutch():
    """Dutch active, as for a user who did not choose English."""
    from django.utils import translation

    with translation.override("nl"):
        yield


@pytest.fixture(autouse=True)
def _empty_cache():
    """Every test starts with an empty cache (the coverage counts are cached per process)."""
    from django.core.cache import cache

    cache.clear()
    yield


@pytest.fixture(autouse=True)
def _data_category_catalogue(request):
    """The data-category catalogue comes from a data migration. A transactional test
    (browser, race, worker) flushes the database at its end, which removes it for the
    next one: put it back for every test that uses the database."""
    if not any(name in request.fixturenames for name in ("db", "transactional_db", "live_server")) and not (
        request.node.get_closest_marker("django_db")
    ):
        return
    request.getfixturevalue("transactional_db" if _is_transactional(request) else "db")
    from tests.builders.catalogue import ensure_catalogue

    ensure_catalogue()


def _is_transactional(request) -> bool:
    marker = request.node.get_closest_marker("django_db")
    return bool(marker and (marker.kwargs.get("transaction") or (marker.args and marker.args[0])))


@pytest.fixture
def world(db) -> World:
    ikc = IkcFactory(name="IKC Test", slug="ikc-test")
    childcare = make_organisation(ikc=ikc, kind="childcare", name="Kinderopvang Test")
    school = make_organisation(ikc=ikc, kind="school", name="Schoolbestuur Test")
    daycare = make_location(organisation=childcare, kind="daycare", name="KDV Test")
    bso = make_location(organisation=childcare, kind="bso", name="BSO Test")
    school_location = make_location(organisation=school, kind="school", name="OBS Test")
    # Fixed names: a random one could contain a child's name that a test looks for.
    users = {
        name: UserFactory(username=name, first_name=first, last_name=last)
        for name, (first, last) in zip(CAST, CAST_NAMES, strict=True)
    }
    # The operator (a superuser) sets up IKCs; the app's own pages grant superusers nothing.
    users["operator"].is_superuser = users["operator"].is_staff = True
    users["operator"].save(update_fields=["is_superuser", "is_staff"])
    pm = FunctionTitle.objects.create(organisation=childcare, name="Pedagogisch medewerker")
    teacher = FunctionTitle.objects.create(organisation=school, name="Leerkracht groep 1-2")
    FunctionTitle.objects.create(organisation=school, name="Intern begeleider")
    for key, org, role, title, locs in [
        ("director_childcare", childcare, "director", None, []),
        ("staff_childcare", childcare, "staff", pm, [daycare]),
        ("po_childcare", childcare, "privacy_officer", None, []),
        ("director_school", school, "director", None, []),
        ("staff_school", school, "staff", teacher, [school_location]),
        ("po_school", school, "privacy_officer", None, []),
    ]:
        u = users[key]
        services.membership_invite(
            organisation=org,
            actor=None,
            email=u.email,
            first_name=u.first_name,
            last_name=u.last_name,
            role=role,
            function_title=title,
            locations=locs,
        )
    today = datetime.date.today()
    child_daycare = ChildFactory(
        location=daycare,
        first_name="Noah",
        last_name="Jansen",
        date_of_birth=today - datetime.timedelta(days=3 * 365 + 300),
        vve_programme="uk_en_puk",
        vve_months=18,
    )
    child_bso = ChildFactory(
        location=bso,
        first_name="Emma",
        last_name="Jansen",
        date_of_birth=today - datetime.timedelta(days=7 * 365),
        group_name="BSO Onderbouw",
    )
    child_school = ChildFactory(
        location=school_location,
        first_name="Emma",
        last_name="Jansen",
        date_of_birth=child_bso.date_of_birth,
        group_name="Groep 4",
    )
    for org, kids in [(childcare, [child_daycare, child_bso]), (school, [child_school])]:
        ga = GuardianFactory(
            organisation=org,
            first_name="Sanne",
            last_name="de Boer",
            email=users["parent_a"].email,
            user=users["parent_a"],
        )
        gb = GuardianFactory(
            organisation=org,
            first_name="Mark",
            last_name="Jansen",
            email=users["parent_b"].email,
            user=users["parent_b"],
        )
        for kid in kids:
            link_guardian(guardian=ga, child=kid)
            link_guardian(guardian=gb, child=kid)
    return World(ikc, childcare, school, daycare, bso, school_location, users, child_daycare, child_bso, child_school)


@pytest.fixture
def login(client):
    def _login(user):
        client.force_login(user)
        return client

    return _login


def pytest_collection_modifyitems(config, items):
    is_pg = connection.vendor == "postgresql"
    for item in items:
        if "real_worker" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.worker)  # .ci/run runs these apart, beside its Celery worker
        if "postgres" in item.keywords and not is_pg:
            item.add_marker(pytest.mark.skip(reason="needs PostgreSQL: run with DATABASE_URL=postgres://…"))


@pytest.fixture
def real_worker():
    """For tests that need a real Celery worker (CI starts one on Redis against the test
    database: see .ci/run). Skipped unless IKC_REAL_WORKER=1; turns eager mode off."""
    import os

    from ikc_share.celery import app

    if os.environ.get("IKC_REAL_WORKER") != "1":
        pytest.skip("needs a real Celery worker: set IKC_REAL_WORKER=1 with one running (see .ci/run)")
    if connection.vendor != "postgresql":
        pytest.skip("a real worker needs a database it can share: run on PostgreSQL")
    previous = app.conf.task_always_eager
    app.conf.task_always_eager = False
    yield app
    app.conf.task_always_eager = previous


def wait_for(predicate, timeout: float = 60.0, interval: float = 0.2):
    """Poll until predicate() is truthy (for work done by a real worker)."""
    import time

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout}s waiting for {predicate}")
