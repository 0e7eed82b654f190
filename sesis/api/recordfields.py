"""The API's service record fields, derived from the record's one declaration
(sesis.services.models.SessionContent): each field's type, list of values, length and
description come from the model, so the API, the forms and the rules cannot drift.

A schema class names only what is its own and takes the record's fields with the
`with_record_fields` decorator, in one of three modes:
- "create": what a new record takes; a field that may be empty may be left out (or
  sent as null, read as empty).
- "changes": an amendment's changes: every field optional, only the ones sent are
  changed; null is refused where the field cannot be empty, and so is any field that
  is not one of the record's.
- "out": what a record read returns."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from typing import Annotated, Any, Literal, TypeVar, cast

from django.db import models
from ninja import Schema
from pydantic import Field, create_model

from sesis.api.types import LOCAL_TIME, IsoDate, IsoTime, JsonBool, LocalTime, json_int
from sesis.services.models import field_bounds, record_field

Mode = Literal["create", "changes", "out"]
S = TypeVar("S", bound=type[Schema])


def _bounds(field: models.Field[Any, Any]) -> dict[str, Any]:
    low, high = field_bounds(field)
    return {key: value for key, value in (("ge", low), ("le", high)) if value is not None}


def _type(field: models.Field[Any, Any], mode: Mode) -> tuple[Any, dict[str, Any]]:
    """The Python type of a field's value in the API, and its constraints."""
    if field.choices:
        values = tuple(str(value) for value, _ in field.choices)
        if field.blank:
            values = (*values, "")
        return Literal[values], {}
    if isinstance(field, models.BooleanField):
        return (bool if mode == "out" else JsonBool), {}
    if isinstance(field, models.TimeField):
        return (LocalTime if mode == "out" else IsoTime), {}
    if isinstance(field, models.DateField):
        return (dt.date if mode == "out" else IsoDate), {}
    if isinstance(field, models.IntegerField):
        return (int if mode == "out" else json_int(**_bounds(field))), {}
    return str, ({} if mode == "out" else {"max_length": field.max_length})


def record_field_definitions(names: Iterable[str], mode: Mode) -> dict[str, Any]:
    """pydantic field definitions {name: (type, FieldInfo)} for the record's fields."""
    definitions: dict[str, Any] = {}
    for name in names:
        field = record_field(name)
        kind, constraints = _type(field, mode)
        if constraints:
            # On the value's own type, so that an optional field's schema states them
            # inside its anyOf (as minimum, maximum, maxLength), not beside it.
            kind = Annotated[kind, Field(**constraints)]
            constraints = {}
        description = str(field.verbose_name)
        if field.help_text:
            description += f". {field.help_text}"
        if isinstance(field, models.TimeField):
            description += f" ({LOCAL_TIME})"
        if field.null:
            kind = kind | None
        if mode == "out":
            definitions[name] = (kind, Field(..., description=description))
        elif mode == "changes":
            # Left out means unchanged (exclude_unset); null only where the field allows it.
            definitions[name] = (kind, Field(None, description=description, **constraints))
        elif field.has_default():
            definitions[name] = (kind, Field(field.default, description=description, **constraints))
        elif field.blank:
            definitions[name] = (kind | None, Field(None, description=description, **constraints))
        else:
            definitions[name] = (kind, Field(..., description=description, **constraints))
    return definitions


def with_record_fields(names: Iterable[str], mode: Mode) -> Callable[[S], S]:
    """A schema class decorator: the class with the record's fields `names` added. A
    "changes" class refuses unknown fields (model_config extra="forbid")."""
    chosen = tuple(names)

    def decorate(cls: S) -> S:
        if mode == "changes":
            assert cls.model_config.get("extra") == "forbid", "an amendment's changes refuse unknown fields"
        derived: Any = create_model(
            cls.__name__,
            __base__=cls,
            __doc__=cls.__doc__,
            __module__=cls.__module__,
            **record_field_definitions(chosen, mode),
        )
        return cast(S, derived)

    return decorate


def entered_values(payload: Schema, names: Iterable[str]) -> dict[str, Any]:
    """A create payload's record fields for the actions: null or left out is empty."""
    values = payload.model_dump(include=set(names))
    for name, value in values.items():
        if value is None and not record_field(name).null:
            values[name] = ""
    return values
