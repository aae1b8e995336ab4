"""Petition rules: capture, routing to agencies, answering, closing, escalation,
clusters of the same issue. Every state change writes a timeline step and an audit row.

The rules live in `services_base` (errors, locking, timeline step, who to tell),
`services_capture` (capture, permissions, attachments, agencies), `services_routing`
(assign, transfer, answer, close, reopen, split, merge), `services_clusters` and
`services_followup` (escalation, agenda feedback, soft delete); callers use this module."""

from __future__ import annotations

from .services_base import ALLOWED_ATTACHMENTS as ALLOWED_ATTACHMENTS
from .services_base import MAX_ATTACHMENT_BYTES as MAX_ATTACHMENT_BYTES
from .services_base import E as E
from .services_base import PetitionError as PetitionError
from .services_base import S as S
from .services_base import StaleEdit as StaleEdit
from .services_base import answer_days as answer_days
from .services_base import category_for as category_for
from .services_base import due_date as due_date
from .services_capture import add_attachment as add_attachment
from .services_capture import can_handle as can_handle
from .services_capture import can_route as can_route
from .services_capture import can_write_petition as can_write_petition
from .services_capture import check_attachment as check_attachment
from .services_capture import cluster_titles as cluster_titles
from .services_capture import create_petition as create_petition
from .services_capture import petitions_from_minutes as petitions_from_minutes
from .services_capture import petitions_from_visit as petitions_from_visit
from .services_capture import save_agency as save_agency
from .services_capture import update_petition as update_petition
from .services_clusters import attach_to_cluster as attach_to_cluster
from .services_clusters import cluster_window_days as cluster_window_days
from .services_clusters import confirm_cluster as confirm_cluster
from .services_clusters import remove_from_cluster as remove_from_cluster
from .services_clusters import similar_candidates as similar_candidates
from .services_followup import agenda_lines as agenda_lines
from .services_followup import answered_since_last_meeting as answered_since_last_meeting
from .services_followup import delete_petition as delete_petition
from .services_followup import escalate_overdue as escalate_overdue
from .services_followup import higher_committee as higher_committee
from .services_followup import remind_due_soon as remind_due_soon
from .services_followup import restore_petition as restore_petition
from .services_routing import answer_petition as answer_petition
from .services_routing import assign as assign
from .services_routing import close as close
from .services_routing import merge as merge
from .services_routing import reopen as reopen
from .services_routing import split as split
from .services_routing import start as start
from .services_routing import transfer as transfer
