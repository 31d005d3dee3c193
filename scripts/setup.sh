#!/usr/bin/env bash
# Installs what Quảng Bá needs on this machine, idempotently.
#   scripts/setup.sh run    ffmpeg/ffprobe (video probing and transcoding),
#                           libjpeg-turbo (fast JPEG path), libheif's
#                           heif-convert (HEIC/HEIF/AVIF decoding) and the
#                           Noto fonts (burned-in Vietnamese subtitles)
#   scripts/setup.sh test   the above, exiftool, a MinIO server for the S3 tests
#                           and Debian's Chromium for the browser tests, and
#                           an offline Go vulnerability database for govulncheck
#   scripts/setup.sh bench  the above and vipsthumbnail (a reference, bench only)
# Tools built from source go to $QUANGBA_TOOLS_DIR (default: .tools, git-ignored).
set -euo pipefail

mode=${1:-run}
root=$(cd "$(dirname "$0")/.." && pwd)
tools=${QUANGBA_TOOLS_DIR:-$root/.tools}
minio_version=v0.0.0-20260212201848-7aac2a2c5b7c
# The Go vulnerability database as a module (its OSV files under data/osv);
# the version's date is how fresh the offline database is (see docs/SECURITY.md).
vulndb_version=v0.0.0-20261105234957-e22db6528018

say() { printf 'setup: %s\n' "$*" >&2; }

apt_updated=
apt_install() {
  local missing=()
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  local sudo=
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || { say "need root (or sudo) to install: ${missing[*]}"; exit 1; }
    sudo=sudo
  fi
  if [ -z "$apt_updated" ]; then
    say "apt-get update"
    $sudo apt-get update -qq
    apt_updated=1
  fi
  say "installing ${missing[*]}"
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

need_ffmpeg() {
  command -v ffprobe >/dev/null && command -v ffmpeg >/dev/null || apt_install ffmpeg
}

need_photo_libs() {
  apt_install libturbojpeg0-dev libheif-examples
}

# Noto Sans draws every Vietnamese letter in burned-in subtitles;
# fontconfig (fc-list) tells the server where it is.
need_fonts() {
  apt_install fonts-noto-core fontconfig
}

need_vips() {
  command -v vipsthumbnail >/dev/null || apt_install libvips-tools
}

need_exiftool() {
  command -v exiftool >/dev/null || apt_install libimage-exiftool-perl
}

# The end-to-end tests drive a real headless Chromium through chromedp.
need_chromium() {
  command -v chromium >/dev/null || apt_install chromium
}

need_minio() {
  if [ -x "$tools/bin/minio" ] && [ -f "$tools/bin/minio.version" ] && [ "$(cat "$tools/bin/minio.version")" = "$minio_version" ]; then
    return 0
  fi
  say "building MinIO $minio_version into $tools/bin (a few minutes, once)"
  mkdir -p "$tools/bin"
  GOBIN="$tools/bin" GOFLAGS=-buildvcs=false go install "github.com/minio/minio@$minio_version"
  echo "$minio_version" > "$tools/bin/minio.version"
}

# govulncheck reads a v1 vulnerability database from a folder (-db file://…).
# vuln.go.dev may be out of reach, but the Go module proxy serves the
# database's source repository, golang.org/x/vulndb: its OSV files are
# indexed into $tools/vulndb by the repository's own cmd/indexdb.
need_vulndb() {
  if [ -f "$tools/vulndb/index/modules.json" ] && [ "$(cat "$tools/vulndb.version" 2>/dev/null)" = "$vulndb_version" ]; then
    return 0
  fi
  say "building the vulnerability database from golang.org/x/vulndb@$vulndb_version into $tools/vulndb (once)"
  local dir
  dir=$(cd "$root" && go mod download -json "golang.org/x/vulndb@$vulndb_version" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
  [ -d "$dir/data/osv" ] || { say "golang.org/x/vulndb@$vulndb_version has no data/osv"; exit 1; }
  mkdir -p "$tools"
  rm -rf "$tools/vulndb.new"
  (cd "$root" && GOFLAGS=-buildvcs=false go run "golang.org/x/vulndb/cmd/indexdb@$vulndb_version" -vulns "$dir/data/osv" -out "$tools/vulndb.new")
  rm -rf "$tools/vulndb"
  mv "$tools/vulndb.new" "$tools/vulndb"
  echo "$vulndb_version" > "$tools/vulndb.version"
}

case "$mode" in
  run) need_ffmpeg; need_photo_libs; need_fonts ;;
  test) need_ffmpeg; need_photo_libs; need_fonts; need_exiftool; need_minio; need_chromium; need_vulndb ;;
  bench) need_ffmpeg; need_photo_libs; need_fonts; need_exiftool; need_minio; need_vips ;;
  *) say "unknown mode $mode (want run, test or bench)"; exit 2 ;;
esac
