"""The free texts of a prepared access export, and the handler's review of them (art. 15(4)
GDPR: the right of access must not adversely affect the rights and freedoms of others).

Written texts can name another parent, another child or a member of staff: what happened in
an incident, what a transfer says, the parents' view written on it, the reasons of a
decision. Before the parent can download the export, the director or a privacy contact
reads each of them and keeps it, edits it, or leaves it out; left out, it reads
REDACTED. The rest of the export is structured data about the child and the requester
(the other parent's personal data and decisions are never in it: accountability/rights/export.py).

A text is named by its path in the export (a JSON pointer such as
"/transfers_received/0/content/development_language/going_well"). Pure functions: nothing
here reads the database or writes a file.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

REDACTED = gettext_noop("[weggelaten: rechten en vrijheden van anderen, art. 15 lid 4 AVG]")
MAX_TEXT = 20000


@dataclass(frozen=True)
class FreeText:
    path: tuple[str | int, ...]
    section: str
    label: str
    text: str

    @property
    def pointer(self) -> str:
        return pointer(self.path)


def pointer(path: tuple[str | int, ...]) -> str:
    """RFC 6901: "/a/0/b", with "~" and "/" in a key escaped."""
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in path)


def _leaves(value: Any, path: tuple) -> Iterator[tuple[tuple, str]]:
    """Every non-empty text inside `value` (a transfer's content: categories of fields)."""
    if isinstance(value, str):
        if value.strip():
            yield path, value
    elif isinstance(value, dict):
        for key in sorted(value):
            yield from _leaves(value[key], (*path, key))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _leaves(item, (*path, i))


def free_texts(data: dict[str, Any]) -> list[FreeText]:
    """The texts of the export that someone wrote (not chosen from a list), in the order
    the PDF shows them. Labels in the active language."""
    out: list[FreeText] = []
    for i, o in enumerate(data.get("objections") or []):
        if o.get("decision_reason"):
            out.append(
                FreeText(
                    ("objections", i, "decision_reason"),
                    _("Bezwaren"),
                    _("Uitleg bij de beslissing over het bezwaar tegen %(agreement)s") % {"agreement": o["agreement"]},
                    o["decision_reason"],
                )
            )
    for i, r in enumerate(data.get("restrictions") or []):
        if r.get("lift_reason"):
            out.append(
                FreeText(
                    ("restrictions", i, "lift_reason"),
                    _("Beperkingen van de verwerking"),
                    _("Reden van het opheffen: %(category)s") % {"category": r.get("category_name") or ""},
                    r["lift_reason"],
                )
            )
    for key, section in (
        ("transfers_sent", _("Gedeelde gegevens: verstuurd")),
        ("transfers_received", _("Gedeelde gegevens: ontvangen")),
    ):
        for i, t in enumerate(data.get(key) or []):
            title = f"{t.get('agreement')} v{t.get('version')} · {t.get('other_organisation')}"
            for path, text in _leaves(t.get("content") or {}, (key, i, "content")):
                field = " · ".join(str(p) for p in path[3:])
                out.append(FreeText(path, section, f"{title} · {field}", text))
            if t.get("parents_view"):
                label = f"{title} · {_('Zienswijze van de ouders')}"
                out.append(FreeText((key, i, "parents_view"), section, label, t["parents_view"]))
    for i, incident in enumerate(data.get("incidents") or []):
        if incident.get("what_happened"):
            out.append(
                FreeText(
                    ("incidents", i, "what_happened"),
                    _("Datalekken"),
                    _("Datalek #%(n)s: wat er gebeurde") % {"n": incident.get("number")},
                    incident["what_happened"],
                )
            )
    return out


@dataclass(frozen=True)
class Review:
    """The handler's decisions: the pointers left out, and the edited texts by pointer."""

    redacted: frozenset[str]
    edited: dict[str, str]

    @property
    def counts(self) -> dict[str, int]:
        return {"redacted": len(self.redacted), "edited": len(self.edited)}

    def as_json(self) -> dict[str, Any]:
        return {"redacted": sorted(self.redacted), "edited": dict(sorted(self.edited.items()))}

    @classmethod
    def from_json(cls, value: dict[str, Any] | None) -> Review:
        value = value or {}
        return cls(redacted=frozenset(value.get("redacted") or []), edited=dict(value.get("edited") or {}))


def review_from_answers(texts: list[FreeText], answers: dict[str, str | None]) -> Review:
    """From the review form: per pointer None (leave out) or the text to release. An
    unchanged text is kept; an emptied one is left out. Raises ValueError for a pointer
    that is not one of `texts`."""
    known = {t.pointer: t for t in texts}
    unknown = set(answers) - set(known)
    if unknown:
        raise ValueError(f"unknown texts: {sorted(unknown)}")
    redacted: set[str] = set()
    edited: dict[str, str] = {}
    for key, answer in answers.items():
        answer = (answer or "").replace("\r\n", "\n").strip()  # a browser sends a text area's lines with CRLF
        if not answer:
            redacted.add(key)
        elif answer != known[key].text.replace("\r\n", "\n").strip():
            edited[key] = answer[:MAX_TEXT]
    return Review(redacted=frozenset(redacted), edited=edited)


def _set(data: Any, path: tuple, value: str) -> None:
    for p in path[:-1]:
        data = data[p]
    data[path[-1]] = value


def apply(data: dict[str, Any], texts: list[FreeText], review: Review, *, marker: str) -> dict[str, Any]:
    """A copy of the export with the review applied: left-out texts read `marker`."""
    out = copy.deepcopy(data)
    for t in texts:
        if t.pointer in review.redacted:
            _set(out, t.path, marker)
        elif t.pointer in review.edited:
            _set(out, t.path, review.edited[t.pointer])
    return out
