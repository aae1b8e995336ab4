"""The public API, version 1: /api/v1/ (OpenAPI at /api/v1/openapi.json, docs at /api/v1/docs)."""

from __future__ import annotations

import json

from django.shortcuts import render
from ninja import NinjaAPI
from ninja.openapi.docs import DocsBase

from . import errors
from .auth import TokenAuth
from .endpoints import fees, me, members, modules, orgs, reports

# Write endpoints of the modules add their operations to `modules.router` (one URL per
# path, several methods); importing them registers them.
from .endpoints import (  # noqa: F401, E402  isort: skip
    away_write,
    comments_write,
    introductions_write,
    meetings_write,
    petitions_write,
    visits_write,
)


class LocalSwagger(DocsBase):
    """Swagger UI from ninja's bundled files, served by us: no CDN (closed intranets)."""

    def render_page(self, request, api, **kwargs):
        settings = {
            "url": self.get_openapi_url(api, kwargs),
            "layout": "BaseLayout",
            "deepLinking": True,
            "persistAuthorization": False,
            "validatorUrl": None,  # the default pings validator.swagger.io
        }
        return render(
            request,
            "api/swagger.html",
            {
                "api": api,
                "swagger_settings": json.dumps(settings),
            },
        )


DESCRIPTION = """API mở của Lienhe cho sổ tay đảng viên điện tử và các hệ thống khác.

* Xác thực: tiêu đề `Authorization: Bearer <khóa>`; khóa tạo tại trang **Khóa API**
  trên web hoặc bằng `python manage.py create_api_token TÊN_ĐĂNG_NHẬP`.
* Phạm vi dữ liệu giống hệt trên web: khóa chỉ thấy những gì chủ khóa được xem.
* Phân trang bằng con trỏ: gửi lại `next_cursor` trong tham số `cursor`.
* Lỗi: `{"code": "...", "message": "..."}` (thông điệp tiếng Việt).
* Ghi: cùng biểu mẫu, cùng quyền và cùng hàm nghiệp vụ như trang web (giấy giới thiệu,
  sinh hoạt và điểm danh, kiến nghị, dự sinh hoạt, đi làm ăn xa, nhận xét nơi cư trú).
* Sửa (PATCH): gửi `If-Match` bằng `ETag` đã nhận; bản đã cũ → 412, thiếu → 428.
* Số liệu báo cáo (JSON): `/reports/periodic`, `/reports/{module}`, `/reports/participation`,
  `/reports/fees` — cùng hàm tính như trang báo cáo.
* Giới hạn tần suất theo khóa: quá giới hạn → 429 kèm `Retry-After`.
"""

api = NinjaAPI(
    title="Lienhe API",
    version="1",
    description=DESCRIPTION,
    urls_namespace="api",  # spliced into lienhe/api/urls.py (app_name "api")
    auth=TokenAuth(),
    docs=LocalSwagger(),
    docs_url="/docs",
    openapi_url="/openapi.json",
)
errors.install(api)
api.add_router("", me.router)
api.add_router("", orgs.router)
api.add_router("", members.router)
api.add_router("", modules.router)
api.add_router("", fees.router)  # before reports: /reports/fees ahead of /reports/{module}
api.add_router("", reports.router)
