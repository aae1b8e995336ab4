"""One official-document layout (Hướng dẫn 36-HD/VPTW ngày 03/4/2018 của Văn phòng
Trung ương Đảng về thể thức và kỹ thuật trình bày văn bản của Đảng).

Every PDF of every module is an `OfficialPaper` rendered by a template extending
`documents/official.html`; the header (parent body, issuing body, star, number), the
place-and-date line, the signature block and "Nơi nhận" come from here only:

- **Issuing body** (`issuing_names`): one rule from the organization tree. A province
  or city committee is "TỈNH ỦY X"/"THÀNH ỦY X" (no parent line); a district or base
  committee is "ĐẢNG ỦY X" under its parent party organization ("ĐẢNG BỘ TỈNH Y"); a
  cell is "CHI BỘ X" under its party organization ("ĐẢNG BỘ XÃ Z").
- **Number** "Số N-XX/YY": N from the register (`allocate_number`) per issuer, kind
  and year, XX the kind of paper, YY the issuer's abbreviation — never a database id.
- **Place**: the short name of the administrative unit of the issuer (or of its
  nearest ancestor that has one): "Tỉnh Hà Tĩnh" → "Hà Tĩnh", "Xã Sơn Tiến" → "Sơn Tiến".
- **Signature**: chosen from the issuing organization's officers (a `Role` with a
  title, the person's full name from the linked member record). "T/M" for the
  secretary signing for the collective, "K/T" for a deputy, "TL" for staff. An
  account's display name is never printed; with no officer the name line is left
  blank for the handwritten name.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

PARTY = "ĐẢNG CỘNG SẢN VIỆT NAM"

# Short prefixes stripped from administrative unit names for the place line.
_UNIT_PREFIXES = ("Thành phố ", "Tỉnh ", "Đặc khu ", "Phường ", "Xã ", "Thị trấn ")


def _upper(text: str) -> str:
    return text.upper()


def _body_rest(org) -> str:
    """The organization's own name without its "Đảng bộ"/"Chi bộ" word."""
    name = org.name.strip()
    for prefix in ("Đảng bộ ", "Đảng ủy ", "Chi bộ "):
        if name.lower().startswith(prefix.lower()):
            return name[len(prefix) :].strip()
    return name


def party_body_name(org) -> str:
    """The party organization as a body ("ĐẢNG BỘ TỈNH HÀ TĨNH", "CHI BỘ THÔN ĐÔNG")."""
    if org.kind in ("cell", "group"):
        return _upper(org.name)
    return _upper("Đảng bộ " + _body_rest(org))


def committee_name(org, upper: bool = True) -> str:
    """The issuing committee of an organization (the body that signs)."""
    rest = _body_rest(org)
    if org.kind == "province":
        low = rest.lower()
        if low.startswith("thành phố "):
            name = "Thành ủy " + rest[len("thành phố ") :]
        elif low.startswith("tỉnh "):
            name = "Tỉnh ủy " + rest[len("tỉnh ") :]
        else:
            name = "Tỉnh ủy " + rest
    elif org.kind in ("cell", "group"):
        name = org.name
    else:
        name = "Đảng ủy " + rest
    return _upper(name) if upper else name


def issuer_symbol(org) -> str:
    """The issuer part of the number symbol ("TU", "ĐU", "CB")."""
    if org.kind == "province":
        return "TU"
    if org.kind in ("cell", "group"):
        return "CB"
    return "ĐU"


def collective_name(org) -> str:
    """Who "T/M" stands for: the standing committee of a province/district committee,
    the committee of a base party organization, the cell committee of a cell."""
    if org.kind in ("province", "district"):
        return "BAN THƯỜNG VỤ"
    if org.kind in ("cell", "group"):
        return "CHI ỦY"
    return "ĐẢNG ỦY"


def issuing_names(org) -> tuple[str, str]:
    """(parent body line, issuing body line) of the paper header."""
    from lienhe.orgs.models import Organization

    parent = None
    if org.depth and org.depth > 1:
        parent = Organization.objects.filter(path=org.path[: -org.steplen]).first()
    if org.kind == "province" or parent is None:
        return "", committee_name(org)
    return party_body_name(parent), committee_name(org)


def place_name(org) -> str:
    """Short name of the administrative unit where the issuer sits (one rule). With no
    unit recorded on the issuer or its ancestors, the province named by the top of
    the tree ("Đảng bộ tỉnh Hà Tĩnh" → "Hà Tĩnh"): the line never starts with a comma."""
    from lienhe.orgs.models import AdminUnit, Organization

    unit = None
    if org.admin_unit_id:
        unit = AdminUnit.objects.filter(pk=org.admin_unit_id).first()
    else:
        ancestors = Organization.objects.filter(
            path__in=org.ancestor_paths()[:-1], admin_unit__isnull=False
        ).select_related("admin_unit")
        deepest = max(ancestors, key=lambda a: a.depth, default=None)
        unit = deepest.admin_unit if deepest else None
    if unit is None:
        top = org
        if org.depth > 1:
            top = Organization.objects.filter(path=org.ancestor_paths()[0]).first() or org
        name = _body_rest(top)
        for prefix in ("tỉnh ", "thành phố ", "đặc khu "):
            if name.lower().startswith(prefix):
                return name[len(prefix) :].strip()
        return name
    name = unit.name.strip()
    for prefix in _UNIT_PREFIXES:
        if name.startswith(prefix):
            return name[len(prefix) :]
    return name


