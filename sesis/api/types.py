"""Input types that accept exactly what the schema says: dates as YYYY-MM-DD and times
as HH:MM (not numbers, which pydantic would otherwise read as timestamps), and, in
JSON bodies, numbers and booleans as JSON numbers and booleans, not strings."""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any

from pydantic import BeforeValidator, Strict, WithJsonSchema

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
IsoTime = Annotated[
    dt.time,
    BeforeValidator(_time),
    WithJsonSchema({"type": "string", "pattern": _TIME_PATTERN, "example": "10:00"}),
]
JsonInt = Annotated[int, Strict()]
JsonBool = Annotated[bool, Strict()]
