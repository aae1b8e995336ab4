"""Backups that restore: SQLite through the online backup API (consistent while the
app keeps running), PostgreSQL through pg_dump/pg_restore (custom format). Every
backup can be checked with per-table row counts and checksums (`fingerprint`)."""

from __future__ import annotations

import errno
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from django.db import connections


class BackupError(Exception):
    """User-facing failure (Vietnamese message)."""


@dataclass
class Result:
    path: Path
    bytes: int
    seconds: float
    tables: int


def _db(alias: str = "default") -> dict:
    return connections[alias].settings_dict


def vendor(alias: str = "default") -> str:
    return connections[alias].vendor


def _check_space(directory: Path, needed: int) -> None:
    free = shutil.disk_usage(directory).free
    if free < needed * 1.1:
        raise BackupError(
            f"Không đủ chỗ trống trên đĩa tại {directory}: cần khoảng {needed // 2**20 + 1} MB, "
            f"còn {free // 2**20} MB."
        )


def _disk_full_error(target: Path) -> BackupError:
    return BackupError(
        f"Hết chỗ trống trên đĩa khi ghi {target}: bản sao lưu chưa hoàn tất và tệp dở đã "
        "được xóa; dữ liệu đang dùng không bị ảnh hưởng. Hãy giải phóng chỗ trống rồi chạy lại."
    )


def _is_disk_full(exc: BaseException) -> bool:
    if isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return True
    text = str(exc)
    return "disk is full" in text or "No space left on device" in text


def write_manifest(path: Path, data: dict) -> Path:
    """Write OUT.json next to a backup, whole or not at all (ENOSPC → BackupError)."""
    target = path.with_name(path.name + ".json")
    partial = target.with_name(target.name + ".partial")
    try:
        with open(partial, "w", encoding="utf-8") as fh:
            fh.write(json.dumps(data, indent=1, sort_keys=True))
        os.replace(partial, target)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        if _is_disk_full(exc):
            raise _disk_full_error(target) from exc
        raise BackupError(f"Không ghi được bản kê {target}: {exc.strerror or exc}") from exc
    return target


def _sqlite_tables(conn: sqlite3.Connection) -> list[str]:
    rows = conn.execute(
        "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%' "
        "ORDER BY name"
    ).fetchall()
    return [r[0] for r in rows]


def backup_sqlite(out: Path, alias: str = "default", source_path: Path | None = None) -> Result:
    source_path = Path(source_path or _db(alias)["NAME"])
    if not source_path.exists():
        raise BackupError(f"Không thấy tệp cơ sở dữ liệu {source_path}.")
    out.parent.mkdir(parents=True, exist_ok=True)
    _check_space(out.parent, source_path.stat().st_size)
    started = time.monotonic()
    partial = out.with_name(out.name + ".partial")
    partial.unlink(missing_ok=True)
    source = sqlite3.connect(source_path)
    target = sqlite3.connect(partial)
    try:
        # Pages are copied in steps so writers are only briefly blocked.
        source.backup(target, pages=4096, sleep=0.005)
        target.execute("PRAGMA journal_mode=DELETE")
        check = target.execute("PRAGMA integrity_check").fetchone()[0]
        if check != "ok":
            raise BackupError(f"Bản sao lưu hỏng (integrity_check: {check}).")
        tables = len(_sqlite_tables(target))
    except (sqlite3.DatabaseError, OSError) as exc:
        partial.unlink(missing_ok=True)
        if _is_disk_full(exc):  # the disk filled up during the copy
            raise _disk_full_error(out) from exc
        raise BackupError(f"Sao lưu thất bại: {exc}") from exc
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    finally:
        target.close()
        source.close()
    os.replace(partial, out)
    return Result(out, out.stat().st_size, time.monotonic() - started, tables)


def restore_sqlite(backup: Path, alias: str = "default") -> Result:
    if not backup.exists():
        raise BackupError(f"Không thấy tệp sao lưu {backup}.")
    started = time.monotonic()
    source = sqlite3.connect(f"file:{backup}?mode=ro", uri=True)
    try:
        try:
            check = source.execute("PRAGMA integrity_check").fetchone()[0]
        except sqlite3.DatabaseError as exc:
            raise BackupError(
                f"Tệp sao lưu hỏng hoặc không phải SQLite ({exc}); không khôi phục."
            ) from exc
        if check != "ok":
            raise BackupError(f"Tệp sao lưu hỏng (integrity_check: {check}); không khôi phục.")
        tables = len(_sqlite_tables(source))
        if "django_migrations" not in _sqlite_tables(source):
            raise BackupError("Tệp này không phải bản sao lưu của Lienhe.")
        connections[alias].close()
        target_path = Path(_db(alias)["NAME"])
        target_path.parent.mkdir(parents=True, exist_ok=True)
        target = sqlite3.connect(target_path)
        try:
            source.backup(target)
        finally:
            target.close()
    finally:
        source.close()
    return Result(backup, backup.stat().st_size, time.monotonic() - started, tables)


def _pg_env(alias: str) -> tuple[list[str], dict]:
    db = _db(alias)
    env = dict(os.environ)
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = db["PASSWORD"]
    args = ["--dbname", db["NAME"]]
    if db.get("HOST"):
        args += ["--host", db["HOST"]]
    if db.get("PORT"):
        args += ["--port", str(db["PORT"])]
    if db.get("USER"):
        args += ["--username", db["USER"]]
    return args, env


def backup_postgres(out: Path, alias: str = "default") -> Result:
    args, env = _pg_env(alias)
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(out.name + ".partial")
    started = time.monotonic()
    proc = subprocess.run(
        ["pg_dump", "--format=custom", "--no-owner", "--file", str(partial), *args],
        env=env,
        capture_output=True,
        text=True,
    )
    if proc.returncode != 0:
        partial.unlink(missing_ok=True)
        if _is_disk_full(Exception(proc.stderr)):
            raise _disk_full_error(out)
        raise BackupError(f"pg_dump thất bại: {proc.stderr.strip()}")
    os.replace(partial, out)
    return Result(out, out.stat().st_size, time.monotonic() - started, 0)


def restore_postgres(backup: Path, alias: str = "default") -> Result:
    args, env = _pg_env(alias)
    connections[alias].close()
    started = time.monotonic()
    proc = subprocess.run(
        [
            "pg_restore",
            "--clean",
            "--if-exists",
            "--no-owner",
            "--single-transaction",
            "--exit-on-error",
            *args,
            str(backup),
        ],
        env=env,
        capture_output=True,
        text=True,
    )
    if proc.returncode != 0:
        raise BackupError(f"pg_restore thất bại: {proc.stderr.strip()}")
    return Result(backup, backup.stat().st_size, time.monotonic() - started, 0)


def fingerprint(alias: str = "default") -> dict[str, dict]:
    """{table: {"rows": n, "sha256": …}} over every table, rows in primary-key order.
    Same data → same fingerprint on the same database engine."""
    connection = connections[alias]
    result = {}
    with connection.cursor() as cursor:
        tables = sorted(connection.introspection.table_names(cursor))
        for table in tables:
            if table.startswith("sqlite_"):
                continue
            pk = connection.introspection.get_primary_key_column(cursor, table)
            order = connection.ops.quote_name(pk) if pk else "1"
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)} ORDER BY {order}")
            digest = hashlib.sha256()
            rows = 0
            while batch := cursor.fetchmany(2000):
                for row in batch:
                    digest.update(repr(row).encode("utf-8"))
                    rows += 1
            result[table] = {"rows": rows, "sha256": digest.hexdigest()}
    return result
