"""The desk's reports: the SLA report per account or per team for a range of days, as a
page with a small chart per group or as a CSV download (`?format=csv`)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.urls import path
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from tique.accounts.models import User
from tique.core.durations import format_minutes
from tique.core.exports import csv_response
from tique.desk.context import desk_view
from tique.sla.reports import Grouping, SlaReport, SlaRow, sla_report

DEFAULT_DAYS = 30
# Far enough from the ends of the calendar that a day after or a time zone away still is
# a date.
EARLIEST = dt.date(1900, 1, 1)
LATEST = dt.date(9998, 12, 31)
_DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class SlaReportForm(forms.Form):
    """The report's range and grouping, read from the query string (bookmarkable)."""

    created_from = forms.DateField(label=gettext_lazy("Created from"), widget=_DATE)
    created_to = forms.DateField(label=gettext_lazy("Created to"), widget=_DATE)
    group = forms.ChoiceField(
        label=gettext_lazy("Group by"),
        choices=[
            (Grouping.ACCOUNT.value, gettext_lazy("Account")),
            (Grouping.TEAM.value, gettext_lazy("Team")),
        ],
    )

    @classmethod
    def from_query(cls, query: QueryDict, *, today: dt.date) -> SlaReportForm:
        """Bound to the query string with the defaults filled in: the last 30 days up to
        today (or up to the end asked for), by account."""
        data = query.copy()
        if not data.get("created_to"):
            data["created_to"] = today.isoformat()
        if not data.get("created_from"):
            back = dt.timedelta(days=DEFAULT_DAYS)
            try:
                start = dt.date.fromisoformat(str(data.get("created_to"))) - back
            except (ValueError, OverflowError):  # the end's own error is shown at it
                start = today - back
            data["created_from"] = start.isoformat()
        if not data.get("group"):
            data["group"] = Grouping.ACCOUNT.value
        return cls(data)

    def _in_range(self, name: str) -> dt.date:
        value: dt.date = self.cleaned_data[name]
        if not EARLIEST <= value <= LATEST:
            raise forms.ValidationError(
                _("Enter a date between %(first)s and %(last)s.")
                % {"first": EARLIEST.isoformat(), "last": LATEST.isoformat()}
            )
        return value

    def clean_created_from(self) -> dt.date:
        return self._in_range("created_from")

    def clean_created_to(self) -> dt.date:
        return self._in_range("created_to")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("created_from"), data.get("created_to")
        if start and end and start > end:
            self.add_error("created_to", _("The end of the range is before its start."))
        return data


@dataclass(frozen=True)
class Bar:
    """One bar of a chart, in the SVG's user units, with its number as text beside it."""

    y: int
    width: float
    text: str
    fill: str

    @property
    def text_x(self) -> float:
        return self.width + Chart.GAP

    @property
    def text_y(self) -> int:
        return self.y + Chart.BAR_HEIGHT - 3


@dataclass(frozen=True)
class Chart:
    """Met against breached first responses, as lengths of the group's tickets."""

    title: str
    bars: tuple[Bar, Bar]

    SCALE = 100
    GAP = 4
    BAR_HEIGHT = 14
    WIDTH = 210
    HEIGHT = 34

    @classmethod
    def of(cls, row: SlaRow) -> Chart:
        def length(count: int) -> float:
            return round(cls.SCALE * count / row.tickets, 1) if row.tickets else 0.0

        title = _(
            "First responses: %(met)d met, %(breached)d breached, %(open)d open, "
            "of %(tickets)d tickets"
        ) % {
            "met": row.first_met,
            "breached": row.first_breached,
            "open": row.first_open,
            "tickets": row.tickets,
        }
        met = Bar(
            y=1,
            width=length(row.first_met),
            text=_("%(count)d met") % {"count": row.first_met},
            fill="#1d6b35",
        )
        breached = Bar(
            y=cls.BAR_HEIGHT + 5,
            width=length(row.first_breached),
            text=_("%(count)d breached") % {"count": row.first_breached},
            fill="#a61b1b",
        )
        return cls(title=title, bars=(met, breached))


def duration(minutes: int | None) -> str:
    """A median time as people say it: "2 h 15 min"; a dash when there is none."""
    return "—" if minutes is None else format_minutes(minutes)


@dataclass(frozen=True)
class Line:
    """A row of the page: the figures, their chart and the medians as text."""

    row: SlaRow
    chart: Chart
    first_response: str
    resolution: str

    @classmethod
    def of(cls, row: SlaRow) -> Line:
        return cls(
            row=row,
            chart=Chart.of(row),
            first_response=duration(row.median_first_response),
            resolution=duration(row.median_resolution),
        )


def _csv(report: SlaReport) -> HttpResponse:
    by_account = report.grouping is Grouping.ACCOUNT
    header = [
        _("Account") if by_account else _("Team"),
        *([_("Customer code")] if by_account else []),
        _("Tickets"),
        _("First response met"),
        _("First response breached"),
        _("First response open"),
        _("Resolution met"),
        _("Resolution breached"),
        _("Resolution open"),
        _("Median first response (minutes)"),
        _("Median resolution (minutes)"),
    ]
    rows = [
        [
            row.label,
            *([row.code] if by_account else []),
            row.tickets,
            row.first_met,
            row.first_breached,
            row.first_open,
            row.resolution_met,
            row.resolution_breached,
            row.resolution_open,
            "" if row.median_first_response is None else row.median_first_response,
            "" if row.median_resolution is None else row.median_resolution,
        ]
        for row in [*report.rows, report.total]
    ]
    filename = f"sla-by-{report.grouping.value}-{report.start:%Y-%m-%d}-{report.end:%Y-%m-%d}.csv"
    return csv_response(filename=filename, header=header, rows=rows)


TEMPLATE = "desk/reports/sla.html"


@desk_view
@require_GET
def sla(request: HttpRequest, agent: User) -> HttpResponse:
    form = SlaReportForm.from_query(request.GET, today=timezone.localdate())
    if not form.is_valid():
        return render(request, TEMPLATE, {"form": form}, status=400)
    data = form.cleaned_data
    report = sla_report(
        start=data["created_from"],
        end=data["created_to"],
        grouping=Grouping(data["group"]),
        tz=timezone.get_current_timezone(),
        now=timezone.now(),
    )
    if request.GET.get("format") == "csv":
        return _csv(report)
    query = {
        "created_from": report.start.isoformat(),
        "created_to": report.end.isoformat(),
        "group": report.grouping.value,
    }
    context = {
        "form": form,
        "report": report,
        "lines": [Line.of(row) for row in report.rows],
        "total": Line.of(report.total),
        "by_account": report.grouping is Grouping.ACCOUNT,
        "csv_url": f"?{urlencode({**query, 'format': 'csv'})}",
    }
    return render(request, TEMPLATE, context)


urlpatterns = [
    path("sla/", sla, name="sla-report"),
]
