"""Form controls written in Python: the HTML that Django's widget templates write, for the widgets our forms use,
without a template render per widget or per choice (`templates/includes/_form.html` calls these).

A page's forms drew each control through Django's form renderer: a template (and its attrs include) per
input, per select, and per choice of a group, reached through `BoundField.subwidgets`, which builds a dict per
choice first. The search form alone drew about a hundred of them on every results page. A widget these
functions do not know (a file input, a widget of a package) is still drawn by Django's own template.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping

from django import forms
from django.forms.boundfield import BoundField
from django.utils.html import conditional_escape, escape
from django.utils.safestring import SafeString, mark_safe

# Drawn here; any other widget by its own template.
INPUTS = (forms.TextInput, forms.NumberInput, forms.EmailInput, forms.URLInput, forms.PasswordInput,
          forms.HiddenInput, forms.DateInput, forms.DateTimeInput, forms.TimeInput, forms.CheckboxInput)  # fmt: skip


def attributes(attrs: Mapping) -> str:
    """As django/forms/widgets/attrs.html: `True` as a bare name, `False` left out, every value escaped."""
    return "".join(
        f" {name}" if value is True else f' {name}="{conditional_escape(value)}"'
        for name, value in attrs.items()
        if value is not False
    )


def _widget_attrs(field: BoundField) -> dict:
    """What BoundField.as_widget gives the widget: required, aria-invalid, aria-describedby and the id."""
    widget = field.field.widget
    attrs = field.build_widget_attrs({}, widget)
    if field.auto_id and "id" not in widget.attrs:
        attrs.setdefault("id", field.auto_id)
    return widget.build_attrs(widget.attrs, attrs)


# HTML's "valid floating-point number": what an <input type="number"> may hold as its value.
HTML_NUMBER = re.compile(r"-?(?:\d+(?:\.\d+)?|\.\d+)(?:[eE][-+]?\d+)?")


def html_number(value) -> bool:
    """Whether a number input may show this value again. A form shown with its errors echoes what was sent,
    and from a URL that can be anything ("?pay_min=lots"): such a value is left out, so the field shows
    empty beside its error (templates/django/forms/widgets/number.html)."""
    return value is not None and HTML_NUMBER.fullmatch(str(value)) is not None


def control(field: BoundField) -> SafeString:
    """One field's <input>, <select> or <textarea>, exactly as the widget's template writes it."""
    widget = field.field.widget
    if type(widget) in INPUTS:
        context = widget.get_context(field.html_name, field.value(), _widget_attrs(field))["widget"]
        value = "" if context["value"] is None else f' value="{escape(context["value"])}"'
        if context["type"] == "number" and not html_number(context["value"]):
            value = ""  # as our number.html: a number input never echoes "lots" (invalid HTML)
        return mark_safe(
            f'<input type="{context["type"]}" name="{escape(context["name"])}"{value}{attributes(context["attrs"])}>'
        )
    if type(widget) is forms.Textarea:
        context = widget.get_context(field.html_name, field.value(), _widget_attrs(field))["widget"]
        text = escape(context["value"]) if context["value"] else ""
        return mark_safe(
            f'<textarea name="{escape(field.html_name)}"{attributes(context["attrs"])}>\n{text}</textarea>'
        )
    if isinstance(widget, forms.Select) and not isinstance(widget, forms.RadioSelect | forms.CheckboxSelectMultiple):
        return _select(field, widget)
    return mark_safe(str(field))


def _select(field: BoundField, widget: forms.Select) -> SafeString:
    attrs = _widget_attrs(field)
    if widget.allow_multiple_selected:
        attrs["multiple"] = True
    chosen = set(widget.format_value(field.value()))
    parts = [f'<select name="{escape(field.html_name)}"{attributes(attrs)}>']
    for group, options in _groups(widget.choices):
        if group:
            parts.append(f'\n  <optgroup label="{escape(group)}">')
        for value, label in options:
            text = "" if value is None else str(value)
            selected = text in chosen
            if selected and not widget.allow_multiple_selected:
                chosen = set()  # as Django: only the first option of a value is selected
            mark = " selected" if selected else ""
            parts.append(f'\n  <option value="{escape(text)}"{mark}>{escape(label)}</option>')
        if group:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return mark_safe("".join(parts))


def _groups(choices) -> Iterator[tuple[str | None, list]]:
    for value, label in choices:
        if isinstance(label, list | tuple):
            yield value, label
        else:
            yield None, [(value, label)]


# -- Groups of checkboxes or radio buttons --------------------------------------------------------------------


def choice_options(field: BoundField) -> Iterator[tuple[str, str, str, bool]]:
    """(id, value, label, checked) for each choice of a checkbox or radio group, with the ids Django gives them
    (`id_setting_0`, or `id_x_1_0` within a group), read from the choices themselves, not from subwidgets."""
    widget = field.field.widget
    base = widget.attrs.get("id") or field.auto_id
    chosen = set(widget.format_value(field.value()))
    for index, (value, label) in enumerate(widget.choices):
        grouped = isinstance(label, list | tuple)
        for subindex, (option_value, option_label) in enumerate(label if grouped else [(value, label)]):
            text = "" if option_value is None else str(option_value)
            checked = text in chosen
            if checked and not widget.allow_multiple_selected:
                chosen = set()
            option_id = f"{base}_{index}_{subindex}" if grouped else f"{base}_{index}"
            yield option_id, text, option_label, checked


def choices(field: BoundField, counts: Mapping | None = None, capped: bool = False) -> SafeString:
    """Each choice as `<label class="check"><input ...><span>label (count)</span></label>`: the inputs as
    Django's checkbox and radio templates write them, and the counts beside the filters (`count_span`)."""
    counts = counts or None  # none given, or a template's empty variable
    widget = field.field.widget
    kind = widget.input_type  # "checkbox", or "radio"
    name = escape(field.html_name)
    # What subwidgets give each input: aria-invalid when the field has errors (a group is described by its
    # <fieldset>, not by each box), and the widget's own attributes.
    shared = attributes({key: value for key, value in _widget_attrs(field).items() if key != "id"})
    parts = []
    for option_id, value, label, checked in choice_options(field):
        count = "" if counts is None else count_span(option_id, counts.get(value, 0), capped)
        parts.append(
            f'<label class="check" for="{option_id}"><input type="{kind}" name="{name}" value="{escape(value)}"'
            f'{shared} id="{option_id}"{" checked" if checked else ""}><span>{escape(label)}{count}</span></label>'
        )
    return mark_safe("".join(parts))


def count_span(option_id: str, count: int, capped: bool, *, swap: bool = False) -> str:
    """A choice's count, "(12)", or "(1,000+)" when the search stopped counting at its bound (nothing then for
    none). Always present, with an id, so that htmx can replace it on its own (`swap`: out of band)."""
    text = "" if capped and not count else f"({count:,}{'+' if capped else ''})"
    oob = ' data-hx-swap-oob="true"' if swap else ""
    return f' <span class="check__count" id="{option_id}_count"{oob}>{text}</span>'


def counts_swap(field: BoundField, counts: Mapping, capped: bool) -> SafeString:
    """The counts of a group alone, each replacing its own in the page (htmx out-of-band swaps)."""
    options = choice_options(field)
    return mark_safe("".join(count_span(i, counts.get(value, 0), capped, swap=True) for i, value, *_ in options))
