"""The demo IKC: realistic, idempotent, ages fit the locations, and the chain verifies."""

from __future__ import annotations

import datetime

from django.core.management import call_command
from django.utils import timezone

from ikc_share.audit_verify import verify_chains
from ikc_share.models import AuditEvent, Child, Guardian, Guardianship, Location, Membership, Organisation


def _counts():
    return [m.objects.count() for m in (Organisation, Location, Membership, Child, Guardian, Guardianship, AuditEvent)]


def test_seed_demo_is_idempotent_and_realistic(db):
    call_command("seed_demo")
    first = _counts()
    call_command("seed_demo")
    assert _counts() == first

    childcare = Organisation.objects.get(kind="childcare")
    school = Organisation.objects.get(kind="school")
    assert {loc.kind for loc in childcare.locations.all()} >= {"daycare", "bso"}
    assert 15 <= childcare.children.count() <= 25 and 15 <= school.children.count() <= 25
    today = timezone.localdate()
    for child in Child.objects.select_related("location"):
        low, high = Location.AGE_RANGES[child.location.kind]
        assert low <= child.age_on(today) < high, (child, child.location.kind, child.age_on(today))
        assert child.date_of_birth < today - datetime.timedelta(days=30)
    for org in (childcare, school):
        roles = list(org.memberships.values_list("role", flat=True))
        assert roles.count("director") == 1 and roles.count("privacy_officer") == 1 and roles.count("staff") == 2
        assert org.memberships.filter(role="staff", function_title__isnull=False).count() == 2
    # Some children have two guardians with authority; one guardian has none.
    assert Guardianship.objects.filter(has_parental_authority=False).exists()
    two = [c for c in Child.objects.all() if c.guardianships.filter(has_parental_authority=True).count() == 2]
    assert len(two) >= 5
    # The same parent at both organisations: two Guardian records, one login.
    sanne = Guardian.objects.filter(email="sanne.deboer@example.nl")
    assert sanne.count() == 2 and len({g.user_id for g in sanne}) == 1
    # A person who is a parent AND a staff member.
    tom = Membership.objects.get(user__username="pm.bso").user
    assert Guardian.objects.filter(user=tom).exists()
    assert verify_chains().ok
