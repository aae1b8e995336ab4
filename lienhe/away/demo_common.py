"""Away demo data: destinations, relations, contact notes, phone numbers, letter register."""

from __future__ import annotations

import datetime as dt

from lienhe.documents.models import DocumentNumber

AWAY_SHARE = 0.03

# (province name, address, employer, weight)
DOMESTIC = [
    (
        "Thành phố Hồ Chí Minh",
        "KCN VSIP I, phường Bình Hòa (Bình Dương cũ)",
        "Công ty TNHH Điện tử Foster",
        14,
    ),
    (
        "Thành phố Hồ Chí Minh",
        "KCN Sóng Thần, phường Dĩ An (Bình Dương cũ)",
        "Công ty CP Giày Thái Bình",
        10,
    ),
    ("Thành phố Hồ Chí Minh", "KCN Tân Tạo, phường Tân Tạo", "Công ty TNHH Pouyuen Việt Nam", 9),
    ("Thành phố Hồ Chí Minh", "Phường Thủ Đức, khu trọ công nhân", "Lái xe công nghệ, tự do", 4),
    ("Tỉnh Đồng Nai", "KCN Amata, phường Long Bình", "Công ty TNHH Changshin Việt Nam", 8),
    ("Thành phố Hà Nội", "KCN Thăng Long, xã Đông Anh", "Công ty TNHH Canon Việt Nam", 8),
    ("Thành phố Hà Nội", "Phường Cầu Giấy", "Kinh doanh tự do, bán hàng", 5),
    (
        "Tỉnh Bắc Ninh",
        "KCN Yên Phong, xã Yên Phong",
        "Công ty TNHH Samsung Electronics Việt Nam",
        9,
    ),
    ("Thành phố Hải Phòng", "KCN Tràng Duệ, xã An Dương", "Công ty TNHH LG Display Việt Nam", 5),
    ("Tỉnh Tây Ninh", "KCN Phước Đông, xã Phước Đông", "Công ty TNHH Dệt may Brotex", 3),
]
ABROAD = [
    ("Hàn Quốc", "Gyeonggi-do, Ansan-si", "Lao động theo chương trình EPS, nhà máy cơ khí", 9),
    ("Nhật Bản", "Aichi-ken, Toyota-shi", "Thực tập sinh kỹ năng, linh kiện ô tô", 8),
    ("Đài Loan", "Đài Trung, khu chế xuất Đàm Tử", "Lao động hợp đồng, nhà máy điện tử", 7),
]
RELATIONS = ["vợ", "chồng", "bố", "mẹ", "con trai", "con gái", "anh trai", "chị gái"]
CONTACT_NOTES = {
    "call": [
        "Gọi điện hỏi thăm, đồng chí công việc ổn định, đã đăng ký tạm trú.",
        "Trao đổi tình hình chi bộ, nhắc đóng đảng phí.",
        "Đồng chí báo đang tăng ca, hẹn cuối năm về dự đánh giá.",
    ],
    "message": [
        "Nhắn Zalo thông báo nghị quyết chi bộ tháng này.",
        "Gửi tin về phong trào làm đường thôn, đồng chí ủng hộ 500.000 đồng.",
    ],
    "family": [
        "Thăm gia đình, vợ đồng chí cho biết sức khỏe tốt, gửi tiền về đều.",
        "Đến nhà nắm tình hình, gia đình chấp hành tốt quy định địa phương.",
    ],
    "self": [
        "Tôi vẫn làm ở công ty cũ, đã sinh hoạt với chi bộ khu phố nơi trọ.",
        "Báo cáo chi bộ: đã chuyển đảng phí 6 tháng qua tài khoản chi bộ.",
    ],
}


def _weighted(rng, items):
    return rng.choices(items, weights=[i[-1] for i in items])[0]


def _phone(rng, abroad_country: str = "") -> str:
    if abroad_country == "Hàn Quốc":
        return f"+82 10-{rng.randint(1000, 9999)}-{rng.randint(1000, 9999)}"
    if abroad_country == "Nhật Bản":
        return f"+81 90-{rng.randint(1000, 9999)}-{rng.randint(1000, 9999)}"
    if abroad_country == "Đài Loan":
        return f"+886 9{rng.randint(10, 99)}-{rng.randint(100, 999)}-{rng.randint(100, 999)}"
    return f"{rng.choice(['09', '03', '08', '07'])}{rng.randint(0, 99_999_999):08d}"


class _Register:
    """Document numbers for bulk-created decisions, consistent with allocate_number."""

    def __init__(self):
        self.next: dict[tuple, int] = {}
        self.rows: list[DocumentNumber] = []

    def take(self, org, kind: str, symbol: str, on: dt.date, title: str) -> str:
        key = (org.pk, on.year, kind)
        n = self.next.get(key, 0) + 1
        self.next[key] = n
        self.rows.append(
            DocumentNumber(
                organization_id=org.pk,
                year=on.year,
                kind=kind,
                number=n,
                symbol=symbol,
                title=title[:255],
                issued_on=on,
            )
        )
        return f"{n}-{symbol}"

    def save(self):
        DocumentNumber.objects.bulk_create(self.rows, batch_size=2000)