@dataclass
class Signer:
    """One signature block: the authority line(s), position and full name."""

    position: str = ""
    name: str = ""
    mode: str = "T/M"  # "T/M", "K/T", "TL" or "" (a person signing for herself)
    collective: str = ""

    @property
    def lines(self) -> list[str]:
        position = _upper(self.position) if self.position else ""
        if self.mode == "K/T":
            deputy = "PHÓ BÍ THƯ THƯỜNG TRỰC" if "THƯỜNG TRỰC" in position else "PHÓ BÍ THƯ"
            return [f"T/M {self.collective}", "K/T BÍ THƯ", deputy]
        if self.mode == "TL":
            return [f"TL {self.collective}", position]
        if self.mode == "T/M":
            return [f"T/M {self.collective}", "BÍ THƯ"]
        return [position]


def signing_mode(position: str) -> str:
    low = position.lower()
    if low.startswith("phó bí thư"):
        return "K/T"
    if low.startswith("bí thư"):
        return "T/M"
    return "TL"


def _rank(title: str) -> int:
    low = title.lower()
    if low.startswith("bí thư"):
        return 0
    if low.startswith("phó bí thư"):
        return 1
    return 2


def officers(org) -> list[Signer]:
    """The organization's officers who may sign, best first: roles held at the node
    with a title, named from the member record (never from the account)."""
    from lienhe.access.models import Role

    roles = (
        Role.objects.filter(
            organization=org, role__in=("committee_staff", "cell_officer"), title__gt=""
        )
        .select_related("user__member")
        .order_by("id")
    )
    out = []
    for r in sorted(roles, key=lambda r: (_rank(r.title), r.pk)):
        member = getattr(r.user, "member", None)
        out.append(
            Signer(
                position=r.title,
                name=member.full_name if member else "",
                mode=signing_mode(r.title),
                collective=collective_name(org),
            )
        )
    return out


def default_signer(org) -> Signer:
    found = officers(org)
    if found:
        return found[0]
    return Signer(position="Bí thư", name="", mode="T/M", collective=collective_name(org))


def paper_number(
    org, *, kind: str, issued_on: dt.date, key: str = "", obj=None, title: str = ""
) -> str:
    """The paper's number "N-XX/YY": reuse the register row of this object/key if the
    paper was numbered before (a report printed twice keeps its number), else allocate."""
    from .models import DocumentNumber
    from .services import allocate_number

    symbol = f"{kind}/{issuer_symbol(org)}"
    object_type = obj._meta.label_lower if obj is not None else "key"
    object_id = str(obj.pk) if obj is not None else key[:40]
    if object_id:
        found = DocumentNumber.objects.filter(
            organization=org,
            year=issued_on.year,
            kind=kind,
            object_type=object_type,
            object_id=object_id,
        ).first()
        if found:
            return found.display
    number = allocate_number(org, kind=kind, symbol=symbol, issued_on=issued_on, title=title)
    if object_id:
        number.object_type, number.object_id = object_type, object_id
        number.save(update_fields=["object_type", "object_id"])
    return number.display


@dataclass
class OfficialPaper:
    """Everything the base template needs around a paper's body."""

    issuer_parent: str
    issuer: str
    number: str
    place: str
    date: dt.date
    title: str = ""
    subtitle: str = ""
    recipients: Sequence[str] = ()
    signers: list[Signer] = field(default_factory=list)
    kind: str = ""
    issuer_text: str = ""  # the issuer in running text ("Đảng ủy phường Một")

    @property
    def place_date(self) -> str:
        """ "Hà Tĩnh, ngày 06 tháng 07 năm 2026". An issuer with no administrative unit
        on record gets a dotted blank to write the place by hand, not a line that
        starts with a bare comma."""
        d = self.date
        return f"{self.place or '……'}, ngày {d:%d} tháng {d:%m} năm {d:%Y}"


def make_paper(
    org,
    *,
    kind: str,
    title: str = "",
    subtitle: str = "",
    issued_on: dt.date,
    recipients: Sequence[str] = (_("Lưu"),),
    number: str | None = None,
    number_key: str = "",
    obj=None,
    signer: Signer | None = None,
    signers: list[Signer] | None = None,
) -> OfficialPaper:
    """Build the paper of `org` (the issuing organization). `number` is the already
    issued number (stored on the object); otherwise one is taken from the register
    for `obj` or `number_key`. `signers` replaces the default signature (minutes,
    receipts and personal reports are signed by named people, not for the collective)."""
    parent_line, issuer_line = issuing_names(org)
    if number is None:
        number = paper_number(org, kind=kind, issued_on=issued_on, key=number_key, obj=obj)
    return OfficialPaper(
        issuer_parent=parent_line,
        issuer=issuer_line,
        number=number,
        place=place_name(org),
        date=issued_on,
        title=title,
        subtitle=subtitle,
        recipients=[str(r) for r in recipients],
        signers=signers if signers is not None else [signer or default_signer(org)],
        kind=kind,
        issuer_text=committee_name(org, upper=False),
    )


# --- registry of paper kinds -------------------------------------------------------


@dataclass(frozen=True)
class PaperKind:
    """A kind of paper a module prints (for the layout test and the docs)."""

    slug: str
    label: str
    template: str
    symbol: str  # the kind part of the number, e.g. "GGT", "BC", "QĐ"


PAPER_KINDS: dict[str, PaperKind] = {}


def register(kind: PaperKind) -> PaperKind:
    """Register a paper kind; safe to call twice with the same entry."""
    PAPER_KINDS[kind.slug] = kind
    return kind
