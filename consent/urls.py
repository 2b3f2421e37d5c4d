"""Routes of the consent app. Parent pages live under /portal/ (the only pages a session
started from an e-mail link may open; see consent/middleware.py); staff pages under
/consent/."""

from django.urls import include, path

from consent import views

app_name = "consent"

urlpatterns = [
    # Parents
    path("portal/", views.portal_home, name="portal-home"),
    path("portal/login/", views.portal_login, name="portal-login"),
    path("portal/link/", views.portal_link, name="portal-link"),
    path("portal/children/<id:child_pk>/", views.portal_child, name="portal-child"),
    path("portal/children/<id:child_pk>/agreements/<id:version_pk>/", views.portal_decide, name="portal-decide"),
    path(
        "portal/children/<id:child_pk>/agreements/<id:version_pk>/withdraw/",
        views.portal_withdraw,
        name="portal-withdraw",
    ),
    path("portal/children/<id:child_pk>/agreements/<id:version_pk>/object/", views.portal_object, name="portal-object"),
    path("portal/children/<id:child_pk>/record.<str:fmt>", views.portal_export, name="portal-export"),
    # Staff of the sending organisation
    path("consent/organisations/<id:org_pk>/", views.overview, name="overview"),
    path("consent/versions/<id:version_pk>/", views.coverage, name="coverage"),
    path("consent/versions/<id:version_pk>/rounds/new/", views.round_start, name="round-start"),
    path("consent/versions/<id:version_pk>/reminders/", views.reminder_send, name="reminder-send"),
    path("consent/rounds/<id:pk>/", views.round_detail, name="round-detail"),
    path(
        "consent/rounds/<id:pk>/paper/<id:mail_pk>/handed-over/",
        views.round_paper_handed_over,
        name="round-paper-handed-over",
    ),
    path(
        "consent/letter-batches/<id:batch_pk>/handed-over/",
        views.letter_batch_handed_over,
        name="letter-batch-handed-over",
    ),
    path("consent/children/<id:child_pk>/", views.child_consent, name="child-consent"),
    path("consent/children/<id:child_pk>/versions/<id:version_pk>/paper/", views.paper_decision, name="paper-decision"),
    path(
        "consent/children/<id:child_pk>/versions/<id:version_pk>/withdraw/",
        views.staff_withdraw,
        name="staff-withdraw",
    ),
    path("consent/children/<id:child_pk>/versions/<id:version_pk>/notice/", views.notice_record, name="notice-record"),
    path("consent/children/<id:child_pk>/record.<str:fmt>", views.staff_export, name="staff-export"),
    path("consent/objections/<id:pk>/", views.objection_detail, name="objection-detail"),
    path("consent/decisions/<id:pk>/scan/", views.decision_scan, name="decision-scan"),
    path("", include("accountability.rights.urls")),
]
