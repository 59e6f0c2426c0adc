#!/bin/sh
# Installs the Vitrin player as a kiosk service on a Debian-like system:
#   sudo ./install.sh --server https://signage.example [--ca-file CA.pem] [--user vitrin] [--binary PATH]
# The server address may be http://, or https:// with an optional key pin for a self-signed
# certificate: https://10.0.0.5:8443#pin=sha256//BASE64 (the admin's screens page shows it).
# Needs: cage (the Wayland kiosk compositor), wlr-randr (the player rotates the output with
# it when the screen is mounted in portrait), GStreamer's plugins for video.
set -eu

SERVER=""
CA_FILE=""
USER_NAME="vitrin"
BINARY="$(dirname "$0")/vitrin-player"
BINDIR="/usr/local/bin"
DATADIR="/var/lib/vitrin-player"
UNIT_SRC="$(dirname "$0")/vitrin-player.service"

while [ $# -gt 0 ]; do
    case "$1" in
        --server) SERVER="$2"; shift 2 ;;
        --ca-file) CA_FILE="$2"; shift 2 ;;
        --user) USER_NAME="$2"; shift 2 ;;
        --binary) BINARY="$2"; shift 2 ;;
        --data-dir) DATADIR="$2"; shift 2 ;;
        -h|--help) sed -n '2,7p' "$0"; exit 0 ;;
        *) echo "install.sh: unknown option $1" >&2; exit 2 ;;
    esac
done

[ -n "$SERVER" ] || { echo "install.sh: --server URL is required" >&2; exit 2; }
case "$SERVER" in http://*|https://*) ;; *) echo "install.sh: the server URL must start with https:// or http://" >&2; exit 2 ;; esac
# What would break the unit file or the sed below.
case "$SERVER" in *'"'*|*' '*|*'%'*|*'\'*|*'|'*) echo "install.sh: the server URL must not contain quotes, spaces, %, | or backslashes" >&2; exit 2 ;; esac
if [ -n "$CA_FILE" ]; then
    [ -r "$CA_FILE" ] || { echo "install.sh: cannot read the CA file $CA_FILE" >&2; exit 2; }
    grep -q "BEGIN CERTIFICATE" "$CA_FILE" || { echo "install.sh: $CA_FILE holds no PEM certificate" >&2; exit 2; }
fi
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

# A private CA: copied where the service reads it, named by a drop-in (none without one).
DROPIN=/etc/systemd/system/vitrin-player.service.d
rm -f "$DROPIN/ca.conf"
CHECK_CA=""
if [ -n "$CA_FILE" ]; then
    install -d -m 0755 /etc/vitrin-player "$DROPIN"
    install -m 0644 "$CA_FILE" /etc/vitrin-player/ca.pem
    printf '[Service]\nEnvironment=VITRIN_CA_FILE=/etc/vitrin-player/ca.pem\n' > "$DROPIN/ca.conf"
    CHECK_CA="--ca-file /etc/vitrin-player/ca.pem"
fi

# Say now whether the server answers and is trusted (a wrong certificate is named here, not
# found later on a screen); the install goes on either way, the network may come later.
# shellcheck disable=SC2086
if ! "$BINDIR/vitrin-player" --server "$SERVER" $CHECK_CA --check; then
    echo "install.sh: warning: the server does not answer yet (see the line above)" >&2
fi

# Boot into the kiosk: the player takes tty1 instead of a login prompt.
systemctl daemon-reload
systemctl disable getty@tty1.service 2>/dev/null || true
systemctl set-default graphical.target
systemctl enable --now vitrin-player.service
echo "vitrin-player installed; it shows a pairing code on screen until it is paired at $SERVER"
