"""A small demo district, loaded through the same importers and actions a real
district's data goes through. Deterministic: the same seed gives the same district."""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import io
import random
from collections.abc import Sequence
from dataclasses import dataclass

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from sesis.caseloads.actions import caseload_add
from sesis.imports.framework import importers
from sesis.medicaid.checks import npi_from
from sesis.people.models import Staff
from sesis.schoolcalendar.days import non_school_reason
from sesis.services.actions import RecordRefused, draft, service_record_create
from sesis.services.choices import LANGUAGES as SERVICE_LANGUAGES
from sesis.services.rules import entry_window_start
from sesis.students.models import Student

DEMO_PASSWORD = "sesis-demo-2026"  # noqa: S105 (printed by make run for the demo logins)
DEMO_PIN = "4827"  # the demo providers' telephone PIN, printed by make run


@dataclass(frozen=True)
class DemoLogin:
    staff_id: str
    who: str


LOGINS = [
    DemoLogin("100001", "Administrator (all schools)"),
    DemoLogin("200001", "Supervisor, district 2 (Manhattan)"),
    DemoLogin("200002", "Supervisor, school 15K444 and agency Bright Futures Therapy"),
    DemoLogin("300001", "DOE speech provider, 02M111 and 02M222"),
    DemoLogin("400001", "Agency OT provider (Bright Futures Therapy), 02M333"),
    DemoLogin("500001", "Independent speech provider (RSAs)"),
    DemoLogin("600001", "DOE paraprofessional, 02M111"),
]

SCHOOLS = [
    ("02M111", "P.S. 111 Adolph S. Ochs", 2, "M"),
    ("02M222", "Lower Manhattan Community School", 2, "M"),
    ("02M333", "The Clinton School", 2, "M"),
    ("15K444", "P.S. 444 Carroll Gardens", 15, "K"),
    ("15K555", "Park Slope Collegiate", 15, "K"),
    ("15K666", "Red Hook Neighborhood School", 15, "K"),
]

STAFF = [
    # staff_id, first, last, role, provider_type, agency, disciplines, languages
    ("100001", "Morgan", "Reyes", "administrator", "", "", "", "English"),
    ("200001", "Denise", "Okafor", "supervisor", "", "", "", "English"),
    ("200002", "Samuel", "Goldberg", "supervisor", "", "", "", "English;Yiddish"),
    ("300001", "Maria", "Santos", "provider", "DOE", "", "SPEECH", "English;Spanish"),
    ("300002", "James", "Chen", "provider", "DOE", "", "OT", "English;Chinese"),
    ("300003", "Aisha", "Bello", "provider", "DOE", "", "PT", "English"),
    ("300004", "Kevin", "O'Brien", "provider", "DOE", "", "COUNSELING", "English"),
    ("300005", "Priya", "Raman", "provider", "DOE", "", "HEALTH", "English;Hindi"),
    ("400001", "Lucia", "Ferrari", "provider", "Agency", "Bright Futures Therapy", "OT", "English;Italian"),
    ("400002", "David", "Kim", "provider", "Agency", "Harbor Health Staffing", "SPEECH", "English;Korean"),
    ("500001", "Rachel", "Levin", "provider", "Independent", "", "SPEECH", "English;Russian"),
    ("600001", "Carmen", "Diaz", "provider", "DOE", "", "PARA", "English;Spanish"),
    ("600002", "Tyrone", "Washington", "provider", "DOE", "", "PARA", "English"),
]

