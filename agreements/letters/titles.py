"""Function titles in the English letter. An organisation keeps its catalogue of function
titles in Dutch ("Leerkracht groep 1-2", "Intern begeleider"); the English letter names the
receiving roles in English, so that it holds no Dutch role names. The usual titles of
childcare and primary schools are known here; a title we do not know is described, not
printed in Dutch.
"""

from __future__ import annotations

import re

UNKNOWN_TITLE = "Another role (the Dutch letter gives its title)"

# Lower case, spaces collapsed. Longest first is not needed: whole titles are matched.
KNOWN = {
    "pedagogisch medewerker": "childcare practitioner",
    "pedagogisch medewerker bso": "out-of-school care practitioner",
    "pedagogisch medewerker peuteropvang": "pre-school practitioner",
    "pedagogisch medewerker dagopvang": "day care practitioner",
    "pedagogisch beleidsmedewerker": "pedagogical policy officer",
    "pedagogisch coach": "pedagogical coach",
    "pedagogisch beleidsmedewerker / coach": "pedagogical policy officer and coach",
    "locatiemanager": "site manager",
    "vestigingsmanager": "site manager",
    "teamleider": "team leader",
    "directeur": "director",
    "directeur kinderopvang": "director of the childcare organisation",
    "directeur basisschool": "head teacher of the primary school",
    "directeur school": "head teacher",
    "schoolleider": "head teacher",
    "adjunct-directeur": "deputy head teacher",
    "bovenschools directeur": "director of the school board",
    "leerkracht": "teacher",
    "groepsleerkracht": "class teacher",
    "intern begeleider": "special educational needs coordinator",
    "ib'er": "special educational needs coordinator",
    "onderwijsassistent": "teaching assistant",
    "klassenassistent": "classroom assistant",
    "remedial teacher": "remedial teacher",
    "gedragsspecialist": "behaviour specialist",
    "zorgcoördinator": "care coordinator",
    "vve-coördinator": "early childhood education coordinator",
    "taalcoördinator": "language coordinator",
    "administratief medewerker": "administrative assistant",
    "functionaris gegevensbescherming": "data protection officer",
    "privacy officer": "privacy officer",
    "aandachtsfunctionaris": "safeguarding officer",
    "jeugdarts": "youth health doctor",
    "jeugdverpleegkundige": "youth health nurse",
    "schoolmaatschappelijk werker": "school social worker",
    "logopedist": "speech therapist",
}

# "Leerkracht groep 1-2", "leerkracht groep 3", "Leerkracht groepen 1/2".
_TEACHER = re.compile(r"^(?:groeps)?leerkracht groep(?:en)? (\d{1,2})(?:\s*(?:-|–|/|en)\s*(\d{1,2}))?$")
_TRAILING_GROUP = re.compile(r"^(.*\S) groep(?:en)? (\d{1,2})(?:\s*(?:-|–|/|en)\s*(\d{1,2}))?$")


def _norm(title: str) -> str:
    return " ".join(title.replace("’", "'").lower().split())


def _groups(first: str, last: str | None) -> str:
    return f"groups {first}–{last}" if last else f"group {first}"


def title_en(title: str) -> str:
    """The English name of a Dutch function title, e.g. "Leerkracht groep 1-2" → "Teacher of
    groups 1–2". A title that is neither known nor already English is not printed in Dutch:
    the letter points to the Dutch letter, which names it."""
    key = _norm(title)
    if key in KNOWN:
        return KNOWN[key][0].upper() + KNOWN[key][1:]
    match = _TEACHER.match(key)
    if match:
        return f"Teacher of {_groups(match.group(1), match.group(2))}"
    match = _TRAILING_GROUP.match(key)
    if match and match.group(1) in KNOWN:
        name = KNOWN[match.group(1)]
        return f"{name[0].upper()}{name[1:]} for {_groups(match.group(2), match.group(3))}"
    if key.isascii() and _looks_english(key):
        return title
    return UNKNOWN_TITLE


# A title that is already English (an organisation may keep some titles in English).
_ENGLISH_WORDS = {"teacher", "assistant", "coordinator", "manager", "officer", "director", "coach", "specialist"}


def _looks_english(key: str) -> bool:
    return any(word in _ENGLISH_WORDS for word in re.split(r"[\s/-]+", key))
