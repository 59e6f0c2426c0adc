#!/usr/bin/env bash
# The Debian packages of the server and the player, for amd64 and arm64, made by cargo-deb
# from the binaries this CI run built and tested (the dev profile, stripped; a release is
# `cargo deb -p vitrin-server`, which builds the release profile), linted by lintian, and the
# amd64 ones installed into a clean Debian root (debootstrap) booted by systemd-nspawn:
# - the server's unit starts as its own user, with its hardening, and answers /healthz;
# - the player's unit, set up for that server on a machine with no display, says so in the
#   journal;
# - an upgrade keeps the data (an account made before it signs in after) and the settings;
# - purge removes the data and the settings.
#
#   .ci/packages.sh
#
# Needs: cargo-deb, lintian, debootstrap, systemd-container, curl (installed by .ci/run), the
# amd64 binaries in $CARGO_TARGET_DIR/debug and the arm64 ones in
# $CARGO_TARGET_DIR/aarch64-unknown-linux-gnu/debug.
set -euo pipefail

cd "$(dirname "$0")/.."
target_dir="${CARGO_TARGET_DIR:?}"
out="$target_dir/debian"
rm -rf "$out"
mkdir -p "$out"

step() { printf -- '--- %s\n' "$*"; }
fail() { echo "packages: $*" >&2; exit 1; }

step "cargo deb: vitrin-server and vitrin-player, amd64 and arm64"
# cargo-deb replaces other versions and architectures of a package in its output folder:
# one folder each, and one for a revision 2 of the same binaries to test the upgrade with.
# Stripped, without the -dbgsym packages a release makes (the dev profile's full debug info
# would only slow this down).
deb() { cargo deb --no-build --profile dev --no-dbgsym --strip --quiet "$@"; }
for package in vitrin-server vitrin-player; do
    deb -p "$package" --output "$out/amd64/"
    deb -p "$package" --target aarch64-unknown-linux-gnu --output "$out/arm64/"
    deb -p "$package" --deb-revision 2 --fast --output "$out/upgrade/"
