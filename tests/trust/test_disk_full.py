"""Disk full while writing a backup or its manifest (issue 10): the user gets a clear
Vietnamese message, no half-written file is left, the live data is untouched.
ENOSPC is simulated at the file-write boundary (the disk cannot be filled safely on a
shared machine); the SQLite database and files are real. Excel/CSV exports of the web
pages are built in memory (lienhe/documents/exports.py) and write nothing to disk."""

import errno
import sqlite3

import pytest

from lienhe.audit import backup


@pytest.fixture
def source(tmp_path):
    path = tmp_path / "live.sqlite3"
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE t (x TEXT)")
        db.executemany("INSERT INTO t VALUES (?)", [(f"dòng {i}",) for i in range(500)])
    return path


def test_disk_fills_during_sqlite_backup(tmp_path, source, monkeypatch):
    real_connect = sqlite3.connect

    class FillingSource:
        """The live database; copying into the target hits a full disk halfway."""

        def __init__(self, conn):
            self.conn = conn

        def backup(self, target, **kwargs):
            target.execute("CREATE TABLE half (x)")
            target.commit()
            raise sqlite3.OperationalError("database or disk is full")

        def __getattr__(self, name):
            return getattr(self.conn, name)

    def connect(path, *args, **kwargs):
        conn = real_connect(path, *args, **kwargs)
        return FillingSource(conn) if str(path) == str(source) else conn

    monkeypatch.setattr(backup.sqlite3, "connect", connect)
    out = tmp_path / "out" / "2026-11-23.sqlite3"
    with pytest.raises(backup.BackupError) as err:
        backup.backup_sqlite(out, source_path=source)
    message = str(err.value)
    assert "Hết chỗ trống trên đĩa" in message and "không bị ảnh hưởng" in message
    assert not out.exists() and list(out.parent.iterdir()) == []  # no .partial left
    with real_connect(source) as db:
        assert db.execute("SELECT COUNT(*) FROM t").fetchone() == (500,)


def test_disk_fills_while_writing_manifest(tmp_path, monkeypatch):
    real_open = open

    class FullFile:
        def __init__(self, fh):
            self.fh = fh

        def write(self, text):
            self.fh.write(text[:10])
            raise OSError(errno.ENOSPC, "No space left on device")

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self.fh.close()

    monkeypatch.setattr(backup, "open", lambda *a, **k: FullFile(real_open(*a, **k)), raising=False)
    out = tmp_path / "2026-11-23.sqlite3"
    with pytest.raises(backup.BackupError, match="Hết chỗ trống trên đĩa"):
        backup.write_manifest(out, {"members_member": {"rows": 1, "sha256": "x"}})
    assert list(tmp_path.iterdir()) == []
    monkeypatch.undo()
    assert backup.write_manifest(out, {"a": 1}).read_text(encoding="utf-8").startswith("{")


def test_pg_dump_disk_full_message():
    exc = Exception("pg_dump: error: could not write to output file: No space left on device")
    assert backup._is_disk_full(exc)
    assert "Hết chỗ trống" in str(backup._disk_full_error(backup.Path("/x.dump")))
