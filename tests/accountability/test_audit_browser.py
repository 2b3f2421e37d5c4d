"""The audit browser: events in words, indexed filters, keyset pages (no OFFSET), the
streamed CSV, the PDF report and the chain verification as Celery jobs with progress, and
a query count that does not grow with the number of events."""

from __future__ import annotations

import csv
import datetime
import io

import pytest
from django.core.cache import cache
from django.db import connection
from django.http import StreamingHttpResponse
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from pypdf import PdfReader

from accountability.audit_browser import AuditQuery, audit_page
from accountability.models import AuditReport, VerificationJob
from ikc_share.audit import audit_record, chain_for
from ikc_share.audit_verify import verify_chains
from ikc_share.models import AuditEvent, Child
from tests.builders import agreement_version
from tests.builders import guardian as guardian_of


@pytest.fixture
def version(world):
    return agreement_version(world, title="Doorgaande lijn")


@pytest.fixture
def sanne_user(world):
    user = world.user("parent_a")
    user.first_name, user.last_name = "Sanne", "de Boer"
    user.save(update_fields=["first_name", "last_name"])
    return user


def _consent_events(world, version, user, n: int, child=None) -> list[AuditEvent]:
    child = child or world.child_daycare
    guardian = guardian_of(world, child, "Sanne")
    return [
        audit_record(
            organisation=world.childcare,
            actor=user,
            action="consent.decided",
            target=child,
            payload={"version": version.pk, "guardian": guardian.pk, "channel": "portal", "states": ["given"]},
        )
        for _ in range(n)
    ]


def _tamper(sql: str, params) -> None:
    """Change the table behind the app's back (on PostgreSQL past the append-only trigger)."""
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute("SET session_replication_role = replica")
        cur.execute(sql, params)
        if connection.vendor == "postgresql":
            cur.execute("SET session_replication_role = DEFAULT")


def _children(world, n: int) -> list[Child]:
    return [
        Child.objects.create(
            organisation=world.childcare,
            location=world.daycare,
            first_name=f"Kind{i}",
            last_name="Test",
            date_of_birth=datetime.date(2023, 1, 1),
        )  # fmt: skip
        for i in range(n)
    ]


def test_rows_read_as_sentences_with_names_looked_up(world, version, sanne_user, login):
    _consent_events(world, version, sanne_user, 1)
    client = login(world.user("po_childcare"))
    body = client.get(f"/organisations/{world.childcare.pk}/audit/").content.decode()
    assert "Sanne de Boer gaf toestemming voor Doorgaande lijn v1 (kind: Noah J.)" in body


def test_filters_use_the_search_keys(world, version, sanne_user):
    _consent_events(world, version, sanne_user, 3)
    _consent_events(world, version, sanne_user, 2, child=world.child_bso)
    audit_record(organisation=world.childcare, actor=world.user("director_childcare"), action="child.viewed",
                 target=world.child_bso)  # fmt: skip
    org = world.childcare
    by_child = audit_page(organisation=org, query=AuditQuery(child_id=world.child_bso.pk)).events
    assert len(by_child) == 3 and {e.child_ref for e in by_child} == {world.child_bso.pk}
    by_actor = audit_page(organisation=org, query=AuditQuery(actor_id=world.user("director_childcare").pk)).events
    assert [e.action for e in by_actor][0] == "child.viewed"
    by_group = audit_page(organisation=org, query=AuditQuery(action="consent")).events
    assert len(by_group) == 5 and {e.action for e in by_group} == {"consent.decided"}
    by_agreement = audit_page(organisation=org, query=AuditQuery(agreement_id=version.agreement_id)).events
    assert len(by_agreement) == 5
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    assert not audit_page(organisation=org, query=AuditQuery(date_from=tomorrow)).events
    today = timezone.localdate()
    in_period = audit_page(organisation=org, query=AuditQuery(date_from=today, date_to=today)).events
    assert len(in_period) == AuditEvent.objects.filter(organisation=org).count()


def test_keyset_pages_follow_the_older_cursor_without_offset(world, version, sanne_user):
    _consent_events(world, version, sanne_user, 120)
    org = world.childcare
    total = AuditEvent.objects.filter(organisation=org).count()
    seen, before = [], None
    with CaptureQueriesContext(connection) as ctx:
        while True:
            page = audit_page(organisation=org, query=AuditQuery(), before=before)
            seen.extend(e.id for e in page.events)
            if page.older is None:
                break
            before = page.older
    assert len(seen) == total == len(set(seen)) and seen == sorted(seen, reverse=True)
    assert not any("OFFSET" in q["sql"].upper() for q in ctx.captured_queries)
    second = audit_page(organisation=org, query=AuditQuery(), before=seen[49] + 1)
    back = audit_page(organisation=org, query=AuditQuery(), after=second.events[0].id)
    assert [e.id for e in back.events] == seen[: len(back.events)]


def test_audit_browser_query_count_does_not_grow_with_events(world, version, sanne_user, login,
                                                            django_assert_num_queries):  # fmt: skip
    client = login(world.user("po_childcare"))
    url = f"/organisations/{world.childcare.pk}/audit/?action=consent"
    kids = _children(world, 50)
    guardian = guardian_of(world, world.child_daycare, "Sanne")

    def events(children):
        for kid in children:
            audit_record(organisation=world.childcare, actor=sanne_user, action="consent.decided", target=kid,
                         payload={"version": version.pk, "guardian": guardian.pk, "states": ["given"]})  # fmt: skip

    events(kids[:2])
    client.get(url)  # warm up (sessions, permission caches)
    cache.clear()  # every request below counts with an empty cache: the worst case
    with CaptureQueriesContext(connection) as two:
        assert client.get(url).status_code == 200
    events(kids[2:])
    cache.clear()
    with django_assert_num_queries(len(two.captured_queries)):
        response = client.get(url)
    assert response.content.decode().count("gaf toestemming voor") == 50
    older = response.context["page"].older
    cache.clear()
    with django_assert_num_queries(len(two.captured_queries)):
        client.get(url + f"&before={older}")  # a deeper page costs the same


