from django.urls import include, path

from agreements import views

app_name = "agreements"

urlpatterns = [
    path("organisations/<id:org_pk>/", views.agreement_list, name="agreement-list"),
    path("organisations/<id:org_pk>/new/", views.agreement_create, name="agreement-create"),
    path("<id:pk>/", views.agreement_detail, name="agreement-detail"),
    path("<id:pk>/history/", views.agreement_history, name="agreement-history"),
    path("<id:pk>/amend/", views.agreement_amend, name="agreement-amend"),
    path("<id:pk>/end/", views.agreement_end, name="agreement-end"),
    path("versions/<id:pk>/", views.version_detail, name="version-detail"),
    path("versions/<id:pk>/edit/", views.version_edit, name="version-edit"),
    path("versions/<id:pk>/submit/", views.version_submit, name="version-submit"),
    path("versions/<id:pk>/approve/", views.version_approve, name="version-approve"),
    path("versions/<id:pk>/return/", views.version_return, name="version-return"),
    path("", include("agreements.letters.urls")),
]
