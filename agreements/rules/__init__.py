"""Every legal-basis rule of the product, in one package (see README "Rules"). This module
is its public API: `from agreements import rules; rules.check_transfer(...)`.

- bases.py: the questions every other module asks about a legal basis;
- specs.py: the content of a version (`VersionSpec`) and a rule's answer (`RuleMessage`);
- validation.py (with basis_rules.py): is a version valid (`validate_version`);
- changes.py: is a change material (`classify_change`);
- approvals.py: did both directors approve (`approved_by_both`);
- transfers.py (with transfer_checks.py): may a transfer go ahead (`check_transfer`,
  `check_transfers`, `may_proceed_on_silence`, `parents_said_no`);
- contexts.py: is it a transfer under the agreement at all (recipient, role, context:
  emergency, meldcode, child protection, outside the IKC — each with its own route);
- consent.py (with consent_state.py, consent_reasons.py and objections.py): what consent,
  notices, objections and restrictions (art. 18) allow;
- explain.py: the sentences that name the rule that decided;
- purposes.py: what a purpose concerns (direction, kinds of location);
- scope.py: which children of the sender a version concerns (`in_scope`, and the same
  rule as database filters `children_q` and `versions_q`);
- common.py: dates, names and the transfer methods in words.
"""

from agreements.rules import bases, consent, contexts, explain, objections, scope
from agreements.rules.approvals import approved_by_both, current_decisions
from agreements.rules.basis_rules import DEFAULT_VVE_REFERENCE
from agreements.rules.changes import ChangeReport, classify_change
from agreements.rules.common import METHOD_EMAIL, METHOD_IN_APP, METHOD_MEETING, local_date, method_label
from agreements.rules.purposes import is_childcare_to_school, purpose_concerns
from agreements.rules.specs import ERROR, NOTICE, WARNING, ItemSpec, RuleMessage, VersionSpec, errors, spec_from_version
from agreements.rules.transfers import (
    STOPPED_BY_CONSENT,
    STOPPED_BY_OBJECTION,
    TransferQuestion,
    Verdict,
    check_transfer,
    check_transfers,
    may_proceed_on_silence,
    parents_said_no,
)
from agreements.rules.validation import RULES, validate_version

__all__ = [
    "DEFAULT_VVE_REFERENCE",
    "ERROR",
    "METHOD_EMAIL",
    "METHOD_IN_APP",
    "METHOD_MEETING",
    "NOTICE",
    "RULES",
    "STOPPED_BY_CONSENT",
    "STOPPED_BY_OBJECTION",
    "WARNING",
    "ChangeReport",
    "ItemSpec",
    "RuleMessage",
    "TransferQuestion",
    "Verdict",
    "VersionSpec",
    "approved_by_both",
    "bases",
    "check_transfer",
    "check_transfers",
    "classify_change",
    "consent",
    "contexts",
    "explain",
    "current_decisions",
    "errors",
    "is_childcare_to_school",
    "local_date",
    "may_proceed_on_silence",
    "method_label",
    "objections",
    "parents_said_no",
    "purpose_concerns",
    "scope",
    "spec_from_version",
    "validate_version",
]
