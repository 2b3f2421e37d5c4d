"""The benchmark's sessions (written straight into the session table) and the pages it measures."""

from __future__ import annotations

import secrets
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from bench.measure.targets import (
    OUT,
)

# --- Sessions and targets ---------------------------------------------------------------------------


def session_cookie(user, csrf: str) -> str:
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.set_expiry(24 * 3600)
    store.save()
    return f"sessionid={store.session_key}; csrftoken={csrf}"


@dataclass
class Page:
    key: str
    label: str
    path: str
    cookie: str = ""
    script: str = "get.lua"
    env: dict = field(default_factory=dict)
    method: str = "GET"
    note: str = ""


@dataclass
class Plan:
    pages: list[Page]
    consent_file: Path | None
    bench_org: int
    receiver_org: int
    po_cookie: str
    audit_child: int
    skipped: list[str]
    users: dict


def plan(consent_parents: int) -> Plan:
    from django.contrib.auth import get_user_model
    from django.urls import NoReverseMatch, reverse

    from agreements.letters.models import Letter
    from agreements.models import AgreementVersion
    from bench.scale.seed import BENCH_USERNAMES
    from ikc_share.models import AuditEvent, Child, Guardianship, Membership

    user_model = get_user_model()
    users = {role: user_model.objects.filter(username=name).first() for role, name in BENCH_USERNAMES.items()}
    missing = [BENCH_USERNAMES[r] for r, u in users.items() if u is None]
    if missing:
        raise SystemExit(f"The benchmark users are missing ({', '.join(missing)}): run manage.py seed_scale first.")
    csrf = secrets.token_hex(16)  # 32 characters: Django accepts the unmasked secret as the form token
    cookies = {role: session_cookie(u, csrf) for role, u in users.items()}
    bench_org = Membership.objects.get(user=users["director"]).organisation_id
    receiver_org = Membership.objects.get(user=users["receiver"]).organisation_id
    skipped: list[str] = []

    def url(name: str, **kwargs) -> str | None:
        try:
            return reverse(name, kwargs=kwargs)
        except NoReverseMatch:
            skipped.append(name)
            return None

    # A child at the staff member's location (daycare) that has consent decisions and transfers.
    staff_child = (
        Child.objects.filter(location__memberships__user=users["staff"], transfers__isnull=False)
        .exclude(guardianships__guardian__user=users["parent"])
        .order_by("pk")
        .first()
    )
    # The child with the most events in the bench organisation's trail (a real filter).
    audit_child = (
        AuditEvent.objects.filter(organisation_id=bench_org, child_ref__isnull=False, action="child.viewed")
        .values_list("child_ref", flat=True)
        .order_by("child_ref")
        .first()
    )
    pages = [
        Page("healthz", "trivial view /healthz (anonymous)", "/healthz"),
        Page("healthz_session", "trivial view /healthz with a parent's session cookie", "/healthz", cookies["parent"]),
        Page("portal", "parent portal (start page)", url("consent:portal-home"), cookies["parent"]),
    ]
    # Consent submissions: each POST by another parent of the bench organisation, alternating yes / no.
    version = (
        AgreementVersion.objects.filter(agreement__sending_organisation_id=bench_org, status="active")
        .order_by("pk")
        .first()
    )
    letter = Letter.objects.filter(version=version, language="nl", guardian__isnull=True, is_draft=False).first()
    consent_file = None
    if version is not None and letter is not None:
        ships = (
            Guardianship.objects.filter(
                child__organisation_id=bench_org,
                guardian__organisation_id=bench_org,
                guardian__user__isnull=False,
                has_parental_authority=True,
            )
            .exclude(guardian__user=users["parent"])
            .exclude(child=staff_child)
            .select_related("guardian__user")
            .order_by("child_id", "pk")[:consent_parents]
        )
        lines = []
        for ship in ships:
            cookie = session_cookie(ship.guardian.user, csrf)
            path = reverse("consent:portal-decide", kwargs={"child_pk": ship.child_id, "version_pk": version.pk})
            body = urllib.parse.urlencode({"csrfmiddlewaretoken": csrf, "letter": letter.pk})
            lines.append(f"{cookie}\t{path}\t{body}")
        OUT.mkdir(parents=True, exist_ok=True)
        consent_file = OUT / "consent_entries.tsv"
        consent_file.write_text("\n".join(lines) + "\n")
        pages.append(
            Page(
                "consent",
                f"consent submission (POST with CSRF; {len(lines)} parents, yes/no in turn)",
                lines[0].split("\t")[1],
                script="consent.lua",
                env={"BENCH_CONSENT": str(consent_file)},
                method="POST",
            )
        )
    else:
        skipped.append("consent submission (no active version with a stored generic letter)")
    if staff_child is not None:
        pages.append(
            Page(
                "child",
                "staff child page with its verdicts",
                url("ikc_share:child-detail", pk=staff_child.pk),
                cookies["staff"],
            )
        )
    pages.append(
        Page(
            "inbox",
            "transfer inbox (receiving school)",
            url("transfers:inbox", org_pk=receiver_org),
            cookies["receiver"],
        )
    )
    pages.append(
        Page(
            "dashboard",
            "privacy officer's dashboard",
            url("ikc_share:privacy-dashboard", org_pk=bench_org),
            cookies["privacy_officer"],
        )
    )
    audit = url("ikc_share:organisation-audit", org_pk=bench_org)
    if audit:
        pages += [
            Page(
                "audit_filtered",
                f"audit browser, filtered by child {audit_child}",
                f"{audit}?child={audit_child}",
                cookies["privacy_officer"],
            ),
            Page("audit_first", "audit browser, first page", audit, cookies["privacy_officer"]),
        ]
    pages = [p for p in pages if p.path]
    return Plan(pages, consent_file, bench_org, receiver_org, cookies["privacy_officer"], audit_child, skipped, users)
