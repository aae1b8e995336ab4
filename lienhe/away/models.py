"""Members working away from home, temporary exemptions, transfers of party life and
party fees (seed 004, Sông Lô; Quy định 01-QĐ/TW 2017 on party fees)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from lienhe.members.models import Member
from lienhe.orgs.models import AdminUnit, Organization
from lienhe.text import fold


class ScopedQuerySet(models.QuerySet):
    """Rows belong to the member's home organization (`organization`) at filing time.
    A user sees rows in their `away:read` subtrees, plus their own."""

    def in_subtree(self, org: Organization):
        return self.filter(organization__path__startswith=org.path)

    def visible_to(self, user):
        from lienhe.access.scoping import in_subtrees, paths_with

        if getattr(user, "is_superuser", False):
            return self
        q = in_subtrees(paths_with(user, "away:read"), "organization")
        if getattr(user, "member_id", None):
            q |= models.Q(member_id=user.member_id)
        return self.filter(q)

    def search(self, text: str):
        folded = fold(text)
        if not folded:
            return self
        return self.filter(member__in=members_matching(text, folded))


def members_matching(text: str, folded: str):
    """The ids of members whose folded name contains `folded` or whose card number
    starts with `text`, as a subquery. Searching `member__search_name` through the join
    made PostgreSQL scan all members (an OR across two tables); the subquery reads the
    members' trigram and card-number indexes (issue 21)."""
    return Member.objects.filter(
        models.Q(search_name__contains=folded) | models.Q(card_number__startswith=text.strip())
    ).values("pk")


class TransferQuerySet(ScopedQuerySet):
    def visible_to(self, user):
        """Sender's subtree, the receiving organization's subtree, and the member."""
        from lienhe.access.scoping import in_subtrees, paths_with

        if getattr(user, "is_superuser", False):
            return self
        paths = paths_with(user, "away:read")
        q = in_subtrees(paths, "organization") | in_subtrees(paths, "to_organization")
        if getattr(user, "member_id", None):
            q |= models.Q(member_id=user.member_id)
        return self.filter(q)


class AwayQuerySet(ScopedQuerySet):
    def current(self, on: dt.date):
        """Away periods in force on `on` (approved, started, not returned)."""
        return self.filter(status=AwayPeriod.Status.APPROVED, start_on__lte=on).filter(
            models.Q(returned_on__isnull=True) | models.Q(returned_on__gt=on)
        )

    def contact_overdue(self, on: dt.date, interval_days: int):
        """In force and not contacted within `interval_days` (counted from the last
        contact, or from departure/approval, whichever is later)."""
        limit = on - dt.timedelta(days=interval_days)
        never = models.Q(last_contact_on__isnull=True, start_on__lt=limit) & (
            models.Q(approved_on__isnull=True) | models.Q(approved_on__lt=limit)
        )
        return self.current(on).filter(models.Q(last_contact_on__lt=limit) | never)

    def search(self, text: str):
        folded = fold(text)
        if not folded:
            return self
        return self.filter(
            models.Q(member__in=members_matching(text, folded))
            | models.Q(search_destination__contains=folded)
        )


# What the member's report says (the form's fields, in its order; the only fields
# `periods.file_away`/`update_away` take from the caller).
AWAY_FIELDS = (
    "destination_unit",
    "destination_country",
    "destination_address",
    "employer",
    "start_on",
    "expected_end_on",
    "phone",
    "other_contacts",
    "family_contact",
    "family_phone",
    "wants_temporary_transfer",
    "reason",
    "temp_residence_place",
    "temp_residence_on",
)