FIRST = [
    "Aaliyah",
    "Aiden",
    "Amir",
    "Ana",
    "Benjamin",
    "Brianna",
    "Camila",
    "Carlos",
    "Chloe",
    "Daniel",
    "Destiny",
    "Elijah",
    "Emma",
    "Ethan",
    "Fatima",
    "Gabriel",
    "Grace",
    "Hannah",
    "Isaac",
    "Isabella",
    "Jayden",
    "Jasmine",
    "Jin",
    "Joshua",
    "Kayla",
    "Liam",
    "Lucas",
    "Madison",
    "Malik",
    "Mei",
    "Mia",
    "Mohammed",
    "Nadia",
    "Noah",
    "Olivia",
    "Omar",
    "Priya",
    "Rafael",
    "Sofia",
    "Tenzin",
]
LAST = [
    "Acosta",
    "Adeyemi",
    "Ahmed",
    "Alvarez",
    "Brown",
    "Castillo",
    "Chen",
    "Cohen",
    "Cruz",
    "Davis",
    "De La Cruz",
    "Diallo",
    "Fernandez",
    "Garcia",
    "Gonzalez",
    "Green",
    "Hernandez",
    "Huang",
    "Jackson",
    "Johnson",
    "Kaur",
    "Khan",
    "Lee",
    "Lin",
    "Lopez",
    "Martinez",
    "Mendoza",
    "Miller",
    "Morales",
    "Nguyen",
    "O'Connor",
    "Ortiz",
    "Patel",
    "Perez",
    "Ramirez",
    "Rivera",
    "Rodriguez",
    "Sanchez",
    "Smith",
    "Torres",
    "Wang",
    "Williams",
    "Wong",
    "Yilmaz",
    "Zhang",
    "Muñoz",
]
HOME_LANGUAGES = ["English"] * 6 + ["Spanish"] * 3 + ["Chinese", "Bengali", "Russian", "Arabic", "Haitian Creole"]
GRADES = ["K", "1", "2", "3", "4", "5", "6", "7", "8"]
# service, share of students with the mandate, sessions, period, minutes, group sizes
SERVICES = [
    ("SPEECH", 0.45, 2, "week", 30, [1, 3, 3, 5]),
    ("OT", 0.30, 1, "week", 30, [1, 1, 2]),
    ("PT", 0.10, 1, "week", 30, [1]),
    ("COUNSELING", 0.25, 1, "week", 30, [1, 3, 4]),
    ("HEALTH", 0.05, 4, "month", 20, [1]),
    ("PARA", 0.10, 5, "week", 360, [1]),
]


def school_year_start(today: dt.date) -> dt.date:
    return dt.date(today.year if today.month >= 9 else today.year - 1, 9, 8)


def _csv(header: list[str], rows: Sequence[Sequence[object]]) -> io.BytesIO:
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(header)
    writer.writerows(rows)
    return io.BytesIO(text.getvalue().encode())


