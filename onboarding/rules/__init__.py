"""The import's decisions, each with a message a director can act on.

`check_rows` turns the rows of a file into validated children with their guardians and
lists every problem with its row number (the header is row 1, as in Excel).
`plan_import` compares them with what the organisation already holds and decides what
is created, updated or left unchanged; it writes nothing (importing.py does).

Matching rules:
- a child by the organisation's own number (external_id); a file never touches a child
  of another organisation;
- a guardian within the organisation by e-mail address (and by name when two people
  share one address); a guardian without e-mail address by name among the child's
  existing guardians;
- fields that are not mapped are left as they are; an e-mail address is never erased.

Modules: parsing.py (small parsers and the shapes of checked rows), checking.py
(`check_rows`), planning.py (`plan_import` and what it compares with). This package
re-exports the names the rest of the app uses; the others stay in their module.
"""

from onboarding.rules.checking import check_rows
from onboarding.rules.parsing import Checked, LocationInfo, looks_like_bsn, name_key, parse_date, split_name
from onboarding.rules.planning import Existing, Plan, plan_import

__all__ = [
    "Checked",
    "Existing",
    "LocationInfo",
    "Plan",
    "check_rows",
    "looks_like_bsn",
    "name_key",
    "parse_date",
    "plan_import",
    "split_name",
]
