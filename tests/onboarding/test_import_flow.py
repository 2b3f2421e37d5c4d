"""The import as a director walks through it: upload, column mapping, dry run, import in
the background, re-import, update by the organisation's own number, leavers."""

from __future__ import annotations

import datetime

import pytest
import tablib
from django.core.files.storage import default_storage
from django.urls import reverse

from ikc_share.models import AuditEvent, Child, Guardian, Guardianship
from onboarding import importing, rules
from onboarding.models import ImportJob, ImportMapping
from tests.onboarding.conftest import dob


def _children(org, prefix):
    return Child.objects.filter(organisation=org, external_id__startswith=prefix)


def test_upload_shows_the_suggested_mapping_with_a_sample(world, import_flow):
    flow = import_flow()
    response = flow.upload("childcare_utf8_bom.csv")
    job = flow.job()
    assert response.status_code == 302 and response.url == reverse("ikc_share:import-mapping", kwargs={"pk": job.pk})
    page = flow.client.get(response.url).content.decode()
    assert "gelezen als UTF-8 (met BOM)" in page
    assert "Zoë" in page  # the first row as a sample
    assert job.columns["external_id"] == "nummer" and job.columns["g2_authority"] == "verzorger2_gezag"
    assert job.status == "uploaded"
    assert not Child.objects.filter(external_id="K-101").exists()


def test_dry_run_then_import_creates_children_and_guardians(world, import_flow):
    flow = import_flow()
    flow.upload("childcare_utf8_bom.csv")
    job = flow.job()
    flow.check(job)
    assert job.status == "checked" and job.problem_count == 0
    assert job.summary["children_created"] == 3
    assert job.summary["guardians_created"] == 4  # Anouk and Bas once for both siblings; Joost has no e-mail
    assert not _children(world.childcare, "K-").exists()  # a dry run writes nothing
    page = flow.client.get(reverse("ikc_share:import-detail", kwargs={"pk": job.pk})).content.decode()
    assert "Proefimport" in page and 'data-count="children_created">3<' in page
    assert "Importeren</button>" in page

    flow.confirm(job)
    assert job.status == "done"
    zoe = Child.objects.get(organisation=world.childcare, external_id="K-101")
    assert (zoe.first_name, zoe.name_prefix, zoe.last_name, zoe.location, zoe.group_name) == (
        "Zoë",
        "van",
        "Dijk",
        world.daycare,
        "Rupsjes",
    )
    assert zoe.date_of_birth == dob(2) and zoe.vve_programme == "uk_en_puk" and zoe.vve_months == 6
    daan = Child.objects.get(organisation=world.childcare, external_id="K-102")
    assert daan.location == world.bso and daan.date_of_birth == dob(6)
    anouk = Guardian.objects.get(organisation=world.childcare, email="anouk.vandijk@example.nl")
    assert {g.child.external_id for g in anouk.guardianships.all()} == {"K-101", "K-102"}
    assert anouk.user is None  # a login comes with the first invitation
    joost = Guardianship.objects.get(child__external_id="K-103", guardian__first_name="Joost")
    assert joost.has_parental_authority is False
    assert not job.file  # the upload is deleted when the job ends
    event = AuditEvent.objects.get(action="import.completed", organisation=world.childcare)
    assert '"children_created":3' in event.payload and f'"job":{job.pk}' in event.payload
    assert "Zoë" not in event.canonical and "Dijk" not in event.canonical  # ids and counts only
    assert AuditEvent.objects.filter(action="import.checked", organisation=world.childcare).exists()
    assert AuditEvent.objects.filter(action="import.confirmed", actor=world.user("director_childcare").pk).exists()


def test_reimporting_the_same_file_changes_nothing(world, import_flow):
    flow = import_flow()
    flow.run("childcare_utf8_bom.csv")
    before = list(Child.objects.order_by("pk").values())
    before_guardians = list(Guardian.objects.order_by("pk").values())
    flow.upload("childcare_utf8_bom.csv")
    job = flow.job()
    flow.check(job)
    assert job.summary["children_unchanged"] == 3 and job.summary["children_created"] == 0
    assert job.summary["children_updated"] == 0 and job.summary["guardians_created"] == 0
    assert job.summary["guardians_updated"] == 0 and job.summary["links_created"] == 0
    page = flow.client.get(reverse("ikc_share:import-detail", kwargs={"pk": job.pk})).content.decode()
    assert "al geïmporteerd" in page
    flow.confirm(job)
    assert list(Child.objects.order_by("pk").values()) == before
    assert list(Guardian.objects.order_by("pk").values()) == before_guardians


