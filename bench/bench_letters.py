"""Benchmark: the parent information letter (WeasyPrint).

    DEBUG=1 .venv/bin/python bench/bench_letters.py [--letters 500] [--repeat 10]

Measures, on this machine:
  1. the generic letter: render time (HTML + PDF, mean/min of --repeat runs) and the first
     generate-and-store (render + storage + row + audit event);
  2. a personalised batch of --letters letters, exactly as the Celery task runs it: a
     login for each guardian who has none yet (a first batch), the personal link and QR
     code, the cover's per-letter layer rendered COVER_CHUNK at a time over a background
     rendered once, each letter assembled as the stored generic PDF + an incremental
     update (agreements/letters/pdf.py), stored with its audit event, progress updates,
     the ZIP;
  3. the same number of minimal one-page WeasyPrint renders (a fresh HTML().write_pdf()
     of two short paragraphs each, as anyone would write it), as the floor;
and prints the figures and the ratio batch / minimal (target, issue 10: at most 1.5x).

It needs no PostgreSQL and leaves the demo database alone: it migrates a throwaway SQLite
database in a temporary folder, stores the files there, and deletes it all at the end.
"""

from __future__ import annotations

import argparse
import datetime
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _configure(workdir: Path) -> None:
    os.environ["DATABASE_URL"] = f"sqlite:///{workdir / 'bench.sqlite3'}"
    os.environ["PRIVATE_MEDIA_ROOT"] = str(workdir / "private")
    os.environ.setdefault("DEBUG", "1")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ikc_share.settings")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


def _world(children: int):
    """Two organisations, a director each, `children` children with two guardians each,
    and an active consent-based agreement version approved by both directors."""
    from django.contrib.auth import get_user_model

    from agreements.models import Agreement, AgreementItem, AgreementVersion, Approval, DataCategory
    from ikc_share import services
    from ikc_share.models import Child, FunctionTitle, Guardian, Guardianship, Ikc

    user_model = get_user_model()
    ikc = Ikc.objects.create(name="IKC Benchmark", slug="ikc-bench")
    childcare = services.organisation_create(
        ikc=ikc,
        kind="childcare",
        name="Kinderopvang De Benchmark",
        address="Meetlaan 1",
        postal_code="1234 AB",
        city="Utrecht",
        privacy_email="privacy@opvang.example.nl",
        privacy_officer_name="Henk Mulder",
    )
    school = services.organisation_create(
        ikc=ikc,
        kind="school",
        name="Stichting Basisonderwijs Benchmark",
        address="Meetlaan 3",
        postal_code="1234 AB",
        city="Utrecht",
        privacy_email="fg@school.example.nl",
        privacy_officer_name="Priya Ramdin",
    )
    daycare = services.location_create(organisation=childcare, kind="daycare", name="KDV De Benchmark")
    bso = services.location_create(organisation=childcare, kind="bso", name="BSO De Benchmark")
    for name in ("Leerkracht groep 1-2", "Intern begeleider"):
        FunctionTitle.objects.create(organisation=school, name=name)
    directors = {}
    for key, org in (("opvang", childcare), ("school", school)):
        user = user_model.objects.create(
            username=f"directeur.{key}",
            first_name="Directeur",
            last_name=key.title(),
            email=f"directeur.{key}@example.nl",
        )
        services.membership_invite(
            organisation=org,
            actor=None,
            email=user.email,
            first_name=user.first_name,
            last_name=user.last_name,
            role="director",
        )
        directors[key] = user
    today = datetime.date.today()
    kids = [
        Child(
            organisation=childcare,
            location=daycare if i % 3 else bso,
            first_name=f"Kind{i:03d}",
            last_name="Meetbaar",
            group_name=f"Groep {i % 6}",
            date_of_birth=today - datetime.timedelta(days=1200),
        )
        for i in range(children)
    ]
    Child.objects.bulk_create(kids)
    guardians = []
    for i in range(children):
        for j, first in enumerate(("Sanne", "Mark")):
            guardians.append(
                Guardian(
                    organisation=childcare,
                    first_name=f"{first}{i:03d}",
                    last_name="Meetbaar",
                    email=f"ouder{i}-{j}@example.nl",
                )
            )
    Guardian.objects.bulk_create(guardians)
    kids = list(Child.objects.filter(organisation=childcare).order_by("pk"))
    guardians = list(Guardian.objects.filter(organisation=childcare).order_by("pk"))
    Guardianship.objects.bulk_create(
        [Guardianship(guardian=guardians[2 * i + j], child=kid) for i, kid in enumerate(kids) for j in (0, 1)]
    )
    agreement = Agreement.objects.create(
        ikc=ikc,
        sending_organisation=childcare,
        receiving_organisation=school,
        title="Warme overdracht naar groep 1",
        created_by=directors["opvang"],
    )
    version = AgreementVersion.objects.create(
        agreement=agreement,
        number=1,
        status="active",
        purpose="development_line",
        purpose_explanation="De leerkracht van groep 1 wil goed aansluiten bij wat uw kind al kan.",
        legal_basis="a",
        art9_condition="a",
        method_in_app=True,
        method_meeting=True,
        retention_months=24,
        valid_from=today,
        consent_per_category=True,
        created_by=directors["opvang"],
    )
    categories = list(DataCategory.objects.order_by("order")[:5])
    if not categories:  # the catalogue migration is missing: make a few
        categories = [
            DataCategory.objects.create(
                code=f"bench-{i}",
                name_nl=f"Categorie {i}",
                name_en=f"Category {i}",
                description_nl="Beschrijving.",
                description_en="Description.",
                order=i,
                is_special=i == 3,
            )
            for i in range(5)
        ]
    for cat in categories:
        AgreementItem.objects.create(
            version=version, category=cat, justification="Nodig zodat de school goed kan aansluiten."
        )
    version.receiving_roles.set(FunctionTitle.objects.filter(organisation=school))
    for key, org in (("opvang", childcare), ("school", school)):
        Approval.objects.create(version=version, organisation=org, decided_by=directors[key], decision="approved")
    return version, directors["opvang"]


