#!/usr/bin/env bash
# Build the local Debian 12 (bookworm) base images that the container e2e
# test passes to the generated Containerfile instead of registry images.
#
# usage: base-image.sh NAME...      ensure the images exist; print "NAME REF"
#        base-image.sh --ref NAME   print the image reference only
#
# NAME     image                              replaces (Containerfile ARG)
# python   localhost/genship-e2e/python       PYTHON_IMAGE python:3.12-slim
# node     localhost/genship-e2e/node         NODE_IMAGE node:22-bookworm-slim
# go       localhost/genship-e2e/go           GO_IMAGE golang:1.24-bookworm
# static   localhost/genship-e2e/static       RUNTIME_IMAGE distroless/static
#
# Each image is tagged :bookworm and :bookworm-<key>, where <key> hashes
# its recipe (suite, architecture, package list). Layers and caches:
#   base     debootstrap --variant=minbase bookworm      (never imported)
#   python   base + apt-get install python3
#   node     base + apt-get install nodejs npm
#   go       base + apt-get install golang-go ca-certificates
#   static   /etc/passwd, /etc/group, /tmp, CA certificates and zoneinfo
#            taken from go: the distroless/static layout, nonroot 65532
# An image whose keyed tag already exists in podman is reused. Otherwise it
# is imported from $CACHE/<name>-<key>.tar.zst (or .tar.gz without zstd),
# which is built only when missing (python, node and go in parallel, as
# their time goes mostly into downloads). $CACHE/debs/<name> keeps the
# downloaded packages. CACHE is $GENSHIP_E2E_CACHE, else
# ${XDG_CACHE_HOME:-/var/cache}/genship-e2e. Concurrent runs serialize on
# $CACHE/.lock.
#
# Environment: GENSHIP_E2E_MIRROR (default: the first bookworm mirror in
# /etc/apt/sources.list*, else http://deb.debian.org/debian),
# GENSHIP_E2E_REBUILD=1 (rebuild everything asked for).
set -euo pipefail

readonly SUITE=bookworm
readonly REPO=localhost/genship-e2e
# Bump to invalidate every cached tarball after changing how they are made.
readonly RECIPE_VERSION=1
SELF=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/$(basename "${BASH_SOURCE[0]}")
readonly SELF
CACHE=${GENSHIP_E2E_CACHE:-${XDG_CACHE_HOME:-/var/cache}/genship-e2e}
ARCH=$(dpkg --print-architecture 2>/dev/null || uname -m)
readonly ARCH

# Scratch root filesystems, removed on exit; names rebuilt by this run.
SCRATCH=()
declare -A REBUILT=()

cleanup() {
	if [[ ${#SCRATCH[@]} -gt 0 ]]; then
		rm -rf -- "${SCRATCH[@]}"
	fi
}

log() {
	printf '[e2e] %s\n' "$*" >&2
}

die() {
	log "error: $*"
	exit 1
}

now() {
	local t=${EPOCHREALTIME/[.,]/}
	printf '%s\n' "$t"
}

since() {
	local d=$(($(now) - $1))
	printf '%d.%02d\n' $((d / 1000000)) $((d % 1000000 / 10000))
}

# packages NAME: the Debian packages of an image ("-" for the base).
packages() {
	case $1 in
	base) echo - ;;
	python) echo python3 ;;
	node) echo nodejs npm ;;
	go) echo golang-go ca-certificates ;;
	static) echo - ;;
	*) die "unknown image '$1' (python, node, go, static)" ;;
	esac
}

# parent NAME: the image whose root filesystem NAME starts from.
parent() {
	case $1 in
	base) echo - ;;
	static) echo go ;;
	*) echo base ;;
	esac
}

# image_config NAME: podman import --change arguments (one per line).
image_config() {
	echo 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'
	echo 'ENV LANG=C.UTF-8'
	case $1 in
	static)
		echo 'USER 65532:65532'
		echo 'WORKDIR /home/nonroot'
		;;
	esac
}

