"""Whether a session can be claimed to Medicaid, and if not, why, in plain words.

One function decides it for every reader: the record's page and the save that shows
it at entry, the Services Calendar, the provider's homepage, the supervisor's list,
the dashboard and the claim file. A session is judged by the facts of its own day
(consent, Medicaid ID, order, credentials) and by what the record holds (notes,
minutes). Only provided sessions of a service that has a claim rule are claims at all;
for any other the verdict is `None` (nothing to say)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Protocol

from django.db.models import Q, QuerySet

from sesis.lib.codes import ServiceType
from sesis.lib.lookups import any_id
from sesis.medicaid.models import (
    ClaimRule,
    Consent,
    ConsentKind,
    Credential,
    CredentialKind,
    Eligibility,
    Order,
    UnitKind,
)

PROVIDED = "provided"  # sesis.services.choices.SessionType.PROVIDED (a layer above)
GROUP = "group"


class Reason:
    """The reasons a session is not claimable, as codes (the supervisor's list groups
    by them) with their headings."""

    CONSENT = "consent"
    ELIGIBILITY = "eligibility"
    ORDER = "order"
    CREDENTIAL = "credential"
    DIRECTION = "direction"
    NOTES = "notes"
    MINUTES = "minutes"
    UNSIGNED = "unsigned"

    HEADINGS = {
        CONSENT: "No parental consent to bill Medicaid",
        ELIGIBILITY: "No Medicaid ID for the date",
        ORDER: "No current order or referral",
        CREDENTIAL: "Provider's NPI or credential missing or expired",
        DIRECTION: "Directing provider missing or not licensed",
        NOTES: "Session Notes empty",
        MINUTES: "Session too short for its procedure code",
        UNSIGNED: "Not certified",
    }


# What the written authority for each service is called (SSHSP: OT and PT need a
# physician's or nurse practitioner's order; speech a referral).
ORDER_WORD = {ServiceType.SPEECH: "referral", ServiceType.COUNSELING: "referral"}


class Session(Protocol):
    """What the judgement reads of a service record (any version of one)."""

    student_id: int
    provider_id: int
    service: str
    date: dt.date
    start_time: dt.time
    end_time: dt.time
    session_type: str
    grouping: str
    notes: str
    certified_at: dt.datetime | None


@dataclass(frozen=True)
class Problem:
    code: str
    message: str


@dataclass
class Verdict:
    rule: ClaimRule
    minutes: int
    problems: list[Problem] = field(default_factory=list)

    @property
    def claimable(self) -> bool:
        return not self.problems

    @property
    def units(self) -> int:
        return self.rule.units(self.minutes)

    @property
    def amount(self) -> Decimal:
        return self.rule.amount(self.minutes)

    @property
    def message(self) -> str:
        """ "Not claimable to Medicaid: …" naming every problem, or ""."""
        if self.claimable:
            return ""
        return "Not claimable to Medicaid: " + "; ".join(p.message for p in self.problems) + "."


def _ids(values: Iterable[int] | QuerySet[Any]) -> Any:
    """An id list, or a queryset of ids (a subquery: no limit on how many)."""
    return values if isinstance(values, QuerySet) else sorted(set(values))


def _of(field: str, ids: Any) -> Any:
    """The condition "field in ids": a subquery, or a list as one array parameter."""
    return Q(**{f"{field}__in": ids}) if isinstance(ids, QuerySet) else any_id(field, ids)


@dataclass
class Facts:
    """The facts of some students and providers, loaded once, in a few queries."""

    rules: dict[tuple[str, bool], ClaimRule]
    consents: dict[int, list[Consent]]
    eligibility: dict[int, list[Eligibility]]
    orders: dict[tuple[int, str], list[Order]]
    credentials: dict[int, Credential]

    # Each list in its model's order, by the student's id: the models' own ordering
    # ("student" first) would join every row to its student to sort by name.
    @classmethod
    def load(cls, *, students: Iterable[int] | QuerySet[Any], providers: Iterable[int] | QuerySet[Any]) -> Facts:
        consents: dict[int, list[Consent]] = defaultdict(list)
        students = _ids(students)
        for consent in Consent.objects.filter(_of("student", students), kind=ConsentKind.MEDICAID_BILLING).order_by(
            "student_id", "kind", "given_on"
        ):
            consents[consent.student_id].append(consent)
        eligibility: dict[int, list[Eligibility]] = defaultdict(list)
        for row in Eligibility.objects.filter(_of("student", students)).order_by("student_id", "start_date"):
            eligibility[row.student_id].append(row)
        orders: dict[tuple[int, str], list[Order]] = defaultdict(list)
        for order in Order.objects.filter(_of("student", students)).order_by("student_id", "service", "start_date"):
            orders[order.student_id, order.service].append(order)
        provider_ids = _ids(providers)
        credentials = {
            c.staff_id: c for c in Credential.objects.filter(_of("staff", provider_ids)).select_related("staff")
        }
        directing = {c.supervisor_id for c in credentials.values() if c.supervisor_id} - set(credentials)
        for credential in Credential.objects.filter(staff_id__in=sorted(directing)).select_related("staff"):
            credentials[credential.staff_id] = credential
        return cls(
            rules=rules(),
            consents=consents,
            eligibility=eligibility,
            orders=orders,
            credentials=credentials,
        )

    def eligibility_on(self, student_id: int, day: dt.date) -> Eligibility | None:
        return next((row for row in self.eligibility.get(student_id, []) if row.covers(day)), None)

    def order_on(self, student_id: int, service: str, day: dt.date) -> Order | None:
        return next((row for row in self.orders.get((student_id, service), []) if row.covers(day)), None)

    @classmethod
    def for_sessions(cls, sessions: Iterable[Session]) -> Facts:
        sessions = list(sessions)
        return cls.load(students=[s.student_id for s in sessions], providers=[s.provider_id for s in sessions])


def rules() -> dict[tuple[str, bool], ClaimRule]:
    return {(rule.service, rule.group): rule for rule in ClaimRule.objects.all()}


def _day(day: dt.date) -> str:
    return day.isoformat()


def judge(session: Session, facts: Facts, *, you: bool = False) -> Verdict | None:
    """The verdict on one session, or None when it is no claim (not a provided session,
    or a service no claim rule covers). you: say "your" for the provider's own facts
    (the provider reading it at entry), else "the provider's"."""
    if session.session_type != PROVIDED:
        return None
    rule = facts.rules.get((session.service, session.grouping == GROUP))
    if rule is None:
        return None
    day = session.date
    start = dt.datetime.combine(day, session.start_time)
    minutes = int((dt.datetime.combine(day, session.end_time) - start).total_seconds() // 60)
    verdict = Verdict(rule=rule, minutes=minutes)
    problems = verdict.problems
    problems += _consent(facts.consents.get(session.student_id, []), day)
    if not any(row.covers(day) for row in facts.eligibility.get(session.student_id, [])):
        problems.append(Problem(Reason.ELIGIBILITY, f"the student has no Medicaid ID for {_day(day)}"))
    problems += _order(facts.orders.get((session.student_id, session.service), []), session.service, day)
    problems += _credential(facts.credentials, session.provider_id, day, you=you)
    if not (session.notes or "").strip():
        problems.append(Problem(Reason.NOTES, "Session Notes are empty"))
    if session.certified_at is None:
        problems.append(Problem(Reason.UNSIGNED, "the session is not certified"))
    if minutes < rule.minimum_minutes or verdict.units < 1:
        least = rule.minimum_minutes if rule.unit == UnitKind.SESSION else max(rule.minimum_minutes, 8)
        problems.append(
            Problem(
                Reason.MINUTES,
                f"the session lasted {minutes} minutes; {rule.procedure_code} needs at least {least}",
            )
        )
    return verdict


def _consent(consents: list[Consent], day: dt.date) -> list[Problem]:
    if any(c.covers(day) for c in consents):
        return []
    withdrawn = [c.withdrawn_on for c in consents if c.withdrawn_on is not None and c.withdrawn_on <= day]
    if withdrawn:
        return [Problem(Reason.CONSENT, f"the parent withdrew consent to bill Medicaid on {_day(max(withdrawn))}")]
    later = [c.given_on for c in consents if c.given_on > day]
    if later:
        return [Problem(Reason.CONSENT, f"parental consent to bill Medicaid was given only on {_day(min(later))}")]
    return [Problem(Reason.CONSENT, "no parental consent to bill Medicaid is on file for this student")]


def _order(orders: list[Order], service: str, day: dt.date) -> list[Problem]:
    if any(o.covers(day) for o in orders):
        return []
    word = ORDER_WORD.get(ServiceType(service), "order")
    name = ServiceType(service).label
    ended = [o.end_date for o in orders if o.end_date < day]
    if ended:
        return [Problem(Reason.ORDER, f"the {name} {word} ended on {_day(max(ended))}")]
    later = [o.start_date for o in orders if o.start_date > day]
    if later:
        return [Problem(Reason.ORDER, f"the {name} {word} starts only on {_day(min(later))}")]
    return [Problem(Reason.ORDER, f"no written {word} for {name} is on file for this student")]


def _credential(credentials: dict[int, Credential], provider_id: int, day: dt.date, *, you: bool) -> list[Problem]:
    whose = "your" if you else "the provider's"
    credential = credentials.get(provider_id)
    if credential is None:
        return [Problem(Reason.CREDENTIAL, f"{whose} NPI and license are not on file")]
    if credential.expires_on < day:
        word = "license" if credential.kind == CredentialKind.LICENSED else "certificate"
        return [
            Problem(Reason.CREDENTIAL, f"{whose} {word} expired on {_day(credential.expires_on)}, before this date")
        ]
    if credential.kind != CredentialKind.UNDER_DIRECTION:
        return []
    directed = "you work" if you else "the provider works"
    if credential.supervisor_id is None:
        return [Problem(Reason.DIRECTION, f"{directed} under direction, and no directing licensed provider is named")]
    director = credentials.get(credential.supervisor_id)
    if director is None or director.kind != CredentialKind.LICENSED or director.expires_on < day:
        name = director.staff.full_name if director else "the directing provider"
        return [
            Problem(Reason.DIRECTION, f"{name}, who directs {whose} sessions, has no current license on {_day(day)}")
        ]
    return []


def judge_all(sessions: Iterable[Any], *, you: bool = False, facts: Facts | None = None) -> dict[int, Verdict]:
    """Verdicts by record id for the sessions that are claims."""
    sessions = list(sessions)
    facts = facts or Facts.for_sessions(sessions)
    verdicts = {}
    for session in sessions:
        verdict = judge(session, facts, you=you)
        if verdict is not None:
            verdicts[session.pk] = verdict
    return verdicts


def attach(sessions: Iterable[Any], *, you: bool = False) -> None:
    """Set each session's `medicaid` to its verdict (None: no claim), judging them all
    on one load of the facts (a page of records in a fixed number of queries)."""
    sessions = list(sessions)
    if not sessions:
        return
    facts = Facts.for_sessions(sessions)
    for session in sessions:
        session.medicaid = judge(session, facts, you=you)


# The fields `judge` reads of a record (for .only() on a long read).
JUDGED_FIELDS = (
    "student_id",
    "provider_id",
    "service",
    "date",
    "start_time",
    "end_time",
    "session_type",
    "grouping",
    "notes",
    "certified_at",
)
# Records judged at once by `judged`: their facts are loaded together, no more held.
BATCH = 2000


def judged(sessions: QuerySet[Any], *, batch: int = BATCH) -> Iterator[tuple[Any, Verdict | None]]:
    """Each session of `sessions` with its verdict, read and judged batch by batch: a
    month of any size in bounded memory, in a fixed number of queries per batch."""
    chunk: list[Any] = []
    for session in sessions.iterator(chunk_size=batch):
        chunk.append(session)
        if len(chunk) == batch:
            yield from _judge_all(chunk)
            chunk = []
    yield from _judge_all(chunk)


def judged_rows(sessions: QuerySet[Any], *, batch: int = BATCH) -> Iterator[tuple[Any, Verdict | None]]:
    """judged() for a count over many sessions: each session as a light row (the
    fields `judge` reads, and `id`), not a model, read in the order of their students,
    so that each batch's facts are its own students' and each student's are loaded
    once, and each provider's credential once (a district's month: 25,000 sessions in
    13 batches)."""
    rows = sessions.order_by("student_id", "id").values_list("id", *JUDGED_FIELDS, named=True)
    credentials: dict[int, Credential] = {}  # the providers' recur in every batch: read once
    read: set[int] = set()
    chunk: list[Any] = []

    def judge_chunk(sessions: list[Any]) -> Iterator[tuple[Any, Verdict | None]]:
        providers = {s.provider_id for s in sessions}
        facts = Facts.load(students=[s.student_id for s in sessions], providers=providers - read)
        read.update(providers)
        credentials.update(facts.credentials)
        facts.credentials = credentials
        for session in sessions:
            yield session, judge(session, facts)

    for row in rows.iterator(chunk_size=batch):
        chunk.append(row)
        if len(chunk) > batch and chunk[-1].student_id != chunk[-2].student_id:
            yield from judge_chunk(chunk[:-1])
            chunk = chunk[-1:]
    if chunk:
        yield from judge_chunk(chunk)


def _judge_all(sessions: list[Any]) -> Iterator[tuple[Any, Verdict | None]]:
    if sessions:
        facts = Facts.for_sessions(sessions)
        for session in sessions:
            yield session, judge(session, facts)


def verdict_for(session: Any, *, you: bool = False) -> Verdict | None:
    """The session's verdict: as attached, else judged now."""
    if not hasattr(session, "medicaid"):
        attach([session], you=you)
    verdict: Verdict | None = session.medicaid
    return verdict
