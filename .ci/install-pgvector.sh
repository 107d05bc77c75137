#!/usr/bin/env bash
# Builds pgvector for Debian 12's PostgreSQL 15. Debian 12 ships no pgvector binary, but Debian 13's source
# package builds against postgresql-server-dev-15 in seconds. The system's own apt sources stay untouched:
# a separate sources file and list folder are used, with the URI and keyring read from the system's entry.
set -euo pipefail
PG_CONFIG=/usr/lib/postgresql/15/bin/pg_config
if [ -f "$($PG_CONFIG --pkglibdir)/vector.so" ] && [ -f "$($PG_CONFIG --sharedir)/extension/vector.control" ]; then
  exit 0
fi

# The first Debian (non-security) entry of the system's sources: its URI and keyring.
uri=""; keyring=""
for f in /etc/apt/sources.list.d/*.sources; do
  [ -f "$f" ] || continue
  block_uri=""; block_key=""
  while IFS= read -r line || [ -n "$line" ]; do
    case "$line" in
      URIs:*) block_uri=$(echo "${line#URIs:}" | awk '{print $1}') ;;
      Signed-By:*) block_key=$(echo "${line#Signed-By:}" | awk '{print $1}') ;;
      "") if [ -z "$uri" ] && [[ "$block_uri" == */debian ]]; then uri=$block_uri; keyring=$block_key; fi
          block_uri=""; block_key="" ;;
    esac
  done < "$f"
  if [ -z "$uri" ] && [[ "$block_uri" == */debian ]]; then uri=$block_uri; keyring=$block_key; fi
done
if [ -z "$uri" ] && [ -f /etc/apt/sources.list ]; then
  uri=$(awk '$1=="deb" && $2 ~ /\/debian$/ {print $2; exit}' /etc/apt/sources.list)
fi
[ -n "$uri" ] || { echo "install-pgvector: no Debian entry found in apt's sources" >&2; exit 1; }
[ -n "$keyring" ] || keyring=/usr/share/keyrings/debian-archive-keyring.gpg

work=$(mktemp -d)
chmod 755 "$work"  # apt downloads as the _apt user
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/lists/partial"
echo "deb-src [signed-by=$keyring] $uri trixie main" > "$work/sources.list"
apt_opts=(-o "Dir::Etc::SourceList=$work/sources.list" -o Dir::Etc::SourceParts=/nonexistent -o "Dir::State::Lists=$work/lists")
apt-get "${apt_opts[@]}" update -qq
(cd "$work" && apt-get "${apt_opts[@]}" source --download-only pgvector >/dev/null)
tar -xf "$work"/pgvector_*.orig.tar.* -C "$work"
src=$(find "$work" -maxdepth 1 -type d -name 'pgvector-*' | head -n 1)
make -s -C "$src" PG_CONFIG="$PG_CONFIG" OPTFLAGS='' >/dev/null
make -s -C "$src" PG_CONFIG="$PG_CONFIG" OPTFLAGS='' install >/dev/null
echo "install-pgvector: pgvector built and installed for PostgreSQL 15"
