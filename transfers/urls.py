"""Routes of the transfers (namespace "transfers", included from ikc_share/urls.py).
Staff pages under /transfers/; the parents' pages under /portal/ (the only pages a session
started from an e-mail link may open, see consent/middleware.py)."""

from django.urls import path

from transfers import views

app_name = "transfers"

urlpatterns = [
    # Staff of the sending organisation
    path("transfers/guide/", views.guide_page, name="guide"),
    path("transfers/organisations/<id:org_pk>/", views.transfer_list, name="transfer-list"),
    path("transfers/children/<id:child_pk>/", views.child_transfers, name="child-transfers"),
    path("transfers/children/<id:child_pk>/versions/<id:version_pk>/new/", views.compose, name="compose"),
    path(
        "transfers/children/<id:child_pk>/versions/<id:version_pk>/meeting/",
        views.meeting_record,
        name="meeting-record",
    ),
    path("transfers/<id:pk>/", views.transfer_detail, name="transfer-detail"),
    path("transfers/<id:pk>/edit/", views.transfer_edit, name="transfer-edit"),
    path("transfers/<id:pk>/attachments/", views.attachment_add, name="attachment-add"),
    path("transfers/<id:pk>/attachments/<id:attachment_pk>/", views.attachment_download, name="attachment-download"),
    path(
        "transfers/<id:pk>/attachments/<id:attachment_pk>/remove/",
        views.attachment_remove,
        name="attachment-remove",
    ),
    path("transfers/<id:pk>/share/", views.transfer_share, name="transfer-share"),
    path("transfers/<id:pk>/cancel/", views.transfer_cancel, name="transfer-cancel"),
    path("transfers/<id:pk>/talked/", views.transfer_talked, name="transfer-talked"),
    path("transfers/<id:pk>/remarks/<id:remark_pk>/answer/", views.remark_answer, name="remark-answer"),
    path("transfers/<id:pk>/rectify/", views.transfer_rectify, name="transfer-rectify"),
    path("transfers/<id:pk>/erase/", views.transfer_erase, name="transfer-erase"),
    # Receiving side
    path("transfers/organisations/<id:org_pk>/inbox/", views.inbox, name="inbox"),
    path("transfers/received/<id:pk>/", views.received_detail, name="received-detail"),
    path("transfers/received/<id:pk>/confirm/", views.received_confirm, name="received-confirm"),
    path("transfers/received/<id:pk>/link/", views.received_link, name="received-link"),
    path(
        "transfers/received/<id:pk>/attachments/<id:attachment_pk>/",
        views.received_attachment,
        name="received-attachment",
    ),
    # Privacy officer (and director)
    path("transfers/organisations/<id:org_pk>/register/", views.register, name="register"),
    # Parents, in the portal
    path("portal/children/<id:child_pk>/transfers/", views.portal_timeline, name="portal-timeline"),
    path("portal/transfers/<id:pk>/", views.portal_transfer, name="portal-transfer"),
    path("portal/transfers/<id:pk>/view/", views.portal_view, name="portal-view"),
    path("portal/transfers/<id:pk>/remark/", views.portal_remark, name="portal-remark"),
    path("portal/transfers/<id:pk>/confirm/", views.portal_confirm, name="portal-confirm"),
    path("portal/transfers/<id:pk>/talk/", views.portal_talk, name="portal-talk"),
    path("portal/transfers/<id:pk>/refuse/", views.portal_refuse, name="portal-refuse"),
    path("portal/transfers/<id:pk>/copy.pdf", views.portal_pdf, name="portal-pdf"),
    path("portal/transfers/<id:pk>/attachments/<id:attachment_pk>/", views.portal_attachment, name="portal-attachment"),
]
