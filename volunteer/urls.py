from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from django.views.i18n import set_language

from members import views_logins as members_logins
from members.forms import LoginForm
from volunteer import (
    urls_util,  # noqa: F401 - registers the year and month converters
    views,
)

urlpatterns = [
    path("", views.home, name="home"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(
            redirect_authenticated_user=True, authentication_form=LoginForm
        ),
        name="login",
    ),
    path("accounts/activate/", members_logins.activate, name="activate"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "accounts/password/",
        members_logins.PasswordChangeView.as_view(),
        name="password_change",
    ),
    path(
        "accounts/password/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    # Only for a user who confirmed an e-mail address (inbox.contacts sets `email` once
    # confirmed); everyone else asks their secretary for a new activation slip.
    path(
        "accounts/password-reset/",
        auth_views.PasswordResetView.as_view(),
        name="password_reset",
    ),
    path(
        "accounts/password-reset/sent/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "accounts/password-reset/<uidb64>/<token>/",
        members_logins.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "accounts/password-reset/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("i18n/setlang/", set_language, name="set_language"),
    path("members/", include("members.urls")),
    path("posts/", include("posts.urls")),
    path("scoring/", include("scoring.urls")),
    path("inbox/", include("inbox.urls")),
    path("helpdesk/", include("helpdesk.urls")),
    path("jobs/", include("jobs.urls")),
    path("admin/", admin.site.urls),
]

admin.site.site_header = _("Volunteer posts administration")
admin.site.site_title = _("Volunteer posts")
