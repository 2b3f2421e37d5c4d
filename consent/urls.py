"""Routes of the consent app. Parent pages live under /portal/ (the only pages a session
started from an e-mail link may open; see consent/middleware.py); staff pages under
/consent/."""

from django.urls import include, path

from consent.views import portal, portal_login, rounds, staff

app_name = "consent"

urlpatterns = [
    # Parents
    path("portal/", portal.portal_home, name="portal-home"),
    path("portal/login/", portal_login.portal_login, name="portal-login"),
    path("portal/link/", portal_login.portal_link, name="portal-link"),
    path("portal/children/<id:child_pk>/", portal.portal_child, name="portal-child"),
    path("portal/children/<id:child_pk>/agreements/<id:version_pk>/", portal.portal_decide, name="portal-decide"),
    path(
        "portal/children/<id:child_pk>/agreements/<id:version_pk>/withdraw/",
        portal.portal_withdraw,
        name="portal-withdraw",
    ),
    path(
        "portal/children/<id:child_pk>/agreements/<id:version_pk>/object/", portal.portal_object, name="portal-object"
    ),
    path("portal/children/<id:child_pk>/record.<str:fmt>", portal.portal_export, name="portal-export"),
    # Staff of the sending organisation
    path("consent/organisations/<id:org_pk>/", rounds.overview, name="overview"),
    path("consent/versions/<id:version_pk>/", rounds.coverage, name="coverage"),
    path("consent/versions/<id:version_pk>/rounds/new/", rounds.round_start, name="round-start"),
    path("consent/versions/<id:version_pk>/reminders/", rounds.reminder_send, name="reminder-send"),
    path("consent/rounds/<id:pk>/", rounds.round_detail, name="round-detail"),
    path(
        "consent/rounds/<id:pk>/paper/<id:mail_pk>/handed-over/",
        rounds.round_paper_handed_over,
        name="round-paper-handed-over",
    ),
    path(
        "consent/letter-batches/<id:batch_pk>/handed-over/",
        rounds.letter_batch_handed_over,
        name="letter-batch-handed-over",
    ),
    path("consent/children/<id:child_pk>/", staff.child_consent, name="child-consent"),
    path("consent/children/<id:child_pk>/versions/<id:version_pk>/paper/", staff.paper_decision, name="paper-decision"),
    path(
        "consent/children/<id:child_pk>/versions/<id:version_pk>/withdraw/",
        staff.staff_withdraw,
        name="staff-withdraw",
    ),
    path("consent/children/<id:child_pk>/versions/<id:version_pk>/notice/", staff.notice_record, name="notice-record"),
    path("consent/children/<id:child_pk>/record.<str:fmt>", staff.staff_export, name="staff-export"),
    path("consent/objections/<id:pk>/", staff.objection_detail, name="objection-detail"),
    path("consent/children/<id:child_pk>/restrictions/", staff.restriction_record, name="restriction-record"),
    path("consent/restrictions/<id:pk>/lift/", staff.restriction_lift, name="restriction-lift"),
    path("consent/decisions/<id:pk>/scan/", staff.decision_scan, name="decision-scan"),
    path("", include("accountability.rights.urls")),
]