CPU: dict[str, float] = {}


def _seconds(fn, label: str = "") -> float:
    """Wall-clock seconds of fn(); its CPU seconds go to CPU[label] (steadier on a busy machine)."""
    start, cpu = time.perf_counter(), time.process_time()
    fn()
    if label:
        CPU[label] = CPU.get(label, 0.0) + time.process_time() - cpu
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--letters", type=int, default=500, help="personalised letters in the batch (default 500)")
    parser.add_argument("--repeat", type=int, default=10, help="renders of the generic letter to average")
    args = parser.parse_args()
    children = max(1, args.letters // 2)

    with tempfile.TemporaryDirectory(prefix="ikc-bench-letters-") as tmp:
        t0 = time.perf_counter()
        _configure(Path(tmp))
        from weasyprint import HTML
        from weasyprint.text.fonts import FontConfiguration

        from agreements.letters import batches, content, links, personal, render, selectors, storage
        from agreements.letters.models import Letter, LetterBatch

        version, director = _world(children)
        version = selectors.version_for_letter(version.pk)
        setup = time.perf_counter() - t0

        # 1. The generic letter.
        first_store = _seconds(lambda: storage.letter_generic_ensure(version=version, language="nl", actor=director))
        generic = selectors.generic_letter(version=version, language="nl")
        context = content.letter_context(
            version=version, language="nl", link=links.letter_link(generic_token=generic.public_token)
        )
        renders = [_seconds(lambda: render.render_letter(context), "render") for _ in range(args.repeat)]
        pages = len(__import__("pypdf").PdfReader(generic.file.path).pages)

        # 2. The personalised batch, as the Celery task runs it.
        batch = LetterBatch.objects.create(version=version, language="nl", requested_by=director)
        batch_time = _seconds(lambda: batches.letter_batch_run(batch_id=batch.pk), "batch")
        batch.refresh_from_db()
        assert batch.status == "done", batch.error
        zip_size = batch.file.size

        # 3. The floor: minimal one-page WeasyPrint renders; and, stricter, the same pages
        # sharing one FontConfiguration (as the letters do per thread).
        count = batch.done
        minimal = _seconds(
            lambda: [
                HTML(string=f"<p>Beste ouder {i},</p><p>Dit is een korte brief.</p>").write_pdf() for i in range(count)
            ],
            "minimal",
        )
        fonts = FontConfiguration()
        shared = _seconds(
            lambda: [
                HTML(string=f"<p>Beste ouder {i},</p><p>Dit is een korte brief.</p>").write_pdf(font_config=fonts)
                for i in range(count)
            ],
            "shared",
        )
        one = Letter.objects.filter(version=version, guardian__isnull=False).first()
        assert personal.personal_letter_generic(one) == generic  # the generic letter's bytes, then the cover

    mean = statistics.mean(renders)
    cpu_render = CPU["render"] / args.repeat
    print(
        f"ikc-share letter benchmark ({os.cpu_count()} CPUs, Python {sys.version.split()[0]}, "
        f"load average {os.getloadavg()[0]:.1f}); setup {setup:.1f}s. Wall clock, CPU time in brackets."
    )
    print(
        f"generic letter ({pages} pages, A4): render {mean * 1000:.0f} ms mean [{cpu_render * 1000:.0f} ms CPU], "
        f"{min(renders) * 1000:.0f} ms min over {args.repeat}; first generate+store {first_store * 1000:.0f} ms"
    )
    print(
        f"personalised batch: {count} letters in {batch_time:.1f}s [{CPU['batch']:.1f}s CPU] = "
        f"{batch_time / count * 1000:.0f} ms/letter "
        f"(render + store + audit + progress + ZIP of {zip_size / 1e6:.1f} MB)"
    )
    print(
        f"minimal one-page WeasyPrint: {count} renders in {minimal:.1f}s [{CPU['minimal']:.1f}s CPU] = "
        f"{minimal / count * 1000:.1f} ms/render"
    )
    print(f"ratio batch / minimal: {batch_time / minimal:.2f}x wall, {CPU['batch'] / CPU['minimal']:.2f}x CPU")
    print(
        f"stricter floor, minimal pages sharing one FontConfiguration: {shared / count * 1000:.1f} ms/render; "
        f"ratio batch / that: {batch_time / shared:.2f}x wall, {CPU['batch'] / CPU['shared']:.2f}x CPU"
    )


if __name__ == "__main__":
    main()
