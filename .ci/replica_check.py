"""Checks, against a real streaming replica, that report pages read from the replica
and everything else from the primary. Run by .ci/run with DATABASE_URL (primary) and
DATABASE_REPLICA_URL (replica of the same database) set, after `migrate`."""

import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lienhe.settings")
os.environ.setdefault("LIENHE_REQUIRE_2FA", "0")

import django  # noqa: E402

django.setup()

from django.db import connections  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from lienhe.access.models import User  # noqa: E402
from lienhe.dbrouter import replica_reads  # noqa: E402
from lienhe.orgs.models import Organization  # noqa: E402
from lienhe.orgs.services import create_organization  # noqa: E402


def main() -> int:
    assert "replica" in connections.databases, "DATABASE_REPLICA_URL is not set"
    code = f"REPLICA{int(time.time())}"
    org = create_organization(
        parent=None, code=code, name="Đảng bộ kiểm tra bản sao", kind="province"
    )
    assert Organization.objects.all().db == "default"
    deadline = time.monotonic() + 20
    with replica_reads():
        assert Organization.objects.all().db == "replica"
        while not Organization.objects.filter(code=code).exists():
            if time.monotonic() > deadline:
                print("FAIL: the row never reached the replica")
                return 1
            time.sleep(0.2)
    try:
        with connections["replica"].cursor() as cursor:
            cursor.execute("CREATE TABLE replica_must_refuse (id int)")
        print("FAIL: the replica accepted a write")
        return 1
    except Exception:
        pass
    user = User.objects.create(username=f"replica{code}", is_superuser=True)
    time.sleep(1)
    client = Client()
    client.force_login(user)
    with CaptureQueriesContext(connections["replica"]) as on_replica:
        response = client.get(f"/bao-cao/dinh-ky/?org={org.pk}")
    assert response.status_code == 200, response.status_code
    with CaptureQueriesContext(connections["replica"]) as report_reads:
        response = client.get(f"/nhan-xet/bao-cao/?org={org.pk}&year=2026")
    assert response.status_code == 200, response.status_code
    assert len(report_reads) > 0, "the report did not read from the replica"
    print(
        f"replica check: report read {len(report_reads)} queries from the replica; "
        f"the periodic-report form read {len(on_replica)} (expected 0: primary)"
    )
    assert len(on_replica) == 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
