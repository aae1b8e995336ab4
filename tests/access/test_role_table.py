"""Issue 15, finding 4: the role × permission table. Three copies must agree: the
grants in code (`ROLE_PERMISSIONS`), the table below (reviewed against the role
descriptions in docs/orgs-members.md, petitions.md, visits.md) and the table in
docs/security.md (phần B) that operators read."""

import re
from pathlib import Path

from lienhe.access.permissions import ROLE_CHOICES, ROLE_PERMISSIONS

ROLES = ["committee_staff", "cell_officer", "visitor", "agency_handler", "member", "viewer"]
STAFF, CELL, V, H, _MEMBER, W = ROLES
C = STAFF
READ = {C, CELL, W}

# permission -> roles holding it (mirror of the doc table)
TABLE: dict[str, set[str]] = {
    "away:approve": {C},
    "away:export": {C, CELL},
    "away:read": READ,
    "away:write": {C, CELL},
    "liaison:export": {C, CELL},
    "liaison:issue": {C},
    "liaison:read": READ,
    "liaison:write": {C, CELL},
    "meetings:export": {C, CELL, V},
    "meetings:read": READ | {V},
    "meetings:write": {C, CELL},
    "members:export": {C, CELL},
    "members:read": READ,
    "members:write": {C},
    "notify:send": {C, CELL},
    "orgs:read": READ | {V},
    "orgs:write": {C},
    "petitions:export": {C, CELL, V, H},
    "petitions:handle": {H},
    "petitions:read": READ | {V, H},
    "petitions:route": {C},
    "petitions:write": {C, CELL},  # not the visitor: he writes only his own (next line)
    "petitions:write_own": {V},
    "policy:write": {C},
    "reports:export": {C, CELL},
    "reports:read": READ,
    "reviews:export": {C, CELL},
    "reviews:read": READ,
    "reviews:write": {C, CELL},
    "visits:export": {C, V},
    "visits:manage": {C},
    "visits:read": {C, V, W},
    "visits:write": {V},
}


def _from_code() -> dict[str, set[str]]:
    table: dict[str, set[str]] = {}
    for role, perms in ROLE_PERMISSIONS.items():
        for perm in perms:
            table.setdefault(perm, set()).add(role)
    return table


def _from_docs() -> dict[str, set[str]]:
    text = (Path(__file__).resolve().parents[2] / "docs" / "security.md").read_text()
    block = text.split("<!-- role-table:start -->")[1].split("<!-- role-table:end -->")[0]
    lines = [line for line in block.strip().splitlines() if line.startswith("|")]
    header = [cell.strip(" `") for cell in lines[0].strip("|").split("|")]
    assert header[1:] == ROLES
    table: dict[str, set[str]] = {}
    for line in lines[2:]:
        cells = [cell.strip() for cell in line.strip("|").split("|")]
        perm = cells[0].strip("`")
        assert re.fullmatch(r"[a-z]+:[a-z_]+", perm), line
        assert set(cells[1:]) <= {"✓", "—"}, line
        table[perm] = {role for role, cell in zip(ROLES, cells[1:], strict=True) if cell == "✓"}
    return table


def test_every_role_is_in_the_table():
    assert [r for r, _label in ROLE_CHOICES] == ROLES
    assert set(ROLE_PERMISSIONS) == set(ROLES)


def test_role_grants_in_code_match_the_reviewed_table():
    code = _from_code()
    assert code == {perm: roles for perm, roles in TABLE.items() if roles}


def test_the_docs_table_matches_the_code():
    assert _from_docs() == TABLE


def test_the_visitor_writes_no_petition_but_his_own():
    visitor = ROLE_PERMISSIONS["visitor"]
    assert "petitions:write" not in visitor and "petitions:route" not in visitor
    assert "petitions:write_own" in visitor
