from typing import Any

from django import template
from django.contrib.humanize.templatetags.humanize import naturaltime
from django.forms import BoundField
from django.http import QueryDict
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from tique.core.dates import format_datetime
from tique.core.durations import format_minutes
from tique.core.tables import e
from tique.sla.clock import next_due

register = template.Library()


@register.simple_tag(takes_context=True)
def query_with(context: dict[str, Any], **changes: Any) -> str:
    """The current query string with some parameters replaced (or removed when None):
    filters survive pagination."""
    request = context["request"]
    query: QueryDict = request.GET.copy()
    for key, value in changes.items():
        query.pop(key, None)
        if value is not None and value != "":
            query[key] = str(value)
    encoded = query.urlencode()
    return f"?{encoded}" if encoded else "?"


@register.filter
def when(value: Any) -> SafeString | str:
    """An exact, localised date and time in the active time zone, machine-readable too."""
    if not value:
        return ""
    local = timezone.localtime(value)
    return mark_safe(  # noqa: S308 (escaped)
        f'<time datetime="{local.isoformat()}">{e(format_datetime(local))}</time>'
    )


@register.filter
def ago(value: Any) -> SafeString | str:
    """A relative time ("3 hours ago", "hace 3 horas") with the exact one on hover."""
    if not value:
        return ""
    local = timezone.localtime(value)
    return mark_safe(  # noqa: S308 (escaped)
        f'<time datetime="{local.isoformat()}" title="{e(format_datetime(local))}">'
        f"{e(naturaltime(value))}</time>"
    )


@register.filter
def described_by(field: BoundField) -> str:
    """The ids a field's aria-describedby must name: its help text and its errors."""
    ids = []
    if field.help_text:
        ids.append(f"{field.auto_id}_help")
    if field.errors:
        ids.append(f"{field.auto_id}_errors")
    return " ".join(ids)


@register.simple_tag
def field_attrs(field: BoundField) -> SafeString:
    """Render a field's widget with aria-describedby and aria-invalid set from its state."""
    attrs: dict[str, str | bool] = {}
    described = described_by(field)
    if described:
        attrs["aria-describedby"] = described
    if field.errors:
        attrs["aria-invalid"] = "true"
    return field.as_widget(attrs=attrs)


@register.simple_tag
def form_field(field: BoundField) -> SafeString:
    """A field with its label, help text and errors, built in Python: it was a template
    include, which cost about 50 µs, and a desk ticket page has ten fields.
    `tests/test_form_field.py` holds the markup equal to that template's."""
    if field.is_hidden:
        return mark_safe(f"{e(field)}\n")  # noqa: S308 (escaped)
    checkbox = getattr(field.field.widget, "input_type", None) == "checkbox"
    errors = field.errors
    classes = "field" + (" has-error" if errors else "") + (" field-checkbox" if checkbox else "")
    label_for = e(field.id_for_label)
    label = e(field.label)
    widget = field_attrs(field)
    if checkbox:
        head = f'\n  <label for="{label_for}">{widget} {label}</label>\n  '
    else:
        required = (
            ' <span class="required" aria-hidden="true">*</span>'
            f'<span class="visually-hidden">({e(gettext("required"))})</span>'
            if field.field.required
            else ""
        )
        head = f'\n  <label for="{label_for}">{label}{required}</label>\n  {widget}\n  '
    help_html = (
        f'<small id="{e(field.auto_id)}_help" class="help">{e(field.help_text)}</small>'
        if field.help_text
        else ""
    )
    errors_html = ""
    if errors:
        items = "".join(f"<li>{e(error)}</li>" for error in errors)
        errors_html = f'\n  <ul id="{e(field.auto_id)}_errors" class="errorlist">{items}</ul>\n  '
    return mark_safe(  # noqa: S308 (every value is escaped)
        f'\n<div class="{classes}">\n  {head}\n  {help_html}\n  {errors_html}\n</div>\n\n'
    )


@register.filter
def get_item(mapping: dict[str, Any], key: str) -> Any:
    """`counts|get_item:queue`: a dictionary's value by a key held in a variable."""
    return mapping.get(key)


@register.simple_tag
def sla_badge(ticket: Any) -> SafeString | str:
    """Time left to the ticket's soonest running SLA target, or how overdue it is (built
    in Python: the desk shows one on each of its rows)."""
    due = next_due(ticket)
    if due is None:
        return ""
    minutes = int((due - timezone.now()).total_seconds() // 60)
    span = format_minutes(minutes)
    if minutes < 0:
        state, text = "overdue", gettext("Overdue %(span)s") % {"span": span}
    else:
        state, text = "running", gettext("%(span)s left") % {"span": span}
    exact = format_datetime(timezone.localtime(due))
    return mark_safe(  # noqa: S308 (escaped)
        f'<span class="badge sla-{state}" title="{e(exact)}">{e(text)}</span>'
    )


@register.filter
def status_badge(ticket: Any) -> SafeString:
    """The ticket's status as a coloured badge."""
    return mark_safe(  # noqa: S308 (escaped)
        f'<span class="badge status-{e(ticket.status)}">{e(ticket.get_status_display())}</span>'
    )
