#!/bin/sh
# Scheduled backups of Klassa: the PostgreSQL database (pg_dump custom format) and the media
# files (reports and exports), kept BACKUP_KEEP_DAYS days. Runs in the compose service
# "backup" (the postgres image has pg_dump, tar and find); restore with deploy/restore.sh.
#
#   BACKUP_DIR             where the files go (default /backups)
#   BACKUP_INTERVAL_HOURS  hours between two backups (default 24)
#   BACKUP_KEEP_DAYS       older backups are deleted (default 14)
#   BACKUP_ONCE=1          take one backup and exit (for a test or a manual run)
#   MEDIA_DIR              the media files (default /media; skipped when absent or empty)
#   PGHOST, PGPORT, PGUSER, PGPASSWORD, PGDATABASE  the database, as for pg_dump
set -eu

BACKUP_DIR=${BACKUP_DIR:-/backups}
INTERVAL_HOURS=${BACKUP_INTERVAL_HOURS:-24}
KEEP_DAYS=${BACKUP_KEEP_DAYS:-14}
MEDIA_DIR=${MEDIA_DIR:-/media}

backup_once() {
  stamp=$(date -u +%Y%m%dT%H%M%SZ)
  mkdir -p "$BACKUP_DIR"
  # Written under a temporary name and renamed when complete, so a half-written file is
  # never mistaken for a backup.
  pg_dump --format=custom --no-owner --file="$BACKUP_DIR/.klassa-$stamp.dump.part"
  mv "$BACKUP_DIR/.klassa-$stamp.dump.part" "$BACKUP_DIR/klassa-$stamp.dump"
  if [ -d "$MEDIA_DIR" ] && [ -n "$(ls -A "$MEDIA_DIR" 2>/dev/null)" ]; then
    tar -czf "$BACKUP_DIR/.media-$stamp.tar.gz.part" -C "$MEDIA_DIR" .
    mv "$BACKUP_DIR/.media-$stamp.tar.gz.part" "$BACKUP_DIR/media-$stamp.tar.gz"
  fi
  find "$BACKUP_DIR" -maxdepth 1 -type f \( -name 'klassa-*.dump' -o -name 'media-*.tar.gz' \) \
    -mtime +"$KEEP_DAYS" -delete
  echo "backup $stamp written to $BACKUP_DIR"
}

if [ "${BACKUP_ONCE:-0}" = 1 ]; then
  backup_once
  exit 0
fi
while true; do
  backup_once || echo "backup failed; next try in $INTERVAL_HOURS h" >&2
  sleep $((INTERVAL_HOURS * 3600))
done
