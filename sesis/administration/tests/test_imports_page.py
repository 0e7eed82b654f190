"""Administration → Imports: upload, every problem of every row, preview, Apply, history,
the file downloaded again (in the record of access), and the same path as the command."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from sesis.audit.models import AuditEvent, Disclosure
from sesis.imports.models import ImportFile, ImportStatus
from sesis.students.models import Student
from tests.factories import District

HEADER = "osis,first_name,last_name,date_of_birth,school_dbn,grade,home_language\n"
GOOD = HEADER + "700000001,Nora,Quinn,2015-05-17,02M001,4,Spanish\n700000002,Omar,Reyes,2014-01-02,02M002,5,English\n"
CHANGED = (
    HEADER + "700000001,Nora,Quinn,2015-05-17,02M001,5,Spanish\n700000002,Omar,Reyes,2014-01-02,02M002,5,English\n"
)
# Line 2 has three problems, line 3 one: every one is named.
BAD = HEADER + "70000000X,,Quinn,2015-13-17,02M001,4,Spanish\n700000002,Omar,Reyes,2014-01-02,99X999,5,English\n"


@pytest.fixture
def admin_client(client: Client, district: District) -> Client:
    client.force_login(district.admin)
    return client


def upload(client: Client, text: str, kind: str = "students", name: str = "students.csv"):
    file = SimpleUploadedFile(name, text.encode(), content_type="text/csv")
    return client.post(reverse("imports"), {"kind": kind, "file": file})


def test_a_good_file_is_previewed_then_applied_once(admin_client: Client, district: District) -> None:
    response = upload(admin_client, GOOD)
    kept = ImportFile.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("import_detail", args=[kept.pk])
    assert kept.status == ImportStatus.CHECKED
    assert (kept.rows, kept.created, kept.updated, kept.unchanged) == (2, 2, 0, 0)
    assert not Student.objects.filter(osis__startswith="7000").exists()  # a preview applies nothing
    assert not AuditEvent.objects.filter(action__startswith="import.students").exists()

    page = admin_client.get(reverse("import_detail", args=[kept.pk]))
    assert b"Will create" in page.content and b"Apply</button>" in page.content
    assert b"Quinn, Nora (700000001)" in page.content

    applied = admin_client.post(reverse("import_apply", args=[kept.pk]), follow=True)
    assert b"is applied" in applied.content
    kept.refresh_from_db()
    assert kept.status == ImportStatus.APPLIED and kept.applied_by == district.admin and kept.applied_at
    assert (kept.created, kept.updated, kept.unchanged) == (2, 0, 0)
    assert Student.objects.filter(osis__startswith="7000").count() == 2
    assert AuditEvent.objects.filter(action="import.students.create", object_type="students.Student").count() == 2
    assert AuditEvent.objects.filter(action="import.students").count() == 1

    # Apply asked again (a double click, a retried request): nothing more happens.
    admin_client.post(reverse("import_apply", args=[kept.pk]))
    assert AuditEvent.objects.filter(action="import.students").count() == 1
    assert AuditEvent.objects.filter(action="import.students.create", object_type="students.Student").count() == 2


def test_the_preview_counts_are_the_applied_result_and_a_change_shows_before_and_after(
    admin_client: Client,
) -> None:
    upload(admin_client, GOOD)
    admin_client.post(reverse("import_apply", args=[ImportFile.objects.get().pk]))
    upload(admin_client, CHANGED)
    preview = ImportFile.objects.latest("id")
    assert (preview.created, preview.updated, preview.unchanged) == (0, 1, 1)
    page = admin_client.get(reverse("import_detail", args=[preview.pk]))
    assert "grade: 4 → 5" in page.content.decode()
    admin_client.post(reverse("import_apply", args=[preview.pk]))
    preview.refresh_from_db()
    assert (preview.status, preview.created, preview.updated, preview.unchanged) == ("applied", 0, 1, 1)
    assert Student.objects.get(osis="700000001").grade == "5"

    upload(admin_client, CHANGED)  # the same file again: nothing to change
    again = ImportFile.objects.latest("id")
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)


def test_a_bad_file_names_every_problem_of_every_row_and_applies_nothing(admin_client: Client) -> None:
    upload(admin_client, BAD)
    kept = ImportFile.objects.get()
    assert kept.status == ImportStatus.REFUSED
    assert [(line, column) for line, column, _ in kept.problems] == [
        (2, "osis"),
        (2, "first_name"),
        (2, "date_of_birth"),
        (3, "school_dbn"),
    ]
    page = admin_client.get(reverse("import_detail", args=[kept.pk]))
    text = page.content.decode()
    assert "4 problems; nothing was applied" in text
    assert "must be a date as YYYY-MM-DD" in text and "99X999" in text
    assert b"Apply</button>" not in page.content
    response = admin_client.post(reverse("import_apply", args=[kept.pk]), follow=True)
    assert b"it was refused" in response.content
    assert not Student.objects.filter(osis__startswith="7000").exists()


def test_the_form_refuses_a_missing_kind_or_file_and_an_empty_file(admin_client: Client) -> None:
    response = admin_client.post(reverse("imports"), {})
    assert response.status_code == 400
    assert b"Choose the kind of file." in response.content and b"Choose a CSV file to upload." in response.content
    response = upload(admin_client, "", name="empty.csv")
    assert response.status_code == 400 and b"The file is empty." in response.content
    response = upload(admin_client, GOOD, kind="nonsense")
    assert response.status_code == 400 and b"Select a valid choice" in response.content
    assert not ImportFile.objects.exists()


def test_history_last_imported_and_the_download_in_the_record_of_access(
    admin_client: Client, district: District, tmp_path: Path
) -> None:
    upload(admin_client, GOOD)
    admin_client.post(reverse("import_apply", args=[ImportFile.objects.get().pk]))
    path = tmp_path / "schools.csv"
    path.write_text("dbn,name,district,borough\n02M001,P.S. 1 Alpha,2,M\n")
    call_command("import", "schools", str(path), "--as", "100")  # the command's import is in the history too
    page = admin_client.get(reverse("imports")).content.decode()
    assert "students.csv" in page and "schools.csv" in page and "(command)" in page
    last = dict((kind, when) for kind, when, _ in admin_client.get(reverse("imports")).context["last_imported"])
    assert last["students"] is not None and last["schools"] is not None and last["mandates"] is None

    kept = ImportFile.objects.get(kind="students")
    response = admin_client.get(reverse("import_download", args=[kept.pk]))
    assert response.status_code == 200 and response.content == GOOD.encode()
    assert "attachment" in response["Content-Disposition"]
    disclosure = Disclosure.objects.get(what="Import file")
    assert disclosure.actor == district.admin and disclosure.filters["import"] == kept.pk


def test_the_command_reports_every_problem_and_keeps_the_refused_file(tmp_path: Path, district: District) -> None:
    path = tmp_path / "students.csv"
    path.write_text(BAD)
    with pytest.raises(CommandError, match="4 problem"):
        call_command("import", "students", str(path))
    kept = ImportFile.objects.get()
    assert kept.via == "command" and kept.status == ImportStatus.REFUSED and kept.problem_count == 4


@pytest.mark.parametrize("persona", ["supervisor", "doe_speech", "agency_ot", "para"])
def test_imports_are_for_administrators_only(client: Client, district: District, persona: str) -> None:
    kept = ImportFile.objects.create(kind="students", name="x.csv", content=GOOD.encode(), size=len(GOOD))
    client.force_login(getattr(district, persona))
    for name, args in [
        ("imports", []),
        ("import_detail", [kept.pk]),
        ("import_progress", [kept.pk]),
        ("import_download", [kept.pk]),
    ]:
        assert client.get(reverse(name, args=args)).status_code == 404
    assert client.post(reverse("import_apply", args=[kept.pk])).status_code == 404
    assert upload(client, GOOD).status_code == 404
    assert ImportFile.objects.count() == 1 and not Disclosure.objects.exists()


def test_every_kind_goes_through_the_page_and_its_preview_is_what_applying_does(db: None, client: Client) -> None:
    """The demo district's files, each kind in its order, uploaded as an administrator
    would: the preview's counts are the applied result's; the same file again would
    change nothing."""
    from sesis.people.models import Role, Staff
    from sesis.site.demo import demo_files

    admin = Staff.objects.create(staff_id="999", first_name="Ida", last_name="Imports", role=Role.ADMINISTRATOR)
    client.force_login(admin)
    kinds = []
    for kind, file in demo_files().items():
        content = file.read().decode()
        upload(client, content, kind=kind, name=f"{kind}.csv")
        checked = ImportFile.objects.latest("id")
        assert checked.status == ImportStatus.CHECKED, (kind, checked.problems[:3])
        preview = (checked.rows, checked.created, checked.updated, checked.unchanged)
        assert checked.created > 0, kind
        client.post(reverse("import_apply", args=[checked.pk]))
        checked.refresh_from_db()
        assert checked.status == ImportStatus.APPLIED, (kind, checked.problems[:3])
        assert (checked.rows, checked.created, checked.updated, checked.unchanged) == preview, kind
        upload(client, content, kind=kind, name=f"{kind}-again.csv")
        again = ImportFile.objects.latest("id")
        assert (again.created, again.updated) == (0, 0), (kind, again.changes[:2])
        kinds.append(kind)
    assert len(kinds) >= 10
    page = client.get(reverse("imports")).content.decode()
    assert [kind for kind in kinds if f"{kind}-again.csv" not in page] == []  # each in the history
