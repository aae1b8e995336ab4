"""Cell meetings: the calendar, attendance, visiting officials, minutes, issues raised
and quality ratings."""

from __future__ import annotations

import datetime as dt
import functools
import operator

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lienhe.audit.softdelete import AliveManager, SoftDeleteModel, SoftDeleteQuerySet
from lienhe.members.models import Member
from lienhe.orgs.models import Organization
from lienhe.text import fold

# A QR check-in is accepted from this long before the planned start until this long
# after the planned end.
CHECKIN_OPENS_BEFORE = dt.timedelta(minutes=30)
CHECKIN_CLOSES_AFTER = dt.timedelta(minutes=30)


def residence_orgs(member_id: int):
    """Subquery: residence cells where the working member was introduced (liaison)."""
    from lienhe.liaison.models import Introduction  # both modules are always installed

    return Introduction.objects.filter(member_id=member_id).values("residence_org_id")


# Scopes of at most these kinds are narrow enough for the UNION spelling of visible_to.
CELL_SCOPE_KINDS = frozenset({Organization.Kind.CELL, Organization.Kind.GROUP})


def visibility_arms(paths: list[str], member_id: int | None) -> list[models.Q]:
    """`Meeting.objects.visible_to`'s rule, one condition on Meeting per reason to see a
    meeting: in a subtree at `paths`; and for a user linked to a member, attended by the
    member, of the member's own organization, or a working-members meeting of a
    residence cell the member was introduced to."""
    from lienhe.access.scoping import subtree_q

    arms = [subtree_q(paths, "organization__path")] if paths else []
    if member_id:
        arms += [
            models.Q(pk__in=Attendance.objects.filter(member_id=member_id).values("meeting_id")),
            models.Q(
                organization__in=Member.objects.filter(pk=member_id).values("organization_id")
            ),
            models.Q(kind=Meeting.Kind.WORKING_MEMBERS, organization__in=residence_orgs(member_id)),
        ]
    return arms


class MeetingQuerySet(SoftDeleteQuerySet):
    def in_subtree(self, org: Organization) -> MeetingQuerySet:
        return self.filter(organization__path__startswith=org.path)

    def visible_to(self, user) -> MeetingQuerySet:
        """Meetings of organizations where the user reads meetings, plus the meetings
        the user (as a member) is expected at or attended (`visibility_arms`).

        One rule, two spellings (the same rows, tests/meetings/test_visibility.py): for a
        member whose meetings:read scope is at most cells (a cell secretary, a plain
        member) the meetings' ids come from one UNION of the arms, which PostgreSQL
        estimates well (it planned the OR as a walk through every past meeting of the
        province by date); a wider scope keeps the OR, as its subtree arm holds most
        meetings and the UNION would collect tens of thousands of ids on every read."""
        from lienhe.access.scoping import paths_with, scope_organizations

        if getattr(user, "is_superuser", False):
            return self
        paths = paths_with(user, "meetings:read")
        member_id = getattr(user, "member_id", None)
        arms = visibility_arms(paths, member_id)
        if member_id and all(
            org.kind in CELL_SCOPE_KINDS for org in scope_organizations(user, "meetings:read")
        ):
            ids = [Meeting.all_objects.filter(arm).values("pk") for arm in arms]
            return self.filter(pk__in=ids[0].union(*ids[1:]))
        return self.filter(functools.reduce(operator.or_, arms, models.Q(pk__in=[])))

    def live(self) -> MeetingQuerySet:
        """Planned, moved or held (not cancelled)."""
        return self.exclude(state=Meeting.State.CANCELLED)

    def upcoming(self, after: dt.datetime | None = None) -> MeetingQuerySet:
        after = after or timezone.now()
        return self.filter(
            state__in=[Meeting.State.PLANNED, Meeting.State.MOVED], planned_at__gte=after
        )


