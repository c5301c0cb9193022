"""Spans of time as people say them: "2 h 15 min", "1 d 4 h", "12 d"."""

from django.utils.translation import gettext as _


def format_minutes(minutes: int) -> str:
    """A whole number of minutes (its sign ignored), coarser as it grows."""
    days, rest = divmod(abs(minutes), 24 * 60)
    hours, mins = divmod(rest, 60)
    if days >= 3:
        return _("%(days)d d") % {"days": days}
    if days:
        return _("%(days)d d %(hours)d h") % {"days": days, "hours": hours}
    if hours:
        return _("%(hours)d h %(minutes)d min") % {"hours": hours, "minutes": mins}
    return _("%(minutes)d min") % {"minutes": mins}
