#!/bin/sh
# Installs the Vitrin player as a kiosk service on a Debian-like system:
#   sudo ./install.sh --server http://signage.example:8080 [--user vitrin] [--binary PATH]
# Needs: cage (the Wayland kiosk compositor), wlr-randr (the player rotates the output with
# it when the screen is mounted in portrait), GStreamer's plugins for video.
set -eu

SERVER=""
USER_NAME="vitrin"
BINARY="$(dirname "$0")/vitrin-player"
BINDIR="/usr/local/bin"
DATADIR="/var/lib/vitrin-player"
UNIT_SRC="$(dirname "$0")/vitrin-player.service"

while [ $# -gt 0 ]; do
    case "$1" in
        --server) SERVER="$2"; shift 2 ;;
        --user) USER_NAME="$2"; shift 2 ;;
        --binary) BINARY="$2"; shift 2 ;;
        --data-dir) DATADIR="$2"; shift 2 ;;
        -h|--help) sed -n '2,5p' "$0"; exit 0 ;;
        *) echo "install.sh: unknown option $1" >&2; exit 2 ;;
    esac
done

[ -n "$SERVER" ] || { echo "install.sh: --server URL is required" >&2; exit 2; }
case "$SERVER" in http://*) ;; *) echo "install.sh: the server URL must start with http://" >&2; exit 2 ;; esac
[ "$(id -u)" -eq 0 ] || { echo "install.sh: run as root (sudo)" >&2; exit 1; }
[ -x "$BINARY" ] || { echo "install.sh: no player binary at $BINARY (use --binary)" >&2; exit 1; }

if command -v apt-get >/dev/null 2>&1; then
    apt-get install -y --no-install-recommends cage wlr-randr \
        gstreamer1.0-plugins-base gstreamer1.0-plugins-good gstreamer1.0-plugins-bad gstreamer1.0-libav
fi

# A system user with access to the GPU, input and the VT, and nothing else.
if ! id "$USER_NAME" >/dev/null 2>&1; then
    useradd --system --create-home --shell /usr/sbin/nologin "$USER_NAME"
fi
usermod -a -G video,render,input,tty "$USER_NAME" 2>/dev/null || usermod -a -G video,input,tty "$USER_NAME"

install -m 0755 "$BINARY" "$BINDIR/vitrin-player"
install -d -o "$USER_NAME" -g "$USER_NAME" -m 0750 "$DATADIR"

sed -e "s|@USER@|$USER_NAME|g" -e "s|@SERVER@|$SERVER|g" \
    -e "s|@BINDIR@|$BINDIR|g" -e "s|@DATADIR@|$DATADIR|g" \
    "$UNIT_SRC" > /etc/systemd/system/vitrin-player.service

# Boot into the kiosk: the player takes tty1 instead of a login prompt.
systemctl daemon-reload
systemctl disable getty@tty1.service 2>/dev/null || true
systemctl set-default graphical.target
systemctl enable --now vitrin-player.service
echo "vitrin-player installed; it shows a pairing code on screen until it is paired at $SERVER"
