"""Server-Timing (W3C Server Timing): with SESIS_SERVER_TIMING on, every response says
how many database queries it ran, how long they took and how long the whole response
took, for example

    Server-Timing: db;dur=12.4;desc="7 queries", app;dur=45.1

Browsers' developer tools show it beside each request, and `make bench` records each
page's query count from it under load (bench/locustfile.py). Off by default: the
figures are for operators, not for every visitor. The count covers every database the
request used (the primary and a read replica) up to the moment the view returned; a
streamed file's rows are read after that and are not in it, and a COPY (the audit
log's bulk writes on PostgreSQL) is not a query Django sees."""

from __future__ import annotations

import time
from collections.abc import Callable
from contextlib import ExitStack
from typing import Any

from django.conf import settings
from django.db import connections
from django.http import HttpRequest, HttpResponseBase


class QueryTimer:
    """An execute wrapper (Django's database instrumentation) counting the queries
    it sees and the time they took."""

    def __init__(self) -> None:
        self.queries = 0
        self.seconds = 0.0

    def __call__(self, execute: Callable[..., Any], sql: str, params: Any, many: bool, context: dict[str, Any]) -> Any:
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.seconds += time.perf_counter() - started
            self.queries += 1


def header(timer: QueryTimer, total_seconds: float) -> str:
    noun = "query" if timer.queries == 1 else "queries"
    return f'db;dur={timer.seconds * 1000:.1f};desc="{timer.queries} {noun}", app;dur={total_seconds * 1000:.1f}'


class ServerTimingMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if not settings.SESIS_SERVER_TIMING:
            return self.get_response(request)
        timer = QueryTimer()
        started = time.perf_counter()
        with ExitStack() as stack:
            for connection in connections.all():
                stack.enter_context(connection.execute_wrapper(timer))
            response = self.get_response(request)
        response["Server-Timing"] = header(timer, time.perf_counter() - started)
        return response
