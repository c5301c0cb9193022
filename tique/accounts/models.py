from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tique.accounts.choices import Language, Plan, Role
from tique.accounts.validators import validate_spanish_tax_id
from tique.core.i18n import pick

if TYPE_CHECKING:
    from django.db.models.fields.related_descriptors import RelatedManager


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create(self, email: str, password: str | None, **extra: Any) -> User:
        if not email:
            raise ValueError("An e-mail address is required")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra["is_staff"] = True
        extra["is_superuser"] = True
        return self._create(email, password, **extra)

    def get_by_natural_key(self, username: str | None) -> User:
        # E-mail sign-in is case-insensitive.
        return self.get(email__iexact=username)


class User(AbstractBaseUser, PermissionsMixin):
    """Anyone who signs in: a customer (through memberships) or provider staff (is_staff)."""

    email = models.EmailField(_("e-mail address"), unique=True)
    full_name = models.CharField(_("full name"), max_length=150, blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    language = models.CharField(
        _("language"),
        max_length=8,
        choices=Language.choices,
        blank=True,
        help_text=_("Empty: follow the browser."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(
        _("provider staff"),
        default=False,
        help_text=_("Agents and supervisors of the provider, who work in the desk."),
    )
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)
    is_away = models.BooleanField(
        _("away"),
        default=False,
        help_text=_("An agent who is away gets no tickets by round-robin assignment."),
    )
    is_on_call = models.BooleanField(
        _("on call"),
        default=False,
        help_text=_("Told at once of a service-affecting incident outside business hours."),
    )
    last_round_robin_at = models.DateTimeField(
        _("last round-robin assignment"), null=True, blank=True, editable=False
    )
    muted_notifications = models.JSONField(
        _("muted notifications"),
        default=list,
        blank=True,
        help_text=_("The kinds of e-mail notification this user does not want."),
    )

    objects: ClassVar[UserManager] = UserManager()

    if TYPE_CHECKING:
        memberships: RelatedManager[Membership]
        teams: RelatedManager[Team]

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        permissions = [("configure", _("Can configure Tique in the administration"))]
        constraints = [
            models.UniqueConstraint(Lower("email"), name="accounts_user_email_ci_unique"),
        ]
        # Staff are a handful among every customer's users: the desk lists them by name
        # on every page (assignee choices), and asks who is on call on every urgent
        # ticket after hours.
        indexes = [
            models.Index(
                fields=["full_name", "email"],
                name="accounts_user_staff",
                condition=models.Q(is_staff=True, is_active=True),
            ),
            models.Index(
                fields=["id"], name="accounts_user_on_call", condition=models.Q(is_on_call=True)
            ),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return self.full_name or self.email

    def get_full_name(self) -> str:
        return self.display_name

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email


class Account(models.Model):
    """A customer company of the provider."""

    name = models.CharField(_("name"), max_length=200)
    customer_code = models.CharField(
        _("customer code"),
        max_length=32,
        unique=True,
        help_text=_("The code the provider gives the customer, shown everywhere (C-10001)."),
    )
    tax_id = models.CharField(
        _("tax id"),
        max_length=20,
        validators=[validate_spanish_tax_id],
        help_text=_("Spanish NIF, CIF or NIE."),
    )
    language = models.CharField(
        _("language"), max_length=8, choices=Language.choices, default=Language.ES
    )
    time_zone = models.CharField(_("time zone"), max_length=64, default="Europe/Madrid")
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=32, blank=True)
    members_can_open_tickets = models.BooleanField(
        _("members can open tickets"),
        default=False,
        help_text=_("Off: only the account administrators open tickets."),
    )
    plan = models.CharField(_("plan"), max_length=16, choices=Plan.choices, default=Plan.BASIC)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    if TYPE_CHECKING:
        memberships: RelatedManager[Membership]

    class Meta:
        verbose_name = _("account")
        verbose_name_plural = _("accounts")
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.customer_code})"


class Membership(models.Model):
    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("user")
    )
    account = models.ForeignKey(
        Account, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("account")
    )
    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.MEMBER)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["user", "account"], name="accounts_membership_unique"),
        ]
        indexes = [models.Index(fields=["account", "role"], name="accounts_mship_acct_role")]

    def __str__(self) -> str:
        return f"{self.user} @ {self.account} ({self.role})"

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN


class Team(models.Model):
    """A group of provider staff that tickets are routed to."""

    slug = models.SlugField(_("code"), max_length=40, unique=True)
    name_es = models.CharField(_("name (Spanish)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=100)
    email = models.EmailField(_("team e-mail"), blank=True)
    members = models.ManyToManyField(
        User, related_name="teams", blank=True, verbose_name=_("members")
    )
    is_active = models.BooleanField(_("active"), default=True)
    supervisor = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="supervised_teams",
        verbose_name=_("supervisor"),
        help_text=_("Told when one of the team's tickets breaches its SLA."),
    )
    round_robin = models.BooleanField(
        _("round-robin assignment"),
        default=False,
        help_text=_("Assign each new ticket to the member who has waited longest for one."),
    )

    class Meta:
        verbose_name = _("team")
        verbose_name_plural = _("teams")
        ordering = ["slug"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return pick(es=self.name_es, en=self.name_en)


class ApiTokenQuerySet(models.QuerySet["ApiToken"]):
    def usable(self) -> ApiTokenQuerySet:
        """Not revoked, not expired, and its user still active."""
        now = timezone.now()
        return self.filter(
            models.Q(expires_at__isnull=True) | models.Q(expires_at__gt=now),
            revoked_at__isnull=True,
            user__is_active=True,
        )


class ApiToken(models.Model):
    """A personal token for the REST API. Only a SHA-256 digest of the secret is kept
    (the secret is random, 256 bits, so a fast digest is enough); the user sees the
    secret once, when it is made."""

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="api_tokens", verbose_name=_("user")
    )
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(_("prefix"), max_length=16, editable=False)
    digest = models.CharField(max_length=64, unique=True, editable=False)
    read_only = models.BooleanField(
        _("read only"), default=False, help_text=_("Can read, but every change is refused.")
    )
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "-created_at"], name="accounts_token_user")]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_usable(self) -> bool:
        expired = self.expires_at is not None and self.expires_at <= timezone.now()
        return self.revoked_at is None and not expired
