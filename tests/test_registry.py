"""One registry shape (issue 18 item 5): every module plugs into shared pages through
`lienhe.registry.register` from its `<module>/registry.py`, and reports reads module
data only through what the modules register. The source rules are read with `ast`
(as in tests/test_layering.py)."""

from __future__ import annotations

import ast
import importlib
import inspect
import textwrap
from pathlib import Path

import pytest

from lienhe import registry
from lienhe.access.navigation import NAV
from lienhe.members.sections import MEMBER_SECTIONS
from lienhe.notify.services import DAILY_JOBS
from lienhe.orgs.policy import PARAMETERS, PRESETS
from lienhe.reports.home import HOME_PANELS, LIVE_PANELS
from lienhe.reports.periodic import SECTIONS
from lienhe.reports.redflags import MODULE_LABELS, RED_FLAG_SOURCES
from lienhe.reports.today_tasks import TODAY_TASKS

from .test_layering import PACKAGE, ROOT, imported_modules

# Apps that plug something into shared pages; each has `registry.register_all()`.
PLUGGED = [
    "api",
    "audit",
    "away",
    "documents",
    "liaison",
    "meetings",
    "members",
    "notify",
    "orgs",
    "petitions",
    "reports",
    "reviews",
    "summaries",
    "visits",
]
# The store writers: only lienhe/registry.py calls them.
STORE_WRITERS = {"register_panel", "register_section", "register_red_flags", "register_tasks"}
STORE_WRITERS |= {"register_preset", "register_daily_job"}
STORE_MODULES = {"lienhe.access.navigation", "lienhe.orgs.policy"}  # their `register`
# Modules whose data reports may read only through the registries.
MODULES = ("liaison", "meetings", "visits", "petitions", "away", "reviews", "notify")
# Left to do (issue 18): the figures catalogue (issue 16) and the participation report
# still read module tables themselves; no other reports file may.
READS_MODULE_TABLES = {
    "figures.py",
    "module_sections.py",
    "participation.py",
    "summaries.py",
}


def _stores() -> tuple:
    return (
        list(NAV),
        list(HOME_PANELS),
        set(LIVE_PANELS),
        list(MEMBER_SECTIONS),
        list(SECTIONS),
        list(RED_FLAG_SOURCES),
        dict(MODULE_LABELS),
        list(TODAY_TASKS),
        dict(PARAMETERS),
        dict(PRESETS),
        list(DAILY_JOBS),
    )


def test_an_item_of_an_unknown_type_raises():
    before = _stores()
    with pytest.raises(TypeError, match="unknown item type dict"):
        registry.register({"order": 1, "func": print})
    # A look-alike of a registered type is refused too: dispatch is by exact type.
    from dataclasses import dataclass

    @dataclass(frozen=True)
    class Panel:
        order: int
        func: object

    with pytest.raises(TypeError, match="unknown item type Panel"):
        registry.register(Panel(1, print))
    assert _stores() == before


@pytest.mark.parametrize("app", PLUGGED)
def test_each_module_registers_all_from_its_registry_and_ready_calls_it(app):
    module = importlib.import_module(f"lienhe.{app}.registry")
    assert callable(module.register_all)
    apps_py = (PACKAGE / app / "apps.py").read_text(encoding="utf-8")
    assert "registry.register_all()" in apps_py
    before = _stores()
    module.register_all()  # idempotent: ready() may run twice
    assert _stores() == before


def test_every_store_is_filled_by_the_modules():
    """Each store holds the items the modules register (a registration lost on the way
    fails here): red-flag labels, today items, periodic sections, policy keys."""
    assert list(MODULE_LABELS) == ["liaison", "meetings", "visits", "petitions", "away", "reviews"]
    assert {s.module for s in RED_FLAG_SOURCES} == set(MODULE_LABELS)
    assert {s.key for s in SECTIONS} == {"members", *MODULE_LABELS}
    assert {f.__module__ for _order, f in TODAY_TASKS} == {
        "lienhe.meetings.today",
        "lienhe.liaison.today",
        "lienhe.visits.today",
        "lienhe.reviews.today",
    }
    assert "son_la_1120" in PRESETS
    assert {"letter_handin_days", "petition_answer_days", "comment_window_due"} <= set(PARAMETERS)


# `manage.py run_daily` runs the jobs in this order (INSTALLED_APPS, then each module's
# `register_all`); its output lists them so, then "notify.digest".
DAILY_JOB_ORDER = [
    "audit.recover_stale_tasks",
    "documents.export_cleanup",
    "liaison.letter_deadlines",
    "meetings.schedule",
    "meetings.invitations",
    "meetings.not_recorded",
    "meetings.absences",
    "away.contacts_overdue",
    "away.exemptions",
    "away.transfers_overdue",
    "away.fee_month",
    "visits.reminders",
    "petitions.escalate_overdue",
    "petitions.remind_due_soon",
    "reviews.comment_reminders",
    "summaries.check",
]


def test_every_daily_job_is_registered_once_in_order_from_its_module():
    assert [name for name, _job in DAILY_JOBS] == DAILY_JOB_ORDER
    for name, job in DAILY_JOBS:
        module = name.split(".")[0]
        assert job.__module__.startswith(f"lienhe.{module}."), (name, job.__module__)


