"""Accountability (GDPR art. 5(2)) for privacy officers and directors: the dashboard, the
audit browser with its exports and the chain verifier, the register of processing
activities (art. 30), the retention schedule, the incident register (art. 33) and the
privacy officer's advice notes. Rights requests live in the consent app (consent/rights.py
and consent/rights_*.py); the pages here read them through consent/rights_selectors.py.

Module layout (imports flow downwards, no cycles):

    urls → views → services → tasks → jobs, retention, accountability.rights.export
                   reports, register → selectors, sentences, transfer_facts → models
    anonymise (the erasure services) ← retention, consent/rights_services.py
    permissions (who may) ← views; the core's permissions.py underneath
    deadlines, schedule (pure rules: art. 12(3) months, 72 hours, retention defaults)
    demo (seed_demo)

Pages that span apps call those apps' selectors (agreements, consent, transfers through
transfer_facts.py); the models here refer to the core's models only (they are imported at
the bottom of ikc_share/models.py).
"""
