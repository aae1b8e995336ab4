"""Signals other modules listen to.

`visit_report_filed`: sent (inside the transaction) when a committee member files a
visit report. kwargs: report, items (list of dicts with keys summary, details,
category), actor. lienhe.petitions creates one petition per item, source "visit".
"""

from django.dispatch import Signal

visit_report_filed = Signal()
