import pytest
from django.urls import reverse

from lienhe.reviews.constants import DUTY_KEYS
from lienhe.reviews.models import ResidenceComment, YearReview

from .data import YEAR, comments, live_introduction


def _duties(text="Tích cực, gương mẫu"):
    return {f"duty_{k}": text for k in DUTY_KEYS}


def test_journey_request_fill_send_then_workplace_decides_with_justification(cast, login):
    live_introduction(cast)
    member = login(cast.users["member"])
    r = member.post(reverse("reviews:mine") + f"?year={YEAR}", {"purpose": "yearly"})
    assert r.status_code == 302
    comment = ResidenceComment.objects.get(member=cast.members["w1"], year=YEAR)

    secretary = login(cast.users["secretary_a"])
    page = secretary.get(reverse("reviews:comment_edit", args=[comment.pk]))
    assert "Số liệu hệ thống ghi nhận" in page.content.decode()
    # Sending without a conclusion keeps what was typed and explains in Vietnamese.
    r = secretary.post(
        reverse("reviews:comment_edit", args=[comment.pk]),
        {**_duties("Đã tham gia dọn vệ sinh"), "version": 1, "send": "1"},
    )
    body = r.content.decode()
    assert (
        r.status_code == 200
        and "Hãy chọn mức kết luận" in body
        and "Đã tham gia dọn vệ sinh" in body
    )
    comment.refresh_from_db()
    r = secretary.post(
        reverse("reviews:comment_edit", args=[comment.pk]),
        {
            **_duties(),
            "conclusion": "1",
            "version": comment.version,
            "send": "1",
            "signer_title": "Bí thư chi bộ",
        },
    )
    assert r.status_code == 302
    comment.refresh_from_db()
    assert comment.state == "sent" and comment.conclusion == 1

    pdf = secretary.get(reverse("reviews:comment_pdf", args=[comment.pk]))
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")

    staff = login(cast.users["agency_staff"])
    url = reverse("reviews:review_edit", args=[cast.members["w1"].pk, YEAR])
    scores = {"score_general": "25", "score_tasks": "55"}  # Quy định 366: 80 points
    r = staff.post(url, {"step": "final", "level": "good", "justification": "", **scores})
    assert "cần giải trình" in r.content.decode()
    r = staff.post(
        url,
        {
            "step": "final",
            "level": "good",
            "justification": "Thành tích nổi bật ở cơ quan, đã trao đổi với chi bộ",
            **scores,
        },
    )
    assert r.status_code == 302
    review = YearReview.objects.get(member=cast.members["w1"], year=YEAR)
    assert review.conflict and review.state == "final"
    report = staff.get(reverse("reviews:report") + f"?year={YEAR}")
    assert cast.members["w1"].full_name in report.content.decode()


def test_member_sees_own_sent_comment_not_drafts(cast, login):
    data = comments(cast)
    member = login(cast.users["member"])
    assert member.get(reverse("reviews:comment_detail", args=[data["sent"].pk])).status_code == 200
    assert (
        member.get(reverse("reviews:comment_detail", args=[data["requested"].pk])).status_code
        == 404
    )


def test_list_search_without_diacritics_and_export(cast, login):
    comments(cast)
    staff = login(cast.users["province_staff"])
    name = cast.members["w1"].full_name
    from lienhe.text import fold

    r = staff.get(reverse("reviews:list"), {"year": YEAR, "q": fold(name)})
    assert name in r.content.decode()
    r = staff.get(reverse("reviews:list"), {"year": YEAR, "q": "khong co ai"})
    assert name not in r.content.decode()
    x = staff.get(reverse("reviews:export"), {"year": YEAR})
    assert x["Content-Type"].startswith("application/vnd.openxmlformats")


@pytest.mark.parametrize("extra", [0, 25])
def test_list_and_report_query_counts_do_not_grow(
    cast, login, extra, django_assert_max_num_queries
):
    from tests.factories import MemberFactory

    comments(cast)
    for _ in range(extra):
        m = MemberFactory(organization=cast.agency_cell, is_working=True)
        ResidenceComment.objects.create(
            member=m,
            year=YEAR,
            residence_org=cast.cell_a,
            workplace_org=cast.agency_cell,
            requested_via="member",
            due_on="2026-11-30",
        )
    staff = login(cast.users["province_staff"])
    with django_assert_max_num_queries(14):
        assert staff.get(reverse("reviews:list"), {"year": YEAR}).status_code == 200
    with django_assert_max_num_queries(22):
        assert staff.get(reverse("reviews:report"), {"year": YEAR}).status_code == 200
    with django_assert_max_num_queries(16):
        assert staff.get(reverse("reviews:review_list"), {"year": YEAR}).status_code == 200


def test_review_shows_the_destination_comment_of_an_away_member(cast, login):
    import datetime as dt

    from lienhe.away.models import AwayPeriod, DestinationComment

    a1 = cast.members["a1"]
    away = AwayPeriod.objects.create(
        member=a1,
        organization=cast.cell_a,
        destination_address="KCN VSIP, Bình Dương",
        employer="Công ty may",
        start_on=dt.date(YEAR, 2, 1),
    )
    DestinationComment.objects.create(
        away=away,
        year=YEAR,
        authority="UBND phường Bình Hòa",
        received_on=dt.date(YEAR, 12, 1),
        text="Chấp hành tốt pháp luật",
    )
    page = login(cast.users["commune_staff"]).get(
        reverse("reviews:review_edit", args=[a1.pk, YEAR])
    )
    assert "Chấp hành tốt pháp luật" in page.content.decode()
