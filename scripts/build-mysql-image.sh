#!/bin/bash
# Builds the local stand-in for mysql:8.4 on machines that can't pull images:
# Debian bookworm's MariaDB 10.11 plus containers/mysql-entrypoint.sh, which
# keeps the official image's contract. Prints the image name on stdout.
# The tag carries a hash of this script and the entrypoint, so the image is
# built only when it is missing or its recipe changed.
# Needs root, podman and debootstrap. OZ_DEBIAN_MIRROR overrides the mirror.
set -euo pipefail

project=$(cd "$(dirname "$0")/.." && pwd)
entrypoint=$project/containers/mysql-entrypoint.sh
export CONTAINERS_CONF=${CONTAINERS_CONF:-$project/containers/containers.conf}

recipe=$(cat "$0" "$entrypoint" | sha256sum | cut -c1-12)
repository=localhost/oz-mysql
image=$repository:mariadb-10.11-$recipe

if podman image exists "$image"; then
	echo "$image"
	exit 0
fi

# The mirror this machine's apt already trusts for bookworm, so the build works
# wherever apt-get does.
mirror=${OZ_DEBIAN_MIRROR:-$(apt-get indextargets 'Release: bookworm' 'Identifier: Packages' \
	--format '$(REPO_URI)' 2>/dev/null | head -n1 || true)}

rootfs=$project/.tmp/mysql-rootfs
log=$project/.tmp/build-mysql-image.log

# debootstrap mounts /proc and /sys (and in containers binds /dev) inside the
# target; a failed run can leave them mounted, and rm must never reach them.
remove_rootfs() {
	if [ -d "$rootfs" ]; then
		findmnt --list --noheadings --output TARGET | awk -v root="$rootfs/" 'index($0, root) == 1' | sort -r |
			xargs -r -n1 umount -l
		rm -rf --one-file-system "$rootfs"
	fi
}
trap remove_rootfs EXIT
remove_rootfs

# Without one, debootstrap takes its own default mirror.
echo "Building $image from ${mirror:-the default mirror of debootstrap} (about a minute; log: $log)" >&2
if ! debootstrap --variant=minbase --include=mariadb-server bookworm "$rootfs" ${mirror:+"$mirror"} >"$log" 2>&1; then
	echo "debootstrap failed; the end of $log:" >&2
	tail -n 20 "$log" >&2
	exit 1
fi

# Each container initializes its own data directory from its environment, as
# the official image does, so the one Debian's package created goes.
rm -rf --one-file-system "$rootfs"/var/lib/mysql/* "$rootfs"/var/cache/apt/archives/*.deb \
	"$rootfs"/var/lib/apt/lists/*
install -d "$rootfs/docker-entrypoint-initdb.d"
install -m 755 "$entrypoint" "$rootfs/usr/local/bin/docker-entrypoint.sh"

tar -C "$rootfs" -c . | podman import \
	--change 'ENTRYPOINT ["/usr/local/bin/docker-entrypoint.sh"]' \
	--change 'CMD ["mariadbd"]' \
	--change 'EXPOSE 3306' \
	--quiet - "$image" >/dev/null

# Images of earlier recipes are never used again.
podman image ls --noheading --format '{{.Repository}}:{{.Tag}}' "$repository" |
	grep -vxF "$image" | xargs -r podman rmi >/dev/null || true

echo "$image"
