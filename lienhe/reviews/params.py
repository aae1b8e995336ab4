"""Request parameters shared by the reviews pages."""

from django.utils import timezone


def year_param(request) -> int:
    """`?year=` or the current year (a malformed value falls back to it)."""
    try:
        return int(request.GET.get("year") or timezone.localdate().year)
    except ValueError:
        return timezone.localdate().year
