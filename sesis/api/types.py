"""Input types that accept exactly what the schema says: dates as YYYY-MM-DD and times
as HH:MM (not numbers, which pydantic would otherwise read as timestamps), and, in
JSON bodies, numbers and booleans as JSON numbers and booleans, not strings.

A session's times are local school times, with no offset: the wall clock of the
district's time zone (settings.TIME_ZONE). JSON Schema's `format: time` is RFC 3339's
full-time, which needs an offset, so the schema declares them by pattern instead."""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any

from pydantic import BeforeValidator, Field, PlainSerializer, Strict, WithJsonSchema

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_TIME_PATTERN = r"^([01]\d|2[0-3]):[0-5]\d(:[0-5]\d)?$"
_TIME = re.compile(_TIME_PATTERN)


def _date(value: Any) -> Any:
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    if isinstance(value, str) and _DATE.match(value):
        return value
    raise ValueError("Enter a date as YYYY-MM-DD.")


def _time(value: Any) -> Any:
    if isinstance(value, dt.time):
        return value
    if isinstance(value, str) and _TIME.match(value):
        return value
    raise ValueError("Enter a time as HH:MM.")


IsoDate = Annotated[dt.date, BeforeValidator(_date), WithJsonSchema({"type": "string", "format": "date"})]
LOCAL_TIME = "Local time in the school district's time zone (America/New_York), HH:MM or HH:MM:SS, no offset"
IsoTime = Annotated[
    dt.time,
    BeforeValidator(_time),
    WithJsonSchema({"type": "string", "pattern": _TIME_PATTERN, "example": "10:00", "description": LOCAL_TIME}),
]
# A time the API returns: HH:MM:SS, local, as above.
LocalTime = Annotated[
    dt.time,
    PlainSerializer(lambda value: value.strftime("%H:%M:%S"), return_type=str),
    WithJsonSchema({"type": "string", "pattern": _TIME_PATTERN, "example": "10:00:00", "description": LOCAL_TIME}),
]


def _integral(value: Any) -> Any:
    """JSON Schema counts 2.0 as an integer; so does the API. 2.5 stays a float."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


JsonInt = Annotated[int, BeforeValidator(_integral), Strict()]


def json_int(*, ge: int | None = None, le: int | None = None) -> Any:
    """JsonInt within bounds, stated in the schema as minimum and maximum."""
    return Annotated[int, Field(ge=ge, le=le), BeforeValidator(_integral), Strict()]


JsonBool = Annotated[bool, Strict()]
