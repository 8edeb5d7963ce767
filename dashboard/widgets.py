"""Controls generated from the scenario schema: titles, ranges, choices and help come from pydantic Field metadata.

:func:`describe_field` turns one model field into a :class:`FieldSpec` (pure, unit-tested); :func:`model_inputs`
renders a whole section of the scenario as Streamlit widgets and returns the values in the scenario's own nested
shape, so the caller rebuilds a :class:`~simulation.scenario.ScenarioConfig` from them and lets pydantic validate.
"""

from __future__ import annotations

import math
import typing
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any, Literal

import annotated_types
import streamlit as st
from pydantic import BaseModel
from pydantic.fields import FieldInfo

from dashboard.labels import pretty

WidgetKind = Literal["toggle", "choice", "slider", "number", "multichoice", "number_map", "choice_map", "model",
                     "skip"]
SLIDER_MAX_STEPS = 2000


@dataclass(frozen=True)
class FieldSpec:
    """How one scenario field is shown.

    Attributes:
        name: Field name.
        kind: Widget kind.
        label: Title from the schema (the field name as words if it has none).
        help: Description from the schema.
        minimum: Lowest allowed value (numbers).
        maximum: Highest allowed value (numbers).
        step: Widget step (numbers).
        is_int: The number is an integer.
        options: Allowed choices (choices, multichoices, map keys).
        value_options: Allowed choices of a map's values (choice maps).
        percent: The number is a share between 0 and 1, shown as a percentage (one convention for shares).
    """

    name: str
    kind: WidgetKind
    label: str
    help: str | None = None
    minimum: float | None = None
    maximum: float | None = None
    step: float | None = None
    is_int: bool = False
    options: tuple[Any, ...] = ()
    value_options: tuple[Any, ...] = ()
    percent: bool = False


def _bounds(metadata: list[Any]) -> tuple[float | None, float | None, bool]:
    low = high = None
    exclusive_low = False
    for item in metadata:
        if isinstance(item, annotated_types.Ge):
            low = float(item.ge)
        elif isinstance(item, annotated_types.Gt):
            low, exclusive_low = float(item.gt), True
        elif isinstance(item, annotated_types.Le):
            high = float(item.le)
        elif isinstance(item, annotated_types.Lt):
            high = float(item.lt)
        elif isinstance(item, FieldInfo):
            inner_low, inner_high, inner_exclusive = _bounds(item.metadata)
            low, high = inner_low if inner_low is not None else low, inner_high if inner_high is not None else high
            exclusive_low = exclusive_low or inner_exclusive
    return low, high, exclusive_low


def _unwrap(annotation: Any) -> tuple[Any, list[Any]]:
    """Return the bare type of an Annotated[...] and its metadata."""
    if typing.get_origin(annotation) is typing.Annotated:
        base, *metadata = typing.get_args(annotation)
        return base, metadata
    return annotation, []


def _is_literal(annotation: Any) -> bool:
    return typing.get_origin(annotation) is Literal


def _number_step(low: float, high: float, is_int: bool) -> float:
    if is_int:
        return 1
    span = high - low
    if span <= 1.0 + 1e-9:
        return 0.01
    return 10.0 ** math.floor(math.log10(span)) / 100


def _first_on_grid(low: float, step: float, exclusive: bool) -> float:
    """Return the smallest multiple of ``step`` allowed by a lower bound (above it if ``exclusive``).

    A bound off the widget's grid (epsilon's 0.001 with steps of 0.1) would put every value off the grid.
    """
    ratio = low / step
    k = math.floor(ratio + 1e-9) + 1 if exclusive else math.ceil(ratio - 1e-9)
    return round(k * step, 10)


