"""Request and response shapes of the public API (OpenAPI components)."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from ninja import Field, Schema

Gender = Literal["male", "female"]
MemberStatus = Literal["active", "exempted", "transferred", "deceased", "expelled"]


class RoleOut(Schema):
    role: str
    organization_id: int
    organization_name: str


class MeOut(Schema):
    id: int
    username: str
    display_name: str
    member_id: int | None
    is_superuser: bool
    roles: list[RoleOut]
    permissions: list[str]


class OrganizationOut(Schema):
    id: int
    code: str
    name: str
    kind: str
    kind_label: str
    side: str
    depth: int
    parent_id: int | None
    children_count: int
    is_active: bool
    is_remote: bool
    address: str
    meeting_day: int | None
    version: int


class OrganizationPage(Schema):
    items: list[OrganizationOut]
    next_cursor: str | None


class MemberOut(Schema):
    """`dossier` is false when the record is seen only through a cross-tree window
    (e.g. a residence cell seeing an introduced member): the personal fields are null."""

    id: int
    card_number: str
    full_name: str
    phone: str
    organization_id: int
    organization_name: str
    is_working: bool
    employer: str
    status: str
    version: int
    dossier: bool
    birth_date: dt.date | None = None
    gender: str | None = None
    ethnicity: str | None = None
    citizen_id: str | None = None
    email: str | None = None
    home_address: str | None = None
    joined_on: dt.date | None = None
    official_on: dt.date | None = None


class MemberPage(Schema):
    items: list[MemberOut]
    next_cursor: str | None


class MemberIn(Schema):
    card_number: str = Field(..., min_length=1, max_length=20)
    full_name: str = Field(..., min_length=1, max_length=120)
    birth_date: dt.date
    gender: Gender
    ethnicity: str = Field("Kinh", max_length=40)
    citizen_id: str | None = Field(None, max_length=12)
    phone: str = Field("", max_length=20)
    email: str = Field("", max_length=254)
    home_address: str = Field("", max_length=255)
    joined_on: dt.date
    official_on: dt.date | None = None
    status: MemberStatus = "active"
    organization_id: int
    is_working: bool = False
    employer: str = Field("", max_length=200)


class MemberPut(MemberIn):
    version: int | None = Field(None, description="Phiên bản đang sửa (thay cho tiêu đề If-Match).")


class MemberPatch(Schema):
    card_number: str | None = Field(None, min_length=1, max_length=20)
    full_name: str | None = Field(None, min_length=1, max_length=120)
    birth_date: dt.date | None = None
    gender: Gender | None = None
    ethnicity: str | None = Field(None, max_length=40)
    citizen_id: str | None = Field(None, max_length=12)
    phone: str | None = Field(None, max_length=20)
    email: str | None = Field(None, max_length=254)
    home_address: str | None = Field(None, max_length=255)
    joined_on: dt.date | None = None
    official_on: dt.date | None = None
    status: MemberStatus | None = None
    organization_id: int | None = None
    is_working: bool | None = None
    employer: str | None = Field(None, max_length=200)
    version: int | None = Field(None, description="Phiên bản đang sửa (thay cho tiêu đề If-Match).")
