"""Old home of the import tasks, kept so that tasks queued under
`lienhe.members.import_tasks.*` before the move still run: the tasks live in
`lienhe.members.import_jobs`."""

from .import_jobs import check_import, commit_import

__all__ = ["check_import", "commit_import"]