class Meeting(SoftDeleteModel, models.Model):
    class Kind(models.TextChoices):
        REGULAR = "regular", _("Sinh hoạt định kỳ")
        THEMATIC = "thematic", _("Sinh hoạt chuyên đề")
        EXTRAORDINARY = "extraordinary", _("Sinh hoạt bất thường")
        WORKING_MEMBERS = "working_members", _("Sinh hoạt với đảng viên đang công tác")

    class State(models.TextChoices):
        PLANNED = "planned", _("Đã lên lịch")
        MOVED = "moved", _("Đã dời lịch")
        HELD = "held", _("Đã họp")
        CANCELLED = "cancelled", _("Đã hủy")

    organization = models.ForeignKey(
        Organization,
        verbose_name=_("chi bộ"),
        on_delete=models.CASCADE,
        related_name="meetings",
    )
    kind = models.CharField(_("loại buổi sinh hoạt"), max_length=16, choices=Kind.choices)
    title = models.CharField(_("chủ đề"), max_length=200, blank=True)
    groups = models.ManyToManyField(
        Organization,
        verbose_name=_("tổ đảng / nhóm đảng viên đang công tác"),
        blank=True,
        related_name="group_meetings",
    )
    planned_at = models.DateTimeField(_("thời gian bắt đầu"))
    duration_minutes = models.PositiveSmallIntegerField(_("thời lượng (phút)"), default=120)
    place = models.CharField(_("địa điểm"), max_length=200, blank=True)
    state = models.CharField(
        _("trạng thái"), max_length=10, choices=State.choices, default=State.PLANNED
    )
    state_reason = models.CharField(_("lý do dời/hủy"), max_length=255, blank=True)
    original_at = models.DateTimeField(_("thời gian theo lịch ban đầu"), null=True, blank=True)
    # "YYYY-MM" for a regular meeting generated from the cell's meeting day: one per
    # cell and month, so the generator is idempotent and never revives a cancelled one.
    period = models.CharField(max_length=7, blank=True, default="")
    year = models.PositiveSmallIntegerField(editable=False, db_index=True)
    # fold(cell name + title + place): diacritic-free search
    search_text = models.CharField(max_length=400, blank=True, editable=False, db_index=True)
    held_at = models.DateTimeField(_("thời gian đã họp"), null=True, blank=True)
    invited_at = models.DateTimeField(null=True, blank=True, editable=False)
    reminded_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Attendance figures (issue 16): expected_count = members INVITED (the list fixed
    # when the meeting is scheduled, amended by the secretary with a reason);
    # present_count = present + late; marked_count = members tapped so far. The rate
    # is present ÷ invited, shown only once the roll call is closed.
    expected_count = models.PositiveIntegerField(default=0, editable=False)
    present_count = models.PositiveIntegerField(default=0, editable=False)
    marked_count = models.PositiveIntegerField(default=0, editable=False)
    invitees_fixed_at = models.DateTimeField(null=True, blank=True, editable=False)
    roll_call_closed_at = models.DateTimeField(
        _("chốt điểm danh lúc"), null=True, blank=True, editable=False
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    # Soft-deleted rows (issue 10) are hidden by default; all_objects sees them.
    objects = AliveManager.from_queryset(MeetingQuerySet)()
    all_objects = MeetingQuerySet.as_manager()

    class Meta:
        verbose_name = _("buổi sinh hoạt")
        verbose_name_plural = _("buổi sinh hoạt")
        ordering = ["-planned_at", "-id"]
        indexes = [
            models.Index(fields=["organization", "planned_at"]),
            models.Index(fields=["organization", "year", "state"]),
            models.Index(fields=["state", "planned_at"]),
            models.Index(fields=["planned_at", "id"]),  # the calendar's order (issue 21)
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "period"],
                condition=~models.Q(period=""),
                name="meeting_one_regular_per_month",
            )
        ]

    def __str__(self) -> str:
        when = timezone.localtime(self.planned_at).strftime("%d/%m/%Y")
        return f"{self.get_kind_display()} {when} — {self.organization}"

    def save(self, *args, **kwargs):
        self.year = timezone.localtime(self.planned_at).year
        self.search_text = self.build_search_text()
        super().save(*args, **kwargs)

    @property
    def heading(self) -> str:
        """Kind and title without saying the kind twice ("Sinh hoạt với đảng viên đang
        công tác quý IV", not "…: Sinh hoạt với đảng viên đang công tác quý IV")."""
        kind = str(self.get_kind_display())
        if not self.title:
            return kind
        if self.title.casefold().startswith(kind.casefold()):
            return self.title
        return f"{kind}: {self.title}"

    def build_search_text(self, org_name: str | None = None) -> str:
        if org_name is None:
            org_name = self.organization.name if self.organization_id else ""
        return fold(f"{org_name} {self.title} {self.place}")[:400]

    @property
    def ends_at(self) -> dt.datetime:
        return self.planned_at + dt.timedelta(minutes=self.duration_minutes)

    @property
    def checkin_opens(self) -> dt.datetime:
        return self.planned_at - CHECKIN_OPENS_BEFORE

    @property
    def checkin_closes(self) -> dt.datetime:
        return self.ends_at + CHECKIN_CLOSES_AFTER

    def checkin_open(self, now: dt.datetime | None = None) -> bool:
        now = now or timezone.now()
        return self.is_live and self.checkin_opens <= now <= self.checkin_closes

    @property
    def is_live(self) -> bool:
        return self.state != self.State.CANCELLED

    @property
    def is_upcoming(self) -> bool:
        return self.state in (self.State.PLANNED, self.State.MOVED)

    @property
    def roll_call_open(self) -> bool:
        """Taps recorded but the roll call not closed: no rate, no "Đã họp" yet."""
        return self.state == self.State.HELD and self.roll_call_closed_at is None

    @property
    def status_label(self) -> str:
        if self.roll_call_open:
            return _("Đang điểm danh: %(m)s/%(n)s") % {
                "m": self.marked_count,
                "n": self.expected_count,
            }
        return self.get_state_display()

    @property
    def attendance_rate(self) -> float | None:
        """present ÷ invited (the one rule of lienhe.reports.toolkit.ratio); None while
        the roll call is open."""
        if self.roll_call_open or self.roll_call_closed_at is None:
            return None
        from lienhe.reports.toolkit import ratio

        return ratio(self.present_count, self.expected_count)

    @property
    def with_working_members(self) -> bool:
        return self.kind == self.Kind.WORKING_MEMBERS