def test_updated_file_updates_by_external_id_and_lists_leavers(world, import_flow):
    flow = import_flow()
    flow.run("childcare_utf8_bom.csv")
    zoe = Child.objects.get(external_id="K-101")
    job = flow.run("childcare_updated.csv")
    assert job.summary["children_created"] == 1  # Liam
    assert job.summary["children_updated"] == 1  # Zoë's group
    assert job.summary["children_unchanged"] == 1  # Fenna
    assert job.summary["links_updated"] == 1  # Joost now has parental authority
    zoe.refresh_from_db()
    assert zoe.group_name == "Vlinders"  # the same record, updated
    assert Guardianship.objects.get(child__external_id="K-103", guardian__first_name="Joost").has_parental_authority
    # Daan (K-102) and the two children without a number are no longer in the file: listed, not deleted.
    daan = Child.objects.get(external_id="K-102")
    assert set(job.missing_child_ids) == {daan.pk, world.child_daycare.pk, world.child_bso.pk}
    assert Child.objects.filter(pk=daan.pk, left_on__isnull=True).exists()

    page = flow.client.get(reverse("ikc_share:import-detail", kwargs={"pk": job.pk})).content.decode()
    assert reverse("ikc_share:import-leavers", kwargs={"pk": job.pk}) in page
    leavers_url = reverse("ikc_share:import-leavers", kwargs={"pk": job.pk})
    assert "Daan van Dijk" in flow.client.get(leavers_url).content.decode()
    left_on = datetime.date.today() - datetime.timedelta(days=3)
    response = flow.client.post(leavers_url, {"children": [daan.pk], "left_on": left_on.isoformat()})
    assert response.status_code == 302
    daan.refresh_from_db()
    assert daan.left_on == left_on
    assert Child.objects.get(pk=world.child_bso.pk).left_on is None
    event = AuditEvent.objects.get(action="child.left")
    assert event.target_id == str(daan.pk) and left_on.isoformat() in event.payload
    assert "Daan van Dijk" not in flow.client.get(leavers_url).content.decode()
    # A future leaving date is refused.
    future = datetime.date.today() + datetime.timedelta(days=2)
    response = flow.client.post(
        leavers_url, {"children": [world.child_bso.pk], "left_on": future.isoformat()}, follow=True
    )
    assert "kan niet in de toekomst liggen" in response.content.decode()
    assert Child.objects.get(pk=world.child_bso.pk).left_on is None


def test_a_child_back_in_the_file_is_enrolled_again(world, import_flow):
    flow = import_flow()
    flow.run("childcare_utf8_bom.csv")
    Child.objects.filter(external_id="K-101").update(left_on=datetime.date.today())
    job = flow.run("childcare_utf8_bom.csv")
    assert job.summary["children_updated"] == 1
    assert Child.objects.get(external_id="K-101").left_on is None


def test_windows_1252_pupil_administration_export(world, import_flow):
    flow = import_flow("director_school", world.school)
    job = flow.run("pupils_windows1252.csv", preset="pupil_administration")
    assert job.encoding == "Windows-1252"
    chloe = Child.objects.get(organisation=world.school, external_id="2001")
    assert (chloe.first_name, chloe.last_name, chloe.location) == ("Chloé", "Çelik", world.school_location)
    pieter = Guardian.objects.get(organisation=world.school, email="pieter.vandermeer@example.nl")
    assert (pieter.first_name, pieter.name_prefix, pieter.last_name) == ("Pieter", "van der", "Meer")
    bjorn = Guardianship.objects.get(guardian__email="bjorn@example.nl")
    assert bjorn.guardian.first_name == "Björn" and bjorn.has_parental_authority is False


def test_comma_separated_export(world, import_flow):
    flow = import_flow("director_school", world.school)
    flow.run("pupils_comma.csv", preset="pupil_administration")
    mila = Child.objects.get(organisation=world.school, external_id="3001")
    assert mila.group_name == "Groep 3, lokaal 2"
    rik = Guardian.objects.get(email="rik.peters@example.nl")
    assert (rik.first_name, rik.last_name) == ("Rik", "Peters")


