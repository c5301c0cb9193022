"""The configuration site (Django's admin) is for supervisors: provider staff are
`is_staff`, but only those with the `accounts.configure` permission (the Supervisors
group, or superusers) may enter it."""

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _


class TiqueAdminSite(admin.AdminSite):
    site_header = _("Tique configuration")
    site_title = _("Tique configuration")
    index_title = _("Teams, agents, catalogue, canned replies and accounts")

    def has_permission(self, request: HttpRequest) -> bool:
        user = request.user
        return bool(user.is_active and user.is_staff and user.has_perm("accounts.configure"))


class TiqueAdminConfig(AdminConfig):
    default_site = "tique.core.admin_site.TiqueAdminSite"
