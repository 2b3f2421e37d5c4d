"""Import throughput: a generated 25,000-row export (pupil administration preset, two
guardians per child, siblings sharing guardians) through the same code the pages use:
upload (read, drop BSN, store), dry run, import, re-import of the same file (nothing
changes) and an updated file (10 % of the children change group).

    .venv/bin/python bench/bench_import.py [--rows 25000] [--database-url postgres://…]

Runs against a fresh SQLite database in a temporary folder unless --database-url is
given. Prints the timings and writes bench/out/import.json.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def generate(rows: int, *, seed: int = 2026, regroup: float = 0.0) -> bytes:
    """A pupil administration export (semicolons, UTF-8 with BOM, a BSN column)."""
    rng = random.Random(seed)
    regroup_rng = random.Random(seed + 1)
    today = datetime.date.today()
    lines = [
        "leerlingnummer;BSN;roepnaam;tussenvoegsel;achternaam;geboortedatum;groep;verzorger 1 naam;"
        "verzorger 1 e-mail;verzorger 1 gezag;verzorger 2 naam;verzorger 2 e-mail;verzorger 2 gezag"
    ]
    surnames = [
        "Jansen",
        "de Vries",
        "van den Berg",
        "Bakker",
        "Visser",
        "Smit",
        "Meijer",
        "de Boer",
        "Mulder",
        "de Groot",
        "Bos",
        "Vos",
        "Peters",
        "Hendriks",
        "van Leeuwen",
        "Dekker",
        "Brouwer",
        "de Wit",
    ]
    firsts = ["Noah", "Emma", "Sem", "Julia", "Liam", "Mila", "Luuk", "Tess", "Daan", "Sophie", "Finn", "Zoë"]
    family = 0
    for i in range(rows):
        if i % 2 == 0:  # two siblings per family share their guardians
            family += 1
        surname = surnames[family % len(surnames)]
        prefix, _, last = surname.rpartition(" ")
        age_days = rng.randint(4 * 366 + 10, 12 * 365)
        dob = today - datetime.timedelta(days=age_days)
        group = max(1, min(8, age_days // 365 - 3))
        if regroup and regroup_rng.random() < regroup:
            group = 9 - group
        slug = f"fam{family}"
        lines.append(
            ";".join(
                [
                    f"{100000 + i}",
                    "",
                    firsts[i % len(firsts)],
                    prefix,
                    last,
                    dob.strftime("%d-%m-%Y"),
                    f"Groep {group}",
                    f"Ouder{family} {surname}",
                    f"ouder1.{slug}@example.nl",
                    "ja",
                    f"Verzorger{family} {surname}",
                    f"ouder2.{slug}@example.nl",
                    "ja" if family % 5 else "nee",
                ]
            )
        )
    return ("\ufeff" + "\r\n".join(lines) + "\r\n").encode("utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=25_000)
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()

    tmp = tempfile.mkdtemp(prefix="ikc-bench-")
    os.environ.setdefault("DEBUG", "1")
    os.environ["IKC_VAR_DIR"] = tmp
    os.environ["PRIVATE_MEDIA_ROOT"] = str(Path(tmp) / "private")
    os.environ["DATABASE_URL"] = args.database_url or f"sqlite:///{tmp}/bench.sqlite3"
    os.environ["DJANGO_SETTINGS_MODULE"] = "ikc_share.settings"
    os.environ["LOG_LEVEL"] = "WARNING"

    import django

    django.setup()
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.core.management import call_command
    from django.db import connection

    from ikc_share import services as core
    from ikc_share.models import Child, Guardian, Guardianship, Ikc
    from onboarding import importing
    from onboarding import services as onboarding

    call_command("migrate", verbosity=0)
    ikc = Ikc.objects.create(name="IKC Bench", slug=f"bench-{int(time.time())}")
    school = core.organisation_create(ikc=ikc, name="Bench school", kind="school", brin_number="12AB")
    core.location_create(organisation=school, name="OBS Bench", kind="school")

    results: dict[str, object] = {
        "rows": args.rows,
        "database": connection.vendor,
        "python": platform.python_version(),
        "machine": f"{platform.machine()}, {os.cpu_count()} CPU",
    }

    def run(label: str, data: bytes) -> None:
        started = time.perf_counter()
        job = onboarding.import_upload(
            organisation=school,
            upload=SimpleUploadedFile("export.csv", data),
            preset="pupil_administration",
            actor=None,
        )
        uploaded = time.perf_counter()
        job.status = "checking"
        job.save(update_fields=["status"])
        assert importing.import_job_check(job_id=job.pk)
        checked = time.perf_counter()
        job.refresh_from_db()
        assert not job.problem_count, job.problems[:3]
        job.status = "queued"
        job.save(update_fields=["status"])
        assert importing.import_job_execute(job_id=job.pk)
        done = time.perf_counter()
        job.refresh_from_db()
        results[label] = {
            "upload_s": round(uploaded - started, 2),
            "dry_run_s": round(checked - uploaded, 2),
            "import_s": round(done - checked, 2),
            "total_s": round(done - started, 2),
            "rows_per_s_import": int(args.rows / (done - checked)),
            "rows_per_s_total": int(args.rows / (done - started)),
            "summary": job.summary,
        }
        print(
            f"{label:>14}: upload {uploaded - started:5.2f}s  dry run {checked - uploaded:5.2f}s  "
            f"import {done - checked:5.2f}s  → {int(args.rows / (done - checked)):,} rows/s "
            f"({int(args.rows / (done - started)):,} rows/s end to end)  {job.summary}"
        )

    first = generate(args.rows)
    run("first import", first)
    run("same file", first)
    run("updated file", generate(args.rows, regroup=0.1))
    results["records"] = {
        "children": Child.objects.count(),
        "guardians": Guardian.objects.count(),
        "links": Guardianship.objects.count(),
    }
    print(f"records: {results['records']}")
    out = ROOT / "bench" / "out"
    out.mkdir(parents=True, exist_ok=True)
    (out / "import.json").write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
