"""Seed the default business calendar: Spain, Community of Madrid (national and regional
holidays from the `holidays` package), open Monday to Thursday 09:00–14:00 and
15:00–18:00 and Friday 09:00–15:00. Idempotent: nothing happens when a default calendar
exists already (a supervisor may have edited it)."""

import datetime as dt

from django.db import migrations

NAME = "España — Comunidad de Madrid"
SPLIT_DAY = [(dt.time(9), dt.time(14)), (dt.time(15), dt.time(18))]
# weekday (0 Monday) -> shifts
WEEK = {0: SPLIT_DAY, 1: SPLIT_DAY, 2: SPLIT_DAY, 3: SPLIT_DAY, 4: [(dt.time(9), dt.time(15))]}


def seed_default_calendar(apps, schema_editor):
    BusinessCalendar = apps.get_model("sla", "BusinessCalendar")
    OpeningHours = apps.get_model("sla", "OpeningHours")
    if BusinessCalendar.objects.filter(is_default=True).exists():
        return
    calendar = BusinessCalendar.objects.create(
        name=NAME, time_zone="Europe/Madrid", country="ES", subdivision="MD", is_default=True
    )
    OpeningHours.objects.bulk_create(
        OpeningHours(calendar=calendar, weekday=weekday, opens=opens, closes=closes)
        for weekday, shifts in WEEK.items()
        for opens, closes in shifts
    )


class Migration(migrations.Migration):
    dependencies = [
        ("sla", "0001_initial"),
    ]

    operations = [
        # Not undone: the calendar may have been edited, or SLA policies may point to it.
        migrations.RunPython(seed_default_calendar, migrations.RunPython.noop),
    ]