def test_a_daily_job_name_registered_twice_keeps_its_first_job():
    before = list(DAILY_JOBS)
    name, first = DAILY_JOBS[0]
    registry.register(registry.DailyJob(name, lambda today: 0))
    assert DAILY_JOBS == before
    assert DAILY_JOBS[0][1] is first


def test_no_apps_py_imports_a_jobs_module():
    """Jobs register in `registry.py` like every other item: `ready()` never imports a
    jobs module (`jobs.py`, `export_jobs.py`) to have its registrations run."""
    job_modules = {job.__module__.rsplit(".", 1)[1] for _name, job in DAILY_JOBS}
    job_modules = (job_modules - {"registry"}) | {"jobs"}
    assert job_modules == {"jobs", "export_jobs"}  # the check below looks for these
    offenders = []
    for path in sorted(PACKAGE.glob("*/apps.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom):
                names = {alias.name for alias in node.names} & job_modules
                offenders += [f"{path.relative_to(ROOT)} imports {n}" for n in sorted(names)]
    assert offenders == []


def _calls_a_store_writer(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            names = {alias.name for alias in node.names}
            if names & STORE_WRITERS:
                found.append(f"imports {sorted(names & STORE_WRITERS)} from {node.module}")
            if node.module in STORE_MODULES and "register" in names:
                found.append(f"imports register from {node.module}")
        elif isinstance(node, ast.Attribute):
            if node.attr in STORE_WRITERS:
                found.append(f"calls .{node.attr}")
            if (
                node.attr == "register"
                and isinstance(node.value, ast.Name)
                and node.value.id in {"navigation", "policy"}
            ):
                found.append(f"calls {node.value.id}.register")
    return found


def test_the_scan_sees_a_direct_registration(tmp_path):
    probe = tmp_path / "probe.py"
    probe.write_text(
        "from lienhe.reports.home import register_panel\n"
        "from lienhe.orgs.policy import Parameter, register\n"
        "from lienhe.notify.services import register_daily_job\n"
        "def f():\n    navigation.register(x)\n    services.register_daily_job('a', g)\n",
        encoding="utf-8",
    )
    assert len(_calls_a_store_writer(probe)) == 5


def test_modules_register_only_through_lienhe_registry():
    store_files = {
        "lienhe/registry.py",
        "lienhe/reports/home.py",
        "lienhe/reports/redflags.py",
        "lienhe/reports/periodic.py",
        "lienhe/reports/today_tasks.py",
        "lienhe/members/sections.py",
        "lienhe/access/navigation.py",
        "lienhe/orgs/policy.py",
        "lienhe/notify/services.py",
    }
    offenders = []
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = str(path.relative_to(ROOT))
        if rel in store_files or "migrations" in path.parts:
            continue
        offenders += [f"{rel} {what}" for what in _calls_a_store_writer(path)]
    assert offenders == []


def test_reports_reads_module_data_only_through_the_registries():
    offenders = []
    for path in sorted((PACKAGE / "reports").glob("*.py")):
        if path.name in READS_MODULE_TABLES:
            continue
        for name in imported_modules(path):
            if name.split(".")[:2][-1] in MODULES and name.startswith("lienhe."):
                offenders.append(f"{path.relative_to(ROOT)} imports {name}")
    assert offenders == []


def test_no_module_label_or_policy_key_is_written_in_reports_or_orgs():
    redflags = (PACKAGE / "reports" / "redflags.py").read_text(encoding="utf-8")
    for label in MODULE_LABELS.values():
        assert str(label) not in redflags
    policy = (PACKAGE / "orgs" / "policy.py").read_text(encoding="utf-8")
    for key in PARAMETERS:
        assert f'"{key}"' not in policy


def _is_gettext(node: ast.AST) -> bool:
    """`_("…")`, `gettext(...)`, `_("… %(x)s") % {...}`, or a choice between those."""
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
        return node.func.id in {"_", "gettext", "gettext_lazy", "pgettext", "ngettext"}
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod):
        return _is_gettext(node.left)
    if isinstance(node, ast.IfExp):
        return _is_gettext(node.body) and _is_gettext(node.orelse)
    return False


def _titles(func) -> list[ast.AST]:
    source = textwrap.dedent(inspect.getsource(func))
    return [
        value
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.Dict)
        for key, value in zip(node.keys, node.values, strict=True)
        if isinstance(key, ast.Constant) and key.value == "title"
    ]


def test_the_title_check_refuses_a_raw_string():
    def panel(request):
        return {"title": "Kiến nghị", "template": "x.html"}

    assert [_is_gettext(t) for t in _titles(panel)] == [False]


def test_every_panel_and_member_section_title_goes_through_gettext():
    funcs = [f for _o, f in HOME_PANELS] + [f for _o, f in MEMBER_SECTIONS]
    raw = []
    for func in funcs:
        titles = _titles(func)
        assert titles, f"{func.__module__}.{func.__name__} returns no title"
        raw += [f"{func.__module__}.{func.__name__}" for t in titles if not _is_gettext(t)]
    assert raw == []
