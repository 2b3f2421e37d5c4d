"""Restriction of processing (GDPR art. 18), per data category: recorded and lifted with an
audit event of ids and codes only; refused with a clear message (and nothing changed) without
a category, for a category already restricted, or for someone without parental authority;
the database holds the invariants too; the rules' facts at a moment (before, during, after);
who may record, lift and see it; the parent portal and the access export show it."""

from __future__ import annotations

import datetime
import io
import json

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import formats, timezone
from pypdf import PdfReader

from accountability.rights import export as rights_export
from consent import selectors, services
from consent.models import ProcessingRestriction
from ikc_share.models import AuditEvent, Guardian, Membership
from tests.builders import access_request, agreement_version, category, fake_letter, guardian, other_family_child


@pytest.fixture
def version(world):
    v = agreement_version(world)  # identification, development_language, health
    fake_letter(v, "nl")
    return v


def _sanne(world):
    return guardian(world, world.child_daycare, "Sanne")


def _record(world, codes=("development_language",), *, by=None, actor="director_childcare", **kw):
    return services.restriction_record(
        child=world.child_daycare,
        categories=[category(c) for c in codes],
        requested_by=by or _sanne(world),
        reason=kw.pop("reason", "Sanne vraagt een correctie van het taalverslag."),
        actor=world.user(actor),
        **kw,
    )


def _payload(event: AuditEvent) -> dict:
    return json.loads(event.payload)


def _day(dt: datetime.datetime) -> str:
    return formats.date_format(timezone.localtime(dt), "j F Y")


# --- Services -------------------------------------------------------------------------------------


def test_record_and_lift_with_audit_events_of_ids_and_codes(world):
    restrictions = _record(world, ("identification", "development_language"))
    assert [r.category.code for r in restrictions] == ["identification", "development_language"]
    first = restrictions[0]
    assert first.requested_by == _sanne(world) and first.recorded_by == world.user("director_childcare")
    assert first.lifted_at is None and first.started_at <= timezone.now()

    (event,) = AuditEvent.objects.filter(action="restriction.recorded")
    assert event.chain == f"org-{world.childcare.pk}" and event.child_ref == world.child_daycare.pk
    assert _payload(event) == {
        "child": world.child_daycare.pk,
        "guardian": _sanne(world).pk,
        "categories": ["identification", "development_language"],
        "restrictions": [r.pk for r in restrictions],
    }
    for text in ("Sanne", "de Boer", "Noah", "taalverslag"):  # no names, no free text
        assert text not in event.canonical

    lifted = services.restriction_lift(
        restriction=first, actor=world.user("director_childcare"), reason="De correctie is verwerkt; Sanne weet het."
    )
    assert lifted.lifted_at is not None and lifted.lifted_by == world.user("director_childcare")
    assert lifted.lift_reason.startswith("De correctie")
    assert ProcessingRestriction.objects.count() == 2  # recorded, never deleted
    (lift,) = AuditEvent.objects.filter(action="restriction.lifted")
    assert _payload(lift) == {
        "child": world.child_daycare.pk,
        "categories": ["identification"],
        "restrictions": [first.pk],
    }
    assert "Sanne" not in lift.canonical and "correctie" not in lift.canonical
    # Lifted: the category may be restricted again.
    (again,) = _record(world, ("identification",))
    assert again.pk != first.pk


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("no_category", "Kies minstens één gegevenscategorie"),
        ("already", "al beperkt voor: Ontwikkeling: taal"),
        ("no_authority", "Alleen een ouder of verzorger met ouderlijk gezag"),
        ("other_organisation", "Alleen een ouder of verzorger met ouderlijk gezag"),
        ("other_family", "Alleen een ouder of verzorger met ouderlijk gezag"),
        ("nobody", "Kies de ouder of verzorger"),
        ("future", "niet in de toekomst"),
    ],
)
def test_record_is_refused_with_a_clear_message_and_nothing_changes(world, erik, case, message):
    _record(world, ("development_language",))
    before = (ProcessingRestriction.objects.count(), AuditEvent.objects.count())
    by = {
        "no_authority": erik,
        "other_organisation": Guardian.objects.get(organisation=world.school, user=world.user("parent_a")),
        "other_family": other_family_child(world).guardianships.get().guardian,
    }.get(case)
    kwargs = {
        "no_category": {"codes": ()},
        "already": {"codes": ("identification", "development_language")},
        "future": {"at": timezone.now() + datetime.timedelta(days=1)},
    }.get(case, {})
    with pytest.raises(ValidationError) as exc:
        if case == "nobody":
            services.restriction_record(
                child=world.child_daycare,
                categories=[category("identification")],
                requested_by=None,
                reason="",
                actor=world.user("director_childcare"),
            )
        else:
            _record(world, kwargs.pop("codes", ("identification",)), by=by, **kwargs)
    assert message in " ".join(exc.value.messages)
    assert (ProcessingRestriction.objects.count(), AuditEvent.objects.count()) == before


