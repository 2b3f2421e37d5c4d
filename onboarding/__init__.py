"""Onboarding a real IKC: the operator console (IKC, organisations, locations,
directors), invitations (staff, privacy officers and parents: one mechanism with hashed,
single-use, expiring tokens) and the import of children and guardians from CSV/XLSX.

Module layout (imports flow downwards, no cycles):

    urls → views/ → services ─┬→ invitations → tasks → delivery, importing
                              └→ ikc_share.services (core)
    apps.ready registers invitations.member_invitation_create with the core
    importing → rules/, reading, columns, selectors → models
    importing, delivery → the core's bulk.py / services.py (writes to the core's rows)
    selectors → the core's selectors.py (reads of the core's rows)
    permissions (who may) ← views/; the core's permissions.py underneath

views/ is operator.py (the console), invitations.py and imports.py; rules/ is
parsing.py, checking.py (`check_rows`) and planning.py (`plan_import`).

`invitations.py` holds the invitation services apart from `services.py` because the
core's `membership_invite` creates its invitation there (registered in apps.py; the core
never imports onboarding); `delivery.py` (e-mail) and
`importing.py` (the dry run and the import itself) are what the Celery tasks call, like
the core's tasks call `ikc_share/mail.py`.
"""
