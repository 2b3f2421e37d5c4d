from django.contrib import admin
from django.templatetags.static import static
from django.urls import include, path
from django.views.generic import RedirectView

from ikc_share import views


class FaviconView(RedirectView):
    """/favicon.ico, which browsers ask for whatever the page says: the static file (its
    hashed name in production, so not a permanent redirect)."""

    def get_redirect_url(self, *args, **kwargs) -> str:
        return static("favicon.ico")


core_patterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("account/login/", views.LoginView.as_view(), name="login"),
    path("account/logout/", views.auth_views.LogoutView.as_view(), name="logout"),
    path("account/two-factor/setup/", views.otp_setup, name="otp-setup"),
    path("account/two-factor/verify/", views.otp_verify, name="otp-verify"),
    path("organisations/<id:org_pk>/children/", views.organisation_children, name="organisation-children"),
    path("organisations/<id:org_pk>/members/", views.organisation_members, name="organisation-members"),
    path("organisations/<id:org_pk>/members/invite/", views.membership_invite, name="membership-invite"),
    path("organisations/<id:org_pk>/function-titles/", views.function_title_create, name="function-title-create"),
    path("memberships/<id:pk>/edit/", views.membership_edit, name="membership-edit"),
    path("memberships/<id:pk>/deactivate/", views.membership_deactivate, name="membership-deactivate"),
    path("memberships/<id:pk>/reactivate/", views.membership_reactivate, name="membership-reactivate"),
    path("children/<id:pk>/", views.child_detail, name="child-detail"),
    # Onboarding and accountability pages keep the "ikc_share" URL namespace they had.
    path("", include("onboarding.urls")),
    path("", include("accountability.urls")),
]

urlpatterns = [
    path("favicon.ico", FaviconView.as_view()),  # unnamed: no page, no permission to check
    path("", include((core_patterns, "ikc_share"))),
    path("agreements/", include("agreements.urls")),
    path("", include("consent.urls")),
    path("", include("transfers.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]

handler400 = "ikc_share.views.error_400"
handler403 = "ikc_share.views.error_403"
handler404 = "ikc_share.views.error_404"
handler500 = "ikc_share.views.error_500"
