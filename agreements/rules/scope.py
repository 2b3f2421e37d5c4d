"""Scope: which children of the SENDING organisation an agreement version concerns.

A version's scope is its locations (of the sending organisation; none chosen: every
location), an age range in whole years (both ends inclusive, either open) and whether it
concerns only children with a VVE programme. Nothing chosen: every child of the sender, as
before scopes existed. Age is measured on the day asked (the Dutch calendar day of `at`),
so a child moves into or out of an age range on its birthday.

The rule is written once here, in three forms that must agree (tests/agreements/
test_scope.py holds them to it):

- `in_scope` / `out_of_scope_reason`: for one child and one version, with the sentence
  that names the scope (check_transfer, a single page);
- `children_q`: a filter on children (or on rows that reach a child, with `prefix`) for one
  version, evaluated by the database (consent rounds, letters, coverage, the dashboard);
- `versions_q`: a filter on versions for one child, evaluated by the database (the parent
  portal, the pages of one child and one version).

agreements/selectors.py offers them to the other apps (`children_concerned`,
`concerning_child`, `concerned_child_ids`).

A child outside the scope is not asked, not sent a letter, not counted, not shown the
agreement in the portal, and `check_transfer` refuses to send its data under the version.
Widening the scope is a material change (earlier consent does not cover it, parents are
asked again); narrowing it is not (agreements/rules/changes.py).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from agreements.choices import Purpose
from agreements.models import AgreementVersion
from agreements.rules.common import join_names, local_date
from agreements.rules.specs import RuleMessage, VersionSpec, error, notice, version_scope_locations

if TYPE_CHECKING:
    from ikc_share.models import Child, Location

OUT_OF_SCOPE = "out_of_scope"

# The youngest and oldest age a scope may name (the children of an IKC are 0-13).
MIN_AGE, MAX_AGE = 0, 18

_Through = AgreementVersion.scope_locations.through


@dataclass(frozen=True)
class Scope:
    """A version's scope as the rules read it. `locations` by name; empty: every location."""

    locations: tuple[Location, ...] = ()
    min_age: int | None = None
    max_age: int | None = None
    vve_only: bool = False

    @property
    def location_ids(self) -> frozenset[int]:
        return frozenset(loc.pk for loc in self.locations)

    @property
    def is_everyone(self) -> bool:
        return not self.locations and self.min_age is None and self.max_age is None and not self.vve_only


def scope_of(version: AgreementVersion) -> Scope:
    """The scope of a saved version (its locations from the prefetch when there is one)."""
    return Scope(
        locations=tuple(version_scope_locations(version)),
        min_age=version.scope_min_age,
        max_age=version.scope_max_age,
        vve_only=version.scope_vve_only,
    )


def scope_of_spec(spec: VersionSpec) -> Scope:
    return Scope(
        locations=tuple(sorted(spec.scope_locations, key=lambda loc: (loc.name, loc.pk))),
        min_age=spec.scope_min_age,
        max_age=spec.scope_max_age,
        vve_only=spec.scope_vve_only,
    )


# --- In words ---------------------------------------------------------------------------


def age_words(min_age: int | None, max_age: int | None) -> str:
    """'van 2 tot en met 4 jaar', 'vanaf 4 jaar', 'tot en met 4 jaar', or ''."""
    if min_age is not None and max_age is not None:
        if min_age == max_age:
            return ngettext("van %(age)s jaar", "van %(age)s jaar", min_age) % {"age": min_age}
        return _("van %(min)s tot en met %(max)s jaar") % {"min": min_age, "max": max_age}
    if min_age is not None:
        return _("vanaf %(min)s jaar") % {"min": min_age}
    if max_age is not None:
        return _("tot en met %(max)s jaar") % {"max": max_age}
    return ""


def describe(scope: Scope, *, sender_name: str = "") -> str:
    """The scope in words, for directors and parents: 'alle kinderen van Kinderopvang X' or
    'kinderen op BSO De Regenboog, van 4 tot en met 12 jaar, met een VVE-programma'."""
    if scope.is_everyone:
        if sender_name:
            return _("alle kinderen van %(org)s") % {"org": sender_name}
        return _("alle kinderen")
    parts = []
    if scope.locations:
        parts.append(_("op %(locations)s") % {"locations": join_names(scope.locations)})
    ages = age_words(scope.min_age, scope.max_age)
    if ages:
        parts.append(ages)
    if scope.vve_only:
        parts.append(_("met een VVE-programma"))
    return _("kinderen %(parts)s") % {"parts": ", ".join(parts)}


def describe_version(version: AgreementVersion) -> str:
    """`describe` for a saved version, naming its sending organisation when it has no limits."""
    return describe(scope_of(version), sender_name=version.agreement.sending_organisation.name)


# --- One child --------------------------------------------------------------------------


def _why_not(scope: Scope, child: Child, day: datetime.date) -> list[str]:
    """What puts the child outside the scope, in words ('staat op KDV X'), or []."""
    why = []
    if scope.locations and child.location_id not in scope.location_ids:
        why.append(_("staat op %(location)s") % {"location": child.location.name})
    age = child.age_on(day)
    if (scope.min_age is not None and age < scope.min_age) or (scope.max_age is not None and age > scope.max_age):
        why.append(ngettext("is %(age)s jaar", "is %(age)s jaar", age) % {"age": age})
    if scope.vve_only and not child.vve_programme:
        why.append(_("volgt geen VVE-programma"))
    return why


def in_scope(version: AgreementVersion, child: Child, at: datetime.datetime) -> bool:
    """Does the version concern this child (a child of its sending organisation) at `at`?
    A child of another organisation is outside every scope of the version."""
    if child.organisation_id != version.agreement.sending_organisation_id:
        return False
    return not _why_not(scope_of(version), child, local_date(at))


