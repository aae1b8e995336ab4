"""What the summaries module plugs into the rest of the system (`register_all`, called
from `SummariesConfig.ready`, through `lienhe.registry.register`): the nightly check
of the counters."""

from __future__ import annotations

from lienhe import registry

from . import jobs


def register_all() -> None:
    registry.register(registry.DailyJob("summaries.check", jobs.check_summaries))
