"""Business calendars (when the provider is open) and SLA policies (how soon it answers).

A `BusinessCalendar` is what `tique.sla.business_time` computes with: its `zone` and
`shifts_on(day)` (the opening intervals of one local date, empty on a closed day).
"""

from __future__ import annotations

import datetime as dt
from functools import cached_property
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo, available_timezones

import holidays
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tique.accounts.choices import Plan
from tique.tickets.choices import Category, Priority

if TYPE_CHECKING:
    from django.db.models.fields.related_descriptors import RelatedManager


DEFERRED_ES = (
    "Hemos recibido tu ticket fuera de nuestro horario comercial. Fuera de horario solo "
    "atendemos las incidencias que afectan al servicio telefónico, así que lo atenderemos "
    "el {when}."
)
DEFERRED_EN = (
    "We received your ticket outside our business hours. Outside them we only attend "
    "incidents that affect the telephone service, so we will attend it on {when}."
)
URGENT_ES = (
    "Tu incidencia afecta al servicio telefónico: la atendemos ahora aunque estemos fuera "
    "de horario. El técnico de guardia ya está avisado."
)
URGENT_EN = (
    "Your incident affects the telephone service: we are attending it now, outside business "
    "hours. The on-call engineer has been told."
)


def validate_time_zone(value: str) -> None:
    if value not in available_timezones():
        raise ValidationError(_("“%(value)s” is not a time zone."), params={"value": value})


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


class BusinessCalendar(models.Model):
    name = models.CharField(_("name"), max_length=100)
    time_zone = models.CharField(
        _("time zone"), max_length=64, default="Europe/Madrid", validators=[validate_time_zone]
    )
    country = models.CharField(
        _("holidays of country"),
        max_length=2,
        default="ES",
        blank=True,
        help_text=_("ISO code; empty: no public holidays."),
    )
    subdivision = models.CharField(
        _("and region"),
        max_length=10,
        blank=True,
        default="MD",
        help_text=_("Autonomous community code (MD Madrid, CT Catalonia…); empty: national only."),
    )
    is_default = models.BooleanField(_("default calendar"), default=False)
    after_hours_rule = models.BooleanField(
        _("after-hours rule"),
        default=True,
        help_text=_(
            "While closed, only incidents that stop the telephone service are attended at "
            "once; everything else waits for the next opening."
        ),
    )
    deferred_message_es = models.TextField(
        _("message for a ticket that waits (Spanish)"),
        default=DEFERRED_ES,
        help_text=_("{when} is replaced by the day and hour it will be attended."),
    )
    deferred_message_en = models.TextField(
        _("message for a ticket that waits (English)"), default=DEFERRED_EN
    )
    urgent_message_es = models.TextField(
        _("message for an urgent incident (Spanish)"), default=URGENT_ES
    )
    urgent_message_en = models.TextField(
        _("message for an urgent incident (English)"), default=URGENT_EN
    )

    if TYPE_CHECKING:
        opening_hours: RelatedManager[OpeningHours]
        closing_days: RelatedManager[ClosingDay]

    class Meta:
        verbose_name = _("business calendar")
        verbose_name_plural = _("business calendars")
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"], condition=Q(is_default=True), name="sla_one_default_calendar"
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.time_zone)

    @cached_property
    def _shifts_by_weekday(self) -> dict[int, list[tuple[dt.time, dt.time]]]:
        shifts: dict[int, list[tuple[dt.time, dt.time]]] = {day: [] for day in range(7)}
        # Sorted here, not by the query, so a prefetched set is used as it is.
        for row in sorted(self.opening_hours.all(), key=lambda r: (r.weekday, r.opens)):
            shifts[row.weekday].append((row.opens, row.closes))
        return shifts

    @cached_property
    def _closing_days(self) -> set[dt.date]:
        return {closing.date for closing in self.closing_days.all()}

    @cached_property
    def _holidays(self) -> Any:
        if not self.country:
            return {}
        return holidays.country_holidays(self.country, subdiv=self.subdivision or None)

    def is_closed_day(self, day: dt.date) -> bool:
        return day in self._closing_days or day in self._holidays

    def holiday_name(self, day: dt.date) -> str:
        return str(self._holidays.get(day, "")) if self._holidays else ""

    def shifts_on(self, day: dt.date) -> list[tuple[dt.time, dt.time]]:
        """The local opening intervals of a date, in order; none when closed all day."""
        if self.is_closed_day(day):
            return []
        return self._shifts_by_weekday[day.weekday()]


class OpeningHours(models.Model):
    """One shift of one weekday; a split day has two rows (09:00–14:00, 15:00–18:00)."""

    calendar = models.ForeignKey(
        BusinessCalendar, on_delete=models.CASCADE, related_name="opening_hours"
    )
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices)
    opens = models.TimeField(_("opens"))
    closes = models.TimeField(_("closes"))

    class Meta:
        verbose_name = _("opening hours")
        verbose_name_plural = _("opening hours")
        ordering = ["weekday", "opens"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes__gt=models.F("opens")), name="sla_shift_order"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.opens:%H:%M}–{self.closes:%H:%M}"


class ClosingDay(models.Model):
    """A day the provider is closed besides the public holidays."""

    calendar = models.ForeignKey(
        BusinessCalendar, on_delete=models.CASCADE, related_name="closing_days"
    )
    date = models.DateField(_("date"))
    name = models.CharField(_("reason"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("closing day")
        verbose_name_plural = _("closing days")
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(fields=["calendar", "date"], name="sla_closing_day_unique")
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.name}"


class SlaPolicy(models.Model):
    """Targets for an account plan, optionally narrowed to a category and a priority; the
    most specific policy that matches a ticket applies."""

    name = models.CharField(_("name"), max_length=100)
    plan = models.CharField(_("plan"), max_length=16, choices=Plan.choices)
    category = models.CharField(_("category"), max_length=16, choices=Category.choices, blank=True)
    priority = models.CharField(_("priority"), max_length=16, choices=Priority.choices, blank=True)
    first_response_minutes = models.PositiveIntegerField(_("first response (minutes)"))
    next_response_minutes = models.PositiveIntegerField(_("next response (minutes)"))
    resolution_minutes = models.PositiveIntegerField(_("resolution (minutes)"))
    business_hours = models.BooleanField(
        _("counted in business hours"),
        default=True,
        help_text=_("Off: the clock runs 24×7."),
    )
    calendar = models.ForeignKey(
        BusinessCalendar,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        help_text=_("Empty: the default calendar."),
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("SLA policy")
        verbose_name_plural = _("SLA policies")
        ordering = ["plan", "category", "priority"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "category", "priority"], name="sla_policy_unique_scope"
            )
        ]

    def __str__(self) -> str:
        return self.name