class Attendance(models.Model):
    class Status(models.TextChoices):
        PRESENT = "present", _("Có mặt")
        LATE = "late", _("Đến muộn")
        EXCUSED = "excused", _("Vắng có lý do")
        ABSENT = "absent", _("Vắng không lý do")

    class Via(models.TextChoices):
        ROLL_CALL = "roll_call", _("Điểm danh")
        QR = "qr", _("Quét mã QR")
        CLOSING = "closing", _("Chốt danh sách")

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendances")
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="attendances")
    status = models.CharField(_("điểm danh"), max_length=8, choices=Status.choices)
    # The member came as an introduced working member (not one of the cell's own).
    is_working_member = models.BooleanField(default=False)
    marked_at = models.DateTimeField(_("lúc"), default=timezone.now)
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    via = models.CharField(max_length=10, choices=Via.choices, default=Via.ROLL_CALL)
    # Client-generated id of the tap that wrote this row: a re-sent tap is a no-op.
    tap_id = models.CharField(max_length=40, blank=True)
    note = models.CharField(_("ghi chú"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("điểm danh")
        verbose_name_plural = _("điểm danh")
        constraints = [
            models.UniqueConstraint(fields=["meeting", "member"], name="attendance_unique")
        ]
        indexes = [
            models.Index(fields=["member", "status"]),
            # unexcused absences of a year (report, daily job) without a full scan
            models.Index(fields=["status", "meeting"]),
            # The frequency report's repeated unexcused absences (own-cell members):
            # an index-only scan of ~5% of the marks instead of a heap scan of them
            # (586 → 233 ms at 100.000 members, docs/benchmarks.md s6-reports).
            models.Index(
                fields=["meeting", "member", "id"],  # id: COUNT("id") from the index
                condition=models.Q(status="absent", is_working_member=False),
                name="attendance_absent_own",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member_id}@{self.meeting_id}: {self.status}"

    @property
    def attended(self) -> bool:
        return self.status in (self.Status.PRESENT, self.Status.LATE)


class Invitee(models.Model):
    """One member invited to a meeting: the list is fixed when the meeting is
    scheduled (or, for a meeting generated ahead, at the first tap) and amended by the
    secretary with a reason (audit row `meetings.meeting.invitee_added/removed`)."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="invitees")
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="invitations")
    reason = models.CharField(_("lý do bổ sung"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("người được triệu tập")
        verbose_name_plural = _("người được triệu tập")
        constraints = [models.UniqueConstraint(fields=["meeting", "member"], name="invitee_unique")]

    def __str__(self) -> str:
        return f"{self.member_id}@{self.meeting_id}"


class Guest(models.Model):
    """A visiting higher-level official recorded on the meeting."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="guests")
    full_name = models.CharField(_("họ và tên"), max_length=120)
    position = models.CharField(_("chức vụ"), max_length=200, blank=True)
    organization_name = models.CharField(_("cơ quan, đơn vị"), max_length=200, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("đại biểu cấp trên dự")
        verbose_name_plural = _("đại biểu cấp trên dự")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.full_name


class Minutes(models.Model):
    """Biên bản sinh hoạt chi bộ."""

    meeting = models.OneToOneField(Meeting, on_delete=models.CASCADE, related_name="minutes")
    chair = models.CharField(_("chủ trì"), max_length=120, blank=True)
    secretary = models.CharField(_("thư ký"), max_length=120, blank=True)
    agenda = models.TextField(_("chương trình, nội dung sinh hoạt"), blank=True)
    content = models.TextField(_("diễn biến, nội dung"), blank=True)
    opinions = models.TextField(_("ý kiến phát biểu"), blank=True)
    resolutions = models.TextField(_("kết luận, nghị quyết"), blank=True)
    number = models.CharField(_("số biên bản"), max_length=40, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = _("biên bản")
        verbose_name_plural = _("biên bản")

    def __str__(self) -> str:
        return f"Biên bản {self.meeting}"


class RaisedIssue(models.Model):
    """An opinion raised at the meeting marked as an issue (kiến nghị, vấn đề bức xúc);
    kept on the minutes, turned into a tracked petition by lienhe.petitions."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="issues")
    summary = models.CharField(_("nội dung kiến nghị"), max_length=255)
    details = models.TextField(_("chi tiết"), blank=True)
    category = models.CharField(_("lĩnh vực"), max_length=60, blank=True)
    raised_by = models.CharField(_("người nêu"), max_length=120, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("kiến nghị nêu tại buổi sinh hoạt")
        verbose_name_plural = _("kiến nghị nêu tại buổi sinh hoạt")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.summary


class Rating(models.Model):
    """Quality rating of a meeting by the cell itself or by the higher committee, from a
    criteria checklist (Hướng dẫn 12-HD/BTCTW: tốt, khá, trung bình, kém)."""

    class By(models.TextChoices):
        SELF = "self", _("Chi bộ tự đánh giá")
        HIGHER = "higher", _("Cấp ủy cấp trên đánh giá")

    class Level(models.TextChoices):
        GOOD = "good", _("Tốt")
        FAIR = "fair", _("Khá")
        AVERAGE = "average", _("Trung bình")
        POOR = "poor", _("Kém")

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="ratings")
    by = models.CharField(_("người đánh giá"), max_length=6, choices=By.choices)
    checks = models.JSONField(_("tiêu chí đạt"), default=list)
    score = models.PositiveSmallIntegerField(_("điểm"), default=0)
    level = models.CharField(_("xếp loại"), max_length=8, choices=Level.choices)
    note = models.TextField(_("nhận xét"), blank=True)
    rated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    rated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("đánh giá chất lượng sinh hoạt")
        verbose_name_plural = _("đánh giá chất lượng sinh hoạt")
        constraints = [models.UniqueConstraint(fields=["meeting", "by"], name="rating_unique")]

    def __str__(self) -> str:
        return f"{self.get_by_display()}: {self.get_level_display()}"


class DecisionTask(models.Model):
    """A decision line of the minutes given, from the meeting page, as a residence task
    (lienhe.liaison LocalTask) to an introduced working member: the meeting page shows
    who carries each decision, the member sees the task on his home page."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="decision_tasks")
    decision = models.CharField(_("kết luận"), max_length=200)
    task = models.OneToOneField(
        "liaison.LocalTask", on_delete=models.CASCADE, related_name="decision"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("việc giao theo kết luận")
        verbose_name_plural = _("việc giao theo kết luận")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.decision
