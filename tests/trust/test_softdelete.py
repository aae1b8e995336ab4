"""Soft delete with who/why, restorable: exercised on a throw-away model table."""

import pytest
from django.db import connection, models

from lienhe.audit.models import AuditEvent
from lienhe.audit.softdelete import (
    SoftDeleteError,
    SoftDeleteModel,
    SoftDeleteQuerySet,
    restore,
    soft_delete,
)


class Paper(SoftDeleteModel):
    title = models.CharField(max_length=50)
    objects = SoftDeleteQuerySet.as_manager()

    class Meta:
        app_label = "audit"
        db_table = "test_trust_paper"


@pytest.fixture
def paper_table(transactional_db):
    with connection.schema_editor(atomic=False) as editor:
        editor.create_model(Paper)
    yield
    with connection.schema_editor(atomic=False) as editor:
        editor.delete_model(Paper)


def test_soft_delete_and_restore(paper_table, django_user_model):
    user = django_user_model.objects.create_user("xoa", password="x-very-long-pw")
    paper = Paper.objects.create(title="Công văn 12")
    with pytest.raises(SoftDeleteError, match="lý do"):
        soft_delete(paper, actor=user, reason="  ")
    deleted = soft_delete(paper, actor=user, reason="Nhập trùng")
    assert deleted.is_deleted and deleted.deleted_by == user
    assert not Paper.objects.alive().exists() and Paper.objects.deleted().count() == 1
    with pytest.raises(SoftDeleteError):
        soft_delete(paper, actor=user, reason="lần nữa")
    restored = restore(paper, actor=user)
    assert not restored.is_deleted and Paper.objects.alive().count() == 1
    actions = list(AuditEvent.objects.order_by("id").values_list("action", "data"))
    assert actions == [
        ("audit.paper.deleted", {"reason": "Nhập trùng"}),
        (
            "audit.paper.restored",
            {"deleted_at": deleted.deleted_at.isoformat(), "reason": "Nhập trùng"},
        ),
    ]
