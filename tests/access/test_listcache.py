"""A list's results cached until a table they read is written (lienhe/listcache.py,
lienhe/tablewrites.py; issue 21). Every way of writing a row drops the cached results:
a model save, `QuerySet.update()` (no signal), `bulk_create`, a delete and raw SQL."""

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from lienhe import tablewrites
from lienhe.audit.models import AuditEvent
from lienhe.members.models import Member
from tests.factories import MemberFactory

pytestmark = pytest.mark.list_cache

TOKEN = re.compile(r'"X-CSRFToken": "[^"]*"|name="csrfmiddlewaretoken" value="[^"]*"')
NOW = dt.datetime(2026, 6, 10, 9, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
LIST = "members:list"


def _view(client, **params):
    """The page (without its per-request form token) and its number of queries."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse(LIST), params)
    assert response.status_code == 200
    return TOKEN.sub("", response.content.decode()), len(queries)


@pytest.fixture
def staff(cast, login):
    return login(cast.users["province_staff"])


def test_second_view_reads_the_results_from_the_cache(staff):
    with time_machine.travel(NOW, tick=False):
        first, cold = _view(staff)
        second, warm = _view(staff)
    assert first == second and "Nguyễn Văn An" in second
    assert warm < cold


def _rename_by_update(cast):
    Member.objects.filter(pk=cast.members["a1"].pk).update(full_name="Nguyễn Văn Ân Mới")
    return "Nguyễn Văn Ân Mới"


def _rename_by_save(cast):
    member = Member.objects.get(pk=cast.members["a1"].pk)
    member.full_name = "Nguyễn Văn Lưu"
    member.save()
    return "Nguyễn Văn Lưu"


def _add_by_bulk_create(cast):
    Member.objects.bulk_create(
        [MemberFactory.build(full_name="Đỗ Thị Hàng Loạt", organization=cast.cell_a)]
    )
    return "Đỗ Thị Hàng Loạt"


def _rename_by_raw_sql(cast):
    with connection.cursor() as cursor:
        cursor.execute(
            f'UPDATE "{Member._meta.db_table}" SET full_name = %s WHERE id = %s',
            ["Vũ Văn Thô", cast.members["a1"].pk],
        )
    return "Vũ Văn Thô"


@pytest.mark.parametrize(
    "write", [_rename_by_update, _rename_by_save, _add_by_bulk_create, _rename_by_raw_sql]
)
def test_any_write_on_a_read_table_shows_at_the_next_view(staff, cast, write):
    with time_machine.travel(NOW, tick=False):
        _view(staff)
        _view(staff)  # cached
        shown = write(cast)
        body, _queries = _view(staff)
    assert shown in body


def test_a_delete_shows_at_the_next_view(staff, cast):
    with time_machine.travel(NOW, tick=False):
        assert "Lê Văn Cường" in _view(staff)[0]
        Member.objects.filter(pk=cast.members["b1"].pk).delete()
        assert "Lê Văn Cường" not in _view(staff)[0]


def test_a_write_on_a_table_the_list_does_not_read_keeps_the_cache(staff, cast):
    with time_machine.travel(NOW, tick=False):
        _view(staff)
        _body, warm = _view(staff)
        AuditEvent.objects.create(action="test", object_type="member", object_id="1")
        _body, after = _view(staff)
    assert after == warm


def test_each_user_and_each_query_has_its_own_results(cast, login):
    with time_machine.travel(NOW, tick=False):
        province = _view(login(cast.users["province_staff"]))[0]
        other = _view(login(cast.users["commune_staff"]))[0]
        searched = _view(login(cast.users["province_staff"]), q="le van")[0]
    assert "Phạm Đức Dũng" in province  # the other commune's member
    assert "Phạm Đức Dũng" not in other
    assert "Lê Văn Cường" in searched and "Nguyễn Văn An" not in searched


def test_the_next_day_recounts(staff):
    with time_machine.travel(NOW, tick=False):
        _view(staff)
        _body, warm = _view(staff)
    with time_machine.travel(NOW + dt.timedelta(days=1), tick=False):
        _body, next_day = _view(staff)
    assert next_day > warm


def test_off_with_zero_seconds(staff, settings):
    settings.LIENHE_LIST_CACHE_SECONDS = 0
    with time_machine.travel(NOW, tick=False):
        _body, first = _view(staff)
        _body, second = _view(staff)
    assert first == second


def test_the_version_changes_at_each_write_and_again_at_commit(
    db, django_capture_on_commit_callbacks
):
    """A table not written before in the test's transaction: two statements give two
    versions at once and one more at commit (one callback per table)."""
    from lienhe.petitions.models import Category

    table = Category._meta.db_table
    before = tablewrites.versions([table])
    with django_capture_on_commit_callbacks() as callbacks:
        with transaction.atomic():
            Category.objects.create(code="dat-dai-moi", name="Đất đai")
            at_first = tablewrites.versions([table])
            Category.objects.filter(code="dat-dai-moi").update(name="Đất đai, nhà ở")
            at_second = tablewrites.versions([table])
    assert len({before, at_first, at_second}) == 3
    assert len(callbacks) == 1
    callbacks[0]()
    assert tablewrites.versions([table]) != at_second


def test_bookkeeping_tables_keep_no_version_and_no_list_may_read_one(db):
    """Audit, summaries, history and notifications are written by every write and
    shown by no list: no version (a cache round trip each) is kept for them, and a
    list declaring one is refused at start-up."""
    from django.core.exceptions import ImproperlyConfigured

    from lienhe.listcache import list_tables
    from lienhe.members.models import Member

    table = AuditEvent._meta.db_table
    before = tablewrites.versions([table])
    AuditEvent.objects.create(action="a", object_type="member", object_id="1")
    assert tablewrites.versions([table]) == before
    assert not tablewrites.is_versioned(Member.history.model._meta.db_table)
    with pytest.raises(ImproperlyConfigured):
        list_tables(AuditEvent)


def test_the_htmx_filter_answers_the_same_results(staff):
    with time_machine.travel(NOW, tick=False):
        page = staff.get(reverse(LIST), {"q": "nguyen"}).content.decode()
        partial = staff.get(reverse(LIST), {"q": "nguyen"}, HTTP_HX_REQUEST="true")
    fragment = partial.content.decode()
    assert "<html" not in fragment and fragment.strip() in page


def test_the_filter_form_is_kept_with_the_results_and_follows_its_tables(cast, login):
    """The petitions' filter form (selects of categories and agencies) is cached with
    the same key: a second view reads neither table, a category added in the admin
    shows in the select at the next view."""
    from lienhe.petitions.models import Category

    staff = login(cast.users["province_staff"])
    url = reverse("petitions:list")
    with time_machine.travel(NOW, tick=False):
        staff.get(url)
        with CaptureQueriesContext(connection) as queries:
            staff.get(url)
        assert not [q for q in queries if "petitions_category" in q["sql"]]
        Category.objects.create(code="moi-truong-song", name="Môi trường sống")
        body = staff.get(url).content.decode()
    assert ">Môi trường sống</option>" in body
