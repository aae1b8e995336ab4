"""Meeting rules: schedule generation, planning, moving, cancelling (services_base), roll
call and QR check-in (services_attendance), guests, minutes, issues raised, quality
rating and soft delete (services_minutes). Callers use this module for all of them."""

from __future__ import annotations

from .services_attendance import _check_can_mark as _check_can_mark
from .services_attendance import attendance_figures as attendance_figures
from .services_attendance import can_reopen_roll_call as can_reopen_roll_call
from .services_attendance import check_in as check_in
from .services_attendance import checkin_token as checkin_token
from .services_attendance import close_roll_call as close_roll_call
from .services_attendance import mark_all_present as mark_all_present
from .services_attendance import mark_attendance as mark_attendance
from .services_attendance import meeting_for_token as meeting_for_token
from .services_attendance import reopen_roll_call as reopen_roll_call
from .services_attendance import reopen_window as reopen_window
from .services_attendance import unmarked_members as unmarked_members
from .services_base import CHECKIN_SALT as CHECKIN_SALT
from .services_base import RESIDENCE_TIME as RESIDENCE_TIME
from .services_base import STALE_MESSAGE as STALE_MESSAGE
from .services_base import WORKPLACE_TIME as WORKPLACE_TIME
from .services_base import MeetingError as MeetingError
from .services_base import StaleEdit as StaleEdit
from .services_base import _check_cell as _check_cell
from .services_base import _check_groups as _check_groups
from .services_base import _locked as _locked
from .services_base import _log as _log
from .services_base import _months as _months
from .services_base import _users_of as _users_of
from .services_base import amend_invitees as amend_invitees
from .services_base import announce_change as announce_change
from .services_base import cancel_meeting as cancel_meeting
from .services_base import computed_members as computed_members
from .services_base import default_start as default_start
from .services_base import expected_members as expected_members
from .services_base import fix_invitees as fix_invitees
from .services_base import generate_schedule as generate_schedule
from .services_base import meeting_date as meeting_date
from .services_base import move_meeting as move_meeting
from .services_base import own_members as own_members
from .services_base import plan_meeting as plan_meeting
from .services_base import recount as recount
from .services_base import update_meeting as update_meeting
from .services_base import working_members as working_members
from .services_minutes import CHECK_POINTS as CHECK_POINTS
from .services_minutes import CRITERIA as CRITERIA
from .services_minutes import MAX_SCORE as MAX_SCORE
from .services_minutes import MINUTES_FIELDS as MINUTES_FIELDS
from .services_minutes import add_guest as add_guest
from .services_minutes import cancel_on_merge as cancel_on_merge
from .services_minutes import default_agenda as default_agenda
from .services_minutes import delete_meeting as delete_meeting
from .services_minutes import level_for as level_for
from .services_minutes import raise_issue as raise_issue
from .services_minutes import rate_meeting as rate_meeting
from .services_minutes import remove_guest as remove_guest
from .services_minutes import restore_meeting as restore_meeting
from .services_minutes import save_minutes as save_minutes