done
ls -l "$out"/*/
for arch in amd64 arm64; do
    for package in vitrin-server vitrin-player; do
        deb="$(ls "$out/$arch/${package}"_*-1_"$arch".deb)"
        [ "$(dpkg-deb --field "$deb" Architecture)" = "$arch" ] || fail "$deb is not $arch"
    done
done
# The ELF header's machine field (bytes 18-19): 183 is aarch64.
unpacked="$(mktemp -d)"
dpkg-deb -x "$out"/arm64/vitrin-player_*.deb "$unpacked"
[ "$(od -An -tu2 -j18 -N2 "$unpacked/usr/bin/vitrin-player" | tr -d ' ')" = 183 ] \
    || fail "the arm64 package's player is not an aarch64 binary"
rm -rf "$unpacked"

step "lintian (errors and warnings fail)"
lintian --fail-on error,warning --tag-display-limit 0 "$out"/amd64/*.deb "$out"/arm64/*.deb

step "a clean Debian root (debootstrap, bookworm, minimal)"
cache=/var/cache/vitrin-packages-test
mkdir -p "$cache/apt-archives"
if [ ! -f "$cache/bookworm-minbase.tar" ]; then
    rm -rf "$cache/rootfs"
    debootstrap --variant=minbase --include=systemd,systemd-sysv,dbus,ca-certificates \
        bookworm "$cache/rootfs" http://deb.debian.org/debian > "$cache/debootstrap.log"
    tar -C "$cache/rootfs" -cf "$cache/bookworm-minbase.tar" .
    rm -rf "$cache/rootfs"
fi
work="$(mktemp -d)"
root="$work/root"
mkdir "$root"
tar -C "$root" -xf "$cache/bookworm-minbase.tar"
mkdir "$root/srv/debs" "$root/srv/debs/upgrade"
cp "$out"/amd64/*.deb "$root/srv/debs/"
cp "$out"/upgrade/*.deb "$root/srv/debs/upgrade/"
# Paths inside the container (the globs are expanded here, where the files are).
debs() { (cd "$root" && ls "srv/debs/${1:-}"*.deb | sed 's|^|/|'); }

port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
base="http://127.0.0.1:$port"
# A local change the way the unit's comment says to make one: a drop-in (the container shares
# this machine's network, so the port is one that is free here).
mkdir -p "$root/etc/systemd/system/vitrin-server.service.d"
printf '[Service]\nEnvironment=VITRIN_BIND=127.0.0.1:%s\n' "$port" \
    > "$root/etc/systemd/system/vitrin-server.service.d/port.conf"

step "boot it (systemd-nspawn)"
# The kiosk unit takes tty1, which every real machine has and a container has not: this
# machine's is lent to it (nothing draws on it: the unit's start check stops first).
[ -c /dev/tty1 ] || fail "this machine has no /dev/tty1 to lend the container"
systemd-nspawn --quiet --register=no --keep-unit --boot --directory "$root" \
    --bind /dev/tty1 --bind "$cache/apt-archives:/var/cache/apt/archives" \
    > "$work/console.log" 2>&1 &
nspawn=$!
cleanup() {
    kill "$nspawn" 2> /dev/null || true
    wait "$nspawn" 2> /dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT
init=""
for _ in $(seq 1 100); do
    init="$(pgrep -P "$nspawn" | head -n 1 || true)"
    [ -n "$init" ] && break
    sleep 0.1
done
[ -n "$init" ] || fail "the container did not start: $(cat "$work/console.log")"
inside() { nsenter --target "$init" --mount --uts --ipc --pid -- "$@"; }
for _ in $(seq 1 120); do
    state="$(inside systemctl is-system-running 2> /dev/null || true)"
    case "$state" in running|degraded) break ;; esac
    sleep 0.5
done
echo "container: $state"

healthz() {
    for _ in $(seq 1 100); do
        curl -fsS "$base/healthz" 2> /dev/null && return 0
        sleep 0.2
    done
    inside journalctl -u vitrin-server --no-pager | tail -n 30
    fail "the server does not answer /healthz on $base"
}

step "apt install ./vitrin-server_*.deb ./vitrin-player_*.deb"
inside apt-get update -q > /dev/null
inside env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
    $(debs) > "$work/install.log" \
    || { tail -n 40 "$work/install.log"; fail "apt could not install the packages"; }
healthz
echo
[ "$(inside systemctl is-enabled vitrin-server)" = enabled ] || fail "vitrin-server is not enabled"
[ "$(inside systemctl show -P User vitrin-server)" = vitrin ] || fail "the server's user is not vitrin"
[ "$(inside systemctl show -P ProtectSystem vitrin-server)" = strict ] || fail "no ProtectSystem=strict"
main_pid="$(inside systemctl show -P MainPID vitrin-server)"
[ "$(inside ps -o user= -p "$main_pid")" = vitrin ] || fail "the server process does not run as vitrin"
[ "$(inside stat -c %U /var/lib/vitrin/vitrin.db)" = vitrin ] || fail "no database in /var/lib/vitrin"
[ "$(inside stat -c '%U:%G %a' /etc/vitrin/vitrin.toml)" = "root:vitrin 640" ] \
    || fail "/etc/vitrin/vitrin.toml must be root:vitrin 640"
inside systemd-analyze verify vitrin-server.service vitrin-player.service \
    || fail "systemd-analyze verify found problems in the installed units"
[ "$(inside systemctl is-enabled vitrin-player)" = disabled ] \
    || fail "the player must not start before vitrin-player-setup names its server"

step "an owner account, and a local setting"
curl -fsS -H 'content-type: application/json' \
    -d '{"organization":"Packaged café","name":"Owner","email":"owner@packaged.test","password":"a long packaged password"}' \
    "$base/api/v1/setup" > /dev/null
echo "# a local note that upgrades must keep" >> "$root/etc/vitrin/vitrin.toml"
cp "$root/etc/vitrin/vitrin.toml" "$work/vitrin.toml.before"

step "the player set up for this server, on a machine without a display"
# The settings are written and the unit enabled; its start check then fails, and says why.
if inside vitrin-player-setup --server "$base" 2> "$work/setup.err"; then
    fail "vitrin-player-setup succeeded on a machine without a display"
fi
cat "$work/setup.err"
grep -q "no display: /dev/dri has no card device" "$work/setup.err" \
    || fail "vitrin-player-setup does not say that there is no display"
grep -qx "VITRIN_SERVER=\"$base\"" "$root/etc/vitrin/player.conf" || fail "player.conf does not name the server"
[ "$(inside systemctl is-enabled vitrin-player)" = enabled ] || fail "setup did not enable the player"
inside journalctl -u vitrin-player --no-pager | grep -q "no display: /dev/dri has no card device" \
    || fail "the player's journal does not say that there is no display"
inside systemctl disable --now vitrin-player > /dev/null 2>&1

step "upgrade to revision 2"
inside env DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
    $(debs upgrade/) > "$work/upgrade.log" \
    || { tail -n 40 "$work/upgrade.log"; fail "the upgrade failed"; }
inside dpkg-query -W -f '${Version}\n' vitrin-server | grep -q -- '-2$' || fail "not upgraded"
healthz
echo
cmp "$work/vitrin.toml.before" "$root/etc/vitrin/vitrin.toml" || fail "the upgrade changed vitrin.toml"
grep -qx "VITRIN_SERVER=\"$base\"" "$root/etc/vitrin/player.conf" || fail "the upgrade lost player.conf"
curl -fsS -o /dev/null -H 'content-type: application/json' \
    -d '{"email":"owner@packaged.test","password":"a long packaged password"}' \
    "$base/api/v1/auth/login" || fail "the account made before the upgrade cannot sign in"

step "purge"
inside env DEBIAN_FRONTEND=noninteractive apt-get purge -y -q vitrin-server vitrin-player \
    > "$work/purge.log" || { tail -n 40 "$work/purge.log"; fail "purge failed"; }
for gone in /var/lib/vitrin /var/lib/vitrin-player /etc/vitrin /usr/bin/vitrin-server; do
    [ ! -e "$root$gone" ] || fail "$gone is still there after purge"
done
if curl -fsS "$base/healthz" > /dev/null 2>&1; then
    fail "the server still answers after purge"
fi
echo "packages: built, linted, installed, upgraded and purged"