class AwayPeriod(models.Model):
    """A going-away report (báo cáo đi làm ăn xa) and, once approved, the away period."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Chờ chi bộ xem xét")
        CELL_AGREED = "cell_agreed", _("Chi bộ đã xem xét, chờ đảng ủy duyệt")
        CHANGES = "changes", _("Yêu cầu bổ sung")
        APPROVED = "approved", _("Đã duyệt — đang đi làm ăn xa")
        RETURNED = "returned", _("Đã trở về")
        WITHDRAWN = "withdrawn", _("Đã rút")

    OPEN = (Status.SUBMITTED, Status.CELL_AGREED, Status.CHANGES)

    member = models.ForeignKey(
        Member, verbose_name=_("đảng viên"), on_delete=models.PROTECT, related_name="away_periods"
    )
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("chi bộ quản lý"),
        on_delete=models.PROTECT,
        related_name="away_periods",
    )
    destination_address = models.CharField(_("địa chỉ nơi đến"), max_length=255)
    destination_unit = models.ForeignKey(
        AdminUnit,
        verbose_name=_("tỉnh/thành phố nơi đến"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    destination_country = models.CharField(
        _("quốc gia (nếu ra nước ngoài)"), max_length=60, blank=True
    )
    search_destination = models.CharField(max_length=300, editable=False, db_index=True)
    employer = models.CharField(_("nơi làm việc / công việc"), max_length=200)
    start_on = models.DateField(_("ngày đi"))
    expected_end_on = models.DateField(_("dự kiến trở về"), null=True, blank=True)
    phone = models.CharField(_("điện thoại tại nơi đến"), max_length=20, blank=True)
    other_contacts = models.CharField(
        _("liên hệ khác (Zalo, Facebook, thư điện tử)"), max_length=200, blank=True
    )
    family_contact = models.CharField(_("người thân ở nhà (họ tên, quan hệ)"), max_length=120)
    family_phone = models.CharField(_("điện thoại người thân"), max_length=20)
    wants_temporary_transfer = models.BooleanField(
        _("xin chuyển sinh hoạt tạm thời về tổ chức đảng nơi đến"), default=False
    )
    reason = models.TextField(_("lý do, nguyện vọng"), blank=True)
    status = models.CharField(
        _("tình trạng"), max_length=12, choices=Status.choices, default=Status.SUBMITTED
    )
    cell_opinion = models.TextField(_("ý kiến chi bộ"), blank=True)
    committee_note = models.TextField(_("ý kiến đảng ủy"), blank=True)
    decision_number = models.CharField(_("số quyết định/thông báo"), max_length=60, blank=True)
    approved_on = models.DateField(_("ngày duyệt"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    returned_on = models.DateField(_("ngày trở về"), null=True, blank=True)
    # Seed 004: "đăng ký tạm trú với chính quyền nơi đến"; and the destination's comment
    # for the year-end review, or the recorded reason it could not be obtained.
    temp_residence_place = models.CharField(_("nơi đăng ký tạm trú"), max_length=255, blank=True)
    temp_residence_on = models.DateField(_("ngày đăng ký tạm trú"), null=True, blank=True)
    no_destination_comment_reason = models.CharField(
        _("lý do không có nhận xét của nơi đến"), max_length=255, blank=True
    )
    last_contact_on = models.DateField(_("liên lạc gần nhất"), null=True, blank=True)
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = AwayQuerySet.as_manager()

    class Meta:
        verbose_name = _("đảng viên đi làm ăn xa")
        verbose_name_plural = _("đảng viên đi làm ăn xa")
        ordering = ["-start_on", "-id"]
        indexes = [
            models.Index(fields=["organization", "status"]),
            models.Index(fields=["member", "status"]),
            models.Index(fields=["status", "last_contact_on"]),
            models.Index(fields=["start_on", "id"]),  # the list's order (issue 21)
        ]

    def __str__(self) -> str:
        return f"{self.member} — {self.destination_label}"

    def save(self, *args, **kwargs):
        self.search_destination = fold(
            " ".join([self.destination_address, self.destination_country, self.employer])
        )[:300]
        super().save(*args, **kwargs)

    @property
    def destination_label(self) -> str:
        if self.destination_country:
            return self.destination_country
        if self.destination_unit_id and self.destination_unit:
            return self.destination_unit.name
        return self.destination_address

    @property
    def is_abroad(self) -> bool:
        return bool(self.destination_country)

    def contact_due_on(self, interval_days: int) -> dt.date | None:
        if self.status != self.Status.APPROVED:
            return None
        base = self.last_contact_on or max(self.start_on, self.approved_on or self.start_on)
        return base + dt.timedelta(days=interval_days)


class Contact(models.Model):
    class Kind(models.TextChoices):
        CALL = "call", _("Gọi điện")
        MESSAGE = "message", _("Nhắn tin (Zalo, SMS…)")
        FAMILY = "family", _("Thăm gia đình")
        SELF = "self", _("Đảng viên tự báo cáo")
        MEETING = "meeting", _("Gặp trực tiếp")

    away = models.ForeignKey(AwayPeriod, on_delete=models.CASCADE, related_name="contacts")
    on = models.DateField(_("ngày liên lạc"))
    kind = models.CharField(_("hình thức"), max_length=10, choices=Kind.choices)
    note = models.TextField(_("nội dung"), blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("lần liên lạc")
        verbose_name_plural = _("nhật ký liên lạc")
        ordering = ["-on", "-id"]
        indexes = [models.Index(fields=["away", "on"])]


class DestinationComment(models.Model):
    """Year-end comment from the authority/party organization at the destination."""

    away = models.ForeignKey(AwayPeriod, on_delete=models.CASCADE, related_name="comments")
    year = models.PositiveSmallIntegerField(_("năm"))
    request_number = models.CharField(_("số công văn đề nghị"), max_length=60, blank=True)
    requested_on = models.DateField(_("ngày gửi đề nghị"), null=True, blank=True)
    authority = models.CharField(_("cơ quan/chính quyền nhận xét"), max_length=200, blank=True)
    received_on = models.DateField(_("ngày nhận nhận xét"), null=True, blank=True)
    text = models.TextField(_("nội dung nhận xét"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("nhận xét của nơi đến")
        verbose_name_plural = _("nhận xét của nơi đến")
        constraints = [
            models.UniqueConstraint(fields=["away", "year"], name="away_comment_per_year")
        ]


class Exemption(models.Model):
    """Temporary exemption from party activities (tạm miễn sinh hoạt đảng)."""

    class Status(models.TextChoices):
        IN_FORCE = "in_force", _("Có hiệu lực")
        REVOKED = "revoked", _("Đã chấm dứt sớm")

    member = models.ForeignKey(
        Member, verbose_name=_("đảng viên"), on_delete=models.PROTECT, related_name="exemptions"
    )
    organization = models.ForeignKey(
        Organization, verbose_name=_("chi bộ"), on_delete=models.PROTECT, related_name="+"
    )
    away = models.ForeignKey(
        AwayPeriod, null=True, blank=True, on_delete=models.SET_NULL, related_name="exemptions"
    )
    ground = models.CharField(_("lý do"), max_length=200)
    detail = models.TextField(_("chi tiết"), blank=True)
    start_on = models.DateField(_("từ ngày"))
    end_on = models.DateField(_("đến ngày"))
    status = models.CharField(
        _("tình trạng"), max_length=10, choices=Status.choices, default=Status.IN_FORCE
    )
    ended_on = models.DateField(_("ngày chấm dứt sớm"), null=True, blank=True)
    planned_end_on = models.DateField(_("đến ngày (theo quyết định)"), null=True, blank=True)
    decision_number = models.CharField(_("số quyết định"), max_length=60, blank=True)
    issuer = models.ForeignKey(
        Organization,
        verbose_name=_("cấp ủy quyết định"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    issued_on = models.DateField(_("ngày quyết định"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("tạm miễn sinh hoạt")
        verbose_name_plural = _("tạm miễn sinh hoạt")
        ordering = ["-start_on", "-id"]
        indexes = [
            models.Index(fields=["organization", "status", "end_on"]),
            models.Index(fields=["member", "start_on"]),
            models.Index(fields=["start_on", "id"]),  # the list's order (issue 21)
        ]

    def in_force_on(self, on: dt.date) -> bool:
        return self.start_on <= on <= self.end_on


class ExemptionApplication(models.Model):
    """The member's application (đơn) for a temporary exemption and the cell's proposal,
    recorded before the committee decides (Điều lệ Đảng Điều 8 Khoản 1: tạm miễn "do chi
    bộ xem xét, quyết định" on the member's request; seed 004: "làm đúng quy trình, thủ
    tục để được tạm miễn"). The decision is the `Exemption` it leads to."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Chờ chi bộ đề nghị")
        PROPOSED = "proposed", _("Chi bộ đã đề nghị, chờ cấp ủy quyết định")
        NOT_PROPOSED = "not_proposed", _("Chi bộ không đề nghị")
        DECIDED = "decided", _("Đã có quyết định")

    OPEN = (Status.SUBMITTED, Status.PROPOSED)

    member = models.ForeignKey(
        Member,
        verbose_name=_("đảng viên"),
        on_delete=models.PROTECT,
        related_name="exemption_applications",
    )
    organization = models.ForeignKey(
        Organization, verbose_name=_("chi bộ"), on_delete=models.PROTECT, related_name="+"
    )
    away = models.ForeignKey(
        AwayPeriod, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    ground = models.CharField(_("lý do"), max_length=200)
    reason = models.TextField(_("nội dung đơn"))
    start_on = models.DateField(_("xin tạm miễn từ ngày"))
    end_on = models.DateField(_("đến ngày"))
    applied_on = models.DateField(_("ngày làm đơn"))
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(
        _("tình trạng"), max_length=12, choices=Status.choices, default=Status.SUBMITTED
    )
    cell_opinion = models.TextField(_("ý kiến đề nghị của chi bộ"), blank=True)
    cell_proposed_on = models.DateField(_("ngày chi bộ đề nghị"), null=True, blank=True)
    cell_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    exemption = models.OneToOneField(
        Exemption,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="application",
        verbose_name=_("quyết định tạm miễn"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("đơn xin tạm miễn sinh hoạt")
        verbose_name_plural = _("đơn xin tạm miễn sinh hoạt")
        ordering = ["-applied_on", "-id"]
        indexes = [models.Index(fields=["organization", "status"])]

    def __str__(self) -> str:
        return f"{self.member} — {self.start_on:%d/%m/%Y}"


class Transfer(models.Model):
    """Temporary or official transfer of party life (chuyển sinh hoạt đảng)."""

    class Kind(models.TextChoices):
        TEMPORARY = "temporary", _("Tạm thời")
        OFFICIAL = "official", _("Chính thức")

    class Status(models.TextChoices):
        REQUESTED = "requested", _("Đảng viên đề nghị")
        SENT = "sent", _("Đã cấp giấy giới thiệu")
        RECEIVED = "received", _("Nơi đến đã tiếp nhận")
        REFUSED = "refused", _("Không chấp thuận")
        ENDED = "ended", _("Đã kết thúc sinh hoạt tạm thời")

    member = models.ForeignKey(
        Member, verbose_name=_("đảng viên"), on_delete=models.PROTECT, related_name="transfers"
    )
    organization = models.ForeignKey(
        Organization, verbose_name=_("nơi chuyển đi"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("hình thức"), max_length=10, choices=Kind.choices)
    to_organization = models.ForeignKey(
        Organization,
        verbose_name=_("tổ chức đảng nơi đến (trong hệ thống)"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    to_name = models.CharField(
        _("tổ chức đảng nơi đến (ngoài hệ thống)"), max_length=200, blank=True
    )
    away = models.ForeignKey(
        AwayPeriod, null=True, blank=True, on_delete=models.SET_NULL, related_name="transfers"
    )
    reason = models.CharField(_("lý do"), max_length=255)
    until = models.DateField(_("sinh hoạt tạm thời đến ngày"), null=True, blank=True)
    status = models.CharField(
        _("tình trạng"), max_length=10, choices=Status.choices, default=Status.REQUESTED
    )
    letter_number = models.CharField(_("số giấy giới thiệu"), max_length=60, blank=True)
    sent_on = models.DateField(_("ngày cấp giấy"), null=True, blank=True)
    handin_due = models.DateField(_("hạn nộp giấy ở nơi đến"), null=True, blank=True)
    received_on = models.DateField(_("ngày nơi đến tiếp nhận"), null=True, blank=True)
    receipt_note = models.CharField(_("ghi chú tiếp nhận"), max_length=255, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = TransferQuerySet.as_manager()

    class Meta:
        verbose_name = _("chuyển sinh hoạt đảng")
        verbose_name_plural = _("chuyển sinh hoạt đảng")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["organization", "status"]),
            models.Index(fields=["to_organization", "status"]),
            models.Index(fields=["created_at", "id"]),  # the list's order (issue 21)
        ]

    @property
    def destination_label(self) -> str:
        return self.to_organization.name if self.to_organization_id else self.to_name


class FeeProfile(models.Model):
    """How a member's monthly party fee is computed (Quy định 01-QĐ/TW 2017)."""

    class Group(models.TextChoices):
        WAGE = "wage", _("Hưởng lương, tiền công (1% thu nhập)")
        PENSION = "pension", _("Hưởng lương hưu, trợ cấp BHXH (0,5%)")
        OTHER = "other", _("Đảng viên khác trong nước (mức cố định)")
        STUDENT = "student", _("Học sinh, sinh viên (mức cố định)")
        ABROAD = "abroad", _("Ở nước ngoài (mức cố định)")
        WAIVED = "waived", _("Được miễn đóng đảng phí")

    member = models.OneToOneField(Member, on_delete=models.CASCADE, related_name="fee_profile")
    group = models.CharField(_("đối tượng"), max_length=10, choices=Group.choices)
    income = models.PositiveBigIntegerField(_("thu nhập tính đảng phí (đồng/tháng)"), default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("mức đóng đảng phí")
        verbose_name_plural = _("mức đóng đảng phí")


class FeeDue(models.Model):
    """One month's fee due for one member, fixed when the month opens."""

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="fee_dues")
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    month = models.DateField(_("tháng"))  # first day of the month
    amount = models.PositiveBigIntegerField(_("số phải đóng (đồng)"))

    objects = ScopedQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["member", "month"], name="fee_due_member_month")
        ]
        indexes = [models.Index(fields=["organization", "month"])]


class FeePayment(models.Model):
    """Append-only ledger: corrections are reversing entries (negative amount)."""

    class Method(models.TextChoices):
        CASH = "cash", _("Tiền mặt")
        BANK = "bank", _("Chuyển khoản")
        ONLINE = "online", _("Cổng dịch vụ công / ví điện tử")
        REVERSAL = "reversal", _("Bút toán điều chỉnh")

    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="fee_payments")
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    month = models.DateField(_("đóng cho tháng"))
    amount = models.BigIntegerField(_("số tiền (đồng)"))
    method = models.CharField(_("hình thức"), max_length=10, choices=Method.choices)
    reference = models.CharField(_("số tham chiếu / biên lai"), max_length=80, blank=True)
    paid_on = models.DateField(_("ngày nộp"))
    reverses = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="reversed_by"
    )
    note = models.CharField(_("ghi chú"), max_length=255, blank=True)
    receipt_number = models.CharField(_("số biên lai"), max_length=40, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("khoản nộp đảng phí")
        verbose_name_plural = _("sổ thu đảng phí")
        ordering = ["-paid_on", "-id"]
        indexes = [
            models.Index(fields=["organization", "month"]),
            models.Index(fields=["member", "month"]),
        ]


class FeeClaim(models.Model):
    """A member's own "I have paid" mark with a transfer reference, for the treasurer
    to confirm (then it becomes a FeePayment) or reject."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Chờ chi bộ xác nhận")
        CONFIRMED = "confirmed", _("Đã xác nhận")
        REJECTED = "rejected", _("Không khớp, bị từ chối")

    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="fee_claims")
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    month_from = models.DateField(_("từ tháng"))
    month_to = models.DateField(_("đến tháng"))
    amount = models.PositiveBigIntegerField(_("số tiền đã chuyển (đồng)"))
    reference = models.CharField(_("mã giao dịch / nội dung chuyển khoản"), max_length=80)
    paid_on = models.DateField(_("ngày chuyển"))
    status = models.CharField(
        _("tình trạng"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    answer = models.CharField(_("trả lời của chi bộ"), max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["organization", "status"])]
