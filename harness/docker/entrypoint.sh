#!/bin/sh
# Entry point of the PostgreSQL images that harness/docker/build-images.sh builds. It behaves
# like the official `postgres` image's docker-entrypoint.sh as far as planproof, testcontainers
# and a user's docker run need:
#
# - POSTGRES_PASSWORD (required unless POSTGRES_HOST_AUTH_METHOD=trust), POSTGRES_USER (default
#   postgres), POSTGRES_DB (default: the user's name), POSTGRES_HOST_AUTH_METHOD (default: the
#   server's password_encryption), POSTGRES_INITDB_ARGS (extra initdb flags; the default
#   locale is C and the encoding UTF8, as planproof's local backend uses);
# - *.sql and *.sh files in /docker-entrypoint-initdb.d run once, when the cluster is made;
# - `docker run IMAGE -c fsync=off` passes the flags to `postgres`; any other command runs as is;
# - the cluster is made and run by the non-root user `postgres`, in $PGDATA, and the server
#   listens on 0.0.0.0:5432;
# - like the official image, the server starts once during initialisation, listening only on
#   its Unix socket and logging to stdout, then for real, logging to stderr. Both print
#   "database system is ready to accept connections"; testcontainers-modules' Postgres image
#   waits for that line on stderr and on stdout, so it sees the container ready only when the
#   real server is up.
#
# The images have no psql: initialisation SQL runs through `postgres --single`.
set -eu

if [ "${1#-}" != "$1" ]; then
	set -- postgres "$@"
fi

if [ "$1" = postgres ] && [ "$(id -u)" = 0 ]; then
	mkdir -p "$PGDATA" /var/run/postgresql
	chown postgres:postgres "$PGDATA" /var/run/postgresql
	chmod 700 "$PGDATA"
	chmod 3777 /var/run/postgresql
	# busybox su: as root it asks no password; -p keeps POSTGRES_* and PGDATA; `--` stops su
	# from reading the server's own flags (`-c fsync=off`) as its options.
	exec su -p -s /bin/sh -c 'exec "$0" "$@"' -- postgres /usr/local/bin/docker-entrypoint.sh "$@"
fi

# Runs SQL from stdin in database $1 with the server stopped; fails on any ERROR.
single_user() {
	out=$(postgres --single -j -D "$PGDATA" "$1" 2>&1) || { printf '%s\n' "$out" >&2; return 1; }
	if printf '%s\n' "$out" | grep -q 'ERROR:'; then
		printf '%s\n' "$out" >&2
		return 1
	fi
}

if [ "$1" = postgres ] && [ ! -s "$PGDATA/PG_VERSION" ]; then
	: "${POSTGRES_USER:=postgres}"
	: "${POSTGRES_DB:=$POSTGRES_USER}"
	auth="${POSTGRES_HOST_AUTH_METHOD:-}"
	if [ -z "${POSTGRES_PASSWORD:-}" ] && [ "$auth" != trust ]; then
		cat >&2 <<-'EOM'
		Error: Database is uninitialized and superuser password is not specified.
		       You must specify POSTGRES_PASSWORD to a non-empty value for the
		       superuser. For example, "-e POSTGRES_PASSWORD=password" on "docker run".
		       (Or POSTGRES_HOST_AUTH_METHOD=trust to allow every connection without one.)
		EOM
		exit 1
	fi
	if [ -n "${POSTGRES_PASSWORD:-}" ]; then
		pwfile=$(mktemp)
		printf '%s\n' "$POSTGRES_PASSWORD" >"$pwfile"
		# shellcheck disable=SC2086 # POSTGRES_INITDB_ARGS is a list of flags, as in the official image
		initdb --username="$POSTGRES_USER" --pwfile="$pwfile" -D "$PGDATA" \
			--encoding=UTF8 --locale=C ${POSTGRES_INITDB_ARGS:-}
		rm -f "$pwfile"
	else
		# shellcheck disable=SC2086
		initdb --username="$POSTGRES_USER" -D "$PGDATA" --encoding=UTF8 --locale=C ${POSTGRES_INITDB_ARGS:-}
	fi
	if [ -z "$auth" ]; then
		auth=$(postgres -C password_encryption -D "$PGDATA")
	fi
	printf "\nlisten_addresses = '*'\n" >>"$PGDATA/postgresql.conf"
	printf '\nhost all all all %s\n' "$auth" >>"$PGDATA/pg_hba.conf"

	if [ "$POSTGRES_DB" != postgres ]; then
		db_ident=$(printf '%s' "$POSTGRES_DB" | sed 's/"/""/g')
		printf 'CREATE DATABASE "%s";\n\n' "$db_ident" | single_user postgres
	fi
	for f in /docker-entrypoint-initdb.d/*; do
		case "$f" in
		*.sh)
			echo "$0: running $f"
			# shellcheck disable=SC1090
			. "$f"
			;;
		*.sql)
			echo "$0: running $f"
			{ cat "$f"; printf '\n;\n\n'; } | single_user "$POSTGRES_DB"
			;;
		*) [ -e "$f" ] && echo "$0: ignoring $f" ;;
		esac
	done

	pg_ctl -D "$PGDATA" -o "-c listen_addresses=''" -w start
	pg_ctl -D "$PGDATA" -m fast -w stop
	echo
	echo 'PostgreSQL init process complete; ready for start up.'
	echo
fi

exec "$@"
