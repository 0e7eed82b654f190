"""A real PostgreSQL streaming replica of the test server, for the read-replica tests:
`pg_basebackup -R` of the primary into a temporary data directory, started as a hot
standby on a free port, stopped and removed at the end of the session.

The primary must accept replication connections from 127.0.0.1: `.ci/run` adds that
line to pg_hba.conf when it is missing. Outside CI a missing piece skips these tests
with the reason; in CI it fails them."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest

PG_BIN = Path(os.environ.get("SESIS_PG_BIN", "/usr/lib/postgresql/15/bin"))


def unavailable(reason: str) -> None:
    """Skip outside CI; fail in CI, where a missing part is a failure."""
    if os.environ.get("CI") == "true":
        pytest.fail(reason)
    pytest.skip(reason)


def _as_postgres(args: list[str]) -> list[str]:
    """PostgreSQL refuses to run as root: run its programs as the postgres user then."""
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *args]
    return args


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class StreamingReplica:
    data: Path
    port: int
    primary: dict[str, str]  # host, port, user

    def connect(self, dbname: str) -> psycopg.Connection:
        return psycopg.connect(
            host="127.0.0.1", port=self.port, user=self.primary["user"], dbname=dbname, autocommit=True
        )

    def primary_connect(self, dbname: str) -> psycopg.Connection:
        return psycopg.connect(
            host=self.primary["host"],
            port=self.primary["port"],
            user=self.primary["user"],
            dbname=dbname,
            autocommit=True,
        )

    def pg_ctl(self, *args: str) -> None:
        command = _as_postgres([str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-l", str(self.data / "log"), *args])
        subprocess.run(command, check=True, capture_output=True, timeout=120)

    def start(self) -> None:
        options = f"-p {self.port} -c listen_addresses=127.0.0.1 -c unix_socket_directories={self.data}"
        self.pg_ctl("-w", "-o", options, "start")

    def stop(self) -> None:
        self.pg_ctl("-w", "-m", "fast", "stop")

    def remove(self) -> None:
        self.pg_ctl("-w", "-m", "immediate", "stop")
        shutil.rmtree(self.data, ignore_errors=True)

    def wait_replayed(self, dbname: str, timeout: float = 20.0) -> None:
        """Until the replica has replayed everything the primary has written so far."""
        with self.primary_connect(dbname) as primary:
            (target,) = primary.execute("SELECT pg_current_wal_lsn()").fetchone()  # type: ignore[misc]
        deadline = time.monotonic() + timeout
        with self.connect(dbname) as replica:
            while True:
                (done,) = replica.execute("SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", [target]).fetchone()  # type: ignore[misc]
                if done:
                    return
                if time.monotonic() > deadline:
                    raise AssertionError(f"The replica did not replay up to {target} within {timeout} s")
                time.sleep(0.05)

    def pause(self, dbname: str) -> None:
        with self.connect(dbname) as replica:
            replica.execute("SELECT pg_wal_replay_pause()")

    def resume(self, dbname: str) -> None:
        with self.connect(dbname) as replica:
            replica.execute("SELECT pg_wal_replay_resume()")


def start_replica(primary: dict[str, str]) -> StreamingReplica:
    for program in ("pg_basebackup", "pg_ctl"):
        if not (PG_BIN / program).exists():
            unavailable(f"{PG_BIN / program} is missing (Debian's postgresql-15)")
    with psycopg.connect(dbname="postgres", autocommit=True, **primary) as conn:  # type: ignore[arg-type]
        (lines,) = conn.execute(
            "SELECT count(*) FROM pg_hba_file_rules WHERE 'replication' = ANY(database) AND error IS NULL"
        ).fetchone()  # type: ignore[misc]
    if not lines:
        unavailable(
            "The PostgreSQL server accepts no replication connection: add 'host replication all "
            "127.0.0.1/32 trust' to its pg_hba.conf and reload (.ci/run does)"
        )
    # Not under pytest's own temporary directory: the postgres user cannot enter it.
    data = Path(tempfile.mkdtemp(prefix="sesis-replica-"))
    if os.geteuid() == 0:
        shutil.chown(data, "postgres")
    backup = [
        str(PG_BIN / "pg_basebackup"),
        f"--host={primary['host']}",
        f"--port={primary['port']}",
        f"--username={primary['user']}",
        f"--pgdata={data}",
        "--write-recovery-conf",
        "--wal-method=stream",
        "--checkpoint=fast",
        "--no-sync",
    ]
    subprocess.run(_as_postgres(backup), check=True, capture_output=True, timeout=600)
    # Debian keeps the configuration outside the data directory: give the copy its own.
    for name, text in {
        "postgresql.conf": "hot_standby = on\nfsync = off\n",
        "pg_hba.conf": "local all all trust\nhost all all 127.0.0.1/32 trust\n",
    }.items():
        path = data / name
        path.write_text(text)
        if os.geteuid() == 0:
            shutil.chown(path, "postgres")
    replica = StreamingReplica(data=data, port=_free_port(), primary=primary)
    replica.start()
    return replica
