"""The one rounding rule for ratios (docs/reports.md), in a leaf module so that the
exporter base (documents) and the figures (reports) share it."""


def truncate_ratio(value: int | float | None, digits: int = 2) -> float | None:
    """THE rounding rule of every figure in Lienhe (docs/reports.md): a 0..1 ratio is
    TRUNCATED (not rounded) to `digits` decimals of a percent, as the province's
    published reports do: 30.030 / 98.377 = 0.305254… → 0.3052 (30,52%). Screen,
    PDF, Excel (this number, format `0.00%`), CSV and API all carry this value."""
    if value is None:
        return None
    from decimal import ROUND_DOWN, Decimal

    # round(…, 9) first: 0.3052 computed in binary is 0.30519999…, not below 0.3052.
    exact = Decimal(str(round(float(value), 9)))
    return float(exact.quantize(Decimal(1).scaleb(-(digits + 2)), ROUND_DOWN))
