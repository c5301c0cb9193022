"""The satisfaction report: good and bad ratings per agent, team or account for a range of
days, with a small bar per group and the latest comments; or the table as a CSV download
(`?format=csv`)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django import forms
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.urls import path
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET

from tique.accounts.models import User
from tique.core.exports import csv_response
from tique.desk.context import desk_view
from tique.desk.reports import SlaReportForm
from tique.satisfaction.selectors import (
    Grouping,
    SatisfactionRow,
    latest_comments,
    satisfaction_table,
    total_of,
)

_DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
GROUP_LABELS = {
    Grouping.AGENT: gettext_lazy("Agent"),
    Grouping.TEAM: gettext_lazy("Team"),
    Grouping.ACCOUNT: gettext_lazy("Account"),
}


class SatisfactionReportForm(SlaReportForm):
    """The SLA report's range (the last 30 days by default, bookmarkable), over the days
    the ratings were given, grouped by agent unless asked otherwise."""

    created_from = forms.DateField(label=gettext_lazy("Rated from"), widget=_DATE)
    created_to = forms.DateField(label=gettext_lazy("Rated to"), widget=_DATE)
    group = forms.ChoiceField(
        label=gettext_lazy("Group by"),
        choices=[(grouping.value, label) for grouping, label in GROUP_LABELS.items()],
    )

    @classmethod
    def from_query(cls, query: QueryDict, *, today: dt.date) -> SlaReportForm:
        if not query.get("group"):
            query = query.copy()
            query["group"] = Grouping.AGENT.value
        return super().from_query(query, today=today)


@dataclass(frozen=True)
class Bar:
    """One group's ratings as a single bar: the good part, then the bad part."""

    title: str
    good_width: float
    bad_width: float
    text: str

    SCALE = 100
    GAP = 4
    HEIGHT = 16
    WIDTH = 160
    GOOD_FILL = "#1d6b35"
    BAD_FILL = "#a61b1b"

    @property
    def text_x(self) -> float:
        return self.SCALE + self.GAP

    @property
    def text_y(self) -> int:
        return self.HEIGHT - 4

    @classmethod
    def of(cls, row: SatisfactionRow) -> Bar:
        good = round(cls.SCALE * row.good / row.total, 1) if row.total else 0.0
        bad = round(cls.SCALE - good, 1) if row.total else 0.0
        percent = "—" if row.percent_good is None else f"{row.percent_good}%"
        title = ngettext(
            "%(good)d good and %(bad)d bad of %(total)d rating",
            "%(good)d good and %(bad)d bad of %(total)d ratings",
            row.total,
        ) % {
            "good": row.good,
            "bad": row.bad,
            "total": row.total,
        }
        return cls(title=title, good_width=good, bad_width=bad, text=percent)


@dataclass(frozen=True)
class Line:
    row: SatisfactionRow
    bar: Bar

    @classmethod
    def of(cls, row: SatisfactionRow) -> Line:
        return cls(row=row, bar=Bar.of(row))


def _percent(row: SatisfactionRow) -> str:
    return "" if row.percent_good is None else str(row.percent_good)


def _csv(
    rows: list[SatisfactionRow], grouping: Grouping, start: dt.date, end: dt.date
) -> HttpResponse:
    by_account = grouping is Grouping.ACCOUNT
    header = [
        str(GROUP_LABELS[grouping]),
        *([_("Customer code")] if by_account else []),
        _("Good"),
        _("Bad"),
        _("Total"),
        _("% good"),
    ]
    lines = [
        [
            row.label,
            *([row.code] if by_account else []),
            row.good,
            row.bad,
            row.total,
            _percent(row),
        ]
        for row in [*rows, total_of(rows)]
    ]
    filename = f"satisfaction-by-{grouping.value}-{start:%Y-%m-%d}-{end:%Y-%m-%d}.csv"
    return csv_response(filename=filename, header=header, rows=lines)


TEMPLATE = "desk/reports/satisfaction.html"


@desk_view
@require_GET
def satisfaction(request: HttpRequest, agent: User) -> HttpResponse:
    form = SatisfactionReportForm.from_query(request.GET, today=timezone.localdate())
    if not form.is_valid():
        return render(request, TEMPLATE, {"form": form}, status=400)
    start: dt.date = form.cleaned_data["created_from"]
    end: dt.date = form.cleaned_data["created_to"]
    grouping = Grouping(form.cleaned_data["group"])
    tz = timezone.get_current_timezone()
    rows = satisfaction_table(start=start, end=end, tz=tz, grouping=grouping)
    if request.GET.get("format") == "csv":
        return _csv(rows, grouping, start, end)
    query = {
        "created_from": start.isoformat(),
        "created_to": end.isoformat(),
        "group": grouping.value,
    }
    context = {
        "form": form,
        "start": start,
        "end": end,
        "grouping": grouping,
        "group_label": GROUP_LABELS[grouping],
        "by_account": grouping is Grouping.ACCOUNT,
        "lines": [Line.of(row) for row in rows],
        "total": Line.of(total_of(rows)),
        "comments": latest_comments(start=start, end=end, tz=tz),
        "csv_url": f"?{urlencode({**query, 'format': 'csv'})}",
    }
    return render(request, TEMPLATE, context)


urlpatterns = [
    path("satisfaction/", satisfaction, name="satisfaction-report"),
]
