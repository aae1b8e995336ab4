"""Residence comments (the yearly comment of the residence cell on a working member):
save a draft (If-Match) and send it — the web's form (CommentForm), guard
(reviews:write at the residence organization) and services (lienhe.reviews.services).
A sent comment is locked: corrections stay on the web (bản đính chính)."""

from __future__ import annotations

from ninja import Field, Schema

from lienhe.reviews import services
from lienhe.reviews.constants import DUTY_KEYS, upgrade_legacy
from lienhe.reviews.forms import CommentForm
from lienhe.reviews.models import ResidenceComment

from .common import check_org_write, get_visible, object_writes, require_anywhere, run_step
from .modules import SCHEMAS, router

TAG = ["Nhận xét nơi cư trú"]
CommentOut = SCHEMAS["comments"]
PERM = "reviews:write"


class DraftIn(Schema):
    duties: dict[str, str] | None = Field(
        None, description="Nhận xét theo từng mục nhiệm vụ: " + ", ".join(DUTY_KEYS)
    )
    conclusion: int | None = Field(None, ge=0, le=20, description="Chỉ số mức kết luận.")
    remarks: str | None = Field(None, max_length=10_000)
    version: int | None = Field(None, description="Phiên bản đang sửa (thay cho If-Match).")


class SendIn(Schema):
    signer_title: str = Field("Bí thư chi bộ", max_length=120)
    version: int | None = Field(None, description="Phiên bản đã đọc (thay cho If-Match).")


def _comment(request, pk: int) -> ResidenceComment:
    require_anywhere(request.user, PERM)
    comment = get_visible(
        ResidenceComment.objects.visible_to(request.user).select_related(
            "member", "residence_org", "workplace_org"
        ),
        pk,
        "bản nhận xét",
    )
    check_org_write(request.user, comment.residence_org, PERM)
    return comment


def _form(comment: ResidenceComment, sent: dict) -> CommentForm:
    duties = {**upgrade_legacy(comment.duties), **(sent.get("duties") or {})}
    data = {f"duty_{k}": v for k, v in duties.items()}
    data["conclusion"] = sent.get("conclusion", comment.conclusion)
    data["remarks"] = sent.get("remarks") if sent.get("remarks") is not None else comment.remarks
    data["signer_title"] = sent.get("signer_title", "")
    data = {k: v for k, v in data.items() if v is not None}
    levels = services.comment_levels(comment.residence_org, comment.year)
    return CommentForm(data, levels=levels)


_write = object_writes(router, "/comments", out=CommentOut, tags=TAG)


@_write("patch", "", DraftIn, "Lưu bản nháp nhận xét (cần If-Match)")
def save_draft(request, pk, payload, if_match):
    comment = _comment(request, pk)
    sent = payload.dict(exclude_unset=True)

    def run(clean, expected):
        return services.save_draft(
            comment,
            duties={k: clean.get(f"duty_{k}", "") for k in DUTY_KEYS},
            conclusion=clean["conclusion"],
            remarks=clean["remarks"],
            expected_version=expected,
            actor=request.user,
        )

    form = _form(comment, sent)
    version = sent.get("version")
    return run_step(
        comment,
        form,
        services.ReviewError,
        run,
        if_match=if_match,
        body_version=version,
        required=True,
    )


@_write("post", "/send", SendIn, "Ký, gửi nhận xét về nơi công tác (sau đó không sửa được)")
def send(request, pk, payload, if_match):
    comment = _comment(request, pk)

    def run(clean, expected):
        return services.send_comment(
            comment,
            expected_version=expected,
            actor=request.user,
            signer_title=clean["signer_title"],
        )

    form = _form(comment, {"signer_title": payload.signer_title})
    version = payload.version
    return run_step(
        comment, form, services.ReviewError, run, if_match=if_match, body_version=version
    )
