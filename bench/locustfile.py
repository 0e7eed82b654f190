"""The mixed workload of `make bench` (bench/load.py runs it): providers and
supervisors signed in, doing what their day is made of, plus the floor: a signed-in
page doing one query. Who they are comes from the fixture file bench/load.py writes
(BENCH_FIXTURE): providers with their caseload, students they could add, supervisors
and schools."""

from __future__ import annotations

import itertools
import json
import os
import random
import re
from pathlib import Path

from locust import FastHttpUser, between, events, task

FIXTURE = json.loads(Path(os.environ["BENCH_FIXTURE"]).read_text())
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
MANDATE = re.compile(r'<select name="mandate"[^>]*>\s*<option value="(\d+)"')
SLOTS = itertools.count(FIXTURE["first_slot"])  # a unique evening time for each recorded session
PROVIDERS = itertools.cycle(FIXTURE["providers"])
SUPERVISORS = itertools.cycle(FIXTURE["supervisors"])


class Signed(FastHttpUser):
    abstract = True
    wait_time = between(0.5, 1.5)
    password = FIXTURE["password"]

    def sign_in(self, staff_id: str) -> None:
        page = self.client.get("/accounts/login/", name="sign in form")
        token = CSRF.search(page.text or "").group(1)
        with self.client.post(
            "/accounts/login/",
            data={"username": staff_id, "password": self.password, "csrfmiddlewaretoken": token},
            name="sign in",
            allow_redirects=False,
            catch_response=True,
        ) as answer:
            if answer.status_code != 302:
                answer.failure(f"sign-in refused for {staff_id}")

    def form(self, url: str, name: str) -> str:
        page = self.client.get(url, name=name)
        return page.text or ""

    def post(self, url: str, data: dict[str, object], name: str, html: str) -> None:
        match = CSRF.search(html)
        data["csrfmiddlewaretoken"] = match.group(1) if match else ""
        with self.client.post(url, data=data, name=name, allow_redirects=False, catch_response=True) as answer:
            if answer.status_code != 302:
                problem = re.search(r'class="usa-error-message"[^>]*>([^<]+)', answer.text or "")
                answer.failure(problem.group(1) if problem else f"status {answer.status_code}")

    @task(1)
    def floor(self) -> None:
        self.client.get("/ping/", name="floor (signed-in, one query)")


class Provider(Signed):
    weight = 8

    def on_start(self) -> None:
        self.me = next(PROVIDERS)
        self.sign_in(self.me["staff_id"])

    @task(3)
    def home(self) -> None:
        self.client.get("/", name="home")

    @task(2)
    def search_students(self) -> None:
        self.client.get(f"/caseload/add/?last_name={random.choice(FIXTURE['name_prefixes'])}", name="student search")

    @task(3)
    def services_calendar(self) -> None:
        self.client.get(f"/services/{random.choice(self.me['caseload'])}/", name="services calendar")

    @task(2)
    def record_and_certify(self) -> None:
        slot = next(SLOTS)
        day = FIXTURE["record_days"][slot // 89 % len(FIXTURE["record_days"])]
        start = 21 * 60 + (slot % 89) * 2
        osis = random.choice(self.me["caseload"])
        html = self.form(f"/services/{osis}/record/new/?date={day}", "record form")
        mandate = MANDATE.search(html)
        if mandate is None:
            return  # no mandate on that day (e.g. a mandate starting later): nothing to record
        data = {
            "start_time": f"{start // 60:02d}:{start % 60:02d}",
            "end_time": f"{start // 60:02d}:{start % 60 + 1:02d}",
            "mandate": mandate.group(1),
            "language": "English",
            "session_type": "provided",
            "grouping": "individual",
            "location": "separate",
            "description": "health",
            "progress": "progressing",
            "notes": "Benchmark session.",
            "certify": "on",
        }
        self.post(f"/services/{osis}/record/new/?date={day}", data, "record and certify", html)

    @task(1)
    def add_to_caseload(self) -> None:
        if not self.me["addable"]:
            return
        osis = self.me["addable"].pop()
        html = self.form(f"/caseload/add/?osis={osis}", "student search")
        self.post(f"/caseload/add/?osis={osis}", {"osis": osis}, "add to caseload", html)


class Supervisor(Signed):
    weight = 2

    def on_start(self) -> None:
        self.me = next(SUPERVISORS)
        self.sign_in(self.me["staff_id"])

    @task(2)
    def search_staff(self) -> None:
        prefix = random.choice(FIXTURE["name_prefixes"])
        self.client.get(f"/administration/staff/?name={prefix}&search=1", name="staff search")

    @task(2)
    def caseload(self) -> None:
        self.client.get(f"/administration/staff/{random.choice(self.me['providers'])}/caseload/", name="staff caseload")

    @task(1)
    def dashboard(self) -> None:
        self.client.get("/", name="home (supervisor dashboard)")

    @task(1)
    def provider_totals(self) -> None:
        self.client.get(
            f"/reports/provider-totals/?date_from={FIXTURE['month'][0]}&date_to={FIXTURE['month'][1]}&behind=on",
            name="provider service totals (district, month)",
        )

    @task(1)
    def encounter_attendance(self) -> None:
        school = random.choice(self.me["schools"])
        self.client.get(
            f"/reports/encounter-attendance/?date_from={FIXTURE['month'][0]}&date_to={FIXTURE['month'][1]}"
            f"&school={school}",
            name="encounter attendance (school, month)",
        )


# BENCH_EXCLUDE: tasks left out of this run (e.g. "dashboard,provider_totals"), to see the
# other pages without the heaviest ones sharing the machine.
EXCLUDED = {name for name in os.environ.get("BENCH_EXCLUDE", "").split(",") if name}
Provider.tasks = [t for t in Provider.tasks if getattr(t, "__name__", "") not in EXCLUDED]
Supervisor.tasks = [t for t in Supervisor.tasks if getattr(t, "__name__", "") not in EXCLUDED]


# Each page's database queries, from the Server-Timing header the server sends when
# bench/load.py starts it with SESIS_SERVER_TIMING (sesis.lib.timing): for each request
# name, how many requests ran how many queries. Written to BENCH_QUERIES at the end.
QUERIES = re.compile(r'db;[^,]*desc="(\d+) quer')
QUERY_COUNTS: dict[str, dict[int, int]] = {}


@events.request.add_listener
def _count_queries(name, response=None, exception=None, **kwargs) -> None:
    timing = response.headers.get("Server-Timing", "") if response is not None and response.headers else ""
    match = QUERIES.search(timing or "")
    if match and exception is None:
        counts = QUERY_COUNTS.setdefault(name, {})
        counts[int(match.group(1))] = counts.get(int(match.group(1)), 0) + 1


@events.quitting.add_listener
def _(environment, **kwargs) -> None:
    environment.process_exit_code = 0  # bench/load.py reads the failures from the stats
    if os.environ.get("BENCH_QUERIES"):
        Path(os.environ["BENCH_QUERIES"]).write_text(json.dumps(QUERY_COUNTS))
