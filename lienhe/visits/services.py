"""Business rules of committee visits: the register, position scopes, assignments,
planned visits, missed visits and reschedules, and the visit report.

The rules live in `services_base` (errors, policy figures, position scopes),
`services_register` (committees, members, assignments) and `services_visits`
(planning, missed visits, reschedules, the report); callers use this module."""

from __future__ import annotations

from .services_base import STALE_MESSAGE as STALE_MESSAGE
from .services_base import StaleEdit as StaleEdit
from .services_base import VisitError as VisitError
from .services_base import assignable_cells as assignable_cells
from .services_base import minimums_for as minimums_for
from .services_base import report_due_days as report_due_days
from .services_base import residence_cells as residence_cells
from .services_base import scope_cells as scope_cells
from .services_base import yearly_minimum as yearly_minimum
from .services_register import add_assignment as add_assignment
from .services_register import add_committee_member as add_committee_member
from .services_register import create_committee as create_committee
from .services_register import remove_assignment as remove_assignment
from .services_register import update_committee_member as update_committee_member
from .services_visits import change_date as change_date
from .services_visits import file_report as file_report
from .services_visits import find_meeting as find_meeting
from .services_visits import mark_missed as mark_missed
from .services_visits import meeting_date as meeting_date
from .services_visits import plan_visit as plan_visit
