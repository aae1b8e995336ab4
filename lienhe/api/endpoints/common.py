"""Helpers shared by the endpoint modules: scoping guards, ETag/If-Match, text params."""

from __future__ import annotations

import re
from contextlib import contextmanager

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import HttpResponse
from ninja import Header

from lienhe.access.scoping import has_org_permission, has_perm_anywhere

from ..errors import WRITE_ERRORS, ApiError, field_errors, forbidden, not_found


def clean_text(value: str | None) -> str:
    """Query text as typed, minus characters no database accepts (NUL, controls)."""
    return re.sub(r"[\x00-\x1f\x7f]", " ", value or "").strip()[:200]


def require_anywhere(user, perm: str) -> None:
    if not has_perm_anywhere(user, perm):
        raise forbidden()


def get_visible(qs, pk: int, what: str):
    if pk < 1 or pk > 2**62:
        raise not_found(what)
    obj = qs.filter(pk=pk).first()
    if obj is None:
        raise not_found(what)
    return obj


def etag_for(version: int) -> str:
    return f'"{version}"'


def expected_version(if_match: str | None, body_version: int | None) -> int:
    """The version the client edited: from If-Match (preferred) or the body."""
    if if_match:
        raw = if_match.strip()
        if raw == "*":
            return -1
        match = re.fullmatch(r'(?:W/)?"?(\d{1,9})"?', raw)
        if not match:
            raise ApiError(
                400, "bad_if_match", "Tiêu đề If-Match không hợp lệ: gửi lại ETag nhận được."
            )
        return int(match.group(1))
    if body_version is not None:
        return body_version
    raise ApiError(
        428,
        "precondition_required",
        "Cần gửi tiêu đề If-Match (ETag của bản đã đọc) hoặc trường version để tránh "
        "ghi đè thay đổi của người khác.",
    )


def stale() -> ApiError:
    return ApiError(
        412,
        "stale_version",
        "Hồ sơ đã được người khác sửa sau khi bạn đọc; hãy đọc lại bản mới nhất rồi sửa lại.",
    )


# --- writes: the web's guards, forms and services, answered in the API's error shape ---


def check_org_write(user, org, perm: str) -> None:
    """The web's `check_org_perm`: 403 without `perm` at the object's organization."""
    if not has_org_permission(user, org, perm):
        raise forbidden()


def validation_error(field: str, message: str) -> ApiError:
    return ApiError(
        422, "validation_error", "Dữ liệu không hợp lệ.", [{"field": field, "message": message}]
    )


def form_errors(form, prefix: str = "") -> list[dict[str, str]]:
    return [
        {"field": prefix + name, "message": " ".join(str(m) for m in messages)}
        for name, messages in form.errors.items()
    ]


def validate(form, prefix: str = "") -> dict:
    """Run a web form (same fields, same Vietnamese messages) on the request body;
    `prefix` names a row of a list in the error fields (e.g. "petitions.2.")."""
    if not form.is_valid():
        errors = form_errors(form, prefix)
        raise ApiError(422, "validation_error", "Dữ liệu không hợp lệ.", errors)
    return form.cleaned_data


@contextmanager
def service_call(error: type[Exception]):
    """Turn a module's service errors into API errors: its StaleEdit → 412, any other
    rule it enforces → 422 business_rule (the service's Vietnamese message), a model
    validation → 422 validation_error."""
    try:
        yield
    except error as exc:
        if type(exc).__name__ == "StaleEdit":
            raise stale() from exc
        raise ApiError(422, "business_rule", str(exc)) from exc
    except DjangoValidationError as exc:
        raise ApiError(422, "validation_error", "Dữ liệu không hợp lệ.", field_errors(exc)) from exc


def version_for(obj, if_match: str | None, body_version: int | None, *, required: bool = True):
    """The version the client edited (If-Match or body), checked against `obj` now so
    services without an `expected_version` argument are guarded too. With
    `required=False` (state transitions) a missing precondition is allowed: the state
    machine guards them; a stale one is still refused."""
    if not required and not if_match and body_version is None:
        return obj.version
    expected = expected_version(if_match, body_version)
    if expected == -1:
        return obj.version
    if expected != obj.version:
        raise stale()
    return expected


def written(response, obj, path: str | None = None):
    """Set ETag (and Location for a creation) on a write's response."""
    if hasattr(obj, "version"):
        response["ETag"] = etag_for(obj.version)
    if path:
        response["Location"] = path
    return obj


def run_step(
    obj,
    form,
    error: type[Exception],
    run,
    *,
    if_match=None,
    body_version=None,
    required: bool = False,
):
    """One write on one object, the web's way: precondition (If-Match/version), the
    web form's validation, then `run(cleaned_data, expected_version)` — a service call
    whose errors become 412/422. Returns what `run` returns."""
    expected = version_for(obj, if_match, body_version, required=required)
    clean = validate(form)
    with service_call(error):
        return run(clean, expected)


def _operation(router, method: str, path: str, ok: int, out, body, opts: dict, view, fn):
    view.__annotations__ = {**view.__annotations__, "payload": body}  # the class itself
    view.__name__, view.__doc__, view.__module__ = fn.__name__, fn.__doc__, fn.__module__
    getattr(router, method)(path, response={ok: out, **WRITE_ERRORS}, **opts)(view)
    return fn


def object_write(router, method: str, path: str, *, body, out, **opts):
    """Register `fn(request, pk, payload, if_match) -> obj` as a write on one object:
    body `body`, an If-Match header, 200 with `out` and the new ETag."""

    def decorator(fn):
        def view(
            request,
            pk: int,
            payload,
            response: HttpResponse,
            if_match: str | None = Header(None, alias="If-Match"),
        ):
            return written(response, fn(request, pk, payload, if_match))

        return _operation(router, method, path, 200, out, body, opts, view, fn)

    return decorator


def creation(router, path: str, *, body, out, **opts):
    """Register `fn(request, payload) -> obj` as POST `path`: 201 with `out`, the ETag
    and the Location of the new object."""

    def decorator(fn):
        def view(request, payload, response: HttpResponse):
            obj = fn(request, payload)
            written(response, obj, f"{request.path.rstrip('/')}/{obj.pk}")
            return 201, obj

        return _operation(router, "post", path, 201, out, body, opts, view, fn)

    return decorator


def object_writes(router, base: str, *, out, tags):
    """`object_write` bound to one resource: `(method, suffix, body, summary)` registers
    METHOD `{base}/{pk}{suffix}`."""

    def bind(method: str, suffix: str, body, summary: str):
        path = f"{base}/{{pk}}{suffix}"
        return object_write(router, method, path, body=body, out=out, tags=tags, summary=summary)

    return bind
