"""Accountability (GDPR art. 5(2)) for privacy officers and directors: the dashboard, the
audit browser with its exports and the chain verifier, the register of processing
activities (art. 30), the retention schedule, the incident register (art. 33) and the
privacy officer's advice notes. Rights requests themselves live in the consent app
(consent/rights.py); the pages here read them through consent/rights_selectors.py.

Module layout (imports flow downwards, no cycles):

    urls → views → services, retention, reports → rules, selectors, sentences → models
    tasks → services, retention, reports
    permissions (who may) ← views; the core's permissions.py underneath
    deadlines (pure date arithmetic) ← consent/rights_services.py and the selectors

Pages that span apps call those apps' selectors (agreements, consent, transfers); the
models here refer to the core's models only (they are imported by ikc_share/models.py).
"""
