"""One way to page every list: limit and offset in, count and items out."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from ninja import Field, Schema
from pydantic import create_model

MAX_LIMIT = 200


class PageQuery(Schema):
    limit: int = Field(50, ge=1, le=MAX_LIMIT, description=f"Items per page, at most {MAX_LIMIT}.")
    offset: int = Field(0, ge=0, le=10_000_000, description="How many items to skip.")


def page_of(item: type[Schema], name: str) -> type[Schema]:
    """The page schema of a list: {count, limit, offset, next_offset, items}."""
    model: type[Schema] = create_model(
        name,
        __base__=Schema,
        count=(int, ...),
        limit=(int, ...),
        offset=(int, ...),
        next_offset=(int | None, None),
        items=(list[item], ...),  # type: ignore[valid-type]
    )
    return model


def page(rows: QuerySet[Any] | list[Any], query: PageQuery, *, count: int | None = None) -> dict[str, Any]:
    total = count if count is not None else (rows.count() if isinstance(rows, QuerySet) else len(rows))
    items = list(rows[query.offset : query.offset + query.limit])
    following = query.offset + len(items)
    return {
        "count": total,
        "limit": query.limit,
        "offset": query.offset,
        "next_offset": following if following < total else None,
        "items": items,
    }
