from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from tique.accounts import views as account_views
from tique.api.api import api
from tique.core.views import healthz

auth_patterns = [
    path("login/", account_views.SignInView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password-reset/", account_views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "password-reset/sent/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "password-reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "password-reset/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("language/", account_views.set_language, name="set-language"),
]

urlpatterns = [
    path("", account_views.home, name="home"),
    path("accounts/", include(auth_patterns)),
    path("tickets/", include("tique.portal.urls")),
    path("desk/", include("tique.desk.urls")),
    path("help/", include("tique.help.urls")),
    path("rate/", include("tique.satisfaction.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("healthz", healthz, name="healthz"),
]
