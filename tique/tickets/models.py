from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from tique.accounts.choices import Role
from tique.accounts.models import Account, Membership, Team, User
from tique.core.i18n import pick
from tique.tickets.choices import (
    ACTIVE_STATUSES,
    AfterHours,
    Category,
    Channel,
    EventKind,
    Priority,
    ServiceAffecting,
    Status,
)
from tique.tickets.ordering import PRIORITY_RANK, SLA_DUE

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser
    from django.db.models.fields.related_descriptors import RelatedManager

    from tique.tickets.catalogue import FieldSpec


class CatalogueEntry(models.Model):
    """What a query kind, a request type or an incident kind has in common: names in both
    languages, the team it is routed to and the typed fields it asks for (a JSON list of
    field specifications, see `tique.tickets.catalogue`)."""

    slug = models.SlugField(_("code"), max_length=60, unique=True)
    name_es = models.CharField(_("name (Spanish)"), max_length=150)
    name_en = models.CharField(_("name (English)"), max_length=150)
    description_es = models.TextField(_("description (Spanish)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    team = models.ForeignKey(
        Team, on_delete=models.PROTECT, related_name="+", verbose_name=_("team")
    )
    fields = models.JSONField(_("fields"), default=list, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        abstract = True
        ordering = ["position", "slug"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return pick(es=self.name_es, en=self.name_en)

    @property
    def description(self) -> str:
        return pick(es=self.description_es, en=self.description_en)

    category: str = ""

    def field_specs(self) -> list[FieldSpec]:
        """Every field a ticket of this entry asks for (its own and its category's)."""
        from tique.tickets.catalogue import specs_for

        return specs_for(self.category, self.fields)


class QueryKind(CatalogueEntry):
    category = Category.QUERY

    class Meta(CatalogueEntry.Meta):
        verbose_name = _("query kind")
        verbose_name_plural = _("query kinds")


class RequestType(CatalogueEntry):
    category = Category.REQUEST

    admin_only = models.BooleanField(
        _("account administrators only"),
        default=False,
        help_text=_("Carries bank or ownership data: members never see it."),
    )

    class Meta(CatalogueEntry.Meta):
        verbose_name = _("request type")
        verbose_name_plural = _("request types")


class IncidentKind(CatalogueEntry):
    category = Category.INCIDENT

    service_affecting = models.CharField(
        _("affects the telephone service"),
        max_length=16,
        choices=ServiceAffecting.choices,
        default=ServiceAffecting.ALWAYS,
    )

    class Meta(CatalogueEntry.Meta):
        verbose_name = _("incident kind")
        verbose_name_plural = _("incident kinds")


class TicketNumber(models.Model):
    """Hands out ticket numbers. A row is inserted to draw the next value of the table's
    own identity sequence (PostgreSQL) or AUTOINCREMENT counter (SQLite), then deleted:
    numbers are unique, never reused, and concurrent creators never wait on each other."""

    class Meta:
        verbose_name = _("ticket number")

    def __str__(self) -> str:
        return str(self.pk)


def _label(choices: type[models.TextChoices], value: str) -> str:
    """The choice's label in the active language (the value itself if it is not one)."""
    try:
        return str(choices(value).label)
    except ValueError:
        return value


def _survivors_of_merged(user_id: int) -> models.QuerySet[Ticket, Any]:
    """The tickets the user's merged tickets live on in: a member follows them too."""
    return Ticket.objects.filter(requester_id=user_id, merged_into__isnull=False).values(
        "merged_into"
    )


class TicketQuerySet(models.QuerySet["Ticket"]):
    def visible_to(self, user: User | AnonymousUser) -> TicketQuerySet:
        """The one way any surface scopes tickets to a user (see `permissions`)."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_staff:
            return self.all()
        admin_of = Membership.objects.filter(
            user=user, role=Role.ADMIN, account__is_active=True
        ).values("account_id")
        member_of = Membership.objects.filter(
            user=user, role=Role.MEMBER, account__is_active=True
        ).values("account_id")
        return self.filter(
            Q(account__in=admin_of)
            | Q(account__in=member_of, requester=user)
            | Q(account__in=member_of, pk__in=_survivors_of_merged(user.pk))
        )

    def visible_in(self, membership: Membership) -> TicketQuerySet:
        """What `visible_to` gives the membership's user within its account, for a
        membership already read (an active user's, in an active account), written out
        for its role so that the database has no subquery to plan around: an
        administrator sees every ticket of the account; a member, their own and the
        tickets that theirs were merged into."""
        in_account = self.filter(account_id=membership.account_id)
        if membership.role == Role.ADMIN:
            return in_account
        return in_account.filter(
            Q(requester_id=membership.user_id) | Q(pk__in=_survivors_of_merged(membership.user_id))
        )


class Ticket(models.Model):
    number = models.BigIntegerField(_("number"), unique=True, editable=False)
    account = models.ForeignKey(
        Account, on_delete=models.PROTECT, related_name="tickets", verbose_name=_("account")
    )
    requester = models.ForeignKey(
        User,
        on_delete=models.PROTECT,
        related_name="requested_tickets",
        verbose_name=_("requester"),
    )
    created_by = models.ForeignKey(
        User,
        on_delete=models.PROTECT,
        related_name="created_tickets",
        verbose_name=_("created by"),
    )
    category = models.CharField(_("category"), max_length=16, choices=Category.choices)
    query_kind = models.ForeignKey(
        QueryKind,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="tickets",
        verbose_name=_("query kind"),
    )
    request_type = models.ForeignKey(
        RequestType,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="tickets",
        verbose_name=_("request type"),
    )
    incident_kind = models.ForeignKey(
        IncidentKind,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="tickets",
        verbose_name=_("incident kind"),
    )
    subject = models.CharField(_("subject"), max_length=200)
    fields = models.JSONField(_("fields"), default=dict, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.NEW
    )
    priority = models.CharField(
        _("priority"), max_length=16, choices=Priority.choices, default=Priority.NORMAL
    )
    channel = models.CharField(
        _("channel"), max_length=16, choices=Channel.choices, default=Channel.WEB
    )
    team = models.ForeignKey(
        Team,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="tickets",
        verbose_name=_("team"),
    )
    assignee = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_tickets",
        verbose_name=_("assignee"),
    )
    service_affecting = models.BooleanField(_("affects the telephone service"), default=False)
    language = models.CharField(_("language"), max_length=8, default="es")
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    last_activity_at = models.DateTimeField(_("last activity"), default=timezone.now)
    solved_at = models.DateTimeField(_("solved"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    merged_into = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="merged_tickets",
        verbose_name=_("merged into"),
    )
    is_outage = models.BooleanField(
        _("known outage"),
        default=False,
        help_text=_("A parent incident that many customers' incidents are linked to."),
    )
    outage = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="outage_incidents",
        verbose_name=_("known outage"),
    )
    # The SLA clock: computed and stored when things happen (tique.sla.clock), never by
    # a periodic recomputation; the breach sweep only flags what is already past due.
    after_hours = models.CharField(
        _("outside business hours"),
        max_length=16,
        choices=AfterHours.choices,
        default=AfterHours.NO,
        blank=True,
    )
    sla_policy = models.ForeignKey(
        "sla.SlaPolicy",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="tickets",
        verbose_name=_("SLA policy"),
    )
    sla_24x7 = models.BooleanField(_("SLA counted 24×7"), default=False)
    attend_from = models.DateTimeField(_("attended from"), null=True, blank=True)
    first_response_due_at = models.DateTimeField(_("first response due"), null=True, blank=True)
    first_responded_at = models.DateTimeField(_("first response"), null=True, blank=True)
    next_response_due_at = models.DateTimeField(_("next response due"), null=True, blank=True)
    resolution_due_at = models.DateTimeField(_("resolution due"), null=True, blank=True)
    sla_paused_at = models.DateTimeField(_("SLA paused since"), null=True, blank=True)
    first_response_breached = models.BooleanField(_("first response breached"), default=False)
    next_response_breached = models.BooleanField(_("next response breached"), default=False)
    resolution_breached = models.BooleanField(_("resolution breached"), default=False)
    first_response_warned = models.BooleanField(default=False, editable=False)
    next_response_warned = models.BooleanField(default=False, editable=False)
    resolution_warned = models.BooleanField(default=False, editable=False)

    objects = TicketQuerySet.as_manager()
    # Set on the tickets a search fetches (safe HTML, see `tique.tickets.search`); None on
    # any other, so that a list's template finds it without a failed lookup on each row.
    search_snippet: SafeString | None = None

    if TYPE_CHECKING:
        messages: RelatedManager[Message]
        attachments: RelatedManager[Attachment]
        events: RelatedManager[TicketEvent]

    class Meta:
        verbose_name = _("ticket")
        verbose_name_plural = _("tickets")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(
                        category=Category.QUERY,
                        query_kind__isnull=False,
                        request_type__isnull=True,
                        incident_kind__isnull=True,
                    )
                    | Q(
                        category=Category.REQUEST,
                        query_kind__isnull=True,
                        request_type__isnull=False,
                        incident_kind__isnull=True,
                    )
                    | Q(
                        category=Category.INCIDENT,
                        query_kind__isnull=True,
                        request_type__isnull=True,
                        incident_kind__isnull=False,
                    )
                ),
                name="tickets_ticket_kind_matches_category",
            ),
        ]
        # The customer history lists an account's tickets newest first, optionally by
        # requester, category or status: one composite index for each of those shapes.
        indexes = [
            models.Index(fields=["account", "-created_at", "-id"], name="tkt_account_created"),
            models.Index(
                fields=["account", "requester", "-created_at", "-id"], name="tkt_acct_req_created"
            ),
            models.Index(
                fields=["account", "category", "-created_at", "-id"], name="tkt_acct_cat_created"
            ),
            models.Index(
                fields=["account", "status", "-created_at", "-id"], name="tkt_acct_stat_created"
            ),
            models.Index(fields=["requester", "-created_at", "-id"], name="tkt_req_created"),
            # The API's list: a customer's account by newest activity (its default sort),
            # and every ticket by activity or creation for staff outside the queues.
            # Without them each page sorted the account's or the whole table's rows.
            models.Index(
                fields=["account", "-last_activity_at", "-id"], name="tkt_account_activity"
            ),
            models.Index(fields=["-last_activity_at", "-id"], name="tkt_activity"),
            models.Index(fields=["-created_at", "-id"], name="tkt_created"),
            # The desk's queues: by assignee, by team, by status, newest activity first.
            models.Index(
                fields=["assignee", "status", "-last_activity_at"], name="tkt_assignee_status"
            ),
            models.Index(fields=["team", "status", "-last_activity_at"], name="tkt_team_status"),
            models.Index(fields=["status", "-last_activity_at"], name="tkt_status_activity"),
            models.Index(fields=["status", "-solved_at"], name="tkt_status_solved"),
            # The open queues ("all open", "my teams", "unassigned", "mine") read the newest
            # activity among the few percent of tickets still active: partial indexes in
            # that order give a page without sorting every active ticket first.
            models.Index(
                fields=["-last_activity_at", "-id"],
                name="tkt_active_activity",
                condition=Q(status__in=sorted(ACTIVE_STATUSES)),
            ),
            models.Index(
                fields=["team", "-last_activity_at", "-id"],
                name="tkt_active_team_activity",
                condition=Q(status__in=sorted(ACTIVE_STATUSES)),
            ),
            models.Index(
                fields=["assignee", "-last_activity_at", "-id"],
                name="tkt_active_assignee_activity",
                condition=Q(status__in=sorted(ACTIVE_STATUSES)),
            ),
            # The open queues by SLA or by priority, each an expression
            # (`tique.tickets.ordering`): without them a page sorted every active ticket
            # (160 ms for "all open" at a million tickets; 19 ms with).
            models.Index(
                SLA_DUE,
                F("id"),
                name="tkt_active_sla",
                condition=Q(status__in=sorted(ACTIVE_STATUSES)),
            ),
            models.Index(
                PRIORITY_RANK,
                F("last_activity_at"),
                F("id"),
                name="tkt_active_priority",
                condition=Q(status__in=sorted(ACTIVE_STATUSES)),
            ),
            # "Unassigned in my teams", its list and its count (read on every desk page):
            # without it, each unassigned ticket's team was read from the row.
            models.Index(
                fields=["team", "-last_activity_at", "-id"],
                name="tkt_unassigned_team_activity",
                condition=Q(status__in=sorted(ACTIVE_STATUSES), assignee__isnull=True),
            ),
            models.Index(fields=["outage"], name="tkt_outage", condition=Q(outage__isnull=False)),
            # Known outages still open: on every ticket page and new-ticket form.
            models.Index(
                fields=["-created_at"],
                name="tkt_outages_open",
                condition=Q(is_outage=True, status__in=sorted(ACTIVE_STATUSES)),
            ),
            # The breach sweep looks only at targets still running.
            models.Index(
                fields=["first_response_due_at"],
                name="tkt_sla_first_running",
                condition=Q(first_responded_at__isnull=True, first_response_breached=False),
            ),
            models.Index(
                fields=["next_response_due_at"],
                name="tkt_sla_next_running",
                condition=Q(next_response_breached=False),
            ),
            models.Index(
                fields=["resolution_due_at"],
                name="tkt_sla_resolution_running",
                condition=Q(resolution_breached=False, sla_paused_at__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.number} {self.subject}"

    # Django's own get_FOO_display builds a dictionary of the field's choices on every
    # call; a list shows three of them on each of its rows.
    def get_status_display(self) -> str:  # type: ignore[no-redef]
        return _label(Status, self.status)

    def get_priority_display(self) -> str:  # type: ignore[no-redef]
        return _label(Priority, self.priority)

    def get_category_display(self) -> str:  # type: ignore[no-redef]
        return _label(Category, self.category)

    @property
    def kind(self) -> CatalogueEntry:
        entry = self.query_kind or self.request_type or self.incident_kind
        if entry is None:
            raise ValueError("a ticket always has a kind (a database constraint says so)")
        return entry

    @property
    def is_open(self) -> bool:
        return self.status not in {Status.SOLVED, Status.CLOSED}


class Message(models.Model):
    """One entry of a ticket's thread: a public reply or an internal note."""

    ticket = models.ForeignKey(
        Ticket, on_delete=models.CASCADE, related_name="messages", verbose_name=_("ticket")
    )
    author = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("author"),
    )
    body = models.TextField(_("message"))
    is_internal = models.BooleanField(_("internal note"), default=False)
    channel = models.CharField(
        _("channel"), max_length=16, choices=Channel.choices, default=Channel.WEB
    )
    email_message_id = models.CharField(_("e-mail Message-ID"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    if TYPE_CHECKING:
        attachments: RelatedManager[Attachment]

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["ticket", "created_at", "id"], name="msg_ticket_created"),
            models.Index(
                fields=["email_message_id"],
                name="msg_email_message_id",
                condition=~Q(email_message_id=""),
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.ticket_id} message {self.pk}"


def attachment_path(instance: Attachment, filename: str) -> str:
    """A generated name: the original file name is metadata, never a path on disk."""
    now = timezone.now()
    return f"attachments/{now:%Y/%m}/{uuid.uuid4().hex}"


class Attachment(models.Model):
    ticket = models.ForeignKey(
        Ticket, on_delete=models.CASCADE, related_name="attachments", verbose_name=_("ticket")
    )
    message = models.ForeignKey(
        Message,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="attachments",
        verbose_name=_("message"),
    )
    field_name = models.CharField(
        _("field"), max_length=60, blank=True, help_text=_("The typed field it answers, if any.")
    )
    file = models.FileField(_("file"), upload_to=attachment_path, max_length=200)
    original_name = models.CharField(_("file name"), max_length=200)
    size = models.PositiveBigIntegerField(_("size"))
    content_type = models.CharField(_("content type"), max_length=100)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["ticket", "created_at"], name="att_ticket_created")]

    def __str__(self) -> str:
        return self.original_name

    @property
    def is_raster_image(self) -> bool:
        return self.content_type in {"image/png", "image/jpeg", "image/gif", "image/webp"}


class TicketEvent(models.Model):
    """The audit trail: who changed what, from what to what, when."""

    ticket = models.ForeignKey(
        Ticket, on_delete=models.CASCADE, related_name="events", verbose_name=_("ticket")
    )
    actor = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("who"),
    )
    kind = models.CharField(_("kind"), max_length=16, choices=EventKind.choices)
    old_value = models.CharField(_("from"), max_length=200, blank=True)
    new_value = models.CharField(_("to"), max_length=200, blank=True)
    data = models.JSONField(_("details"), default=dict, blank=True)
    created_at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        verbose_name = _("ticket event")
        verbose_name_plural = _("ticket events")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["ticket", "created_at"], name="evt_ticket_created")]

    def __str__(self) -> str:
        return f"#{self.ticket_id} {self.kind}"

    def _label(self, value: str) -> str:
        labels = {
            EventKind.CREATED: Status,
            EventKind.STATUS: Status,
            EventKind.PRIORITY: Priority,
            EventKind.AFTER_HOURS: AfterHours,
        }
        choices = labels.get(self.kind)  # type: ignore[call-overload]
        if choices is not None and value in choices.values:
            return str(choices(value).label)
        return value

    @property
    def old_display(self) -> str:
        return self._label(self.old_value)

    @property
    def new_display(self) -> str:
        return self._label(self.new_value)


