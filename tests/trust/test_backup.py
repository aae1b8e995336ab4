"""Backups that restore: a seeded SQLite database is backed up, restored into an
empty file, and every table compared by row count and checksum."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def manage(db: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{db}",
        "DJANGO_SETTINGS_MODULE": "lienhe.settings",
    }
    proc = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    if check:
        assert proc.returncode == 0, proc.stdout + proc.stderr
    return proc


def test_backup_restore_round_trip(tmp_path):
    source = tmp_path / "source.sqlite3"
    manage(source, "migrate", "--noinput", "-v", "0")
    manage(source, "seed_demo", "--members", "300", "--quiet")
    before = json.loads(manage(source, "fingerprint").stdout)
    assert before["members_member"]["rows"] >= 300

    out = tmp_path / "backups" / "lienhe.sqlite3"
    result = manage(source, "backup", str(out), "--manifest")
    assert "Đã sao lưu" in result.stdout
    assert json.loads((tmp_path / "backups" / "lienhe.sqlite3.json").read_text()) == before

    # Restore into a brand-new, empty database file.
    target = tmp_path / "restored.sqlite3"
    restored = manage(target, "restore", str(out), "--yes", "--check")
    assert "Khớp bản kê" in restored.stdout
    after = json.loads(manage(target, "fingerprint").stdout)
    assert after == before
    assert len(after) > 30  # every table, not just a few

    # Restoring over a changed database brings the old rows back.
    manage(
        target,
        "shell",
        "-c",
        "from django.db import connection; "
        "connection.cursor().execute(\"UPDATE members_member SET full_name = 'X'\")",
    )
    assert json.loads(manage(target, "fingerprint").stdout) != before
    manage(target, "restore", str(out), "--yes", "--check")
    assert json.loads(manage(target, "fingerprint").stdout) == before


def test_restore_refuses_a_damaged_file(tmp_path):
    bad = tmp_path / "bad.sqlite3"
    bad.write_bytes(b"SQLite format 3\x00" + b"\x00" * 200)
    proc = manage(tmp_path / "x.sqlite3", "restore", str(bad), "--yes", check=False)
    assert proc.returncode != 0
    assert "hỏng" in proc.stderr or "không phải" in proc.stderr or "thất bại" in proc.stderr


def test_backup_reports_full_disk(tmp_path, monkeypatch):
    from collections import namedtuple

    from lienhe.audit import backup

    src = tmp_path / "src.sqlite3"
    src.write_bytes(b"x" * 4096)
    Usage = namedtuple("Usage", "total used free")
    monkeypatch.setattr(backup.shutil, "disk_usage", lambda p: Usage(10, 10, 0))
    with pytest.raises(backup.BackupError, match="Không đủ chỗ trống"):
        backup.backup_sqlite(tmp_path / "out.sqlite3", source_path=src)
