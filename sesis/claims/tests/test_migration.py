"""Migration 0002 on a database holding claim runs of the previous release, whose
files were three text columns of the run: each file becomes the run's part 0, read
back whole; nothing is lost."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from sesis.claims.models import ClaimRun
from tests.factories import build_district

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = ("claims", "0001_initial")


def test_the_files_of_earlier_runs_move_into_parts(transactional_db: None) -> None:
    d = build_district()
    executor = MigrationExecutor(connection)
    leaves = executor.loader.graph.leaf_nodes()
    executor.migrate([BEFORE])
    try:
        old = MigrationExecutor(connection).loader.project_state([BEFORE]).apps
        OldRun = old.get_model("claims", "ClaimRun")
        run = OldRun.objects.create(
            month="2026-10-01", created_by_id=d.admin.pk, x12="ISA*00*~\n", lines_csv="claim_id\r\nS1V1\r\n"
        )
    finally:
        MigrationExecutor(connection).migrate(leaves)
    moved = ClaimRun.objects.get(pk=run.pk)
    assert (moved.x12, moved.lines_csv, moved.unclaimable_csv) == ("ISA*00*~\n", "claim_id\r\nS1V1\r\n", "")
    assert sorted(moved.files.values_list("which", "part")) == [("lines", 0), ("x12", 0)]
