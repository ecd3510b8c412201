#!/bin/sh
# Installs the PostgreSQL 15 server binaries the PostgreSQL tests and benchmark start a
# throwaway server from (/usr/lib/postgresql/15/bin). Does nothing when they are there.
set -eu

PG_BIN=/usr/lib/postgresql/15/bin
if [ -x "$PG_BIN/postgres" ] && [ -x "$PG_BIN/initdb" ]; then
  echo "PostgreSQL 15 found in $PG_BIN"
  exit 0
fi

SUDO=
if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; fi

export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update
# The distribution's package when it is version 15 (Debian 12); otherwise PGDG's. Both include
# the contrib extensions (pg_trgm).
if apt-cache show postgresql-15 >/dev/null 2>&1; then
  $SUDO apt-get install -y --no-install-recommends postgresql-15
else
  $SUDO apt-get install -y --no-install-recommends ca-certificates curl gnupg lsb-release
  $SUDO install -d /usr/share/postgresql-common/pgdg
  curl -fsSL https://www.postgresql.org/media/keys/ACCC4CF8.asc |
    $SUDO tee /usr/share/postgresql-common/pgdg/apt.postgresql.org.asc >/dev/null
  echo "deb [signed-by=/usr/share/postgresql-common/pgdg/apt.postgresql.org.asc] https://apt.postgresql.org/pub/repos/apt $(lsb_release -cs)-pgdg main" |
    $SUDO tee /etc/apt/sources.list.d/pgdg.list >/dev/null
  $SUDO apt-get update
  $SUDO apt-get install -y --no-install-recommends postgresql-15
fi

# The packages start a cluster of their own; the tests start theirs, so it is not needed.
if command -v pg_ctlcluster >/dev/null 2>&1; then
  $SUDO pg_ctlcluster 15 main stop 2>/dev/null || true
fi

test -x "$PG_BIN/postgres" || { echo "PostgreSQL 15 install failed" >&2; exit 1; }
echo "PostgreSQL 15 installed in $PG_BIN"