def out_of_scope_reason(version: AgreementVersion, child: Child, at: datetime.datetime) -> str:
    """'' when the version concerns the child (of its sending organisation) at `at`; otherwise
    one sentence that names the scope and what puts the child outside it. A child of
    another organisation is check_transfer's own reason (child_not_of_sender), not this."""
    scope = scope_of(version)
    why = _why_not(scope, child, local_date(at))
    if not why:
        return ""
    return _("Deze afspraak geldt alleen voor %(scope)s; dit kind %(why)s.") % {
        "scope": describe(scope),
        "why": join_names(why),
    }


# --- In the database --------------------------------------------------------------------


def years_before(day: datetime.date, years: int) -> datetime.date:
    """The same calendar day `years` earlier (29 February: the 28th in a common year)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def _age_q(min_age: int | None, max_age: int | None, day: datetime.date, prefix: str) -> Q:
    """Children whose age in whole years on `day` is within [min_age, max_age]: aged at
    least n on `day` means born on or before the same day n years earlier."""
    q = Q()
    if min_age is not None:
        q &= Q(**{f"{prefix}date_of_birth__lte": years_before(day, min_age)})
    if max_age is not None:
        q &= Q(**{f"{prefix}date_of_birth__gt": years_before(day, max_age + 1)})
    return q


def children_q(version: AgreementVersion, at: datetime.datetime, *, prefix: str = "") -> Q:
    """The children of the version's sending organisation that it concerns at `at`, as a
    filter on Child (or, with `prefix` such as 'child__', on rows that reach a child). The
    locations are read by the database in the same query (a subquery), never per child."""
    q = Q(**{f"{prefix}organisation_id": version.agreement.sending_organisation_id})
    chosen = _Through.objects.filter(agreementversion_id=version.pk)
    q &= Q(~Exists(chosen)) | Q(**{f"{prefix}location_id__in": chosen.values("location_id")})
    q &= _age_q(version.scope_min_age, version.scope_max_age, local_date(at), prefix)
    if version.scope_vve_only:
        q &= ~Q(**{f"{prefix}vve_programme": ""})
    return q


def versions_q(child: Child, at: datetime.datetime) -> Q:
    """The versions whose scope concerns this child at `at`, as a filter on AgreementVersion.
    Only the scope: the caller also filters on the sending organisation and the status."""
    chosen = _Through.objects.filter(agreementversion_id=OuterRef("pk"))
    here = chosen.filter(location_id=child.location_id)
    age = child.age_on(local_date(at))
    q = Q(~Exists(chosen)) | Q(Exists(here))
    q &= Q(scope_min_age__isnull=True) | Q(scope_min_age__lte=age)
    q &= Q(scope_max_age__isnull=True) | Q(scope_max_age__gte=age)
    if not child.vve_programme:
        q &= Q(scope_vve_only=False)
    return q


# --- Changes ----------------------------------------------------------------------------


def widens(old: Scope, new: Scope) -> bool:
    """Does `new` concern a child that `old` did not? (A location added or every location
    opened up, a lower minimum or higher maximum age or an open end, the VVE limit dropped.)"""
    if old.locations and (not new.locations or new.location_ids - old.location_ids):
        return True
    if old.min_age is not None and (new.min_age is None or new.min_age < old.min_age):
        return True
    if old.max_age is not None and (new.max_age is None or new.max_age > old.max_age):
        return True
    return old.vve_only and not new.vve_only


def same(old: Scope, new: Scope) -> bool:
    return (old.location_ids, old.min_age, old.max_age, old.vve_only) == (
        new.location_ids,
        new.min_age,
        new.max_age,
        new.vve_only,
    )


# --- Validation -------------------------------------------------------------------------


def rule_scope(spec: VersionSpec) -> list[RuleMessage]:
    """The scope names locations of the SENDING organisation only (it is about the children
    the sender holds) and an age range that can hold a child. A VVE handover that is not
    limited to children with a VVE programme gets a notice: its letter and questions
    would reach every parent."""
    sender = spec.sending_organisation
    out = []
    foreign = [loc for loc in spec.scope_locations if loc.organisation_id != sender.pk]
    if foreign:
        out.append(
            error(
                "scope_location_not_at_sender",
                _(
                    "De locatie(s) %(names)s horen niet bij %(sender)s. Een afspraak geldt voor kinderen van de "
                    "verzendende organisatie: kies locaties van %(sender)s."
                )
                % {"names": join_names(foreign), "sender": sender.name},
                "scope_locations",
            )
        )
    ages = [a for a in (spec.scope_min_age, spec.scope_max_age) if a is not None]
    if any(a < MIN_AGE or a > MAX_AGE for a in ages):
        out.append(
            error(
                "scope_age_range",
                _("Een leeftijd voor wie de afspraak geldt ligt tussen %(min)s en %(max)s jaar.")
                % {"min": MIN_AGE, "max": MAX_AGE},
                "scope_min_age",
            )
        )
    elif len(ages) == 2 and spec.scope_min_age > spec.scope_max_age:
        out.append(
            error(
                "scope_age_order",
                _("De leeftijd ‘vanaf’ is hoger dan de leeftijd ‘tot en met’: dan valt geen enkel kind eronder."),
                "scope_max_age",
            )
        )
    if spec.purpose == Purpose.VVE_HANDOVER and not spec.scope_vve_only:
        out.append(
            notice(
                "scope_vve_open",
                _(
                    "Deze VVE-overdracht geldt nu voor alle kinderen. Kies ‘alleen voor kinderen met een "
                    "VVE-programma’, dan krijgen alleen hun ouders de brief."
                ),
                "scope_vve_only",
            )
        )
    return out