def describe_field(name: str, info: FieldInfo) -> FieldSpec:
    """Return how a scenario field is shown, from its annotation and Field metadata.

    Args:
        name: The field's name.
        info: Its pydantic FieldInfo.

    Returns:
        The spec; kind "skip" for fields the form does not edit (free text, id lists, unions).
    """
    label = info.title or name.replace("_", " ").capitalize()
    common = {"name": name, "label": label, "help": info.description}
    annotation, extra = _unwrap(info.annotation)
    origin, args = typing.get_origin(annotation), typing.get_args(annotation)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return FieldSpec(kind="model", **common)
    if annotation is bool:
        return FieldSpec(kind="toggle", **common)
    if _is_literal(annotation):
        return FieldSpec(kind="choice", options=args, **common)
    if annotation in (int, float):
        low, high, exclusive = _bounds([*info.metadata, *extra])
        is_int = annotation is int
        if low is None or high is None:
            return FieldSpec(kind="number", minimum=low, maximum=high, is_int=is_int,
                             step=1 if is_int else 0.1, **common)
        step = _number_step(low, high, is_int)
        low = _first_on_grid(low, step, exclusive)
        kind = "slider" if (high - low) / step <= SLIDER_MAX_STEPS else "number"
        return FieldSpec(kind=kind, minimum=low, maximum=high, step=step, is_int=is_int,
                         percent=not is_int and low == 0.0 and high == 1.0, **common)
    if origin is list and args and _is_literal(_unwrap(args[0])[0]):
        return FieldSpec(kind="multichoice", options=typing.get_args(_unwrap(args[0])[0]), **common)
    if origin is dict and len(args) == 2 and _is_literal(args[0]):
        value_type, value_meta = _unwrap(args[1])
        if value_type in (int, float):
            low, high, _ = _bounds(value_meta)
            percent = value_type is float and low == 0.0 and high == 1.0
            return FieldSpec(kind="number_map", options=typing.get_args(args[0]), minimum=low, maximum=high,
                             step=0.01 if percent else 1.0, is_int=value_type is int, percent=percent, **common)
        if typing.get_origin(value_type) is list and _is_literal(typing.get_args(value_type)[0]):
            return FieldSpec(kind="choice_map", options=typing.get_args(args[0]),
                             value_options=typing.get_args(typing.get_args(value_type)[0]), **common)
    return FieldSpec(kind="skip", **common)


def _number(spec: FieldSpec, value: float, key: str) -> float:
    cast = int if spec.is_int else float
    kwargs = {"min_value": cast(spec.minimum) if spec.minimum is not None else None,
              "max_value": cast(spec.maximum) if spec.maximum is not None else None,
              "step": cast(spec.step) if spec.step else None}
    if spec.kind == "slider":
        return st.slider(spec.label, value=cast(value), help=spec.help, key=key,
                         format="percent" if spec.percent else None, **kwargs)
    return st.number_input(spec.label, value=cast(value), help=spec.help, key=key, **kwargs)


def render_field(spec: FieldSpec, value: Any, key: str, default: Any = None) -> Any:
    """Show one widget for a field and return its value (the current value for skipped fields).

    Args:
        spec: From :func:`describe_field`.
        value: The field's current value (the widget's initial value).
        key: A unique widget key.
        default: The field's schema default; a map key missing from ``value`` starts at its default.
    """
    if spec.kind == "toggle":
        return st.toggle(spec.label, value=bool(value), help=spec.help, key=key)
    if spec.kind == "choice":
        options = list(spec.options)
        return st.selectbox(spec.label, options, index=options.index(value) if value in options else 0,
                            help=spec.help, key=key, format_func=lambda v: pretty(str(v)) if isinstance(v, str)
                            else str(v))
    if spec.kind in ("slider", "number"):
        return _number(spec, value, key)
    if spec.kind == "multichoice":
        return st.multiselect(spec.label, list(spec.options), default=[v for v in value if v in spec.options],
                              help=spec.help, key=key, format_func=pretty)
    if spec.kind == "number_map":
        st.markdown(f"**{spec.label}**", help=spec.help)
        columns = st.columns(2)
        result = {}
        for i, option in enumerate(spec.options):
            item = FieldSpec(name=str(option), kind="slider" if spec.percent else "number",
                             label=pretty(str(option)), minimum=spec.minimum, maximum=spec.maximum, step=spec.step,
                             is_int=spec.is_int, percent=spec.percent)
            with columns[i % 2]:
                fallback = (default or {}).get(option, spec.minimum or 0)
                result[option] = _number(item, value.get(option, fallback), f"{key}.{option}")
        return result
    if spec.kind == "choice_map":
        st.markdown(f"**{spec.label}**", help=spec.help)
        return {option: st.multiselect(pretty(str(option)), list(spec.value_options),
                                       default=[v for v in value.get(option, []) if v in spec.value_options],
                                       key=f"{key}.{option}", format_func=pretty)
                for option in spec.options}
    return value


