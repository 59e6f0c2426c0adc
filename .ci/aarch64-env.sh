# Cross-compiling for 64-bit ARM (Raspberry Pi OS and other arm64 Debians), sourced by .ci/run:
#   . .ci/aarch64-env.sh
# Needs (from Debian, installed by .ci/run): gcc-aarch64-linux-gnu, libc6-dev-arm64-cross,
# qemu-user, and the arm64 GStreamer libraries through multiarch (libgstreamer1.0-dev:arm64,
# libgstreamer-plugins-base1.0-0:arm64).
#
# libgstreamer-plugins-base1.0-dev is not Multi-Arch: its arm64 build would uninstall the
# amd64 one the native player links against. Only its pkg-config files and unversioned .so
# links are needed to link, so they are unpacked from the arm64 package into an overlay next to
# the build, with the links pointing at the arm64 libraries multiarch installed.

AARCH64_TARGET=aarch64-unknown-linux-gnu
AARCH64_OVERLAY="${AARCH64_OVERLAY:-/var/cache/vitrin-arm64}"

aarch64_overlay() {
    local lib="$AARCH64_OVERLAY/root/usr/lib/aarch64-linux-gnu"
    [ -f "$lib/pkgconfig/gstreamer-video-1.0.pc" ] && return 0
    mkdir -p "$AARCH64_OVERLAY"
    (
        cd "$AARCH64_OVERLAY"
        rm -rf root ./*.deb
        # apt's sandbox user cannot write to root's directories: download as root on purpose.
        apt-get download -o APT::Sandbox::User=root libgstreamer-plugins-base1.0-dev:arm64
        dpkg -x ./libgstreamer-plugins-base1.0-dev_*_arm64.deb root
    )
    local link
    for link in "$lib"/*.so; do
        ln -sf "/usr/lib/aarch64-linux-gnu/$(readlink "$link")" "$link"
    done
}
aarch64_overlay

export CARGO_TARGET_AARCH64_UNKNOWN_LINUX_GNU_LINKER=aarch64-linux-gnu-gcc
export CARGO_TARGET_AARCH64_UNKNOWN_LINUX_GNU_RUSTFLAGS="-L native=$AARCH64_OVERLAY/root/usr/lib/aarch64-linux-gnu"
# Test binaries of the arm64 target run under user-mode emulation; the arm64 loader and
# libraries are where multiarch put them (/lib/ld-linux-aarch64.so.1, /usr/lib/aarch64-linux-gnu).
export CARGO_TARGET_AARCH64_UNKNOWN_LINUX_GNU_RUNNER=qemu-aarch64
export CC_aarch64_unknown_linux_gnu=aarch64-linux-gnu-gcc
export PKG_CONFIG_ALLOW_CROSS=1
export PKG_CONFIG_LIBDIR_aarch64_unknown_linux_gnu="$AARCH64_OVERLAY/root/usr/lib/aarch64-linux-gnu/pkgconfig:/usr/lib/aarch64-linux-gnu/pkgconfig:/usr/share/pkgconfig"