def test_lift_is_refused_twice_without_a_reason_or_before_the_start(world):
    start = timezone.now() - datetime.timedelta(days=3)
    (r,) = _record(world, at=start)
    director = world.user("director_childcare")
    for kwargs, message in [
        ({"reason": "  "}, "Schrijf op waarom"),
        ({"reason": "Klaar.", "at": start - datetime.timedelta(hours=1)}, "vóór het moment"),
    ]:
        with pytest.raises(ValidationError, match=message):
            services.restriction_lift(restriction=r, actor=director, **kwargs)
    r.refresh_from_db()
    assert r.lifted_at is None and not AuditEvent.objects.filter(action="restriction.lifted").exists()
    services.restriction_lift(restriction=r, actor=director, reason="Klaar.")
    with pytest.raises(ValidationError, match="al opgeheven"):
        services.restriction_lift(restriction=r, actor=director, reason="Nog eens.")
    assert AuditEvent.objects.filter(action="restriction.lifted").count() == 1


def test_the_database_holds_one_restriction_in_force_and_lifting_after_the_start(world):
    (r,) = _record(world)
    with pytest.raises(IntegrityError), transaction.atomic():
        ProcessingRestriction.objects.create(child=r.child, category=r.category, requested_by=r.requested_by)
    with pytest.raises(IntegrityError), transaction.atomic():
        ProcessingRestriction.objects.filter(pk=r.pk).update(
            lifted_at=r.started_at - datetime.timedelta(seconds=1), lift_reason="Te vroeg."
        )
    with pytest.raises(IntegrityError), transaction.atomic():  # lifted without a reason
        ProcessingRestriction.objects.filter(pk=r.pk).update(lifted_at=timezone.now())
    ProcessingRestriction.objects.filter(pk=r.pk).update(lifted_at=timezone.now(), lift_reason="Klaar.")
    ProcessingRestriction.objects.create(child=r.child, category=r.category)  # lifted: a new one may start


# --- The rules' facts ------------------------------------------------------------------------------


def test_facts_hold_the_restrictions_in_force_at_the_moment_asked(world, version):
    now = timezone.now()
    start, lift = now - datetime.timedelta(days=10), now - datetime.timedelta(days=2)
    (r,) = _record(world, ("development_language",), at=start)
    (other,) = services.restriction_record(
        child=world.child_bso,
        categories=[category("health")],
        requested_by=guardian(world, world.child_bso, "Mark"),
        reason="",
        actor=world.user("director_childcare"),
        at=start,
    )
    services.restriction_lift(restriction=r, actor=world.user("director_childcare"), reason="Klaar.", at=lift)

    def facts_at(at):
        return selectors.consent_facts(children=[world.child_daycare], version=version, at=at)[world.child_daycare.pk]

    assert facts_at(start - datetime.timedelta(minutes=1)).restrictions == []
    (fact,) = facts_at(start).restrictions
    assert (fact.pk, fact.category_id, fact.since) == (r.pk, category("development_language").pk, start)
    assert [f.pk for f in facts_at(lift - datetime.timedelta(seconds=1)).restrictions] == [r.pk]
    assert facts_at(lift).restrictions == []  # lifted_at is the first moment it no longer holds
    assert facts_at(now).restrictions == []

    # One query for the restrictions of every pair, whatever their number.
    pairs = [(world.child_daycare, version), (world.child_bso, version)]
    with CaptureQueriesContext(connection) as ctx:
        facts = selectors.consent_facts_for_pairs(pairs=pairs, at=now)
    assert sum("consent_processingrestriction" in q["sql"] for q in ctx.captured_queries) == 1
    assert [f.pk for f in facts[world.child_bso.pk, version.pk].restrictions] == [other.pk]


