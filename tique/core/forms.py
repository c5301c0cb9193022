"""Helpers for forms: service errors on fields, a form renderer that writes the plain
widgets without the template engine, and selects that stay fast when they list hundreds
of people."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, TypeVar, cast

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Model
from django.forms.models import ModelChoiceIterator
from django.forms.renderers import DjangoTemplates
from django.utils.html import conditional_escape, escape
from django.utils.safestring import SafeString, mark_safe

from tique.core.tables import e


def add_service_errors(form: forms.BaseForm, error: ValidationError) -> None:
    """Show a service's ValidationError on the form: each message at the field it names,
    or at the top of the form when the form has no such field."""
    for name, problems in error.message_dict.items():
        form.add_error(name if name in form.fields else None, problems)


class Select(forms.Select):
    """Django's select with the same markup, built in Python: Django's own renders each
    option through the template engine, which made a list of 300 people cost more than
    the rest of the page. Options come straight from the choices, as Django's would:
    the first option equal to the value is selected, groups become optgroups."""

    def render(
        self,
        name: str,
        value: Any,
        attrs: dict[str, Any] | None = None,
        renderer: Any = None,
    ) -> SafeString:
        final = self.build_attrs(self.attrs, attrs)
        if self.allow_multiple_selected:
            final["multiple"] = True
        wanted = set(self.format_value(value))
        parts = [f'<select name="{e(name)}"{_attributes(final)}>']
        for key, label in self.choices:
            if isinstance(label, list | tuple):
                parts.append(f'<optgroup label="{e(key)}">')
                parts.extend(self._option(inner, text, wanted) for inner, text in label)
                parts.append("</optgroup>")
            else:
                parts.append(self._option(key, label, wanted))
        parts.append("</select>")
        return mark_safe("".join(parts))  # noqa: S308 (every value is escaped)

    def set_ready_choices(self, choices: list[tuple[Any, Any]]) -> None:
        """Choices that are already a list of (value, label) pairs, taken as they are
        (assigning `choices` normalizes them, an entry at a time)."""
        self._choices = choices

    def _option(self, key: Any, label: Any, wanted: set[str]) -> str:
        text = "" if key is None else str(key)
        selected = ""
        if text in wanted:
            selected = " selected"
            if not self.allow_multiple_selected:
                wanted.clear()  # only the first option with the value, as Django does
        return f'<option value="{e(text)}"{selected}>{e(label)}</option>'


def _attributes(attrs: dict[str, Any]) -> str:
    """name="value" pairs as Django's attrs.html writes them: True as a bare name,
    False left out, anything else escaped."""
    if not attrs:
        return ""
    return "".join(
        f" {name}" if value is True else f' {name}="{escape(value)}"'
        for name, value in attrs.items()
        if value is not False
    )


class ListChoiceField(forms.TypedChoiceField):
    """A typed choice among many choices given as a ready list of (value, label) pairs,
    taken as they are: Django normalizes choices each time they are set, on the field
    and again on its widget, which for the 300 people of a big account cost more than
    the rest of the form. Rendered by the fast `Select`."""

    widget = Select

    @property
    def choices(self) -> list[tuple[Any, Any]]:
        return self._choices

    @choices.setter
    def choices(self, value: list[tuple[Any, Any]]) -> None:
        self._choices = value
        cast(Select, self.widget).set_ready_choices(value)


class _ListChoiceIterator(ModelChoiceIterator):
    """Reads the choices with one plain query: Django's own iterator asks for a
    server-side cursor on PostgreSQL (DECLARE … WITH HOLD, then FETCH, then CLOSE),
    three round trips for a list that a page shows whole anyway."""

    def __iter__(self) -> Iterator[tuple[Any, Any]]:
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for obj in self.queryset:
            yield self.choice(obj)


_M = TypeVar("_M", bound=Model)


class ModelChoiceField(forms.ModelChoiceField[_M]):
    """A model choice rendered by the fast `Select`, its choices read in one query."""

    iterator = _ListChoiceIterator
    widget = Select


# Django's widget templates that are just an <input> (each includes input.html).
_INPUT_TEMPLATES = frozenset(
    f"django/forms/widgets/{name}.html"
    for name in (
        "input",
        "text",
        "number",
        "email",
        "url",
        "password",
        "hidden",
        "date",
        "datetime",
        "time",
        "search",
        "tel",
        "color",
        "checkbox",
    )
)
_TEXTAREA_TEMPLATE = "django/forms/widgets/textarea.html"
_SELECT_TEMPLATE = "django/forms/widgets/select.html"
_OPTION_TEMPLATE = "django/forms/widgets/select_option.html"


class Renderer(DjangoTemplates):
    """Django's form renderer, with inputs, text areas and selects written in Python: the
    same markup as Django's templates (a test compares them), without two template
    renders per field and one more per option. A desk page renders some twenty fields.
    Everything else (fields' own templates, radio buttons, file inputs…) goes to the
    templates as before."""

    def render(self, template_name: str, context: dict[str, Any], request: Any = None) -> str:
        widget = context.get("widget")
        if template_name in _INPUT_TEMPLATES and isinstance(widget, dict):
            value = widget["value"]
            shown = "" if value is None else f' value="{escape(value)}"'
            return mark_safe(  # noqa: S308 (every value is escaped)
                f'<input type="{escape(widget["type"])}" name="{escape(widget["name"])}"'
                f"{shown}{_attributes(widget['attrs'])}>"
            )
        if template_name == _TEXTAREA_TEMPLATE and isinstance(widget, dict):
            text = escape(widget["value"]) if widget["value"] else ""
            return mark_safe(  # noqa: S308 (every value is escaped)
                f'<textarea name="{escape(widget["name"])}"{_attributes(widget["attrs"])}>\n'
                f"{text}</textarea>"
            )
        if template_name == _SELECT_TEMPLATE and isinstance(widget, dict):
            groups = widget["optgroups"]
            if all(o["template_name"] == _OPTION_TEMPLATE for _g, os, _i in groups for o in os):
                return mark_safe(_select(widget["name"], widget["attrs"], groups))  # noqa: S308
        return super().render(template_name, context, request)


def _select(name: str, attrs: dict[str, Any], groups: list[Any]) -> str:
    """select.html with select_option.html for each option, whitespace and all (every
    value escaped)."""
    parts = [f'<select name="{escape(name)}"{_attributes(attrs)}>']
    for group_name, options, _index in groups:
        if group_name:
            parts.append(f'\n  <optgroup label="{conditional_escape(group_name)}">')
        parts.extend(
            f'\n  <option value="{escape(option["value"])}"{_attributes(option["attrs"])}>'
            f"{conditional_escape(option['label'])}</option>\n"  # the template's own newline
            for option in options
        )
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return "".join(parts)
