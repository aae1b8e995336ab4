"""Signals other modules listen to.

`minutes_issue_raised`: sent (inside the transaction) when minutes record an issue or
petition raised at a meeting. kwargs: meeting, summary (str), details (str),
category (str, may be ""), actor. lienhe.petitions turns it into a petition.
"""

from django.dispatch import Signal

minutes_issue_raised = Signal()
