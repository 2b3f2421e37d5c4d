"""Onboarding pages. Thin: permission helper → form → one service → redirect with a message.

operator.py (the operator console), invitations.py (an organisation's invitations and
accepting one), imports.py (importing children and guardians).
"""
