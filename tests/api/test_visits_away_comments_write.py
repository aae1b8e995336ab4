"""Visit reports, away periods and residence comments through the API."""

import datetime as dt

from django.utils import timezone

from lienhe.audit.models import AuditEvent
from lienhe.away.models import AwayPeriod
from lienhe.petitions.models import Petition
from lienhe.reviews.constants import DUTY_KEYS
from lienhe.visits.models import Visit
from tests.away.helpers import AWAY_DATA, filed, province_unit
from tests.reviews.data import comments
from tests.visits.world import world


def _report(**extra):
    return {
        "attended_on": (timezone.localdate() - dt.timedelta(days=2)).isoformat(),
        "chair": "Trần Thị Bình",
        "content": "Quán triệt nghị quyết; bàn kế hoạch vệ sinh môi trường.",
        "criteria": [],
        "petitions": [
            {"summary": "Đường ngõ 3 ngập khi mưa", "category": "Giao thông, hạ tầng, điện, nước"}
        ],
        **extra,
    }


def test_visitor_files_the_report_and_petitions_go_on(cast, api_as):
    visit = world(cast).planned
    response = api_as("visitor").post(f"/visits/{visit.pk}/report", _report())
    assert response.status_code == 200, response.json()
    assert response.json()["state"] == "done"
    visit.refresh_from_db()
    assert visit.report.chair == "Trần Thị Bình" and visit.report.number
    assert Petition.objects.filter(source_type="visit", summary__startswith="Đường ngõ 3").exists()
    assert AuditEvent.objects.filter(action="visits.report.filed").exists()
    again = api_as("visitor").post(f"/visits/{visit.pk}/report", _report())
    assert again.status_code == 422 and again.json()["message"] == "Lượt dự này đã có báo cáo."


def test_visit_report_guards_and_versions(cast, api_as):
    visit = world(cast).planned
    far = Visit.objects.create(
        committee_member=world(cast).visitor_cm,
        cell=cast.other_cell,
        planned_on=visit.planned_on,
    )
    # the commune's viewer sees the visit but is neither the visitor nor the board
    assert api_as("viewer").post(f"/visits/{visit.pk}/report", _report()).status_code == 403
    assert api_as("viewer").post(f"/visits/{far.pk}/report", _report()).status_code == 404
    assert api_as("outsider").post(f"/visits/{visit.pk}/report", _report()).status_code == 403
    stale = api_as("visitor").post(f"/visits/{visit.pk}/report", _report(version=visit.version + 3))
    assert stale.status_code == 412
    future = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    early = api_as("visitor").post(f"/visits/{visit.pk}/report", _report(attended_on=future))
    assert early.status_code == 422
    assert early.json()["message"] == "Chưa thể báo cáo một buổi sinh hoạt chưa diễn ra."
    missing = api_as("visitor").post(f"/visits/{visit.pk}/report", _report(chair=""))
    assert missing.status_code == 422 and missing.json()["errors"][0]["field"] == "chair"
    assert Visit.objects.get(pk=visit.pk).state == "planned"


def test_visit_missed_with_a_reason(cast, api_as):
    visit = world(cast).planned
    response = api_as("visitor").post(f"/visits/{visit.pk}/missed", {"reason": "illness"})
    assert response.status_code == 200, response.json()
    assert response.json()["state"] == "missed"


def _away(**extra):
    return {
        **AWAY_DATA,
        "destination_unit": province_unit().pk,
        "start_on": (timezone.localdate() - dt.timedelta(days=10)).isoformat(),
        **extra,
    }


def test_member_files_own_away_report_and_the_cell_files_for_others(cast, api_as):
    own = api_as("secretary_a").post("/away-periods", _away())  # a2 is the secretary herself
    assert own.status_code == 201, own.json()
    assert AwayPeriod.objects.get(pk=own.json()["id"]).member == cast.members["a2"]
    for_a1 = api_as("secretary_a").post("/away-periods", _away(member=cast.members["a1"].pk))
    assert for_a1.status_code == 201
    assert AuditEvent.objects.filter(action="away.report.filed").count() == 2
    outside = api_as("secretary_a").post("/away-periods", _away(member=cast.members["o1"].pk))
    assert outside.status_code == 404
    viewer = api_as("viewer").post("/away-periods", _away(member=cast.members["a1"].pk))
    assert viewer.status_code == 403
    no_contact = api_as("secretary_b").post("/away-periods", _away(phone="", other_contacts=""))
    assert no_contact.status_code == 422
    assert no_contact.json()["errors"][0]["message"] == "Ghi ít nhất một cách liên lạc ở nơi đến."


def test_away_edit_needs_if_match(cast, api_as):
    away = filed(cast)
    client = api_as("secretary_a")
    assert client.patch(f"/away-periods/{away.pk}", {"phone": "0911111111"}).status_code == 428
    stale = client.patch(f"/away-periods/{away.pk}", {"phone": "0911111111"}, HTTP_IF_MATCH='"9"')
    assert stale.status_code == 412
    done = client.patch(
        f"/away-periods/{away.pk}", {"phone": "0911111111"}, HTTP_IF_MATCH=f'"{away.version}"'
    )
    assert done.status_code == 200, done.json()
    away.refresh_from_db()
    assert away.phone == "0911111111" and away.employer == AWAY_DATA["employer"]
    assert AuditEvent.objects.filter(action="away.report.updated").exists()
    assert (
        api_as("secretary_b").patch(f"/away-periods/{away.pk}", {"version": 1}).status_code == 404
    )


def test_comment_draft_then_send_then_locked(cast, api_as):
    comment = comments(cast)["requested"]
    client = api_as("secretary_a")
    assert client.patch(f"/comments/{comment.pk}", {"conclusion": 0}).status_code == 428
    draft = client.patch(
        f"/comments/{comment.pk}",
        {
            "duties": dict.fromkeys(DUTY_KEYS, "Gương mẫu"),
            "conclusion": 0,
            "version": comment.version,
        },
    )
    assert draft.status_code == 200, draft.json()
    assert draft.json()["state"] == "draft"
    sent = client.post(f"/comments/{comment.pk}/send", {}, HTTP_IF_MATCH=draft["ETag"])
    assert sent.status_code == 200, sent.json()
    comment.refresh_from_db()
    assert comment.state == "sent" and comment.signed_by == cast.users["secretary_a"]
    assert AuditEvent.objects.filter(action="reviews.comment.sent").exists()
    locked = client.patch(f"/comments/{comment.pk}", {"remarks": "x", "version": comment.version})
    assert locked.status_code == 422 and "không sửa được" in locked.json()["message"]


def test_comment_writes_are_scoped_and_validated(cast, api_as):
    comment = comments(cast)["requested"]
    body = {"conclusion": 0, "version": comment.version}
    assert api_as("secretary_b").patch(f"/comments/{comment.pk}", body).status_code == 404
    assert api_as("agency_staff").patch(f"/comments/{comment.pk}", body).status_code == 403
    bad = api_as("secretary_a").patch(f"/comments/{comment.pk}", {**body, "conclusion": 9})
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "conclusion"
    unsent = api_as("secretary_a").post(f"/comments/{comment.pk}/send", {})
    assert unsent.status_code == 422
    assert unsent.json()["message"] == "Hãy chọn mức kết luận trước khi gửi."
