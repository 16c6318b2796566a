#!/bin/sh
# Restore a Klassa backup made by deploy/backup.sh into an EMPTY database (and media folder).
#
#   deploy/restore.sh DUMP [MEDIA_ARCHIVE]
#
# The database is named by PGHOST, PGPORT, PGUSER, PGPASSWORD and PGDATABASE; the media
# files go to MEDIA_DIR (default /media). Afterwards run `manage.py migrate` (a backup from
# an older version gets the newer migrations) and `manage.py rebuild_derived --check`.
set -eu

dump=${1:?usage: restore.sh DUMP [MEDIA_ARCHIVE]}
media=${2:-}
MEDIA_DIR=${MEDIA_DIR:-/media}

tables=$(psql --tuples-only --no-align --command \
  "select count(*) from information_schema.tables where table_schema = 'public'")
if [ "$tables" != 0 ]; then
  echo "restore.sh: the database $PGDATABASE is not empty ($tables tables); restore into a new one" >&2
  exit 1
fi
pg_restore --no-owner --exit-on-error --dbname="$PGDATABASE" "$dump"
if [ -n "$media" ]; then
  mkdir -p "$MEDIA_DIR"
  tar -xzf "$media" -C "$MEDIA_DIR"
fi
echo "restored $dump${media:+ and $media}"
