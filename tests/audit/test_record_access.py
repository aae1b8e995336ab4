"""`record_access` outside a transaction (a dossier view in production): the row is
written in full, in its own transaction, without changing the connection's settings."""

import pytest
from django.db import connection

from lienhe.audit.models import AuditEvent
from lienhe.audit.services import record_access
from tests.factories import MemberFactory, make_org


@pytest.mark.django_db(transaction=True)
def test_read_record_outside_a_transaction():
    org = make_org()
    member = MemberFactory(organization=org)
    assert not connection.in_atomic_block
    event = record_access(None, "dossier", member)
    stored = AuditEvent.objects.get(pk=event.pk)
    assert (stored.action, stored.object_type, stored.object_id) == (
        "privacy.dossier",
        "members.member",
        str(member.pk),
    )
    assert stored.organization_path == org.path and stored.data == {"scope": str(member.pk)}
    assert stored.actor is None and stored.created_at == event.created_at
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW synchronous_commit")
            assert cursor.fetchone()[0] == "on"  # only that INSERT's own transaction
