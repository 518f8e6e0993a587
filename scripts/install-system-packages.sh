#!/bin/sh
# Install the Debian packages the build and the tests use, when one of them is missing.
# Fonts: Lato (the theme font, for LibreOffice), Carlito and Liberation (the metric-compatible
# stand-ins for Calibri and Arial that office machines have), DejaVu (monospace), and Noto for
# every other script (CJK, Arabic, Hebrew, emoji) so that no output shows boxes.
set -e
need=""
command -v chromium >/dev/null 2>&1 || need="$need chromium"
command -v soffice >/dev/null 2>&1 || need="$need libreoffice-impress"
# LibreOffice draws a PPTX equation (OMML) with its formula module only.
[ -f /usr/lib/libreoffice/program/libsmlo.so ] || need="$need libreoffice-math"
command -v pdftoppm >/dev/null 2>&1 || need="$need poppler-utils"
# fc-match finds the file of a font a PowerPoint template names (slides/pptx_theme.py).
command -v fc-match >/dev/null 2>&1 || need="$need fontconfig"
font_packages="fonts-dejavu-core:/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf
fonts-lato:/usr/share/fonts/truetype/lato/Lato-Regular.ttf
fonts-crosextra-carlito:/usr/share/fonts/truetype/crosextra/Carlito-Regular.ttf
fonts-liberation2:/usr/share/fonts/truetype/liberation2/LiberationSans-Regular.ttf
fonts-noto-core:/usr/share/fonts/truetype/noto/NotoSansArabic-Regular.ttf
fonts-noto-cjk:/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc
fonts-noto-color-emoji:/usr/share/fonts/truetype/noto/NotoColorEmoji.ttf"
for entry in $font_packages; do
  [ -f "${entry#*:}" ] || need="$need ${entry%%:*}"
done
[ -z "$need" ] && exit 0
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "note: missing system packages:$need (install them with your package manager;" \
       "the slides PDF, the fonts of other scripts and the browser/LibreOffice tests need them)" >&2
  exit 0
fi
echo "installing system packages:$need"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q >/dev/null
# shellcheck disable=SC2086
apt-get install -y -q --no-install-recommends $need >/dev/null
