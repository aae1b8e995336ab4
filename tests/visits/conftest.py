import datetime as dt

import pytest

from lienhe.orgs.services import apply_preset


@pytest.fixture
def cast(cast):
    """The visits tests were written for Sơn La's rule: the test province chooses the
    "Sơn La — Quy định 1120-QĐ/TU" preset (the neutral default sets no minimum)."""
    apply_preset(cast.province, "son_la_1120", dt.date(2020, 1, 1))
    return cast
