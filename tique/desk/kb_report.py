"""The help centre's report: the least helpful articles (what to improve first), and per
week the suggestions shown while customers wrote tickets, those opened, and the tickets
they made unnecessary (deflections), with a small chart."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.views.decorators.http import require_GET

from tique.accounts.models import User
from tique.desk.context import desk_view
from tique.kb import selectors

WEEKS = 12


@dataclass(frozen=True)
class Bar:
    x: int
    y: float
    height: float
    kind: str  # shown, opened, deflected
    value: int


@dataclass(frozen=True)
class WeekBars:
    """One week's three bars, in the SVG's user units."""

    x: int
    week: selectors.SuggestionWeek
    bars: tuple[Bar, ...]


CHART_HEIGHT = 120
BAR_WIDTH = 10
WEEK_WIDTH = 40


def _chart(weeks: list[selectors.SuggestionWeek]) -> list[WeekBars]:
    top = max([max(w.shown, w.opened, w.deflections) for w in weeks] + [1])

    def height(value: int) -> float:
        return round(CHART_HEIGHT * value / top, 1)

    def bars(w: selectors.SuggestionWeek) -> tuple[Bar, ...]:
        values = (("shown", w.shown), ("opened", w.opened), ("deflected", w.deflections))
        return tuple(
            Bar(4 + i * (BAR_WIDTH + 1), CHART_HEIGHT - height(v), height(v), kind, v)
            for i, (kind, v) in enumerate(values)
        )

    return [WeekBars(x=i * WEEK_WIDTH, week=w, bars=bars(w)) for i, w in enumerate(weeks)]


@desk_view
@require_GET
def kb_report(request: HttpRequest, agent: User) -> HttpResponse:
    weeks = selectors.suggestion_weeks(weeks=WEEKS)
    context = {
        "least_helpful": selectors.least_helpful(minimum_votes=1, limit=20),
        "weeks": weeks,
        "bars": _chart(weeks),
        "chart_width": WEEKS * WEEK_WIDTH,
        "chart_height": CHART_HEIGHT,
        "totals": {
            "shown": sum(w.shown for w in weeks),
            "opened": sum(w.opened for w in weeks),
            "deflections": sum(w.deflections for w in weeks),
        },
    }
    return render(request, "desk/reports/kb.html", context)


urlpatterns = [path("help/", kb_report, name="kb-report")]
