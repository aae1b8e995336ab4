from tests.matrix import Case, only

from .helpers import (
    application,
    approved,
    claim,
    comment_requested,
    exemption,
    filed,
    payment,
    today,
    transfer,
)

READERS = {
    "admin": 200,
    "province_staff": 200,
    "commune_staff": 200,
    "secretary_a": 200,
    "secretary_b": 200,
    "agency_staff": 200,
    "viewer": 200,
}
WRITERS_ANYWHERE = {k: v for k, v in READERS.items() if k != "viewer"}
MEMBERS = {"secretary_a": 200, "secretary_b": 200, "member": 200}
SEE_A = {
    "admin": 200,
    "province_staff": 200,
    "commune_staff": 200,
    "secretary_a": 200,
    "viewer": 200,
}
# POST on an object in cell A: cell writers redirect, the viewer lacks the right.
WRITE_A = {
    "admin": 302,
    "province_staff": 302,
    "commune_staff": 302,
    "secretary_a": 302,
    "viewer": 403,
}
APPROVE_A = {**WRITE_A, "secretary_a": 403}


def _pk(obj):
    return {"pk": obj.pk}


CASES = [
    Case("away:list", only(READERS, 403)),
    Case("away:export", only({**READERS, "viewer": 403}, 403)),
    Case("away:mine", only(MEMBERS, 404)),
    Case("away:file_mine", only(MEMBERS, 404)),
    Case(
        "away:file_for",
        only({**SEE_A, "viewer": 403}, 404),
        kwargs=lambda c: {"member_pk": c.members["a1"].pk},
    ),
    Case("away:detail", only(SEE_A, 404), kwargs=lambda c: _pk(filed(c))),
    Case("away:edit", only({**SEE_A, "viewer": 403}, 404), kwargs=lambda c: _pk(filed(c))),
    Case(
        "away:consider",
        only(WRITE_A, 404),
        kwargs=lambda c: _pk(filed(c)),
        method="post",
        data=lambda c: {"decision": "agree", "note": "Chi bộ đồng ý"},
    ),
    Case(
        "away:approve",
        only(APPROVE_A, 404),
        kwargs=lambda c: _pk(filed(c)),
        method="post",
        data=lambda c: {"decision": "agree", "note": "Đồng ý"},
    ),
    Case("away:withdraw", only(WRITE_A, 404), kwargs=lambda c: _pk(filed(c)), method="post"),
    Case(
        "away:contact",
        only(WRITE_A, 404),
        kwargs=lambda c: _pk(approved(c)),
        method="post",
        data=lambda c: {"on": today().strftime("%d/%m/%Y"), "kind": "call", "note": "Gọi điện"},
    ),
    Case(
        "away:return",
        only(WRITE_A, 404),
        kwargs=lambda c: _pk(approved(c)),
        method="post",
        data=lambda c: {"on": today().strftime("%d/%m/%Y")},
    ),
    Case("away:decision_pdf", only(SEE_A, 404), kwargs=lambda c: _pk(approved(c))),
    Case(
        "away:comment_request",
        only(WRITE_A, 404),
        kwargs=lambda c: _pk(approved(c)),
        method="post",
        data=lambda c: {"year": today().year, "authority": "UBND phường"},
    ),
    Case(
        "away:comment_letter",
        only({**SEE_A, "viewer": 403}, 404),
        kwargs=lambda c: {"pk": comment_requested(c).pk, "year": today().year},
    ),
    Case(
        "away:comment_record",
        only(WRITE_A, 404),
        kwargs=lambda c: _pk(approved(c)),
        method="post",
        data=lambda c: {
            "year": today().year,
            "authority": "UBND phường",
            "received_on": today().strftime("%d/%m/%Y"),
            "text": "Chấp hành tốt",
        },
    ),
    Case("away:broadcast", only(WRITERS_ANYWHERE, 403)),
    Case("away:exemptions", only(READERS, 403)),
    Case("away:exemptions_export", only({**READERS, "viewer": 403}, 403)),
    Case(
        "away:exemption_create",
        only({"admin": 200, "province_staff": 200, "commune_staff": 200, "agency_staff": 404}, 403),
        kwargs=lambda c: {"member_pk": c.members["a1"].pk},
    ),
    Case("away:exemption", only(SEE_A, 404), kwargs=lambda c: _pk(exemption(c))),
    Case(
        "away:exemption_apply",
        only({**SEE_A, "viewer": 403}, 404),
        kwargs=lambda c: {"member_pk": c.members["a1"].pk},
    ),
    Case("away:exemption_application", only(SEE_A, 404), kwargs=lambda c: _pk(application(c))),
    Case(
        "away:exemption_application_propose",
        only(WRITE_A, 404),
        kwargs=lambda c: _pk(application(c)),
        method="post",
        data=lambda c: {
            "decision": "propose",
            "opinion": "Chi bộ đề nghị",
            "on": today().strftime("%d/%m/%Y"),
        },
    ),
    Case("away:exemption_pdf", only(SEE_A, 404), kwargs=lambda c: _pk(exemption(c))),
    Case(
        "away:exemption_revoke",
        only(APPROVE_A, 404),
        kwargs=lambda c: _pk(exemption(c)),
        method="post",
        data=lambda c: {"on": today().strftime("%d/%m/%Y"), "reason": "Đã về"},
    ),
    Case("away:transfers", only(READERS, 403)),
    Case("away:transfers_export", only({**READERS, "viewer": 403}, 403)),
    Case("away:transfer_mine", only(MEMBERS, 404)),
    Case(
        "away:transfer_create",
        only({**SEE_A, "viewer": 403}, 404),
        kwargs=lambda c: {"member_pk": c.members["a1"].pk},
    ),
    Case("away:transfer", only(SEE_A, 404), kwargs=lambda c: _pk(transfer(c))),
    Case(
        "away:transfer_send",
        only(APPROVE_A, 404),
        kwargs=lambda c: _pk(transfer(c, sent=False)),
        method="post",
    ),
    Case(
        "away:transfer_receive",
        only({**APPROVE_A, "commune_staff": 403}, 404),
        kwargs=lambda c: _pk(transfer(c)),
        method="post",
        data=lambda c: {"on": today().strftime("%d/%m/%Y")},
    ),
    Case(
        "away:transfer_refuse",
        only(APPROVE_A, 404),
        kwargs=lambda c: _pk(transfer(c)),
        method="post",
        data=lambda c: {"note": "Sai nơi đến"},
    ),
    Case(
        "away:transfer_end",
        only({**APPROVE_A, "commune_staff": 403}, 404),
        kwargs=lambda c: _pk(transfer(c)),
        method="post",
    ),
    Case("away:transfer_letter", only(SEE_A, 404), kwargs=lambda c: _pk(transfer(c))),
    Case("away:fees", only(READERS, 403)),
    Case("away:fees_export", only({**READERS, "viewer": 403}, 403)),
    Case("away:fee_arrears", only(READERS, 403)),
    Case("away:fee_arrears_export", only({**READERS, "viewer": 403}, 403)),
    Case("away:fee_claims", only(WRITERS_ANYWHERE, 403)),
    Case(
        "away:fee_claim_decide",
        only(WRITE_A, 404),
        kwargs=lambda c: _pk(claim(c)),
        method="post",
        data=lambda c: {"decision": "confirm"},
    ),
    Case("away:my_fees", only(MEMBERS, 404)),
    Case("away:fee_member", only(SEE_A, 404), kwargs=lambda c: {"pk": c.members["a1"].pk}),
    Case(
        "away:fee_profile",
        only(WRITE_A, 404),
        kwargs=lambda c: {"pk": c.members["a1"].pk},
        method="post",
        data=lambda c: {"group": "other"},
    ),
    Case(
        "away:fee_reverse",
        only(WRITE_A, 404),
        kwargs=lambda c: _pk(payment(c)),
        method="post",
        data=lambda c: {"note": "Ghi nhầm"},
    ),
    Case("away:report", only(READERS, 403)),
    Case("away:report_export", only({**READERS, "viewer": 403}, 403)),
    Case("away:report_pdf", only(READERS, 403)),
]

CASES.append(Case("away:fee_receipt", only(SEE_A, 404), kwargs=lambda c: _pk(payment(c))))
