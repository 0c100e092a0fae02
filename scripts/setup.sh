#!/usr/bin/env bash
# Prepare this machine for oz: the system packages it needs and the .venv with the pinned
# Python packages. `setup.sh run` is what serving needs; `setup.sh test` adds the tests'
# database servers (a Galera cluster too), browser and Redis; `setup.sh cluster` is what
# `make cluster` needs. Installs only what is missing; safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."
purpose=${1:-run}

missing=()
need_package() {  # need_package PACKAGE: add it unless dpkg already has it
  dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed" || missing+=("$1")
}
have_command() { PATH="$PATH:/usr/sbin:/usr/local/sbin" command -v "$1" >/dev/null 2>&1; }

# mysqlclient compiles against the MariaDB/MySQL client library.
have_command pkg-config || need_package pkg-config
pkg-config --exists mariadb 2>/dev/null || pkg-config --exists mysqlclient 2>/dev/null || need_package libmariadb-dev
have_command gcc || need_package gcc
python3 -c 'import sysconfig, os, sys; sys.exit(not os.path.exists(sysconfig.get_paths()["include"] + "/Python.h"))' \
  || need_package python3-dev
python3 -c 'import ensurepip' 2>/dev/null || need_package python3-venv

mysql_answers() { timeout 2 bash -c "exec 3<>/dev/tcp/${MYSQL_HOST:-127.0.0.1}/${MYSQL_PORT:-3306}" 2>/dev/null; }
if [ "$purpose" = test ]; then
  # The tests start private database and Redis servers, and drive a real browser.
  have_command mariadbd || have_command mysqld || need_package mariadb-server
  have_command redis-server || need_package redis-server
  [ -x /usr/bin/chromium ] || need_package chromium
elif [ "$purpose" = cluster ] || ! mysql_answers; then
  have_command mariadbd || have_command mysqld || need_package mariadb-server
fi
if [ "$purpose" = test ] || [ "$purpose" = cluster ]; then
  # The Galera cluster (tests/test_cluster.py, make cluster): the galera-4 provider for
  # mariadbd, rsync for its state transfers, HAProxy in front.
  need_package galera-4
  have_command rsync || need_package rsync
  # The rsync transfer script finds its listening port with ss (or lsof).
  have_command ss || have_command lsof || need_package iproute2
  have_command haproxy || need_package haproxy
fi

if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "Installing system packages: ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "oz needs these system packages: ${missing[*]}" >&2
    echo "Install them (Debian/Ubuntu: sudo apt-get install ${missing[*]}) and run this again." >&2
    exit 1
  fi
fi

requirements=requirements.txt
[ "$purpose" = test ] && requirements=requirements-test.txt
# Reinstall only when the pinned requirements change.
stamp=".venv/.installed-$(cat requirements*.txt | sha256sum | cut -c1-16)-$purpose"
if [ ! -e "$stamp" ]; then
  [ -x .venv/bin/python ] || python3 -m venv .venv
  .venv/bin/python -m pip install --quiet --disable-pip-version-check -r "$requirements"
  touch "$stamp"
fi
