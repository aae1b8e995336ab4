"""What the documents module plugs into the rest of the system (`register_all`, called
from `DocumentsConfig.ready`, through `lienhe.registry.register`): the daily cleanup
of old export jobs."""

from __future__ import annotations

from lienhe import registry

from . import export_jobs


def register_all() -> None:
    registry.register(registry.DailyJob("documents.export_cleanup", export_jobs.cleanup))
