"""What feeds the scored criteria of Quy định 366-QĐ/TW (100 points: nhóm tiêu chí chung
30, nhóm kết quả thực hiện nhiệm vụ 70) from the rest of Lienhe.

- The residence comment (Quy định 213-QĐ/TW Điều 3–4: the residence cell's yearly
  comment is a basis of the workplace's review) and, for a member who worked away, the
  destination's comment (seed 004) feed the general group: conduct, example to the
  people where the member lives.
- For a committee member, the record of attending cell meetings feeds the tasks group
  (Quy định 1120-QĐ/TU Sơn La: "đánh giá việc dự sinh hoạt chi bộ là một trong những
  tiêu chí xem xét mức độ hoàn thành nhiệm vụ của các cấp ủy").

The texts read give no point deduction for either, so Lienhe subtracts nothing by
itself (mặc định của Lienhe): it shows each basis beside the score it feeds, seals it
with the decision, and asks for a written justification when a high level is given
while a basis falls short (a weak residence comment, or visits under the preset's
minimum)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from .constants import HIGH_LEVELS


def _comment_lines(comment) -> list[str]:
    if comment is None:
        return []
    lines = [
        _("Nhận xét nơi cư trú: %(c)s (%(org)s)")
        % {"c": comment.conclusion_label, "org": comment.residence_org.name}
    ]
    ev = comment.evidence or {}
    if ev.get("meetings_expected"):
        lines.append(
            _("Dự sinh hoạt nơi cư trú %(p)s/%(e)s buổi")
            % {"p": ev.get("meetings_present", 0), "e": ev["meetings_expected"]}
        )
    if ev.get("tasks_given"):
        lines.append(
            _("Hoàn thành %(d)s/%(g)s việc được chi bộ nơi cư trú giao")
            % {"d": ev.get("tasks_done", 0), "g": ev["tasks_given"]}
        )
    return lines


def _seat_line(seat: dict) -> str:
    done = (
        _("đã dự %(d)s/%(r)s lần tối thiểu") % {"d": seat["done"], "r": seat["required"]}
        if seat["required"]
        else _("đã dự %(d)s lần") % {"d": seat["done"]}
    )
    return _("Dự sinh hoạt chi bộ — %(c)s, %(p)s: %(done)s (%(v)s)") % {
        "c": seat["committee"],
        "p": seat["position"],
        "done": done,
        "v": seat["verdict"],
    }


def scoring_basis(*, comment, destination=None, visit_seats=()) -> dict:
    """{"general": [...], "tasks": [...], "shortfalls": [...]}: the lines shown beside
    each criteria group, and what falls short of it."""
    general = _comment_lines(comment)
    if destination is not None and destination.text:
        general.append(
            _("Nhận xét của nơi đến làm ăn: %(a)s, nhận ngày %(d)s")
            % {
                "a": destination.authority,
                "d": destination.received_on.strftime("%d/%m/%Y")
                if destination.received_on
                else "—",
            }
        )
    tasks = [_seat_line(s) for s in visit_seats]
    shortfalls = []
    if comment is not None and (comment.conclusion or 0) > 0:
        shortfalls.append(_("nơi cư trú nhận xét “%(c)s”") % {"c": comment.conclusion_label})
    for s in visit_seats:
        if s["light"] == "danger":
            shortfalls.append(
                _("chưa đạt số lần dự sinh hoạt chi bộ tối thiểu ở %(c)s (%(d)s/%(r)s)")
                % {"c": s["committee"], "d": s["done"], "r": s["required"]}
            )
    return {"general": general, "tasks": tasks, "shortfalls": shortfalls}


def needs_justification(level: str, basis: dict) -> list[str]:
    """The shortfalls that make `level` need a written justification."""
    return list(basis["shortfalls"]) if level in HIGH_LEVELS else []
