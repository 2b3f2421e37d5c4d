"""Routes of rights requests, included in the "consent" namespace (consent/urls.py): the
parent's under /portal/ (the only pages an e-mail-link session reaches), the staff's under
/consent/."""

from django.urls import path

from accountability.rights import views

urlpatterns = [
    # Parents
    path("portal/requests/", views.portal_list, name="rights-portal"),
    path("portal/requests/new/", views.portal_new, name="rights-portal-new"),
    path("portal/requests/<id:pk>/", views.portal_detail, name="rights-portal-detail"),
    path("portal/requests/<id:pk>/export.<str:fmt>", views.portal_export, name="rights-portal-export"),
    # Staff
    path("consent/organisations/<id:org_pk>/requests/", views.staff_list, name="rights-list"),
    path("consent/organisations/<id:org_pk>/requests/new/", views.staff_record, name="rights-record"),
    path("consent/requests/<id:pk>/", views.staff_detail, name="rights-detail"),
    path("consent/requests/<id:pk>/status/", views.staff_status, name="rights-status"),
    path("consent/requests/<id:pk>/extend/", views.staff_extend, name="rights-extend"),
    path("consent/requests/<id:pk>/assign/", views.staff_assign, name="rights-assign"),
    path("consent/requests/<id:pk>/export/", views.staff_export_prepare, name="rights-export-prepare"),
    path("consent/requests/<id:pk>/export/review/", views.staff_export_review, name="rights-export-review"),
    path("consent/requests/<id:pk>/export.<str:fmt>", views.staff_export, name="rights-export"),
    path("consent/requests/<id:pk>/erase/", views.staff_erase, name="rights-erase"),
]