def test_restrictions_of_child_with_or_without_the_lifted_ones(world):
    first, second = _record(world, ("identification", "development_language"))
    services.restriction_lift(restriction=first, actor=world.user("director_childcare"), reason="Klaar.")
    assert {r.pk for r in selectors.restrictions_of_child(child=world.child_daycare)} == {first.pk, second.pk}
    assert [r.pk for r in selectors.restrictions_of_child(child=world.child_daycare, include_lifted=False)] == [
        second.pk
    ]


# --- Staff pages and permissions ----------------------------------------------------------------------


def _record_url(world):
    return reverse("consent:restriction-record", args=[world.child_daycare.pk])


def _form(world, *codes, by=None):
    return {
        "categories": [category(c).pk for c in codes],
        "requested_by": (by or _sanne(world)).pk,
        "reason": "Correctie gevraagd.",
    }


def test_director_records_and_lifts_on_the_child_page(world, version, login):
    client = login(world.user("director_childcare"))
    page = client.get(reverse("consent:child-consent", args=[world.child_daycare.pk])).content.decode()
    assert "Beperkingen van de verwerking" in page and "Er gelden geen beperkingen." in page
    assert _record_url(world) in page and "Gezondheid" in page  # the agreement's categories to choose from

    response = client.post(_record_url(world), _form(world, "development_language", "health"))
    assert response.status_code == 302
    assert response.url == reverse("consent:child-consent", args=[world.child_daycare.pk])
    restrictions = list(ProcessingRestriction.objects.order_by("category__order"))
    assert len(restrictions) == 2 and all(r.recorded_by == world.user("director_childcare") for r in restrictions)
    page = client.get(response.url).content.decode()
    assert "Sanne de Boer" in page and "Correctie gevraagd." in page
    assert reverse("consent:restriction-lift", args=[restrictions[0].pk]) in page

    response = client.post(
        reverse("consent:restriction-lift", args=[restrictions[0].pk]), {"reason": "De correctie is verwerkt."}
    )
    assert response.status_code == 302
    restrictions[0].refresh_from_db()
    assert restrictions[0].lifted_at is not None
    page = client.get(response.url).content.decode()
    assert "Opgeheven beperkingen" in page and "De correctie is verwerkt." in page


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (lambda w: {"requested_by": _sanne(w).pk}, "Kies minstens één gegevenscategorie"),
        (lambda w: {**_form(w, "identification"), "requested_by": ""}, "Kies de ouder of verzorger"),
        (lambda w: {**_form(w, "identification"), "categories": ["abc", "99999999999999999999999"]}, "geldige keuze"),
        (lambda w: {**_form(w, "identification"), "requested_by": "99999999999999999999999"}, "geldige keuze"),
        (lambda w: _form(w, "identification", "development_language"), "al beperkt voor: Ontwikkeling: taal"),
    ],
)
def test_bad_input_gets_a_clear_message_and_changes_nothing(world, version, login, data, message):
    _record(world, ("development_language",))
    client = login(world.user("director_childcare"))  # signing in is audited too
    posted = data(world)
    before = (ProcessingRestriction.objects.count(), AuditEvent.objects.count())
    response = client.post(_record_url(world), posted)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert (ProcessingRestriction.objects.count(), AuditEvent.objects.count()) == before


def test_a_guardian_without_authority_cannot_be_chosen(world, version, login, erik):
    client = login(world.user("director_childcare"))
    response = client.post(_record_url(world), _form(world, "identification", by=erik))
    assert response.status_code == 200 and "geldige keuze" in response.content.decode()
    assert not ProcessingRestriction.objects.exists()


def test_lift_without_a_reason_changes_nothing(world, login):
    (r,) = _record(world)
    client = login(world.user("director_childcare"))
    response = client.post(reverse("consent:restriction-lift", args=[r.pk]), {"reason": ""}, follow=True)
    assert "Schrijf op waarom de beperking wordt opgeheven" in response.content.decode()
    r.refresh_from_db()
    assert r.lifted_at is None
    response = client.post(reverse("consent:restriction-lift", args=[r.pk]), {"reason": "Klaar."})
    response = client.post(reverse("consent:restriction-lift", args=[r.pk]), {"reason": "Nog eens."}, follow=True)
    assert "al opgeheven" in response.content.decode()


