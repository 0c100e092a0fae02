#!/usr/bin/env bash
# Serve oz on HOST:PORT (127.0.0.1:5000). Uses the MySQL server that MYSQL_HOST/MYSQL_PORT
# name when it answers; otherwise starts a private MariaDB on that port with its data kept
# in .tmp/mysql, and stops it again when the service stops.
set -euo pipefail
cd "$(dirname "$0")/.."
export MYSQL_HOST=${MYSQL_HOST:-127.0.0.1} MYSQL_PORT=${MYSQL_PORT:-3306}
PATH="$PATH:/usr/sbin:/usr/local/sbin"

mysql_answers() { timeout 2 bash -c "exec 3<>/dev/tcp/$MYSQL_HOST/$MYSQL_PORT" 2>/dev/null; }

if mysql_answers; then
  echo "Using the MySQL server at $MYSQL_HOST:$MYSQL_PORT"
else
  data=.tmp/mysql
  server=$(command -v mariadbd || command -v mysqld)
  if [ ! -d "$data/data/mysql" ]; then
    mkdir -p "$data"
    "$(command -v mariadb-install-db || command -v mysql_install_db)" --no-defaults --datadir="$PWD/$data/data" \
      --user="$(id -un)" --auth-root-authentication-method=normal --skip-test-db >/dev/null
  fi
  echo "No MySQL server at $MYSQL_HOST:$MYSQL_PORT: starting a private one (data in $data)"
  # Its own session, so Ctrl-C reaches the service alone; the trap then stops the server.
  setsid "$server" --no-defaults --datadir="$PWD/$data/data" --socket="$PWD/$data/mysqld.sock" \
    --port="$MYSQL_PORT" --bind-address="$MYSQL_HOST" --user="$(id -un)" \
    --log-error="$PWD/$data/error.log" --pid-file="$PWD/$data/mysqld.pid" --skip-name-resolve \
    --character-set-server=utf8mb4 --collation-server=utf8mb4_unicode_520_ci &
  server_pid=$!
  trap 'kill $server_pid; wait $server_pid' EXIT
  trap 'exit 130' INT TERM
  for _ in $(seq 100); do mysql_answers && break; sleep 0.1; done
  mysql_answers || { tail -20 "$data/error.log" >&2; exit 1; }
fi

# A new database is made from schema.sql; an existing one gets its pending migrations.
.venv/bin/flask --app app init-db
.venv/bin/flask --app app run --host "${HOST:-127.0.0.1}" --port "${PORT:-5000}"
