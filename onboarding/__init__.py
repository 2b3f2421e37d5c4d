"""Onboarding a real IKC: the operator console (IKC, organisations, locations,
directors), invitations (staff, privacy officers and parents: one mechanism with hashed,
single-use, expiring tokens) and the import of children and guardians from CSV/XLSX.

Module layout (imports flow downwards, no cycles):

    urls → views → services ─┬→ invitations → tasks → delivery, importing
                             └→ ikc_share.services (core) → invitations
    importing → rules, reading, columns, selectors → models
    permissions (who may) ← views; the core's permissions.py underneath

`invitations.py` holds the invitation services apart from `services.py` because the
core's `membership_invite` creates its invitation there; `delivery.py` (e-mail) and
`importing.py` (the dry run and the import itself) are what the Celery tasks call, like
the core's tasks call `ikc_share/mail.py`.
"""