def test_a_privacy_contact_may_record_and_lift(world, version, login):
    Membership.objects.filter(user=world.user("staff_childcare")).update(is_privacy_contact=True)
    client = login(world.user("staff_childcare"))
    assert client.post(_record_url(world), _form(world, "identification")).status_code == 302
    (r,) = ProcessingRestriction.objects.all()
    assert client.post(reverse("consent:restriction-lift", args=[r.pk]), {"reason": "Klaar."}).status_code == 302


@pytest.mark.parametrize(
    ("member", "page", "change"),
    [
        ("po_childcare", 200, 403),  # sees, advises, decides nothing
        ("staff_childcare", 200, 403),  # sees on the child page, not a privacy contact
        ("director_school", 404, 404),  # the other organisation
        ("staff_school", 404, 404),
        ("parent_a", 404, 404),  # a parent: staff pages do not exist for them
        ("stranger", 404, 404),
    ],
)
def test_who_sees_and_who_may_change(world, version, login, member, page, change):
    (r,) = _record(world, ("development_language",))
    client = login(world.user(member))
    response = client.get(reverse("consent:child-consent", args=[world.child_daycare.pk]))
    assert response.status_code == page
    if page == 200:
        text = response.content.decode()
        assert "Beperkingen van de verwerking" in text and "Ontwikkeling: taal" in text
        assert _record_url(world) not in text and "Beperking opheffen" not in text
    assert client.post(_record_url(world), _form(world, "identification")).status_code == change
    lift = client.post(reverse("consent:restriction-lift", args=[r.pk]), {"reason": "Klaar."})
    assert lift.status_code == change
    r.refresh_from_db()
    assert r.lifted_at is None and ProcessingRestriction.objects.count() == 1


# --- Parent portal and access export ---------------------------------------------------------------


def test_the_portal_shows_restrictions_in_force_and_lifted(world, version, login):
    in_force, lifted = _record(world, ("identification", "development_language"))
    services.restriction_lift(
        restriction=lifted, actor=world.user("director_childcare"), reason="De correctie is verwerkt."
    )
    lifted.refresh_from_db()
    page = login(world.user("parent_b")).get(reverse("consent:portal-child", args=[world.child_daycare.pk]))
    text = page.content.decode()
    assert f"Beperking van de verwerking sinds {_day(in_force.started_at)}: {category('identification').name}" in text
    assert (
        f"Beperking van de verwerking van {_day(lifted.started_at)} tot {_day(lifted.lifted_at)}: "
        f"{category('development_language').name} (opgeheven)"
    ) in text
    assert "De correctie is verwerkt." in text


def test_the_portal_without_restrictions_says_so(world, version, login):
    page = login(world.user("parent_a")).get(reverse("consent:portal-child", args=[world.child_daycare.pk]))
    assert "Er gelden geen beperkingen." in page.content.decode()


@pytest.mark.pdf
def test_the_access_export_lists_the_restrictions(world, version):
    in_force, lifted = _record(world, ("identification", "development_language"))
    services.restriction_lift(restriction=lifted, actor=world.user("director_childcare"), reason="Verwerkt.")
    (mark_s,) = services.restriction_record(
        child=world.child_daycare,
        categories=[category("health")],
        requested_by=guardian(world, world.child_daycare, "Mark"),
        reason="Mark wil dit niet gedeeld zien.",
        actor=world.user("director_childcare"),
    )
    data = rights_export.access_export(request=access_request(world))  # Sanne asks
    rows = {r["category"]: r for r in data["restrictions"]}
    assert set(rows) == {"identification", "development_language", "health"}
    assert rows["identification"]["lifted_at"] is None and rows["identification"]["by"] == "you"
    assert rows["identification"]["since"] == in_force.started_at.astimezone(datetime.UTC).isoformat().replace(
        "+00:00", "Z"
    )
    assert rows["development_language"]["lifted_at"] and rows["development_language"]["lift_reason"] == "Verwerkt."
    assert rows["health"]["by"] == "another guardian" and rows["health"]["reason"] is None  # art. 15(4)
    assert "Mark" not in json.dumps(data["restrictions"])

    pdf = rights_export.export_pdf(data=data)
    text = " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages).split())
    assert "Beperkingen van de verwerking" in text and "nee, geldt nog" in text
    for code in ("identification", "health"):
        assert category(code).name in text
    assert "Mark" not in text and mark_s.reason not in text
