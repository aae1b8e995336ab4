"""docs/reports.md lists every catalogue figure with its definition, as-of rule,
rounding rule and source: the table between the markers is `figures.docs_table()`
(regenerate it with the command in the start marker when the catalogue changes)."""

from pathlib import Path

from django.utils import translation

from lienhe.reports import figures

DOC = Path(__file__).resolve().parents[2] / "docs" / "reports.md"


def test_docs_table_is_the_catalogue():
    text = DOC.read_text(encoding="utf-8")
    start = text.index(figures.DOCS_START) + len(figures.DOCS_START)
    table = text[start : text.index(figures.DOCS_END)].strip()
    with translation.override("vi"):
        assert table == figures.docs_table()
    for name in figures.FIGURES:
        assert f"| `{name}` |" in table


def test_every_figure_has_a_definition_source_and_rounding():
    for figure in figures.FIGURES.values():
        assert figure.definition and figure.source and str(figure.label)
        assert figure.kind in figures.ROUNDING