def test_empty_lines_extra_and_bsn_columns(world, import_flow):
    flow = import_flow("director_school", world.school)
    flow.upload("empty_lines_extra_columns.csv", preset="pupil_administration")
    job = flow.job()
    assert job.ignored_columns == ["BSN", "BSN verzorger 1"]
    with job.file.open("rb") as fh:
        stored = fh.read().decode()
    assert "123456782" not in stored and "111222333" not in stored  # never stored
    mapping_page = flow.client.get(reverse("ikc_share:import-mapping", kwargs={"pk": job.pk})).content.decode()
    assert "worden nooit ingelezen" in mapping_page
    flow.check(job)
    assert job.summary["children_created"] == 2 and not job.problem_count
    page = flow.client.get(reverse("ikc_share:import-detail", kwargs={"pk": job.pk})).content.decode()
    assert "BSN genegeerd" in page and "BSN verzorger 1" in page
    assert "Niet gebruikte kolommen (genegeerd): opmerking, huisarts." in page
    flow.confirm(job)
    assert job.status == "done"
    assert set(_children(world.school, "400").values_list("external_id", flat=True)) == {"4001", "4002"}
    audit = AuditEvent.objects.get(action="import.uploaded", organisation=world.school)
    assert '"bsn_columns_ignored":2' in audit.payload


def test_xlsx_upload(world, import_flow):
    data = tablib.Dataset(
        headers=[
            "leerlingnummer",
            "roepnaam",
            "achternaam",
            "geboortedatum",
            "groep",
            "verzorger 1 naam",
            "verzorger 1 e-mail",
            "verzorger 1 gezag",
        ]
    )
    data.append([8001, "Isa", "Kramer", dob(5), "Groep 1-2", "Eline Kramer", "eline.kramer@example.nl", "ja"])
    data.append(
        [
            8002,
            "Lars",
            "Kramer",
            dob(8).strftime("%d-%m-%Y"),
            "Groep 5",
            "Eline Kramer",
            "eline.kramer@example.nl",
            "ja",
        ]
    )
    flow = import_flow("director_school", world.school)
    job = flow.run("export.xlsx", data=data.export("xlsx"), preset="pupil_administration")
    assert job.file_format == "xlsx"
    assert Child.objects.get(external_id="8001").date_of_birth == dob(5)
    assert Guardian.objects.filter(organisation=world.school, email="eline.kramer@example.nl").count() == 1


@pytest.mark.parametrize(
    "name, message",
    [
        ("not_a_csv.pdf", "Dit is een PDF-bestand"),
        ("not_a_csv.png", "Dit is geen CSV-bestand"),
        ("old_excel.xls", "oud Excel-bestand (.xls)"),
        ("letter.txt", "maar één kolom"),
    ],
)
def test_not_a_csv_gets_a_clear_message_and_nothing_is_stored(world, import_flow, import_storage, name, message):
    flow = import_flow()
    response = flow.upload(name)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not ImportJob.objects.exists()
    assert not import_storage.exists() or not any(import_storage.rglob("*.csv"))


def test_problems_block_the_import_and_the_fixed_file_imports(world, import_flow):
    flow = import_flow("director_school", world.school)
    flow.upload("two_bad_rows.csv", preset="pupil_administration")
    job = flow.job()
    flow.check(job)
    assert job.problem_count == 2
    page = flow.client.get(reverse("ikc_share:import-detail", kwargs={"pk": job.pk})).content.decode()
    assert "Rij 3: geboortedatum &#x27;5-13-2019&#x27; is geen geldige datum." in page
    assert "Rij 4: het e-mailadres van verzorger 1, &#x27;samira.koster@example&#x27;, is geen geldig" in page
    assert "Importeren</button>" not in page
    response = flow.confirm(job)  # a forged POST is refused too
    assert job.status == "checked"
    assert not _children(world.school, "600").exists()

    job = flow.run("two_bad_rows_fixed.csv", preset="pupil_administration")
    assert _children(world.school, "600").count() == 4
    assert response.status_code == 302


def test_mapping_is_remembered_for_the_next_upload(world, import_flow):
    flow = import_flow("director_school", world.school)
    flow.upload("errors.csv", preset="pupil_administration")
    job = flow.job()
    columns = dict(job.columns)
    columns["group_name"] = ""  # the director chooses not to import the group
    flow.check(job, columns={k: v for k, v in columns.items() if v})
    remembered = ImportMapping.objects.get(organisation=world.school)
    assert "group_name" not in remembered.columns and remembered.preset == "pupil_administration"
    flow.upload("errors.csv", preset="pupil_administration")
    assert "group_name" not in flow.job().columns
    assert AuditEvent.objects.filter(action="import.mapping_saved").count() == 1


