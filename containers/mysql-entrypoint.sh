#!/bin/bash
# Entrypoint of the local MariaDB image (scripts/build-mysql-image.sh). It keeps
# the official mysql image's contract so that testcontainers' MySqlContainer
# and oz's tests drive this image exactly like mysql:8.4:
#   MYSQL_ROOT_PASSWORD (required), MYSQL_DATABASE, MYSQL_USER + MYSQL_PASSWORD,
#   /docker-entrypoint-initdb.d/*.sql and *.sh run once on an empty data dir,
#   root reachable over TCP from outside with its password, and the server's
#   "ready for connections" logged twice (the private set-up server, then the
#   real one), which is what MySqlContainer's wait strategy counts.
set -euo pipefail

datadir=/var/lib/mysql
socket=/run/mysqld/mysqld.sock

log() { echo "[Entrypoint] $*" >&2; }

# MySQL 8's client speaks utf8mb4 by default; MariaDB's follows the locale,
# which is C here, and would store an init script's emoji as mojibake.
sql() { mariadb --socket="$socket" --user=root --default-character-set=utf8mb4 "$@"; }

# Quotes a value for use inside '...' in SQL.
sql_string() {
	local s=${1//\\/\\\\}
	printf '%s' "${s//\'/\\\'}"
}

# Quotes a name for use inside `...` in SQL.
sql_name() {
	printf '%s' "${1//\`/\`\`}"
}

if [ $# -eq 0 ] || [ "${1:0:1}" = - ]; then
	set -- mariadbd "$@"
fi
if [ "$1" != mariadbd ] && [ "$1" != mysqld ]; then
	exec "$@"
fi
shift

install -d -o mysql -g mysql /run/mysqld "$datadir"

if [ ! -d "$datadir/mysql" ]; then
	: "${MYSQL_ROOT_PASSWORD:?is required (this image follows the mysql image contract)}"
	if [ "${MYSQL_USER:-}" = root ]; then
		log 'MYSQL_USER and MYSQL_PASSWORD are for a regular user; root is set by MYSQL_ROOT_PASSWORD'
		exit 1
	fi

	log 'Initializing the data directory'
	mariadb-install-db --user=mysql --datadir="$datadir" --skip-test-db \
		--auth-root-authentication-method=normal >/dev/null

	# The set-up server listens on the socket only, so nothing outside can
	# connect before the users and the initdb scripts are in place.
	mariadbd --user=mysql --datadir="$datadir" --socket="$socket" --skip-networking "$@" &
	setup_pid=$!
	until mariadb-admin --socket="$socket" --user=root ping >/dev/null 2>&1; do
		kill -0 "$setup_pid" 2>/dev/null || { log 'The set-up server died'; exit 1; }
		sleep 0.2
	done

	root_password=$(sql_string "$MYSQL_ROOT_PASSWORD")
	{
		# mariadb-install-db also makes password-less root accounts for the
		# container's own names, and anonymous ones; only root@localhost and the
		# mariadb.sys account that owns the system views stay.
		echo "DELETE FROM mysql.global_priv WHERE User NOT IN ('root', 'mariadb.sys') OR Host <> 'localhost';"
		echo "DELETE FROM mysql.proxies_priv WHERE Host <> 'localhost';"
		echo "FLUSH PRIVILEGES;"
		echo "ALTER USER 'root'@'localhost' IDENTIFIED BY '$root_password';"
		echo "CREATE USER 'root'@'%' IDENTIFIED BY '$root_password';"
		echo "GRANT ALL ON *.* TO 'root'@'%' WITH GRANT OPTION;"
		if [ -n "${MYSQL_DATABASE:-}" ]; then
			echo "CREATE DATABASE IF NOT EXISTS \`$(sql_name "$MYSQL_DATABASE")\`;"
		fi
		if [ -n "${MYSQL_USER:-}" ]; then
			echo "CREATE USER '$(sql_string "$MYSQL_USER")'@'%' IDENTIFIED BY '$(sql_string "${MYSQL_PASSWORD:-}")';"
			if [ -n "${MYSQL_DATABASE:-}" ]; then
				echo "GRANT ALL ON \`$(sql_name "$MYSQL_DATABASE")\`.* TO '$(sql_string "$MYSQL_USER")'@'%';"
			fi
		fi
	} | sql

	export MYSQL_PWD=$MYSQL_ROOT_PASSWORD
	shopt -s nullglob
	for f in /docker-entrypoint-initdb.d/*; do
		case $f in
		*.sh)
			log "Running $f"
			if [ -x "$f" ]; then "$f"; else . "$f"; fi
			;;
		*.sql)
			log "Loading $f"
			sql ${MYSQL_DATABASE:+"$MYSQL_DATABASE"} <"$f"
			;;
		*) log "Ignoring $f" ;;
		esac
	done

	mariadb-admin --socket="$socket" --user=root shutdown
	unset MYSQL_PWD
	wait "$setup_pid"
	log 'Set-up done; starting the server'
fi

# Debian's configuration binds to 127.0.0.1; a container's server must answer
# on its published port. Name resolution would stall every connection in a
# network without DNS, as it does in the official image.
exec mariadbd --user=mysql --datadir="$datadir" --socket="$socket" \
	--bind-address=0.0.0.0 --skip-name-resolve "$@"
