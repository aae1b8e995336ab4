"""An older commit of Lienhe, served beside the current one for `loadtest.py --compare`.

`prepare(ref, database_url, members)` checks `ref` out into a temporary git worktree
(`<tmp>/lienhe-compare-<sha>`), installs it with `uv sync --frozen` (its own `.venv`),
and gives it its own PostgreSQL database next to the current one
(`<database>_old_<sha>`, or `LOAD_COMPARE_DATABASE_URL`): created if missing, migrated
with the old migrations, and seeded with the old `seed_demo --members N` when empty.
The seeded database is kept for the next run (seeding an old commit at 100.000
members takes minutes); the worktree is removed by `cleanup()` unless asked to keep it.
The throughput of both commits is then measured by the same client in the same run."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg

ROOT = Path(__file__).resolve().parent.parent


@dataclass
class OldCommit:
    ref: str
    sha: str
    root: Path
    python: Path
    database_url: str
    created_worktree: bool

    def env(self, base_env: dict[str, str]) -> dict[str, str]:
        # The old commit caches nothing per page, and its settings may not know the
        # cache variables the current one sets for the load test: it keeps its default.
        skip = {"VIRTUAL_ENV", "CACHE_BACKEND", "CACHE_URL", "CACHE_LOCATION"}
        env = {k: v for k, v in base_env.items() if k not in skip}
        return {**env, "DATABASE_URL": self.database_url}

    def manage(self, env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [str(self.python), "manage.py", *args], cwd=self.root, env=env, check=True
        )


def _git(*args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=ROOT, check=True, capture_output=True, text=True
    ).stdout.strip()


def _uv() -> list[str]:
    found = shutil.which("uv")
    return [found] if found else [sys.executable, "-m", "uv"]


def old_database_url(database_url: str, sha: str) -> str:
    override = os.environ.get("LOAD_COMPARE_DATABASE_URL")
    if override:
        return override
    parts = urlsplit(database_url)
    name = parts.path.lstrip("/")
    return urlunsplit(parts._replace(path=f"/{name}_old_{sha}"))


def _ensure_database(url: str) -> None:
    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            print(f"so sánh: tạo cơ sở dữ liệu {name}", flush=True)
            conn.execute(f'CREATE DATABASE "{name}"')


def _has_province(url: str) -> bool:
    with psycopg.connect(url) as conn:
        row = conn.execute("SELECT to_regclass('orgs_organization') IS NOT NULL").fetchone()
        if not row[0]:
            return False
        return conn.execute("SELECT EXISTS (SELECT 1 FROM orgs_organization)").fetchone()[0]


def member_count(url: str) -> int:
    with psycopg.connect(url) as conn:
        return conn.execute("SELECT count(*) FROM members_member").fetchone()[0]


def prepare(ref: str, database_url: str, members: int, env: dict[str, str]) -> OldCommit:
    sha = _git("rev-parse", "--short=7", f"{ref}^{{commit}}")
    root = Path(tempfile.gettempdir()) / f"lienhe-compare-{sha}"
    created = False
    if not (root / "manage.py").exists():
        print(f"so sánh: lấy {ref} ({sha}) vào {root}", flush=True)
        _git("worktree", "add", "--detach", str(root), sha)
        created = True
    subprocess.run([*_uv(), "sync", "--frozen", "--quiet"], cwd=root, check=True)
    old = OldCommit(
        ref=ref,
        sha=sha,
        root=root,
        python=root / ".venv" / "bin" / "python",
        database_url=old_database_url(database_url, sha),
        created_worktree=created,
    )
    old_env = old.env(env)
    if shutil.which("msgfmt"):
        old.manage(old_env, "compilemessages", "--ignore=.venv", "-v", "0")
    _ensure_database(old.database_url)
    old.manage(old_env, "migrate", "--noinput", "-v", "0")
    if not _has_province(old.database_url):
        print(f"so sánh: tạo tỉnh mẫu {members} đảng viên bằng {sha} (lâu)…", flush=True)
        old.manage(old_env, "seed_demo", "--members", str(members), "--reset", "--quiet")
    old.manage(old_env, "collectstatic", "--noinput", "-v", "0")
    return old


def cleanup(old: OldCommit, keep: bool) -> None:
    """Remove the worktree this run created (the database stays for the next run)."""
    if old.created_worktree and not keep:
        _git("worktree", "remove", "--force", str(old.root))
