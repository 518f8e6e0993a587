#!/bin/sh
# Install the Debian packages the build and the tests use, when one of them is missing.
set -e
need=""
command -v chromium >/dev/null 2>&1 || need="$need chromium"
command -v soffice >/dev/null 2>&1 || need="$need libreoffice-impress"
command -v pdftoppm >/dev/null 2>&1 || need="$need poppler-utils"
[ -f /usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf ] || need="$need fonts-dejavu-core"
[ -z "$need" ] && exit 0
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "note: missing system packages:$need (install them with your package manager;" \
       "the slides PDF and the browser/LibreOffice tests need them)" >&2
  exit 0
fi
echo "installing system packages:$need"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q >/dev/null
# shellcheck disable=SC2086
apt-get install -y -q --no-install-recommends $need >/dev/null
