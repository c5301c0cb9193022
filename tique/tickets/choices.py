"""Ticket states and other fixed vocabularies. States live in code; labels are translated."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Category(models.TextChoices):
    QUERY = "query", _("Query")
    REQUEST = "request", _("Request")
    INCIDENT = "incident", _("Incident")


class Status(models.TextChoices):
    NEW = "new", _("New")
    OPEN = "open", _("Open")
    PENDING = "pending", _("Waiting for customer")
    ON_HOLD = "on_hold", _("On hold")
    SOLVED = "solved", _("Solved")
    CLOSED = "closed", _("Closed")


# States in which the customer still waits for something to happen.
ACTIVE_STATUSES = frozenset({Status.NEW, Status.OPEN, Status.PENDING, Status.ON_HOLD})


class Priority(models.TextChoices):
    LOW = "low", _("Low")
    NORMAL = "normal", _("Normal")
    HIGH = "high", _("High")
    URGENT = "urgent", _("Urgent")


class Channel(models.TextChoices):
    WEB = "web", _("Web")
    EMAIL = "email", _("E-mail")
    API = "api", _("API")


class ServiceAffecting(models.TextChoices):
    ALWAYS = "always", _("Always")
    WHEN_FAILING = "when_failing", _("When calls are failing now")
    NEVER = "never", _("Never")


class EventKind(models.TextChoices):
    CREATED = "created", _("Created")
    STATUS = "status", _("Status changed")
    PRIORITY = "priority", _("Priority changed")
    TEAM = "team", _("Team changed")
    ASSIGNEE = "assignee", _("Assignee changed")
    REPLY = "reply", _("Public reply")
    NOTE = "note", _("Internal note")
    ATTACHMENT = "attachment", _("Attachment added")
    MERGED = "merged", _("Merged")
    LINKED = "linked", _("Linked")
    OUTAGE = "outage", _("Known outage")
    AFTER_HOURS = "after_hours", _("Received outside business hours")
    SLA = "sla", _("SLA")


class AfterHours(models.TextChoices):
    """How a ticket received while the provider was closed was classified."""

    NO = "", _("Received in business hours")
    URGENT = "urgent", _("Attended at once: the telephone service is affected")
    DEFERRED = "deferred", _("Attended at the next opening")
