from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import BaseUserCreationForm
from django.contrib.auth.forms import UserChangeForm as BaseUserChangeForm
from django.utils.translation import gettext_lazy as _

from tique.accounts.models import Account, Membership, Team, User


class MembershipInline(admin.TabularInline[Membership, Account]):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


class UserCreationForm(BaseUserCreationForm[User]):
    class Meta:
        model = User
        fields = ("email",)


class UserChangeForm(BaseUserChangeForm[User]):
    class Meta:
        model = User
        fields = "__all__"


# The stubs bind UserAdmin to AbstractUser; ours is AbstractBaseUser + PermissionsMixin
# with e-mail sign-in, which the forms above adapt it to.
@admin.register(User)
class UserAdmin(BaseUserAdmin):  # type: ignore[type-arg]
    form = UserChangeForm
    add_form = UserCreationForm
    ordering = ["email"]
    list_display = ["email", "full_name", "is_staff", "is_active", "date_joined"]
    list_filter = ["is_staff", "is_superuser", "is_active"]
    search_fields = ["email", "full_name"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Profile"), {"fields": ("full_name", "phone", "language")}),
        (
            _("Permissions"),
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        (_("Dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)


@admin.register(Account)
class AccountAdmin(admin.ModelAdmin[Account]):
    list_display = ["name", "customer_code", "tax_id", "is_active", "members_can_open_tickets"]
    list_filter = ["is_active", "language"]
    search_fields = ["name", "customer_code", "tax_id"]
    inlines = [MembershipInline]


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin[Team]):
    list_display = ["slug", "name_es", "name_en", "is_active"]
    filter_horizontal = ["members"]