# key NAME: hash of everything the image's content depends on.
key() {
	local name=$1 p
	{
		echo "recipe $RECIPE_VERSION $SUITE $ARCH"
		echo "$name: $(packages "$name")"
		image_config "$name"
		p=$(parent "$name")
		if [[ $p != - ]]; then
			echo "parent $(key "$p")"
		fi
	} | sha256sum | cut -c1-16
}

ref() {
	printf '%s/%s:%s-%s\n' "$REPO" "$1" "$SUITE" "$(key "$1")"
}

compressor() {
	if command -v zstd >/dev/null 2>&1; then echo zst; else echo gz; fi
}

tarball() {
	printf '%s/%s-%s.tar.%s\n' "$CACHE" "$1" "$(key "$1")" "$(compressor)"
}

compress() {
	case $(compressor) in
	zst) zstd -q -T2 -3 ;;
	gz) gzip -1 ;;
	esac
}

decompress() {
	case $1 in
	*.zst) zstd -q -dc -- "$1" ;;
	*.gz) gzip -dc -- "$1" ;;
	esac
}

# mirror: the Debian mirror apt on this host uses for bookworm.
mirror() {
	if [[ -n ${GENSHIP_E2E_MIRROR:-} ]]; then
		echo "$GENSHIP_E2E_MIRROR"
		return
	fi
	local files=() found
	shopt -s nullglob
	files=(/etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources)
	shopt -u nullglob
	found=$(awk -v suite="$SUITE" '
		# one-line style: deb [options] URI SUITE COMPONENTS
		/^deb[ \t]/ {
			i = 2
			if ($i ~ /^\[/) { while ($i !~ /\]$/) i++; i++ }
			if ($(i + 1) == suite) { print $i; exit }
		}
		# deb822 style: stanzas of "Key: value" separated by blank lines
		/^URIs:/ { uri = $2 }
		/^Suites:/ { for (j = 2; j <= NF; j++) if ($j == suite) hit = 1 }
		/^[ \t]*$/ { if (hit && uri != "") { print uri; exit } uri = ""; hit = 0 }
		END { if (hit && uri != "") print uri }
	' "${files[@]}" 2>/dev/null | head -n1) || true
	echo "${found:-http://deb.debian.org/debian}"
}

# clean ROOT: drop what an image does not need (apt lists, package cache,
# docs) and the host's resolver configuration.
clean() {
	rm -rf "$1"/var/lib/apt/lists/* "$1"/var/cache/apt/archives/*.deb \
		"$1"/var/cache/apt/*.bin "$1"/var/log/apt/* "$1"/var/log/dpkg.log \
		"$1"/usr/share/doc/* "$1"/usr/share/man/* "$1"/usr/share/info/* \
		"$1"/usr/sbin/policy-rc.d "$1"/debootstrap
	: >"$1/etc/resolv.conf"
}

# pack ROOT OUT: archive ROOT into OUT atomically.
pack() {
	tar --numeric-owner -C "$1" -cf - . | compress >"$2.partial"
	mv -f -- "$2.partial" "$2"
}

build_base() {
	local root=$1
	log "base: debootstrap --variant=minbase $SUITE from $(mirror)"
	mkdir -p "$CACHE/debs/base"
	debootstrap --variant=minbase --components=main --cache-dir="$CACHE/debs/base" \
		"$SUITE" "$root" "$(mirror)" >"$root.log" 2>&1 ||
		{
			tail -n 30 "$root.log" >&2
			[[ -f $root/debootstrap/debootstrap.log ]] && tail -n 30 "$root/debootstrap/debootstrap.log" >&2
			die "debootstrap failed (full log: $root.log)"
		}
	rm -f "$root.log"
}

# chroot_install NAME ROOT PKG...: apt-get install in ROOT, with
# $CACHE/debs/NAME as the package cache (one per image, so that images can
# be built in parallel). Runs in its own mount namespace (see
# build_packages), so /proc and the bind mount vanish with it.
chroot_install() {
	local name=$1 root=$2
	shift 2
	mount -t proc proc "$root/proc"
	mkdir -p "$CACHE/debs/$name/partial"
	mount --bind "$CACHE/debs/$name" "$root/var/cache/apt/archives"
	local env=(/usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin
		DEBIAN_FRONTEND=noninteractive LC_ALL=C.UTF-8 HOME=/root)
	chroot "$root" "${env[@]}" apt-get -q update
	chroot "$root" "${env[@]}" apt-get -q -o Dpkg::Options::=--force-unsafe-io install -y --no-install-recommends "$@"
}

build_packages() {
	local name=$1 root=$2 pkgs
	read -r -a pkgs <<<"$(packages "$name")"
	unpack base "$root"
	cp -L /etc/resolv.conf "$root/etc/resolv.conf"
	printf '#!/bin/sh\nexit 101\n' >"$root/usr/sbin/policy-rc.d"
	chmod 755 "$root/usr/sbin/policy-rc.d"
	log "$name: apt-get install ${pkgs[*]}"
	unshare --mount --propagation private -- \
		"$SELF" --chroot-install "$name" "$root" "${pkgs[@]}" >"$root.log" 2>&1 ||
		{
			tail -n 30 "$root.log" >&2
			die "apt-get install ${pkgs[*]} failed (full log: $root.log)"
		}
	rm -f "$root.log"
}

# build_static ROOT: the distroless/static layout, from the go tarball.
build_static() {
	local root=$1
	ensure_tarball go
	decompress "$(tarball go)" | tar -C "$root" -xf - --wildcards \
		./etc/os-release ./usr/lib/os-release ./etc/ssl/certs/ca-certificates.crt \
		'./usr/share/zoneinfo/*'
	mkdir -p "$root/tmp" "$root/home/nonroot" "$root/root"
	chmod 1777 "$root/tmp"
	chmod 700 "$root/root"
	chown 65532:65532 "$root/home/nonroot"
	printf '%s\n' 'root:x:0:0:root:/root:/sbin/nologin' \
		'nobody:x:65534:65534:nobody:/nonexistent:/sbin/nologin' \
		'nonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin' >"$root/etc/passwd"
	printf '%s\n' 'root:x:0:' 'nobody:x:65534:' 'nonroot:x:65532:' >"$root/etc/group"
}

# unpack NAME ROOT: extract NAME's tarball (building it if needed) into ROOT.
unpack() {
	ensure_tarball "$1"
	decompress "$(tarball "$1")" | tar --numeric-owner -C "$2" -xf -
}

# fresh KIND:NAME: true when NAME's cached tarball (KIND tar) or podman
# image (KIND img) may be reused; with GENSHIP_E2E_REBUILD=1 only what
# this run already made may.
fresh() {
	[[ ${GENSHIP_E2E_REBUILD:-0} != 1 || -n ${REBUILT[$1]:-} ]]
}

# ensure_tarball NAME: build $CACHE/NAME-KEY.tar.* unless it exists.
ensure_tarball() {
	local name=$1 out root start
	out=$(tarball "$name")
	if have_tarball "$name"; then
		return 0
	fi
	start=$(now)
	root=$(mktemp -d "$CACHE/$name.rootfs.XXXXXX")
	SCRATCH+=("$root" "$root.log")
	case $name in
	base) build_base "$root" ;;
	static) build_static "$root" ;;
	*) build_packages "$name" "$root" ;;
	esac
	clean "$root"
	pack "$root" "$out"
	rm -rf -- "$root"
	# Older recipes of the same image are dead weight.
	find "$CACHE" -maxdepth 1 -name "$name-*.tar.*" ! -name "$(basename "$out")" -delete
	REBUILT[tar:$name]=1
	log "$name: built $(basename "$out") ($(du -h "$out" | cut -f1)) in $(since "$start")s"
}

# ensure_image NAME: a podman image tagged ref(NAME), imported if missing.
ensure_image() {
	local name=$1 r start changes=() line old
	r=$(ref "$name")
	if have_image "$name"; then
		log "$name: reusing $r"
		printf '%s %s\n' "$name" "$r"
		return 0
	fi
	ensure_tarball "$name"
	start=$(now)
	old=$(podman image inspect -f '{{.Id}}' "$r" 2>/dev/null) || old=
	while IFS= read -r line; do
		changes+=(--change "$line")
	done < <(image_config "$name")
	decompress "$(tarball "$name")" |
		podman import --quiet "${changes[@]}" \
			--change "LABEL org.opencontainers.image.description=genship e2e $name base ($SUITE)" \
			- "$r" >/dev/null
	podman tag "$r" "$REPO/$name:$SUITE"
	# Drop images of older recipes, and the one a rebuild replaced (best
	# effort: an image that build-cache layers still use stays).
	{
		podman images --format '{{.Repository}}:{{.Tag}}' "$REPO/$name" |
			grep -vxF -e "$r" -e "$REPO/$name:$SUITE"
		[[ -z $old ]] || echo "$old"
	} | xargs -r podman rmi >/dev/null 2>&1 || true
	REBUILT[img:$name]=1
	log "$name: imported $r in $(since "$start")s"
	printf '%s %s\n' "$name" "$r"
}

# have_image NAME, have_tarball NAME: reusable artefacts of NAME exist.
have_image() {
	podman image exists "$(ref "$1")" && fresh "img:$1"
}

have_tarball() {
	[[ -s $(tarball "$1") ]] && fresh "tar:$1"
}

# prebuild NAME...: build the missing package tarballs the images NAME need,
# in parallel: most of the time goes into downloading packages one by one,
# so separate downloads overlap well even on two cores.
prebuild() {
	local name todo=() pids=() i rc=0
	for name in "$@"; do
		if have_image "$name" || have_tarball "$name"; then
			continue
		fi
		# static is cut from the go tarball in seconds.
		if [[ $name == static ]]; then
			have_tarball go && continue
			name=go
		fi
		todo+=("$name")
	done
	[[ ${#todo[@]} -gt 0 ]] || return 0
	mapfile -t todo < <(printf '%s\n' "${todo[@]}" | sort -u)
	ensure_tarball base
	log "building ${todo[*]} in parallel"
	for name in "${todo[@]}"; do
		(
			SCRATCH=()
			trap cleanup EXIT
			ensure_tarball "$name"
		) >"$CACHE/$name.build.log" 2>&1 &
		pids+=($!)
	done
	for i in "${!todo[@]}"; do
		if wait "${pids[$i]}"; then
			REBUILT[tar:${todo[$i]}]=1
		else
			rc=1
		fi
		cat -- "$CACHE/${todo[$i]}.build.log" >&2
		rm -f -- "$CACHE/${todo[$i]}.build.log"
	done
	[[ $rc -eq 0 ]] || die "building ${todo[*]} failed"
}

usage() {
	sed -n '5,6p' "$SELF" | sed 's/^# \{0,1\}//' >&2
	exit 2
}

main() {
	case ${1:-} in
	--ref)
		[[ $# -eq 2 ]] || usage
		packages "$2" >/dev/null
		ref "$2"
		return
		;;
	--chroot-install)
		shift
		chroot_install "$@"
		return
		;;
	'' | -*) usage ;;
	esac
	[[ $(id -u) -eq 0 ]] || die "needs root (debootstrap, chroot, podman import)"
	local name
	for name in "$@"; do
		[[ $name != base ]] || die "base is not imported; ask for python, node, go or static"
		packages "$name" >/dev/null
	done
	mkdir -p "$CACHE"
	trap cleanup EXIT
	# One builder at a time per cache: concurrent runs wait here.
	exec 9>"$CACHE/.lock"
	flock 9
	prebuild "$@"
	for name in "$@"; do
		ensure_image "$name"
	done
}

main "$@"
