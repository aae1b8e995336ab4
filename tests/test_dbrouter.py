from lienhe.dbrouter import ReplicaRouter, replica_reads
from lienhe.orgs.models import Organization


def test_reads_stay_on_primary_unless_a_report_asks():
    router = ReplicaRouter(aliases={"default": {}, "replica": {}})
    assert router.db_for_read(Organization) == "default"
    with replica_reads():
        assert router.db_for_read(Organization) == "replica"
        assert router.db_for_write(Organization) == "default"
    assert router.db_for_read(Organization) == "default"


def test_without_a_replica_everything_uses_primary():
    router = ReplicaRouter(aliases={"default": {}})
    with replica_reads():
        assert router.db_for_read(Organization) == "default"
    assert router.allow_migrate("replica", "orgs") is False
    assert router.allow_migrate("default", "orgs") is True
