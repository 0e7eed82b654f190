from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sesis.caseloads.models import CaseloadEntry
from sesis.imports.framework import ImportRefused, importers
from sesis.ivr.models import FirstAttend, Status
from tests.factories import District

HEADER = "staff_id,osis,service,first_attend_date,call_id\n"
ROWS = [
    "300,111111111,SPEECH,2026-11-02,EXT-1",  # added
    "600,333333333,PARA,2026-11-02,EXT-2",  # added
    "300,444444444,SPEECH,2026-11-02,EXT-3",  # no mandate
    "999,111111111,SPEECH,2026-11-02,EXT-4",  # unknown provider, kept
    "500,555555555,SPEECH,2026-11-02,EXT-5",  # added (RSA)
]


def feed(rows: list[str]) -> bytes:
    return (HEADER + "\n".join(rows) + "\n").encode()


def test_a_feed_is_stored_and_processed(district: District, today, tmp_path: Path) -> None:
    path = tmp_path / "feed.csv"
    path.write_bytes(feed(ROWS))
    out = io.StringIO()
    call_command("import", "first_attends", str(path), stdout=out)
    assert out.getvalue().strip() == (
        "first_attends: 5 rows read, 5 created, 0 updated, 0 unchanged; processed: 3 added to caseloads, "
        "0 already on caseloads, 2 not added (see the First Attends page for the reasons)"
    )
    assert dict(FirstAttend.objects.values_list("call_id", "status")) == {
        "EXT-1": "added",
        "EXT-2": "added",
        "EXT-3": "refused",
        "EXT-4": "refused",
        "EXT-5": "added",
    }
    assert FirstAttend.objects.get(call_id="EXT-4").reason == "No staff member has staff ID 999"
    assert CaseloadEntry.objects.filter(source="ivr").count() == 3


def test_reimporting_the_feed_changes_nothing(district: District, today) -> None:
    importers()["first_attends"]().run(actor=None, file=io.BytesIO(feed(ROWS)))
    result = importers()["first_attends"]().run(actor=None, file=io.BytesIO(feed(ROWS)))
    assert (result.created, result.unchanged) == (0, 5)
    assert FirstAttend.objects.count() == 5 and CaseloadEntry.objects.count() == 3


def test_a_feed_with_bad_rows_lists_them_and_stores_none(district: District) -> None:
    bad = [
        *ROWS,
        "30x,111111111,SPEECH,2026-11-02,EXT-6",
        "300,1111,SPEECH,2026-11-02,EXT-7",
        "300,111111111,ART,2026-11-02,EXT-8",
        "300,111111111,SPEECH,11/02/2026,EXT-9",
        "300,111111111,SPEECH,2026-11-02,",
        "300,111111111,SPEECH,2026-11-02,EXT-1",
    ]
    with pytest.raises(ImportRefused) as caught:
        importers()["first_attends"]().run(actor=None, file=io.BytesIO(feed(bad)))
    assert [str(e) for e in caught.value.errors] == [
        "line 7, column staff_id: must be digits only, not '30x'",
        "line 8, column osis: must be exactly 9 digits, not '1111'",
        "line 9, column service: must be one of SPEECH, OT, PT, COUNSELING, HEARING, VISION, HEALTH, OM, PARA, not 'ART'",
        "line 10, column first_attend_date: must be a date as YYYY-MM-DD, not '11/02/2026'",
        "line 11, column call_id: is required",
        "line 12: repeats line 2",
    ]
    assert not FirstAttend.objects.exists()


def test_stored_without_processing_when_asked(district: District, tmp_path: Path) -> None:
    path = tmp_path / "feed.csv"
    path.write_bytes(feed(ROWS))
    call_command("import", "first_attends", str(path), "--no-process", stdout=io.StringIO())
    assert FirstAttend.objects.pending().count() == 5
    out = io.StringIO()
    call_command("process_first_attends", stdout=out, stderr=io.StringIO())
    assert out.getvalue().strip() == "3 added to caseloads, 0 already on caseloads, 2 not added"


def test_no_process_is_only_for_first_attends(district: District, tmp_path: Path) -> None:
    path = tmp_path / "schools.csv"
    path.write_text("dbn,name,district,borough\n02M009,P.S. 9,2,M\n")
    with pytest.raises(CommandError, match="first_attends only"):
        call_command("import", "schools", str(path), "--no-process", stdout=io.StringIO())


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    batches=st.lists(
        st.lists(st.sampled_from(range(len(ROWS))), min_size=1, max_size=5, unique=True), min_size=1, max_size=4
    )
)
def test_any_order_and_repetition_of_feeds_ends_in_the_same_state(district: District, today, batches) -> None:
    """Importing any sequence of sub-feeds gives what importing each row once gives:
    one first attend per call id, one caseload entry per valid first attend."""
    FirstAttend.objects.all().delete()
    CaseloadEntry.objects.all().delete()
    for batch in batches:
        importers()["first_attends"]().run(actor=None, file=io.BytesIO(feed([ROWS[i] for i in batch])))
    seen = {i for batch in batches for i in batch}
    assert FirstAttend.objects.count() == len(seen)
    assert not FirstAttend.objects.filter(status=Status.PENDING).exists()
    expected_added = len(seen & {0, 1, 4})
    assert CaseloadEntry.objects.filter(source="ivr").count() == expected_added


def test_each_first_attend_of_a_feed_has_its_receive_event_as_a_call_does(district: District, today) -> None:
    from sesis.audit.models import AuditEvent

    importers()["first_attends"](process=False).run(actor=None, file=io.BytesIO(feed(ROWS)), name="feed.csv")
    events = {e.details["call_id"]: e for e in AuditEvent.objects.filter(action="first_attend.receive")}
    assert sorted(events) == ["EXT-1", "EXT-2", "EXT-3", "EXT-4", "EXT-5"]
    first = events["EXT-1"]
    assert (first.actor.staff_id, first.student.osis, first.details["source"], first.details["file"]) == (
        "300",
        "111111111",
        "feed",
        "feed.csv",
    )
    assert events["EXT-4"].actor is None  # an unknown provider: kept, and logged
    assert first.object_id == str(FirstAttend.objects.get(call_id="EXT-1").pk)
