"""Permissions as named strings, granted by roles. A role held at a node covers
its whole subtree. Modules add their permissions to the role sets here."""

from django.utils.translation import gettext_lazy as _

ROLE_CHOICES = [
    ("committee_staff", _("Cán bộ cấp ủy / Ban Tổ chức")),
    ("cell_officer", _("Bí thư, chi ủy viên chi bộ")),
    ("visitor", _("Cấp ủy viên được phân công dự sinh hoạt")),
    ("agency_handler", _("Cán bộ sở, ngành xử lý kiến nghị")),
    ("member", _("Đảng viên")),
    ("viewer", _("Chỉ xem")),
]

READ = {
    "orgs:read",
    "members:read",
    "reports:read",
    "liaison:read",
    "meetings:read",
    "visits:read",
    "petitions:read",
    "away:read",
    "reviews:read",
}

# One named export permission per module (issue 17): a spreadsheet leaves the system,
# often with personal data (phones, addresses, family contacts), so reading a list
# does not imply exporting it; the read-only `viewer` gets none of these.
EXPORT = {
    "members:export",
    "reports:export",
    "liaison:export",
    "meetings:export",
    "visits:export",
    "petitions:export",
    "away:export",
    "reviews:export",
}

ROLE_PERMISSIONS: dict[str, set[str]] = {
    "committee_staff": READ
    | {
        "orgs:write",
        "policy:write",
        "members:write",
        "liaison:write",
        "liaison:issue",
        "meetings:write",
        "visits:manage",
        "petitions:write",
        "petitions:route",
        "away:write",
        "away:approve",
        "reviews:write",
        "notify:send",
    }
    | EXPORT,
    "cell_officer": {
        "orgs:read",
        "members:read",
        "members:export",
        "reports:read",
        "reports:export",
        "liaison:read",
        "liaison:write",
        "meetings:read",
        "meetings:write",
        "petitions:read",
        "petitions:write",
        "away:read",
        "away:write",
        "reviews:read",
        "reviews:write",
        "notify:send",
        "liaison:export",
        "meetings:export",
        "petitions:export",
        "away:export",
        "reviews:export",
    },
    # A committee member attending cells follows the petitions heard in his own visit
    # reports (docs/petitions.md): `petitions:write_own` lets him edit, attach to,
    # close/reopen, split or delete those petitions only, never anyone else's
    # (issue 15, finding 4; the table is in docs/security.md, phần B).
    "visitor": {
        "orgs:read",
        "meetings:read",
        "visits:read",
        "visits:write",
        "visits:export",
        "meetings:export",
        "petitions:export",
        "petitions:read",
        "petitions:write_own",
    },
    "agency_handler": {"petitions:read", "petitions:handle", "petitions:export"},
    "member": set(),
    "viewer": set(READ),
}

ALL_PERMISSIONS = sorted(set().union(*ROLE_PERMISSIONS.values()))
