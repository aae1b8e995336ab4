"""Validation and normalisation of Vietnamese identifiers."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

_PHONE_PREFIXES = ("03", "05", "07", "08", "09", "02")


def normalize_phone(raw: str) -> str:
    """'+84 912 345 678', '0912.345.678' → '0912345678'. Empty stays empty."""
    digits = re.sub(r"[\s.\-()]", "", raw or "")
    if not digits:
        return ""
    if digits.startswith("+84"):
        digits = "0" + digits[3:]
    elif digits.startswith("84") and len(digits) == 11:
        digits = "0" + digits[2:]
    return digits


def validate_phone(value: str) -> None:
    phone = normalize_phone(value)
    if not phone:
        return
    mobile = len(phone) == 10 and phone.isdigit() and phone[:2] in _PHONE_PREFIXES
    landline = len(phone) == 11 and phone.isdigit() and phone.startswith("02")
    if not (mobile or landline):
        raise ValidationError(
            _("Số điện thoại không hợp lệ: cần 10 chữ số bắt đầu bằng 0 (ví dụ 0912345678)."),
            code="phone",
        )


def validate_citizen_id(value: str) -> None:
    if value and not re.fullmatch(r"\d{12}", value):
        raise ValidationError(_("Số CCCD phải gồm đúng 12 chữ số."), code="citizen_id")
    if value and int(value[:3]) > 96:
        raise ValidationError(
            _("Số CCCD không hợp lệ: 3 chữ số đầu là mã tỉnh nơi đăng ký khai sinh (001–096)."),
            code="citizen_id",
        )


def normalize_card_number(raw: str) -> str:
    return re.sub(r"[\s.\-]", "", raw or "")


def validate_card_number(value: str) -> None:
    card = normalize_card_number(value)
    if not re.fullmatch(r"\d{8,12}", card):
        raise ValidationError(_("Số thẻ đảng viên phải gồm 8 đến 12 chữ số."), code="card_number")
