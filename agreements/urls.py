from django.urls import include, path

from . import views

app_name = "agreements"

urlpatterns = [
    path("organisations/<int:org_pk>/", views.agreement_list, name="agreement-list"),
    path("organisations/<int:org_pk>/new/", views.agreement_create, name="agreement-create"),
    path("<int:pk>/", views.agreement_detail, name="agreement-detail"),
    path("<int:pk>/history/", views.agreement_history, name="agreement-history"),
    path("<int:pk>/amend/", views.agreement_amend, name="agreement-amend"),
    path("<int:pk>/end/", views.agreement_end, name="agreement-end"),
    path("versions/<int:pk>/", views.version_detail, name="version-detail"),
    path("versions/<int:pk>/edit/", views.version_edit, name="version-edit"),
    path("versions/<int:pk>/submit/", views.version_submit, name="version-submit"),
    path("versions/<int:pk>/approve/", views.version_approve, name="version-approve"),
    path("versions/<int:pk>/return/", views.version_return, name="version-return"),
    path("", include("agreements.urls_letters")),
]
