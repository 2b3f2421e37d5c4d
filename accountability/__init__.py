"""Accountability (GDPR art. 5(2)) for privacy officers and directors: the dashboard, the
audit browser with its exports and the chain verifier, the register of processing
activities (art. 30), the retention schedule, the incident register (art. 33) and the
privacy officer's advice notes.

Rights requests (art. 15-22) are a sub-area of this app (accountability/rights/: models,
rules, selectors, services, permissions, forms, views, urls, the access export). They sit
here, above transfers, because answering one needs the register, the incidents, the
transfer facts and erasure across every app.

Module layout (imports flow downwards, no cycles):

    urls → views/ (dashboard, audit, register, retention, incidents) → services → tasks
        → jobs, retention, rights/export → reports, register
        → dashboard → selectors, audit_browser, chain → sentences → audit_names → models
        transfer_facts (the transfers app's rows through its selectors and services)
    anonymise (the core's erasure services) ← retention, rights/services.py
    permissions (who may) ← views; the core's permissions.py underneath
    deadlines, schedule (pure rules: art. 12(3) months, 72 hours, retention defaults)
    demo (seed_demo)

The lower apps' rows are read through their selectors.py (ikc_share, agreements, consent,
transfers) and written through their services.py; the models here refer to theirs by
string ("ikc_share.Child") and take their enums from <app>/choices.py. URL names stay in
the "ikc_share" namespace (and "consent" for the rights requests) they had before the move.
"""
