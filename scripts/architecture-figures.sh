#!/usr/bin/env bash
# Figures for issue 15, run from a checkout's root.
py=$(git ls-files -co --exclude-standard '*.py' | grep -v '/migrations/' | sort -u | while read -r f; do [ -f "$f" ] && echo "$f"; done)
echo "python modules over 500 lines (migrations excepted): $(wc -l $py | awk '$2!="total" && $1>500' | wc -l)"
wc -l $py | awk '$2!="total" && $1>500 {print "   ", $1, $2}' | sort -rn
views=$(echo "$py" | grep -E '(^|/)views[^/]*\.py$|/views/')
echo "access decisions raised in views (Http404 / PermissionDenied): $(grep -hE 'raise (Http404|PermissionDenied)' $views | wc -l)"
prod=$(echo "$py" | grep -vE '^(tests|bench)/')
echo "legal-basis comparisons outside agreements/rules: $(grep -nE 'legal_basis *(==|!=|in |not in )|LegalBasis\.[A-Z_]+ *(==|!=)|basis *(==|!=|in |not in ) *\(?LegalBasis|legal_basis__in=\[LegalBasis' $(echo "$prod" | grep -v '^agreements/rules') | grep -v 'choices.py' | wc -l)"
echo "local _errors/_private/_staff_only helpers in views: $(grep -hE '^def _(errors|private|staff_only)\(' $views | wc -l)"
echo "out-of-range id guards (2**63 - 1 outside ikc_share/http.py): $(grep -l '2\*\*63 - 1\|2 \*\* 63' $prod | grep -v 'ikc_share/http.py' | wc -l)"
