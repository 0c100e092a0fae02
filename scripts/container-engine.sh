#!/bin/bash
# The container engine for oz's container tests. A machine with a working
# Docker engine needs none of this: every subcommand then leaves Docker alone.
# Elsewhere it serves the Docker API from podman on a socket in .tmp/, with the
# project's containers/containers.conf, and provides a MySQL image.
#
#   scripts/container-engine.sh run CMD...  start the engine, run CMD with the
#                                           environment below, stop the engine
#                                           (if this run started it), exit
#                                           with CMD's status
#   eval "$(scripts/container-engine.sh start)"
#                                           start it (or reuse a running one)
#                                           and print the variables to export
#   scripts/container-engine.sh stop        stop the engine that start left
#
# The environment: DOCKER_HOST, TESTCONTAINERS_RYUK_DISABLED=true,
# TESTCONTAINERS_CONNECTION_MODE=docker_host and, where mysql:8.4 can't be
# pulled and OZ_TEST_MYSQL_IMAGE isn't set, OZ_TEST_MYSQL_IMAGE naming the
# local MariaDB image built by scripts/build-mysql-image.sh.
set -euo pipefail

project=$(cd "$(dirname "$0")/.." && pwd)
tmp=$project/.tmp
socket=$tmp/podman.sock
pidfile=$tmp/podman.pid
service_log=$tmp/podman-service.log
export CONTAINERS_CONF=$project/containers/containers.conf

say() { echo "container-engine: $*" >&2; }

exported=()
set_env() {
	export "$1=$2"
	exported+=("$1")
}

docker_answers() {
	[ "${DOCKER_HOST:-}" != "unix://$socket" ] &&
		command -v docker >/dev/null && timeout 10 docker info >/dev/null 2>&1
}

# The pid file's process, if it still is our podman service (pids get reused).
service_pid() {
	local pid
	pid=$(cat "$pidfile" 2>/dev/null) || return 1
	tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF "system service --time=0 unix://$socket" &&
		echo "$pid"
}

service_answers() {
	podman --remote --url "unix://$socket" version >/dev/null 2>&1
}

install_tools() {
	local missing=() tool
	for tool in podman runc debootstrap; do
		command -v "$tool" >/dev/null || missing+=("$tool")
	done
	[ ${#missing[@]} -eq 0 ] && return
	if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
		say "installing ${missing[*]} with apt-get"
		apt-get update -qq >&2
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq podman runc debootstrap >&2
	else
		say "no Docker engine answers, and ${missing[*]} are missing."
		say "Start Docker, or as root on Debian/Ubuntu run: apt-get install podman runc debootstrap"
		exit 1
	fi
}

started_here=false
start_service() {
	if service_pid >/dev/null && service_answers; then
		say "reusing the podman service on $socket"
		return
	fi
	mkdir -p "$tmp"
	rm -f "$socket"
	# setsid: the service outlives this script for `start`, and a Ctrl-C in
	# the terminal reaches the tests, not the engine they still need to clean up.
	setsid podman system service --time=0 "unix://$socket" >"$service_log" 2>&1 </dev/null &
	echo $! >"$pidfile"
	started_here=true
	local tries=0
	until service_answers; do
		if ! service_pid >/dev/null || [ $((tries += 1)) -gt 100 ]; then
			say "the podman service did not come up; see $service_log"
			exit 1
		fi
		sleep 0.1
	done
	say "podman $(podman --version | cut -d' ' -f3) serves the Docker API on $socket"
}

choose_image() {
	if [ -n "${OZ_TEST_MYSQL_IMAGE:-}" ]; then
		say "using OZ_TEST_MYSQL_IMAGE=$OZ_TEST_MYSQL_IMAGE"
	elif podman image exists docker.io/library/mysql:8.4 ||
		podman pull --quiet docker.io/library/mysql:8.4 >/dev/null 2>&1; then
		say "using mysql:8.4"
	else
		say "mysql:8.4 can't be pulled here; using a local MariaDB 10.11 image in its place"
		set_env OZ_TEST_MYSQL_IMAGE "$("$project/scripts/build-mysql-image.sh")"
	fi
}

start_engine() {
	if docker_answers; then
		say "a Docker engine answers; the container tests use it"
		return
	fi
	if [ "$(id -u)" -ne 0 ]; then
		say "no Docker engine answers, and the podman engine here needs root."
		say "Start Docker, or run as root."
		exit 1
	fi
	install_tools
	start_service
	set_env DOCKER_HOST "unix://$socket"
	# The reaper image can't be pulled everywhere; each test session stops
	# the container it started.
	set_env TESTCONTAINERS_RYUK_DISABLED true
	# podman 4's container list lacks the HostConfig that testcontainers'
	# auto-detection of the connection mode reads.
	set_env TESTCONTAINERS_CONNECTION_MODE docker_host
	choose_image
}

stop_service() {
	local pid tries=0
	if ! pid=$(service_pid); then
		rm -f "$pidfile"
		return
	fi
	kill "$pid"
	while kill -0 "$pid" 2>/dev/null && [ $((tries += 1)) -le 100 ]; do
		sleep 0.1
	done
	kill -0 "$pid" 2>/dev/null && kill -KILL "$pid"
	rm -f "$pidfile" "$socket"
	say "stopped the podman service"
}

case ${1:-} in
start)
	start_engine
	for name in "${exported[@]}"; do
		printf 'export %s=%q\n' "$name" "${!name}"
	done
	;;
stop)
	stop_service
	;;
run)
	shift
	[ $# -gt 0 ] || { say "usage: $0 run CMD..."; exit 2; }
	start_engine
	if $started_here; then
		trap stop_service EXIT
		trap 'exit 130' INT
		trap 'exit 143' TERM
	fi
	status=0
	"$@" || status=$?
	exit "$status"
	;;
*)
	echo "usage: $0 start | stop | run CMD..." >&2
	exit 2
	;;
esac