def demo_files(seed: int = 2026, students: int = 200, today: dt.date | None = None) -> dict[str, io.BytesIO]:
    """The demo district as import files, in the order they must be loaded."""
    today = today or timezone.localdate()
    rng = random.Random(seed)
    year = school_year_start(today)
    year_end = dt.date(year.year + 1, 6, 25)

    student_rows = []
    for n in range(students):
        school = SCHOOLS[n % len(SCHOOLS)][0]
        born = dt.date(today.year - 6 - rng.randrange(9), rng.randrange(1, 13), rng.randrange(1, 29))
        student_rows.append(
            (
                f"{200000000 + n * 7919 % 99999999:09d}",
                rng.choice(FIRST),
                rng.choice(LAST),
                born.isoformat(),
                school,
                rng.choice(GRADES),
                rng.choice(HOME_LANGUAGES),
            )
        )
    mandate_rows = []
    for n, student in enumerate(student_rows):
        if n % 10 == 9:
            continue  # every tenth student has no IEP mandate, so that refusal can be seen
        for service, share, sessions, period, minutes, groups in SERVICES:
            if (service == "SPEECH" and n % 10 == 0) or rng.random() < share:
                language = student[6] if rng.random() < 0.3 else "English"
                start = year if rng.random() < 0.8 else today - dt.timedelta(days=rng.randrange(1, 40))
                mandate_rows.append(
                    (
                        f"M{n:05d}{service}",
                        student[0],
                        service,
                        sessions,
                        period,
                        minutes,
                        rng.choice(groups),
                        language,
                        "Separate location in school",
                        start.isoformat(),
                        year_end.isoformat(),
                    )
                )
    by_school = {dbn: [s for s in student_rows if s[4] == dbn] for dbn, *_ in SCHOOLS}
    year_start = year.isoformat()
    assignments = [
        ("300001", "school", "02M111", "", "", year_start, ""),
        ("300001", "school", "02M222", "", "", year_start, ""),
        ("300002", "school", "15K444", "", "", year_start, ""),
        ("300002", "school", "02M111", "", "", year_start, ""),
        ("300003", "school", "02M222", "", "", year_start, ""),
        ("300003", "school", "15K555", "", "", year_start, ""),
        ("300004", "school", "15K444", "", "", year_start, ""),
        ("300004", "school", "15K666", "", "", year_start, ""),
        ("300005", "school", "02M333", "", "", year_start, ""),
        ("400001", "agency", "02M333", "", "", year_start, ""),
        ("400001", "agency", "15K444", "", "", year_start, ""),
        ("600001", "school", "02M111", "", "", year_start, ""),
        ("600002", "school", "15K555", "", "", year_start, ""),
        *[("400002", "agency", "", s[0], "SPEECH", year_start, "") for s in by_school["15K666"][:6]],
        *[("500001", "rsa", "", s[0], "SPEECH", year_start, "") for s in by_school["02M333"][:5]],
    ]
    holidays = [
        ((9, 21), "holiday", "Yom Kippur"),
        ((10, 12), "holiday", "Indigenous Peoples' Day"),
        ((11, 3), "holiday", "Election Day"),
        ((11, 11), "holiday", "Veterans Day"),
        ((11, 26), "recess", "Thanksgiving recess"),
        ((11, 27), "recess", "Thanksgiving recess"),
        *[((12, d), "recess", "Winter recess") for d in range(24, 32)],
        *[((1, d), "recess", "Winter recess") for d in (1,)],
        ((1, 18), "holiday", "Martin Luther King Jr. Day"),
        *[((2, d), "recess", "Midwinter recess") for d in range(15, 20)],
        *[((4, d), "recess", "Spring recess") for d in range(19, 24)],
        ((5, 31), "holiday", "Memorial Day"),
        ((6, 19), "holiday", "Juneteenth"),
    ]
    calendar = []
    for (month, day), kind, description in holidays:
        calendar.append((dt.date(year.year + (month < 9), month, day).isoformat(), kind, "", description))
    calendar.append((dt.date(year.year, 10, 20).isoformat(), "closure", "15K555", "Building closed: boiler repair"))
    return {
        "schools": _csv(["dbn", "name", "district", "borough"], SCHOOLS),
        "staff": _csv(
            [
                "staff_id",
                "first_name",
                "last_name",
                "email",
                "role",
                "provider_type",
                "agency",
                "disciplines",
                "languages",
            ],
            [
                (s[0], s[1], s[2], f"{s[1].lower()}.{s[2].lower().replace(chr(39), '')}@schools.example.org", *s[3:])
                for s in STAFF
            ],
        ),
        "access": _csv(
            ["staff_id", "scope", "value"],
            [
                ("200001", "district", "2"),
                ("200002", "school", "15K444"),
                ("200002", "agency", "Bright Futures Therapy"),
            ],
        ),
        "students": _csv(
            ["osis", "first_name", "last_name", "date_of_birth", "school_dbn", "grade", "home_language"], student_rows
        ),
        "mandates": _csv(
            [
                "mandate_id",
                "osis",
                "service",
                "sessions",
                "period",
                "minutes",
                "group_size",
                "language",
                "location",
                "start_date",
                "end_date",
            ],
            mandate_rows,
        ),
        "assignments": _csv(
            ["staff_id", "kind", "school_dbn", "osis", "service", "start_date", "end_date"], assignments
        ),
        "calendar": _csv(["date", "kind", "school_dbn", "description"], calendar),
        **_medicaid_files(rng, student_rows, mandate_rows, year, year_end),
    }


# Providers' credentials: most licensed; Lucia Ferrari (agency OT) certified under
# James Chen's direction; Kevin O'Brien's license lapsed on October 31 (his sessions
# since then say so); Priya Raman's credential is not on file.
CREDENTIALS = [
    ("300001", "licensed", "SLP-031842", (2028, 6, 30), ""),
    ("300002", "licensed", "OT-012577", (2028, 6, 30), ""),
    ("300003", "licensed", "PT-027731", (2027, 12, 31), ""),
    ("300004", "licensed", "LMSW-085510", (None, 10, 31), ""),
    ("400001", "under_direction", "COTA-004418", (2028, 6, 30), "300002"),
    ("400002", "licensed", "SLP-040916", (2028, 6, 30), ""),
    ("500001", "licensed", "SLP-029377", (2027, 8, 31), ""),
]
ORDERED = {"SPEECH": "F80.9", "OT": "R27.8", "PT": "R26.89", "COUNSELING": "F43.20", "HEALTH": "Z99.89"}


