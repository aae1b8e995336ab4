"""One error body for the whole API: {"code": "...", "message": "<tiếng Việt>"} (+ details)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from ninja import Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError


class FieldErrorOut(Schema):
    field: str
    message: str


class ErrorOut(Schema):
    code: str
    message: str
    errors: list[FieldErrorOut] | None = None


class ApiError(Exception):
    def __init__(self, status: int, code: str, message: str, errors=None, headers=None):
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.errors = errors
        self.headers = headers or {}


class RateLimited(ApiError):
    def __init__(self, retry_after: int):
        super().__init__(
            429,
            "rate_limited",
            f"Quá nhiều yêu cầu từ khóa API này; hãy thử lại sau {retry_after} giây.",
            headers={"Retry-After": str(retry_after)},
        )


def not_found(what: str = "đối tượng") -> ApiError:
    return ApiError(404, "not_found", f"Không tìm thấy {what} hoặc bạn không có quyền xem.")


def forbidden() -> ApiError:
    return ApiError(403, "forbidden", "Bạn không có quyền thực hiện thao tác này.")


def field_errors(exc: DjangoValidationError) -> list[dict[str, str]]:
    if hasattr(exc, "error_dict"):
        return [
            {"field": name, "message": " ".join(m for e in errs for m in e.messages)}
            for name, errs in exc.error_dict.items()
        ]
    return [{"field": "__all__", "message": m} for m in exc.messages]


# Body/query checks are pydantic's; its messages are English, our users read Vietnamese.
PYDANTIC_MESSAGES = {
    "missing": "Thiếu trường bắt buộc.",
    "string_type": "Phải là chuỗi ký tự.",
    "string_too_short": "Không được để trống (tối thiểu {min_length} ký tự).",
    "string_too_long": "Dài quá {max_length} ký tự.",
    "int_type": "Phải là số nguyên.",
    "int_parsing": "Phải là số nguyên.",
    "int_from_float": "Phải là số nguyên.",
    "greater_than_equal": "Phải lớn hơn hoặc bằng {ge}.",
    "greater_than": "Phải lớn hơn {gt}.",
    "less_than_equal": "Phải nhỏ hơn hoặc bằng {le}.",
    "less_than": "Phải nhỏ hơn {lt}.",
    "bool_type": "Phải là true hoặc false.",
    "bool_parsing": "Phải là true hoặc false.",
    "date_type": "Ngày không hợp lệ (định dạng YYYY-MM-DD).",
    "date_parsing": "Ngày không hợp lệ (định dạng YYYY-MM-DD).",
    "date_from_datetime_parsing": "Ngày không hợp lệ (định dạng YYYY-MM-DD).",
    "date_from_datetime_inexact": "Ngày không hợp lệ (định dạng YYYY-MM-DD).",
    "datetime_type": "Thời gian không hợp lệ (ISO 8601, ví dụ 2026-11-23T19:30:00+07:00).",
    "datetime_parsing": "Thời gian không hợp lệ (ISO 8601, ví dụ 2026-11-23T19:30:00+07:00).",
    "datetime_from_date_parsing": "Thời gian không hợp lệ (ISO 8601, ví dụ 2026-11-23T19:30:00+07:00).",
    "literal_error": "Giá trị không hợp lệ; chọn một trong: {expected}.",
    "enum": "Giá trị không hợp lệ; chọn một trong: {expected}.",
    "list_type": "Phải là một danh sách.",
    "too_long": "Danh sách dài quá {max_length} phần tử.",
    "too_short": "Danh sách cần ít nhất {min_length} phần tử.",
    "model_type": "Phải là một đối tượng JSON.",
    "dict_type": "Phải là một đối tượng JSON.",
    "model_attributes_type": "Phải là một đối tượng JSON.",
    "json_invalid": "Thân yêu cầu không phải JSON hợp lệ.",
    "extra_forbidden": "Trường này không được phép.",
}


def pydantic_message(err: dict) -> str:
    template = PYDANTIC_MESSAGES.get(str(err.get("type", "")))
    if template is None:
        return "Giá trị không hợp lệ."
    ctx = {k: str(v).replace(" or ", " hoặc ") for k, v in (err.get("ctx") or {}).items()}
    try:
        return template.format(**ctx)
    except (KeyError, IndexError, ValueError):
        return template.split(";")[0].split("(")[0].strip() + "."


# Common error responses for the OpenAPI document (so clients and schemathesis know them).
READ_ERRORS: dict[int, Any] = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 429: ErrorOut}
LIST_ERRORS: dict[int, Any] = {400: ErrorOut, **READ_ERRORS}
WRITE_ERRORS: dict[int, Any] = {
    400: ErrorOut,
    **READ_ERRORS,
    409: ErrorOut,
    412: ErrorOut,
    422: ErrorOut,
    428: ErrorOut,
}


def install(api) -> None:
    def respond(request, status, code, message, errors=None, headers=None):
        body: dict[str, Any] = {"code": code, "message": message}
        if errors:
            body["errors"] = errors
        response = api.create_response(request, body, status=status)
        for key, value in (headers or {}).items():
            response[key] = value
        return response

    @api.exception_handler(ApiError)
    def on_api_error(request, exc: ApiError):
        return respond(request, exc.status, exc.code, exc.message, exc.errors, exc.headers)

    @api.exception_handler(AuthenticationError)
    def on_auth(request, exc):
        response = respond(
            request,
            401,
            "unauthorized",
            "Thiếu hoặc sai khóa API. Gửi tiêu đề 'Authorization: Bearer <khóa>'; "
            "khóa đã thu hồi không dùng được nữa.",
        )
        response["WWW-Authenticate"] = 'Bearer realm="lienhe"'
        return response

    @api.exception_handler(NinjaValidationError)
    def on_validation(request, exc: NinjaValidationError):
        errors = []
        for err in exc.errors:
            loc = [str(p) for p in err.get("loc", ()) if p not in ("body", "query", "path")]
            if loc[:1] == ["payload"]:  # the handlers' body parameter, not a field
                loc = loc[1:]
            errors.append({"field": ".".join(loc) or "__all__", "message": pydantic_message(err)})
        return respond(
            request, 422, "validation_error", "Dữ liệu gửi lên không hợp lệ.", errors or None
        )

    @api.exception_handler(DjangoValidationError)
    def on_django_validation(request, exc: DjangoValidationError):
        return respond(request, 422, "validation_error", "Dữ liệu không hợp lệ.", field_errors(exc))

    @api.exception_handler(Http404)
    def on_404(request, exc):
        err = not_found()
        return respond(request, 404, err.code, err.message)

    @api.exception_handler(PermissionDenied)
    def on_403(request, exc):
        err = forbidden()
        return respond(request, 403, err.code, err.message)

    @api.exception_handler(HttpError)
    def on_http_error(request, exc: HttpError):
        codes = {400: "bad_request", 405: "method_not_allowed", 413: "too_large"}
        return respond(
            request,
            exc.status_code,
            codes.get(exc.status_code, "error"),
            "Yêu cầu không hợp lệ." if exc.status_code < 500 else "Lỗi máy chủ.",
        )
