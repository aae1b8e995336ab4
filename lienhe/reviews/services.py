"""Rules of the yearly residence comment and the year-end review.

The rules live in `services_base` (errors, campaign window, exemptions, evidence),
`services_comments` (requests, writing, sending, sealing, correcting a comment) and
`services_review` (the year-end review: self-assessment, proposal, final level);
callers use this module."""

from __future__ import annotations

from .services_base import ReviewError as ReviewError
from .services_base import StaleEdit as StaleEdit
from .services_base import comment_levels as comment_levels
from .services_base import comment_window as comment_window
from .services_base import due_after_window as due_after_window
from .services_base import evidence_rate as evidence_rate
from .services_base import exemption_reason as exemption_reason
from .services_base import gather_evidence as gather_evidence
from .services_comments import comment_content as comment_content
from .services_comments import correct_comment as correct_comment
from .services_comments import request_comment as request_comment
from .services_comments import request_for_organization as request_for_organization
from .services_comments import review_content as review_content
from .services_comments import save_draft as save_draft
from .services_comments import score_basis_for as score_basis_for
from .services_comments import send_comment as send_comment
from .services_review import check_excellent_cap as check_excellent_cap
from .services_review import current_comment as current_comment
from .services_review import finalise as finalise
from .services_review import get_or_open_review as get_or_open_review
from .services_review import is_conflict as is_conflict
from .services_review import propose as propose
from .services_review import save_self_assessment as save_self_assessment
