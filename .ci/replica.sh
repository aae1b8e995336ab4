#!/usr/bin/env bash
# A second PostgreSQL cluster on port 5433 streaming from the main one (for the
# read-replica check). Always built afresh: a replica left over from an earlier run
# may have fallen behind past the primary's retained WAL and would never catch up.
# Needs root (CI runs as root on its machine). `replica.sh drop` removes it.
set -euo pipefail
PGV="$(ls /etc/postgresql | sort -n | tail -1)"
HBA="/etc/postgresql/$PGV/main/pg_hba.conf"

drop_replica() {
  if pg_lsclusters -h | awk '{print $2}' | grep -qx replica; then
    pg_dropcluster --stop "$PGV" replica >/dev/null 2>&1 || true
  fi
  rm -rf "/var/lib/postgresql/$PGV/replica" "/etc/postgresql/$PGV/replica"
}

drop_replica
[ "${1:-}" = drop ] && exit 0

if ! grep -q "^host replication all 127.0.0.1/32 trust" "$HBA"; then
  echo "host replication all 127.0.0.1/32 trust" >> "$HBA"
  pg_ctlcluster --skip-systemctl-redirect "$PGV" main reload
fi
pg_createcluster "$PGV" replica -p 5433 >/dev/null
DATA="/var/lib/postgresql/$PGV/replica"
rm -rf "${DATA:?}"/*
su postgres -c "pg_basebackup -h 127.0.0.1 -p 5432 -U postgres -D $DATA -R -X stream -c fast" >/dev/null
# Same (trust) authentication as the main cluster on this machine.
cp "$HBA" "/etc/postgresql/$PGV/replica/pg_hba.conf"
pg_ctlcluster --skip-systemctl-redirect "$PGV" replica start
for _ in $(seq 1 60); do pg_isready -h 127.0.0.1 -p 5433 -q && break; sleep 1; done
psql -h 127.0.0.1 -p 5433 -U postgres -d postgres -tAc "select pg_is_in_recovery()" | grep -qx t
# Streaming, not merely recovering: the primary must list the replica's WAL receiver.
for _ in $(seq 1 60); do
  n=$(psql -h 127.0.0.1 -p 5432 -U postgres -d postgres -tAc \
    "select count(*) from pg_stat_replication where state = 'streaming'")
  [ "$n" -ge 1 ] && break
  sleep 1
done
[ "$n" -ge 1 ] || { echo "the replica on 5433 is not streaming"; exit 1; }
echo "replica on 127.0.0.1:5433 is streaming"
