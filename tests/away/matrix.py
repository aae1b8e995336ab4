from tests.matrix import Case, only, rows

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


def _agreed(cast):
    """A report of cell A the cell has agreed to: the committee decides next."""
    from lienhe.away.services import cell_consider

    return cell_consider(filed(cast), actor=cast.users["secretary_a"], agree=True, opinion="Đồng ý")


def _received_temporary(cast):
    """A temporary transfer of a1 to the other commune's cell, received there."""
    import datetime as dt

    from lienhe.away.services import receive_transfer, request_transfer, send_transfer

    t = request_transfer(
        cast.members["a1"],
        actor=cast.users["secretary_a"],
        kind="temporary",
        reason="Đi làm ăn xa",
        to_organization=cast.other_cell,
        until=today() + dt.timedelta(days=90),
    )
    t = send_transfer(t, actor=cast.users["commune_staff"])
    return receive_transfer(t, actor=cast.users["admin"], on=today())


AWAY_REPORTS = rows("away.AwayPeriod", "status", "version")
TRANSFERS = rows("away.Transfer", "status", "version")


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
        effect=AWAY_REPORTS,
        audit="away.report.cell_agreed",
    ),
    Case(
        "away:approve",
        only(APPROVE_A, 404),
        kwargs=lambda c: _pk(_agreed(c)),
        method="post",
        data=lambda c: {"decision": "agree", "note": "Đồng ý"},
        effect=AWAY_REPORTS,
        audit="away.report.approved",
    ),
    Case(
        "away:withdraw",
        only(WRITE_A, 404),
        kwargs=lambda c: _pk(filed(c)),
        method="post",
        effect=AWAY_REPORTS,
        audit="away.report.withdrawn",
    ),
    Case(
        "away:contact",
        only(WRITE_A, 404),
        kwargs=lambda c: _pk(approved(c)),
        method="post",
        data=lambda c: {"on": today().strftime("%d/%m/%Y"), "kind": "call", "note": "Gọi điện"},
        effect=rows("away.Contact", "kind"),
        audit="away.contact.recorded",
    ),
    Case(
        "away:return",
        only(WRITE_A, 404),
        kwargs=lambda c: _pk(approved(c)),
        method="post",
        data=lambda c: {
            "on": today().strftime("%d/%m/%Y"),
            "no_comment_reason": "Nơi đến không trả lời",
        },
        effect=AWAY_REPORTS,
        audit="away.report.returned_home",
    ),
    Case("away:decision_pdf", only(SEE_A, 404), kwargs=lambda c: _pk(approved(c))),
    Case(
        "away:comment_request",
        only(WRITE_A, 404),
        kwargs=lambda c: _pk(approved(c)),
        method="post",
        data=lambda c: {"year": today().year, "authority": "UBND phường"},
        effect=rows("away.DestinationComment", "authority"),
        audit="away.comment.requested",
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
        effect=rows("away.DestinationComment", "text"),
        audit="away.comment.recorded",
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
        effect=rows("away.ExemptionApplication", "status"),
        audit="away.exemption.proposed",
    ),
    Case("away:exemption_pdf", only(SEE_A, 404), kwargs=lambda c: _pk(exemption(c))),
    Case(
        "away:exemption_revoke",
        only(APPROVE_A, 404),
        kwargs=lambda c: _pk(exemption(c)),
        method="post",
        data=lambda c: {"on": today().strftime("%d/%m/%Y"), "reason": "Đã về"},
        effect=rows("away.Exemption", "status"),
        audit="away.exemption.revoked",
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
        effect=TRANSFERS,
        audit="away.transfer.sent",
    ),
    Case(
        "away:transfer_receive",
        only({**APPROVE_A, "commune_staff": 403}, 404),
        kwargs=lambda c: _pk(transfer(c)),
        method="post",
        data=lambda c: {"on": today().strftime("%d/%m/%Y")},
        effect=TRANSFERS,
        audit="away.transfer.received",
    ),
    Case(
        "away:transfer_refuse",
        only(APPROVE_A, 404),
        kwargs=lambda c: _pk(transfer(c)),
        method="post",
        data=lambda c: {"note": "Sai nơi đến"},
        effect=TRANSFERS,
        audit="away.transfer.refused",
    ),
    Case(
        "away:transfer_end",
        only({**APPROVE_A, "commune_staff": 403}, 404),
        kwargs=lambda c: _pk(_received_temporary(c)),
        method="post",
        effect=TRANSFERS,
        audit="away.transfer.ended",
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
        effect=rows("away.FeeClaim", "status"),
        audit="away.fee.claim_confirmed",
    ),
    Case("away:my_fees", only(MEMBERS, 404)),
    Case("away:fee_member", only(SEE_A, 404), kwargs=lambda c: {"pk": c.members["a1"].pk}),
    Case(
        "away:fee_profile",
        only(WRITE_A, 404),
        kwargs=lambda c: {"pk": c.members["a1"].pk},
        method="post",
        data=lambda c: {"group": "other"},
        effect=rows("away.FeeProfile", "group"),
        audit="away.fee.profile_set",
    ),
    Case(
        "away:fee_reverse",
        only(WRITE_A, 404),
        kwargs=lambda c: _pk(payment(c)),
        method="post",
        data=lambda c: {"note": "Ghi nhầm"},
        effect=rows("away.FeePayment", "amount"),
        audit="away.fee.reversed",
    ),
    Case("away:report", only(READERS, 403)),
    Case("away:report_export", only({**READERS, "viewer": 403}, 403)),
    Case("away:report_pdf", only(READERS, 403)),
]

CASES.append(Case("away:fee_receipt", only(SEE_A, 404), kwargs=lambda c: _pk(payment(c))))
