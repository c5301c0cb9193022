from typing import Any

import holidays
from django import forms
from django.contrib import admin
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from tique.sla.models import BusinessCalendar, ClosingDay, OpeningHours, SlaPolicy
from tique.sla.selectors import upcoming_holidays


class OpeningHoursInline(admin.TabularInline[OpeningHours, BusinessCalendar]):
    model = OpeningHours
    extra = 0


class ClosingDayInline(admin.TabularInline[ClosingDay, BusinessCalendar]):
    model = ClosingDay
    extra = 0


class BusinessCalendarForm(forms.ModelForm[BusinessCalendar]):
    def clean(self) -> dict[str, Any]:
        """The `holidays` package must know the country and region: otherwise every
        business-time computation with this calendar would fail."""
        super().clean()
        data = self.cleaned_data
        country = data.get("country") or ""
        subdivision = data.get("subdivision") or ""
        if not country:
            if subdivision:
                self.add_error("subdivision", _("A region needs its country."))
            return data
        try:
            holidays.country_holidays(country, subdiv=subdivision or None)
        except NotImplementedError:
            self.add_error(
                "subdivision" if subdivision else "country",
                _("The holidays of %(code)s are not known.")
                % {"code": f"{country}-{subdivision}" if subdivision else country},
            )
        return data


@admin.register(BusinessCalendar)
class BusinessCalendarAdmin(admin.ModelAdmin[BusinessCalendar]):
    form = BusinessCalendarForm
    list_display = ["name", "time_zone", "country", "subdivision", "is_default"]
    readonly_fields = ["next_public_holidays"]
    inlines = [OpeningHoursInline, ClosingDayInline]

    @admin.display(description=_("next public holidays"))
    def next_public_holidays(self, calendar: BusinessCalendar) -> SafeString | str:
        if calendar.pk is None:
            return "—"
        try:
            today = timezone.localdate(timezone.now(), calendar.zone)
            upcoming = upcoming_holidays(calendar, since=today)
        except NotImplementedError:
            return gettext("Unknown country or region.")
        if not upcoming:
            return gettext("None: no country is set.")
        return format_html(
            "<ul>{}</ul>",
            format_html_join(
                "",
                '<li><time datetime="{}">{}</time> {}</li>',
                (
                    (day.isoformat(), date_format(day, "DATE_FORMAT"), name)
                    for day, name in upcoming
                ),
            ),
        )


@admin.register(SlaPolicy)
class SlaPolicyAdmin(admin.ModelAdmin[SlaPolicy]):
    list_display = [
        "name",
        "plan",
        "category",
        "priority",
        "first_response_minutes",
        "next_response_minutes",
        "resolution_minutes",
        "business_hours",
        "calendar",
        "is_active",
    ]
    list_filter = ["plan", "category", "priority", "business_hours", "is_active"]
    search_fields = ["name"]
    list_select_related = ["calendar"]
