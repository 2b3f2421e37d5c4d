"""Routes of the transfers (namespace "transfers", included from ikc_share/urls.py).
Staff pages under /transfers/; the parents' pages under /portal/ (the only pages a session
started from an e-mail link may open, see consent/middleware.py)."""

from django.urls import path

from transfers.views import after_sending, attachments, erasure, overview, portal, receiving, sending

app_name = "transfers"

urlpatterns = [
    # Staff of the sending organisation
    path("transfers/guide/", overview.guide_page, name="guide"),
    path("transfers/organisations/<id:org_pk>/", overview.transfer_list, name="transfer-list"),
    path("transfers/children/<id:child_pk>/", sending.child_transfers, name="child-transfers"),
    path("transfers/children/<id:child_pk>/versions/<id:version_pk>/new/", sending.compose, name="compose"),
    path(
        "transfers/children/<id:child_pk>/versions/<id:version_pk>/meeting/",
        sending.meeting_record,
        name="meeting-record",
    ),
    path("transfers/<id:pk>/", sending.transfer_detail, name="transfer-detail"),
    path("transfers/<id:pk>/edit/", sending.transfer_edit, name="transfer-edit"),
    path("transfers/<id:pk>/attachments/", attachments.attachment_add, name="attachment-add"),
    path(
        "transfers/<id:pk>/attachments/<id:attachment_pk>/", attachments.attachment_download, name="attachment-download"
    ),
    path(
        "transfers/<id:pk>/attachments/<id:attachment_pk>/remove/",
        attachments.attachment_remove,
        name="attachment-remove",
    ),
    path("transfers/<id:pk>/share/", sending.transfer_share, name="transfer-share"),
    path("transfers/<id:pk>/cancel/", sending.transfer_cancel, name="transfer-cancel"),
    path("transfers/<id:pk>/talked/", sending.transfer_talked, name="transfer-talked"),
    path("transfers/<id:pk>/remarks/<id:remark_pk>/answer/", sending.remark_answer, name="remark-answer"),
    path("transfers/<id:pk>/rectify/", after_sending.transfer_rectify, name="transfer-rectify"),
    path("transfers/<id:pk>/erase/", after_sending.transfer_erase, name="transfer-erase"),
    # Receiving side
    path("transfers/organisations/<id:org_pk>/inbox/", receiving.inbox, name="inbox"),
    path("transfers/received/<id:pk>/", receiving.received_detail, name="received-detail"),
    path("transfers/received/<id:pk>/confirm/", receiving.received_confirm, name="received-confirm"),
    path("transfers/received/<id:pk>/link/", receiving.received_link, name="received-link"),
    path("transfers/received/<id:pk>/erase/", erasure.received_erase, name="received-erase"),
    path(
        "transfers/received/<id:pk>/attachments/<id:attachment_pk>/",
        receiving.received_attachment,
        name="received-attachment",
    ),
    # Privacy officer (and director)
    path("transfers/organisations/<id:org_pk>/register/", overview.register, name="register"),
    # Parents, in the portal
    path("portal/children/<id:child_pk>/transfers/", portal.portal_timeline, name="portal-timeline"),
    path("portal/transfers/<id:pk>/", portal.portal_transfer, name="portal-transfer"),
    path("portal/transfers/<id:pk>/view/", portal.portal_view, name="portal-view"),
    path("portal/transfers/<id:pk>/remark/", portal.portal_remark, name="portal-remark"),
    path("portal/transfers/<id:pk>/confirm/", portal.portal_confirm, name="portal-confirm"),
    path("portal/transfers/<id:pk>/talk/", portal.portal_talk, name="portal-talk"),
    path("portal/transfers/<id:pk>/refuse/", portal.portal_refuse, name="portal-refuse"),
    path("portal/transfers/<id:pk>/copy.pdf", portal.portal_pdf, name="portal-pdf"),
    path(
        "portal/transfers/<id:pk>/attachments/<id:attachment_pk>/", portal.portal_attachment, name="portal-attachment"
    ),
]