Binding = tuple[str, tuple[str | int, ...]]
"""A widget key and the path of the scenario value it edits (keys and list indices into ``model_dump()``)."""


def model_inputs(model: BaseModel, key: str, path: tuple[str | int, ...] = (), skip: tuple[str, ...] = (),
                 overrides: Mapping[str, Mapping[str, Any]] | None = None) -> list[Binding]:
    """Show a widget for every editable field of a scenario section, nested sections under sub-headings.

    Args:
        model: The section's current value (the widgets' initial values).
        key: Prefix of the widget keys (unique per section and per loaded scenario).
        path: Where the section sits in the scenario's ``model_dump()``.
        skip: Field names left out (kept at their current value).
        overrides: FieldSpec attributes replaced per field name (see :func:`section_inputs`).

    Returns:
        The bindings of the widgets shown: :func:`apply_bindings` turns their values into a scenario.
    """
    return section_inputs(type(model), model.model_dump(), key, path, skip, overrides)


def section_inputs(model_type: type[BaseModel], values: Mapping[str, Any], key: str,
                   path: tuple[str | int, ...] = (), skip: tuple[str, ...] = (),
                   overrides: Mapping[str, Mapping[str, Any]] | None = None) -> list[Binding]:
    """Show a widget for every editable field of a section given as data (which need not be valid as a whole).

    Args:
        model_type: The section's model class (titles, ranges, help).
        values: The section's current data (the widgets' initial values; a missing field starts at its default).
        key: Prefix of the widget keys.
        path: Where the section sits in the scenario's data.
        skip: Field names left out.
        overrides: FieldSpec attributes replaced per field name, for rules the schema checks across fields
            (e.g. a sampling interval on the grid of the world's time slot).

    Returns:
        The bindings of the widgets shown.
    """
    bindings: list[Binding] = []
    for name, info in model_type.model_fields.items():
        if name in skip:
            continue
        spec = describe_field(name, info)
        if overrides and name in overrides:
            spec = replace(spec, **overrides[name])
        default = info.get_default(call_default_factory=True)
        current, widget_key = values.get(name, default), f"{key}.{name}"
        if spec.kind == "model":
            section = _unwrap(info.annotation)[0]
            doc = (section.__doc__ or "").strip().splitlines()
            st.markdown(f"**{info.title or pretty(name)}**", help=doc[0] if doc else None)
            data = current.model_dump() if isinstance(current, BaseModel) else current
            bindings += section_inputs(section, data, widget_key, (*path, name))
        elif spec.kind != "skip":
            render_field(spec, current, widget_key, default=default)
            if spec.kind in ("number_map", "choice_map"):
                bindings += [(f"{widget_key}.{option}", (*path, name, option)) for option in spec.options]
            else:
                bindings.append((widget_key, (*path, name)))
    return bindings


def apply_bindings(data: dict[str, Any], bindings: list[Binding], values: Any) -> dict[str, Any]:
    """Write widget values into scenario data.

    Args:
        data: A scenario's ``model_dump()`` (modified in place and returned).
        bindings: From :func:`model_inputs`.
        values: Widget values by key (``st.session_state``); keys it lacks are left unchanged.
    """
    for widget_key, path in bindings:
        if widget_key not in values:
            continue
        target = data
        for part in path[:-1]:
            target = target[part]
        target[path[-1]] = values[widget_key]
    return data


def section_title(model: BaseModel, name: str) -> tuple[str, str]:
    """Return a section's title (its field name as words) and its one-line description (the class docstring)."""
    doc = (type(model).__doc__ or "").strip().splitlines()
    return pretty(name), doc[0] if doc else ""