def test_mapping_errors_are_shown(world, import_flow):
    flow = import_flow()
    flow.upload("childcare_utf8_bom.csv")
    job = flow.job()
    data = {f"col_{k}": v for k, v in job.columns.items()}
    data["col_first_name"] = data["col_last_name"]  # one column for two fields
    del data["col_date_of_birth"]
    response = flow.client.post(reverse("ikc_share:import-mapping", kwargs={"pk": job.pk}), data)
    page = response.content.decode()
    assert response.status_code == 200
    assert "Deze kolom is al aan een ander veld gekoppeld." in page
    assert "Dit veld is verplicht: kies de kolom." in page
    job.refresh_from_db()
    assert job.status == "uploaded"


def test_several_locations_need_a_location_column_or_a_choice(world, import_flow):
    flow = import_flow()
    flow.upload("two_bad_rows_fixed.csv", preset="pupil_administration")
    job = flow.job()
    response = flow.check(job)
    assert "Kies de locatie voor het hele bestand" in response.content.decode()
    assert job.status == "uploaded"
    flow.check(job, default_location=world.bso)
    assert job.status == "checked"
    assert job.summary["children_created"] == 4


def test_cancel_deletes_the_upload(world, import_flow):
    flow = import_flow()
    flow.upload("childcare_utf8_bom.csv")
    job = flow.job()
    name = job.file.name
    assert default_storage.exists(name)
    with flow.capture(execute=True):
        response = flow.client.post(reverse("ikc_share:import-cancel", kwargs={"pk": job.pk}))
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.status == "cancelled" and not job.file
    assert not default_storage.exists(name)
    assert AuditEvent.objects.filter(action="import.cancelled").exists()


def test_progress_page_refreshes_itself_without_script(world, import_flow):
    flow = import_flow()
    flow.upload("childcare_utf8_bom.csv")
    job = flow.job()
    ImportJob.objects.filter(pk=job.pk).update(status="running", progress_total=3, progress_done=1, phase="checking")
    page = flow.client.get(reverse("ikc_share:import-detail", kwargs={"pk": job.pk})).content.decode()
    assert '<meta http-equiv="refresh" content="2">' in page
    assert '<progress id="job-progress" class="import-progress" max="3" value="1">' in page
    assert "<script>" not in page and "style=" not in page


def test_all_or_nothing_when_writing_fails(world, import_flow, monkeypatch):
    flow = import_flow()
    flow.upload("childcare_utf8_bom.csv")
    job = flow.job()
    flow.check(job)
    real = importing.apply_plan

    def half_then_fail(plan, *, organisation):
        real(plan, organisation=organisation)  # everything is written…
        raise RuntimeError("disk full")  # …and then something breaks

    monkeypatch.setattr(importing, "apply_plan", half_then_fail)
    flow.confirm(job)
    assert job.status == "failed"
    assert "Er is niets veranderd" in job.error
    assert not _children(world.childcare, "K-").exists()
    assert not Guardian.objects.filter(email="anouk.vandijk@example.nl").exists()
    assert not AuditEvent.objects.filter(action="import.completed").exists()
    assert AuditEvent.objects.filter(action="import.failed").exists()
    assert not job.file


def test_data_changed_between_dry_run_and_import(world, import_flow):
    flow = import_flow("director_school", world.school)
    flow.upload("pupils_comma.csv", preset="pupil_administration")
    job = flow.job()
    flow.check(job)
    # Meanwhile the location's kind changes, so the ages no longer fit: the import refuses.
    world.school_location.kind = "daycare"
    world.school_location.save()
    flow.confirm(job)
    assert job.status == "failed" and "niets geïmporteerd" in job.error
    assert not _children(world.school, "300").exists()


def test_guardians_are_separate_records_per_organisation(world, import_flow):
    school = import_flow("director_school", world.school)
    school.run("pupils_comma.csv", preset="pupil_administration")
    childcare = import_flow()
    data = (
        "nummer;voornaam;achternaam;geboortedatum;locatie;verzorger1_voornaam;verzorger1_achternaam;"
        f"verzorger1_email;verzorger1_gezag\nK-900;Mila;Jansen;{dob(6)};BSO Test;Kim;Jansen;KIM.JANSEN@example.nl;ja\n"
    ).encode()
    childcare.run("bso.csv", data=data)
    records = Guardian.objects.filter(email="kim.jansen@example.nl").order_by("organisation_id")
    assert [g.organisation for g in records] == [world.childcare, world.school]


