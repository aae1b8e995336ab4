"""The one rounding rule: ratios are truncated to two decimals of a percent."""

from django.template import Context, Template

from lienhe.reports.toolkit import percent_number, percent_text, ratio, truncate_ratio


def test_province_published_figure_is_truncated_not_rounded():
    # Seed 000 (Hà Tĩnh): 30.030 of 98.377 members → "30,52%" (rounding gives 30,53%).
    assert ratio(30030, 98377) == 0.3052
    assert percent_text(ratio(30030, 98377)) == "30,52%"
    assert percent_number(30030, 98377) == 30.52
    assert truncate_ratio(0.305254) == 0.3052


def test_exact_binary_edge_is_not_truncated_down():
    assert ratio(3052, 10000) == 0.3052
    assert percent_text(ratio(3052, 10000)) == "30,52%"
    assert ratio(1, 3) == 0.3333
    assert ratio(2, 3) == 0.6666
    assert ratio(0, 5) == 0.0
    assert ratio(5, 0) is None
    assert percent_text(None) == "—"


def test_every_template_helper_gives_the_same_digits():
    html = Template(
        "{% load ui report %}{% percent 30030 98377 %}|{% rate 30030 98377 %}|{{ r|pct }}"
    ).render(Context({"r": ratio(30030, 98377)}))
    assert html == "30,52%|30,52%|30,52%"