class TicketLink(models.Model):
    """Two related tickets (the link reads both ways; it is stored once)."""

    from_ticket = models.ForeignKey(
        Ticket, on_delete=models.CASCADE, related_name="links_out", verbose_name=_("ticket")
    )
    to_ticket = models.ForeignKey(
        Ticket, on_delete=models.CASCADE, related_name="links_in", verbose_name=_("linked ticket")
    )
    created_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("who")
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("ticket link")
        verbose_name_plural = _("ticket links")
        constraints = [
            models.UniqueConstraint(fields=["from_ticket", "to_ticket"], name="tkt_link_unique"),
            models.CheckConstraint(
                condition=~Q(from_ticket=models.F("to_ticket")), name="tkt_link_not_self"
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.from_ticket_id} ↔ #{self.to_ticket_id}"


class CannedReply(models.Model):
    """A prepared answer with placeholders: {customer_name}, {ticket_number},
    {customer_code}. A team's replies are for its members; a personal one for its owner;
    one with neither is for every agent."""

    title = models.CharField(_("title"), max_length=120)
    body = models.TextField(_("text"))
    team = models.ForeignKey(
        Team,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="canned_replies",
        verbose_name=_("team"),
    )
    owner = models.ForeignKey(
        User,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="canned_replies",
        verbose_name=_("owner"),
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("canned reply")
        verbose_name_plural = _("canned replies")
        ordering = ["title", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(team__isnull=True) | Q(owner__isnull=True),
                name="canned_team_or_owner",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class TicketPresence(models.Model):
    """Which agent has a ticket open in the desk, and whether they are writing a reply;
    refreshed by the page while it is open, stale after a minute."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="presences")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    is_replying = models.BooleanField(default=False)
    seen_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("ticket presence")
        constraints = [
            models.UniqueConstraint(fields=["ticket", "user"], name="tkt_presence_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} on #{self.ticket_id}"


class IdempotencyKey(models.Model):
    """An `Idempotency-Key` a client sent with a new ticket: the same key again returns
    the ticket it made instead of making another. The fingerprint of the request is kept
    so that a key reused for a different ticket is refused rather than misread."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=255)
    fingerprint = models.CharField(max_length=64)
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("idempotency key")
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="tkt_idempotency_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id}:{self.key}"
