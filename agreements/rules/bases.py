"""The questions every other module asks about a legal basis (GDPR art. 6(1)).

No module outside `agreements/rules/` compares `legal_basis` with a letter: it asks one of
these. Each takes an agreement version (anything with `.legal_basis`) or the basis code.
"""

from __future__ import annotations

from agreements.choices import LegalBasis

# Bases under which parents may object (art. 21(1)): public task (e) and legitimate
# interest (f). Nothing is shared while an objection runs or was upheld.
OBJECTION_BASES: tuple[str, ...] = (LegalBasis.PUBLIC_TASK, LegalBasis.LEGITIMATE_INTEREST)
# Bases under which the data subject has the right to data portability (art. 20(1)(a)).
PORTABILITY_BASES: tuple[str, ...] = (LegalBasis.CONSENT, LegalBasis.CONTRACT)
# Bases under which a received copy cannot be erased on request while the duty or task
# still requires it (art. 17(3)(b)).
ERASURE_LIMITED_BASES: tuple[str, ...] = (LegalBasis.LEGAL_DUTY, LegalBasis.PUBLIC_TASK)

# The W3C DPV / ISO/IEC TS 27560 term for each basis, used in the consent record export.
DPV_LEGAL_BASIS = {
    LegalBasis.CONSENT: "eu-gdpr:A6-1-a",
    LegalBasis.CONTRACT: "eu-gdpr:A6-1-b",
    LegalBasis.LEGAL_DUTY: "eu-gdpr:A6-1-c",
    LegalBasis.VITAL_INTEREST: "eu-gdpr:A6-1-d",
    LegalBasis.PUBLIC_TASK: "eu-gdpr:A6-1-e",
    LegalBasis.LEGITIMATE_INTEREST: "eu-gdpr:A6-1-f",
}


def basis_of(version_or_basis: object) -> str:
    """The basis code of a version (or the code itself)."""
    if isinstance(version_or_basis, str):
        return version_or_basis
    return version_or_basis.legal_basis


def asks_consent(version_or_basis: object) -> bool:
    """Consent (a): parents are asked, may refuse, and may withdraw at any time."""
    return basis_of(version_or_basis) == LegalBasis.CONSENT


def allows_objection(version_or_basis: object) -> bool:
    """Public task (e) or legitimate interest (f): parents may object (art. 21)."""
    return basis_of(version_or_basis) in OBJECTION_BASES


def is_legal_duty(version_or_basis: object) -> bool:
    """Legal obligation (c): the law requires the exchange; no consent, no objection."""
    return basis_of(version_or_basis) == LegalBasis.LEGAL_DUTY


def is_contract(version_or_basis: object) -> bool:
    """Performance of a contract (b): only what is strictly needed to perform it."""
    return basis_of(version_or_basis) == LegalBasis.CONTRACT


def allows_portability(version_or_basis: object) -> bool:
    """Consent (a) or contract (b): the right to data portability applies (art. 20)."""
    return basis_of(version_or_basis) in PORTABILITY_BASES


def allows_erasure_of_received(version_or_basis: object) -> bool:
    """Whether a received copy may be erased on request: not while a legal duty (c) or a
    public task (e) still requires it (art. 17(3)(b))."""
    return basis_of(version_or_basis) not in ERASURE_LIMITED_BASES


def dpv_legal_basis(version_or_basis: object) -> str:
    """The DPV term of the basis, for the consent record export."""
    return DPV_LEGAL_BASIS[basis_of(version_or_basis)]


def consent_bases() -> list[str]:
    """For a query: `legal_basis__in=consent_bases()`."""
    return [LegalBasis.CONSENT]


def objection_bases() -> list[str]:
    """For a query: `legal_basis__in=objection_bases()`."""
    return list(OBJECTION_BASES)


def letter_flags(version_or_basis: object) -> dict[str, bool]:
    """What a page or letter says about the basis: consent asked, objection possible,
    portability applies."""
    return {
        "is_consent": asks_consent(version_or_basis),
        "may_object": allows_objection(version_or_basis),
        "has_portability": allows_portability(version_or_basis),
    }
