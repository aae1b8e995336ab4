"""Business rules for away members, temporary exemptions and transfers of party life.
Every function takes an explicit `actor`, runs in a transaction, raises `AwayError`
with a Vietnamese message and writes an audit event.

The rules live in `periods` (going away and returning), `exemptions` (temporary
exemption: application, cell proposal, decision) and `transfers`; this module
re-exports their public names so callers keep writing `away.services.<name>`."""

from .common import (  # noqa: F401
    STALE,
    AwayError,
    StaleEdit,
    _cell_officers,
    _member_user,
    _residence_cell_officers,
    base_committee,
    can_act_for_member,
    officers,
    today,
)
from .exemptions import (  # noqa: F401
    apply_for_exemption,
    back_to_back_start,
    chain_warning,
    exemption_grounds,
    grant_exemption,
    pending_application,
    propose_exemption,
    revoke_exemption,
    sync_exemption_statuses,
)
from .periods import (  # noqa: F401
    AWAY_FIELDS,
    approve_away,
    broadcast,
    cell_consider,
    committee_request_changes,
    file_away,
    mark_returned,
    record_contact,
    record_destination_comment,
    request_destination_comment,
    update_away,
    withdraw_away,
)
from .transfers import (  # noqa: F401
    can_receive,
    end_temporary_transfer,
    receive_transfer,
    refuse_transfer,
    request_transfer,
    send_transfer,
)