def _medicaid_files(
    rng: random.Random,
    students: Sequence[Sequence[str]],
    mandates: Sequence[Sequence[object]],
    year: dt.date,
    year_end: dt.date,
) -> dict[str, io.BytesIO]:
    """The facts Medicaid claims need, as a district would load them: most students
    with consent, a Medicaid ID and orders; some without, some lapsed mid-year."""
    consents, eligibility, orders = [], [], []
    for n, student in enumerate(students):
        osis = student[0]
        if rng.random() < 0.85:
            withdrawn = dt.date(year.year, 10, 15).isoformat() if rng.random() < 0.04 else ""
            consents.append((osis, "medicaid_billing", year.isoformat(), withdrawn))
        if rng.random() < 0.82:
            cin = f"{chr(65 + n % 26)}{chr(65 + n // 26 % 26)}{10000 + n:05d}{chr(65 + (n * 7) % 26)}"
            eligibility.append((osis, cin, year.isoformat(), ""))
    for mandate in mandates:
        service = str(mandate[2])
        if service in ORDERED and rng.random() < 0.88:
            ends = dt.date(year.year, 10, 31) if rng.random() < 0.06 else year_end
            orders.append(
                (
                    mandate[1],
                    service,
                    "Dr. Helen Park",
                    npi_from(111_222_333),
                    ORDERED[service],
                    (year - dt.timedelta(days=20)).isoformat(),
                    year.isoformat(),
                    ends.isoformat(),
                )
            )
    orders = list({(o[0], o[1]): o for o in orders}.values())  # one per student and service
    credentials = [
        (
            staff_id,
            npi_from(int(staff_id) * 1000 + 7),
            kind,
            number,
            dt.date(expires[0] or year.year, expires[1], expires[2]).isoformat(),
            directed_by,
        )
        for staff_id, kind, number, expires, directed_by in CREDENTIALS
    ]
    return {
        "consents": _csv(["osis", "kind", "given_on", "withdrawn_on"], consents),
        "medicaid_eligibility": _csv(["osis", "medicaid_id", "start_date", "end_date"], eligibility),
        "orders": _csv(
            ["osis", "service", "ordered_by", "ordered_by_npi", "diagnosis", "order_date", "start_date", "end_date"],
            orders,
        ),
        "credentials": _csv(["staff_id", "npi", "kind", "license_number", "expires_on", "directed_by"], credentials),
    }


@transaction.atomic
def load_demo_data(seed: int = 2026, students: int = 200) -> None:
    kinds = importers()
    for kind, file in demo_files(seed=seed, students=students).items():
        kinds[kind]().run(actor=None, file=file, name=f"demo-{kind}.csv")
    # One hash for every demo login: hashing is deliberately slow, and these are demo accounts.
    Staff.objects.filter(staff_id__in=[s[0] for s in STAFF]).update(password=make_password(DEMO_PASSWORD))
    Staff.objects.filter(staff_id__in=[s[0] for s in STAFF if s[3] == "provider"]).update(
        ivr_pin=make_password(DEMO_PIN)
    )
    # Some caseloads already in place, added the ways the first guide describes.
    supervisor = Staff.objects.get(staff_id="200001")
    speech = Staff.objects.get(staff_id="300001")
    manhattan = Student.objects.filter(school__dbn__in=["02M111", "02M222"], mandates__service="SPEECH").distinct()
    caseload_add(actor=supervisor, provider=speech, students=list(manhattan[:8]))
    para = Staff.objects.get(staff_id="600001")
    caseload_add(
        actor=para,
        provider=para,
        students=list(Student.objects.filter(school__dbn="02M111", mandates__service="PARA")[:3]),
    )
    ot = Staff.objects.get(staff_id="400001")
    caseload_add(
        actor=ot, provider=ot, students=list(Student.objects.filter(school__dbn="02M333", mandates__service="OT")[:4])
    )
    _recent_sessions(speech, para)
    _schedules(speech, para)
    _refused_first_attend(speech)