def test_fifty_thousand_rows(world, import_flow):
    """A 50,000-row export is read, checked and imported (the limit is 100,000)."""
    rows = [
        "leerlingnummer;roepnaam;achternaam;geboortedatum;groep;verzorger 1 naam;verzorger 1 e-mail;verzorger 1 gezag"
    ]
    birth = dob(7).strftime("%d-%m-%Y")
    for i in range(50_000):
        rows.append(f"{i + 1};Kind{i};Achternaam{i % 977};{birth};Groep 5;Ouder {i // 2};ouder{i // 2}@example.nl;ja")
    data = "\n".join(rows).encode("utf-8")
    flow = import_flow("director_school", world.school)
    job = flow.run("groot.csv", data=data, preset="pupil_administration")
    assert job.row_count == 50_000
    assert job.summary["children_created"] == 50_000 and job.summary["guardians_created"] == 25_000
    assert Child.objects.filter(organisation=world.school).count() == 50_001


def test_problem_list_is_paginated(world, import_flow):
    rows = ["leerlingnummer;roepnaam;achternaam;geboortedatum"] + [f"{i};Kind;Naam;geen datum" for i in range(250)]
    flow = import_flow("director_school", world.school)
    flow.upload("fouten.csv", data="\n".join(rows).encode())
    job = flow.job()
    flow.check(job)
    assert job.problem_count == 250
    url = reverse("ikc_share:import-detail", kwargs={"pk": job.pk})
    first = flow.client.get(url).content.decode()
    assert "Rij 2: geboortedatum" in first and "Rij 102:" not in first and "1 / 3" in first
    third = flow.client.get(url + "?page=3").content.decode()
    assert "Rij 251: geboortedatum" in third


def test_template_and_column_documentation_downloads(world, import_flow):
    flow = import_flow()
    for preset in ("generic", "pupil_administration"):
        response = flow.client.get(
            reverse("ikc_share:import-template", kwargs={"org_pk": world.childcare.pk, "preset": preset})
        )
        assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
        assert "attachment" in response["Content-Disposition"]
        body = response.content
        assert body.startswith(b"\xef\xbb\xbf")
    assert b"verzorger 1 naam" in body
    unknown = flow.client.get(
        reverse("ikc_share:import-template", kwargs={"org_pk": world.childcare.pk, "preset": "bsn"})
    )
    assert unknown.status_code == 404
    url = reverse("ikc_share:import-columns", kwargs={"org_pk": world.childcare.pk})
    page = flow.client.get(url).content.decode()
    assert "leerlingnummer" in page and "dd-mm-jjjj" in page and "KDV Test" in page
    text = flow.client.get(url + "?download=1")
    assert text["Content-Type"].startswith("text/plain") and "attachment" in text["Content-Disposition"]
    assert "verzorger1_email" in text.content.decode()


def test_the_template_imports_as_it_is(world, import_flow):
    from onboarding.columns import template_csv

    data = (
        template_csv("generic")
        .replace(b";Dijk;", b";Dijk;")
        .replace(rules.parse_date("05-03-2021").strftime("%d-%m-%Y").encode(), dob(3).strftime("%d-%m-%Y").encode())
    )
    flow = import_flow()
    flow.run("template.csv", data=data, default_location=world.daycare)
    assert Child.objects.get(external_id="1001").first_name == "Sam"


def test_import_uses_the_upload_through_storage_only(world, import_flow, import_storage):
    flow = import_flow()
    flow.upload("childcare_utf8_bom.csv")
    job = flow.job()
    assert job.file.name.startswith(f"imports/{world.childcare.pk}/")
    assert (import_storage / job.file.name).exists()


def test_stale_uploads_are_purged(world, import_flow):
    flow = import_flow()
    flow.upload("childcare_utf8_bom.csv")
    job = flow.job()
    ImportJob.objects.filter(pk=job.pk).update(created_at=job.created_at - datetime.timedelta(days=8))
    assert importing.stale_imports_purge() == 1
    job.refresh_from_db()
    assert job.status == "cancelled" and not job.file


def test_while_saving_the_bar_is_indeterminate(world, import_flow):
    flow = import_flow()
    flow.upload("childcare_utf8_bom.csv")
    job = flow.job()
    ImportJob.objects.filter(pk=job.pk).update(status="running", progress_total=3, progress_done=3, phase="saving")
    page = flow.client.get(reverse("ikc_share:import-detail", kwargs={"pk": job.pk})).content.decode()
    assert '<progress id="job-progress" class="import-progress">' in page
    assert "in één keer opgeslagen" in page
