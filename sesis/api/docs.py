"""The API's reference page, drawn on the server from its own OpenAPI schema, in the
site's accessible style (Swagger UI fails axe-core: contrast, nested controls, no
landmarks). Read operations without path parameters can be tried from the page with
the signed-in session; the schema itself is at /api/v1/openapi.json for any tool."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.html import escape
from django.utils.safestring import mark_safe
from ninja import NinjaAPI
from ninja.openapi.docs import DocsBase

METHODS = ("get", "post", "put", "patch", "delete")


@dataclass
class Field:
    name: str
    where: str
    type: str
    required: bool
    description: str


@dataclass
class Operation:
    anchor: str
    method: str
    path: str
    summary: str
    description: str
    parameters: list[Field]
    body: list[Field]
    responses: list[tuple[str, str]]
    scopes: str
    can_try: bool
    query: list[Field] = field(default_factory=list)


def _name(ref: str) -> str:
    return ref.rsplit("/", 1)[-1]


def describe_type(schema: dict[str, Any], components: dict[str, Any]) -> str:
    """A schema's type in words: "string (date)", "one of: provided, …", "list of OSIS"."""
    if "$ref" in schema:
        target = components.get(_name(schema["$ref"]), {})
        if "enum" in target:
            return "one of: " + ", ".join(map(str, target["enum"]))
        return _name(schema["$ref"])
    for key in ("anyOf", "allOf"):
        if key in schema:
            kinds = [describe_type(s, components) for s in schema[key] if s.get("type") != "null"]
            return " or ".join(kinds) + (" or null" if any(s.get("type") == "null" for s in schema[key]) else "")
    if "enum" in schema:
        return "one of: " + ", ".join(map(str, schema["enum"]))
    if schema.get("type") == "array":
        return "list of " + describe_type(schema.get("items", {}), components)
    kind = str(schema.get("type", "any"))
    detail = schema.get("format") or ("HH:MM" if "pattern" in schema and "example" in schema else "")
    limits = []
    if "maximum" in schema:
        limits.append(f"{schema.get('minimum', '')}–{schema['maximum']}")
    if "maxLength" in schema:
        limits.append(f"at most {schema['maxLength']} characters")
    return kind + (f" ({detail})" if detail else "") + (f", {', '.join(limits)}" if limits else "")


def _body_fields(operation: dict[str, Any], components: dict[str, Any]) -> list[Field]:
    content = operation.get("requestBody", {}).get("content", {}).get("application/json", {})
    ref = content.get("schema", {}).get("$ref")
    if not ref:
        return []
    schema = components.get(_name(ref), {})
    required = set(schema.get("required", []))
    return [
        Field(name, "body", describe_type(prop, components), name in required, prop.get("description", ""))
        for name, prop in schema.get("properties", {}).items()
    ]


def operations(schema: dict[str, Any], scopes: dict[str, str]) -> list[tuple[str, list[Operation]]]:
    """The operations grouped by tag, in the schema's order."""
    components = schema.get("components", {}).get("schemas", {})
    groups: dict[str, list[Operation]] = {}
    for path, item in schema["paths"].items():
        for method in METHODS:
            op = item.get(method)
            if op is None:
                continue
            params = [
                Field(
                    p["name"],
                    p["in"],
                    describe_type(p.get("schema", {}), components),
                    p.get("required", False),
                    p.get("description", ""),
                )
                for p in op.get("parameters", [])
            ]
            groups.setdefault(op.get("tags", ["Other"])[0], []).append(
                Operation(
                    anchor=op["operationId"],
                    method=method.upper(),
                    path=path,
                    summary=op.get("summary", ""),
                    description=op.get("description", ""),
                    parameters=params,
                    body=_body_fields(op, components),
                    responses=[(code, r.get("description", "")) for code, r in op.get("responses", {}).items()],
                    scopes=scopes.get(op["operationId"], ""),
                    can_try=method == "get" and not any(p.where == "path" for p in params),
                    query=[p for p in params if p.where == "query"],
                )
            )
    return list(groups.items())


class Reference(DocsBase):
    def render_page(self, request: HttpRequest, api: NinjaAPI, **kwargs: Any) -> HttpResponse:
        schema = api.get_openapi_schema(path_params=kwargs)
        scopes = _scopes_by_operation(api)
        context = {
            "title": schema["info"]["title"],
            "description": _markup(schema["info"].get("description", "")),
            "groups": operations(schema, scopes),
            "openapi_url": self.get_openapi_url(api, kwargs),
        }
        return render(request, "api/reference.html", context)


def _markup(text: str) -> str:
    """The schema's description (a little Markdown: paragraphs, **bold**, `code`) as HTML."""
    paragraphs = []
    for block in text.split("\n\n"):
        html = str(escape(" ".join(block.split())))
        html = re.sub(r"\*\*(.+?)\*\*", r"<strong>\1</strong>", html)
        html = re.sub(r"`(.+?)`", r"<code>\1</code>", html)
        paragraphs.append(f"<p>{html}</p>")
    return mark_safe("".join(paragraphs))  # noqa: S308 (escaped above; only our own tags added)


def _scopes_by_operation(api: NinjaAPI) -> dict[str, str]:
    """Each operation's scope, read from its authentication."""
    found: dict[str, str] = {}
    for router in api._get_bound_routers():
        for path_view in router.path_operations.values():
            for operation in path_view.operations:
                scope = next((getattr(a, "scope", "") for a in operation.auth_callbacks if getattr(a, "scope", "")), "")
                found[api.get_openapi_operation_id(operation)] = scope
    return found