def test_csv_export_streams_the_filtered_set_and_is_audited(world, version, sanne_user, login):
    _consent_events(world, version, sanne_user, 4)
    client = login(world.user("po_childcare"))
    response = client.get(f"/organisations/{world.childcare.pk}/audit/export.csv?child={world.child_daycare.pk}")
    assert isinstance(response, StreamingHttpResponse)
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert rows[0][:3] == ["id", "seq", "at"]
    # Noah's four events, and the export itself (it names the child it was filtered on).
    assert [r[5] for r in rows[1:]] == ["consent.decided"] * 4 + ["audit.exported"]
    assert rows[1][4] == "Sanne de Boer"


def test_verify_the_chain_as_a_job_with_its_result(world, version, sanne_user, login,
                                                   django_capture_on_commit_callbacks):  # fmt: skip
    _consent_events(world, version, sanne_user, 3)
    client = login(world.user("po_childcare"))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/organisations/{world.childcare.pk}/audit/verify/")
    job = VerificationJob.objects.get()
    assert response.url == f"/audit/verifications/{job.pk}/"
    assert (job.status, job.ok, job.percent) == ("done", True, 100)
    page = client.get(response.url).content.decode()
    assert "De keten is in orde" in page and 'http-equiv="refresh"' not in page
    dashboard = client.get(f"/organisations/{world.childcare.pk}/privacy/").content.decode()
    assert "keten in orde" in dashboard
    # Someone edits a row behind the app's back: the next check says where the chain broke.
    victim = AuditEvent.objects.filter(organisation=world.childcare, action="consent.decided").first()
    _tamper("UPDATE ikc_share_auditevent SET action = %s WHERE id = %s", ["consent.withdrawn", victim.pk])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/organisations/{world.childcare.pk}/audit/verify/")
    job = VerificationJob.objects.order_by("-pk").first()
    assert job.ok is False and f"event #{victim.seq}" in job.report
    assert "keten verbroken" in client.get(f"/organisations/{world.childcare.pk}/privacy/").content.decode()


def test_a_running_job_shows_its_progress_without_refreshing_itself(world, login):
    job = VerificationJob.objects.create(organisation=world.childcare, requested_by=world.user("po_childcare"),
                                         total=1000, done=250, status="running")  # fmt: skip
    page = login(world.user("po_childcare")).get(f"/audit/verifications/{job.pk}/").content.decode()
    # Issue 18: no meta refresh (a page that reloads itself interrupts a screen reader); a link instead.
    assert 'http-equiv="refresh"' not in page and 'value="25"' in page and "style=" not in page
    assert "Bezig: 250 van 1000" in page and "Toon de stand van nu" in page


@pytest.mark.pdf
def test_pdf_report_is_built_in_a_job_and_reads_in_words(world, version, sanne_user, login,
                                                         django_capture_on_commit_callbacks):  # fmt: skip
    _consent_events(world, version, sanne_user, 3)
    client = login(world.user("po_childcare"))
    today = timezone.localdate()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/organisations/{world.childcare.pk}/audit/reports/",
            {"date_from": today.replace(day=1).isoformat(), "date_to": today.isoformat()},
        )
    report = AuditReport.objects.get()
    assert response.url == f"/audit/reports/{report.pk}/"
    assert report.status == "done" and report.done == report.total and report.sha256
    download = client.get(f"/audit/reports/{report.pk}/download/")
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(b"".join(download.streaming_content))).pages)
    assert "Auditrapport" in text and "in orde" in text
    assert "Sanne de Boer gaf toestemming voor Doorgaande lijn v1" in " ".join(text.split())


def test_report_period_is_checked(world, login):
    client = login(world.user("po_childcare"))
    response = client.post(
        f"/organisations/{world.childcare.pk}/audit/reports/", {"date_from": "2026-02-01", "date_to": "2026-01-01"}
    )
    assert response.status_code == 302 and not AuditReport.objects.exists()


def test_verifier_catches_search_keys_that_do_not_match_the_payload(world, version, sanne_user):
    event = _consent_events(world, version, sanne_user, 1)[0]
    assert event.child_ref == world.child_daycare.pk and event.version_ref == version.pk
    assert verify_chains(chains=[chain_for(world.childcare)]).ok
    # Someone changes a search key so that a filter would hide the event.
    _tamper("UPDATE ikc_share_auditevent SET child_ref = %s WHERE id = %s", [world.child_bso.pk, event.pk])
    problems = verify_chains(chains=[chain_for(world.childcare)]).problems
    assert problems and problems[0].reason == "search keys differ from the payload" and problems[0].seq == event.seq


def test_school_privacy_officer_sees_only_the_schools_chain(world, version, sanne_user, login):
    _consent_events(world, version, sanne_user, 2)
    client = login(world.user("po_school"))
    assert client.get(f"/organisations/{world.childcare.pk}/audit/").status_code == 404
    assert client.get(f"/organisations/{world.childcare.pk}/audit/export.csv").status_code == 404
    body = client.get(f"/organisations/{world.school.pk}/audit/").content.decode()
    assert "gaf toestemming" not in body