def _refused_first_attend(speech: Staff) -> None:
    """A first attend the rules refused (a student of a school the provider is not
    assigned to), so the supervisor's dashboard has one awaiting action."""
    from sesis.ivr.actions import first_attend_receive
    from sesis.ivr.models import Source

    student = Student.objects.filter(school__dbn="15K444", mandates__service="SPEECH").order_by("osis").first()
    if student is not None:
        first_attend_receive(
            staff_id=speech.staff_id,
            osis=student.osis,
            service="SPEECH",
            first_attend_date=timezone.localdate(),
            call_id="DEMO-REFUSED-1",
            source=Source.CALL,
        )


def _schedules(speech: Staff, para: Staff) -> None:
    """A week's schedule for the speech provider (each student twice a week) and the
    paraprofessional (one student every day), so the homepage shows today's sessions."""
    from sesis.schedules.actions import SlotInput, SlotRefused, schedule_slot_create

    for n, entry in enumerate(speech.caseload_entries.select_related("student").order_by("student__osis")):
        start = dt.time(8 + n // 2, 30 * (n % 2))
        end = dt.time(8 + n // 2, 30 * (n % 2) + 25)
        days = [2, 4] if n % 2 == 0 else [1, 3]
        data = SlotInput(
            service="SPEECH",
            weekdays=days,
            start_time=start,
            end_time=end,
            location="separate",
            students=[entry.student],
        )
        try:
            schedule_slot_create(actor=speech, provider=speech, data=data)
        except SlotRefused:
            continue  # e.g. a student whose mandate has ended
    first = para.caseload_entries.select_related("student").order_by("student__osis").first()
    if first is not None:
        data = SlotInput(
            service="PARA",
            weekdays=[1, 2, 3, 4, 5],
            start_time=dt.time(8, 30),
            end_time=dt.time(14, 30),
            location="classroom",
            description="health",
            students=[first.student],
        )
        with contextlib.suppress(SlotRefused):
            schedule_slot_create(actor=para, provider=para, data=data)


def _recent_sessions(speech: Staff, para: Staff) -> None:
    """Two weeks of sessions recorded through the same action as the Service Record
    form, so the Services Calendar has something to show; the latest day is left
    uncertified, as a provider would find an unfinished record, and so is a day a week
    before (over three days old: on the supervisor's dashboard)."""
    today = timezone.localdate()
    school = Student.objects.get(osis=speech.caseload_entries.values_list("student__osis", flat=True)[0]).school
    days: list[dt.date] = []
    day = today - dt.timedelta(days=1)
    while len(days) < 10 and day >= entry_window_start(today):
        if not non_school_reason(school, day):
            days.append(day)
        day -= dt.timedelta(days=1)
    for provider, service in ((speech, "SPEECH"), (para, "PARA")):
        for n, entry in enumerate(provider.caseload_entries.select_related("student")):
            mandate = entry.mandates.filter(service=service).first()
            if mandate is None:
                continue
            for k, day in enumerate(sorted(days)):
                if service == "SPEECH" and day.weekday() not in (1, 3):
                    continue
                start = dt.time(9 + n % 6, 0) if service == "SPEECH" else dt.time(8, 30)
                end = dt.time(start.hour, 30) if service == "SPEECH" else dt.time(14, 30)
                data = draft(
                    student=entry.student,
                    mandate=mandate,
                    date=day,
                    start_time=start,
                    end_time=end,
                    language=mandate.language if mandate.language in SERVICE_LANGUAGES else "English",
                    session_type="student_absent" if (n + k) % 7 == 3 else "provided",
                    location="separate" if service == "SPEECH" else "classroom",
                    grouping="group" if mandate.group_size > 1 else "individual",
                    group_count=1 if mandate.group_size > 1 else None,
                    description="health" if service == "PARA" else "",
                    progress="progressing" if service == "PARA" else "",
                    notes="Articulation practice." if service == "SPEECH" else "",
                )
                try:
                    service_record_create(actor=provider, provider=provider, data=data, certify=day not in days[0:6:5])
                except RecordRefused:
                    continue  # e.g. a mandate that starts after the day
