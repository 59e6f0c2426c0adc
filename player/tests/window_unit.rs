//! What the player's Debian package ships around the binary: the kiosk unit passes
//! `systemd-analyze verify`, `vitrin-player-setup` checks its arguments before it changes
//! anything, and a screen that cannot show anything says why, in words, in the journal (the
//! unit's start check) or on stderr (the binary itself). The package as a whole is installed
//! into a clean Debian root by `.ci/packages.sh`.

mod support;

use std::os::unix::fs::PermissionsExt;
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Command, Output};

use support::{have, start_xvfb};

const DIST: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/dist");

#[test]
fn the_unit_passes_systemd_analyze_verify() {
    let unit = include_str!("../dist/vitrin-player.service");
    for key in [
        "Type=notify",
        "WatchdogSec=",
        "Restart=always",
        "NotifyAccess=all",
        "User=vitrin-player",
        "EnvironmentFile=/etc/vitrin/player.conf",
        "ExecStartPre=/usr/lib/vitrin-player/preflight",
        "ExecStart=/usr/bin/cage -d -s -- /usr/bin/vitrin-player --data-dir /var/lib/vitrin-player",
    ] {
        assert!(unit.contains(key), "the unit lacks {key}");
    }
    if !have("systemd-analyze", "--version") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("vitrin-player.service");
    std::fs::write(&path, unit).unwrap();
    let output = Command::new("systemd-analyze")
        .arg("verify")
        .arg(&path)
        .output()
        .unwrap();
    // Programs the package and its dependencies install may be missing on a build machine;
    // nothing else may be wrong. (Installed, the unit is verified in the clean root.)
    let installed_later = ["/usr/bin/cage", "/usr/lib/vitrin-player/preflight"];
    let complaints: Vec<String> = String::from_utf8_lossy(&output.stderr)
        .lines()
        .filter(|line| {
            !installed_later.iter().any(|program| {
                !Path::new(program).exists()
                    && line.contains(&format!("{program} is not executable"))
            })
        })
        .map(str::to_owned)
        .collect();
    assert!(
        complaints.is_empty(),
        "systemd-analyze verify: {complaints:#?}"
    );
}

/// Runs `command` as `nobody` when the test runs as root, so no script under test can change
/// this machine.
fn unprivileged(command: &mut Command) -> Output {
    if unsafe { libc::geteuid() } == 0 {
        command.uid(65534).gid(65534);
    }
    command.output().unwrap()
}

/// vitrin-player-setup takes https addresses (with a pin) and a CA file, and refuses what the
/// environment file could not carry, before it changes anything on the machine.
#[test]
fn setup_checks_its_arguments_first() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    let ca = dir.path().join("ca.pem");
    std::fs::write(
        &ca,
        "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n",
    )
    .unwrap();
    let not_pem = dir.path().join("not.pem");
    std::fs::write(&not_pem, "hello").unwrap();
    let run = |args: &[&str]| {
        let output = unprivileged(
            Command::new("sh")
                .arg(format!("{DIST}/vitrin-player-setup"))
                .args(args),
        );
        (
            output.status.code(),
            String::from_utf8_lossy(&output.stderr).into_owned(),
        )
    };
    let pinned = "https://10.0.0.5:8443#pin=sha256//47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=";
    let ca = ca.to_str().unwrap();
    for accepted in [
        vec!["--server", pinned],
        vec!["--server", "https://signage.example", "--ca-file", ca],
        vec!["--server", "http://10.0.0.5:8080"],
    ] {
        // Valid: the script gets as far as its root check.
        let (code, stderr) = run(&accepted);
        assert_eq!(code, Some(1), "{accepted:?}: {stderr}");
        assert!(stderr.contains("run as root"), "{accepted:?}: {stderr}");
    }
    for (refused, why) in [
        (vec![], "--server URL is required"),
        (
            vec!["--server", "ftp://x"],
            "must start with https:// or http://",
        ),
        (vec!["--server", "https://x/a b"], "must not contain"),
        (vec!["--server", "https://x/$HOME"], "must not contain"),
        (
            vec!["--server", "https://x", "--ca-file", "/nonexistent.pem"],
            "cannot read the CA file",
        ),
        (
            vec![
                "--server",
                "https://x",
                "--ca-file",
                not_pem.to_str().unwrap(),
            ],
            "no PEM certificate",
        ),
    ] {
        let (code, stderr) = run(&refused);
        assert_eq!(code, Some(2), "{refused:?}: {stderr}");
        assert!(stderr.contains(why), "{refused:?}: {stderr}");
    }
}

/// The unit's start check names what is missing: the server setting, the compositor, a
/// display driver. Run with a stand-in `cage` and stand-in /dev/dri folders.
#[test]
fn the_start_check_says_why_a_screen_would_stay_black() {
    let dir = tempfile::tempdir().unwrap();
    let bin = dir.path().join("bin");
    std::fs::create_dir(&bin).unwrap();
    for tool in ["ls", "id", "sh"] {
        let found = ["/usr/bin", "/bin"]
            .iter()
            .map(|d| Path::new(d).join(tool))
            .find(|p| p.exists())
            .unwrap();
        std::os::unix::fs::symlink(found, bin.join(tool)).unwrap();
    }
    let check = |server: Option<&str>, dri: &Path| {
        let mut command = Command::new("/bin/sh");
        command
            .arg(format!("{DIST}/preflight"))
            .env_clear()
            .env("PATH", &bin)
            .env("VITRIN_DRI_DIR", dri);
        if let Some(server) = server {
            command.env("VITRIN_SERVER", server);
        }
        let output = command.output().unwrap();
        (
            output.status.success(),
            String::from_utf8_lossy(&output.stderr).into_owned(),
        )
    };
    let no_dri = dir.path().join("no-dri");
    std::fs::create_dir(&no_dri).unwrap();

    let (ok, stderr) = check(None, &no_dri);
    assert!(!ok);
    assert!(stderr.contains("no server configured"), "{stderr}");
    assert!(stderr.contains("vitrin-player-setup --server"), "{stderr}");

    let (ok, stderr) = check(Some("http://10.0.0.5:8080"), &no_dri);
    assert!(!ok);
    assert!(
        stderr.contains("cage, the kiosk compositor, is not installed"),
        "{stderr}"
    );

    let cage = bin.join("cage");
    std::fs::write(&cage, "#!/bin/sh\n").unwrap();
    std::fs::set_permissions(&cage, std::fs::Permissions::from_mode(0o755)).unwrap();
    let (ok, stderr) = check(Some("http://10.0.0.5:8080"), &no_dri);
    assert!(!ok);
    assert!(
        stderr.contains(&format!(
            "no display: {} has no card device",
            no_dri.display()
        )),
        "{stderr}"
    );
    assert!(stderr.contains("dtoverlay=vc4-kms-v3d"), "{stderr}");

    let dri = dir.path().join("dri");
    std::fs::create_dir(&dri).unwrap();
    std::fs::write(dri.join("card0"), "").unwrap();
    let (ok, stderr) = check(Some("http://10.0.0.5:8080"), &dri);
    assert!(ok, "a server, cage and a usable card: {stderr}");

    // A card the service's user may not open (not in the video and render groups).
    std::fs::set_permissions(dri.join("card0"), std::fs::Permissions::from_mode(0o000)).unwrap();
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    let output = unprivileged(
        Command::new("/bin/sh")
            .arg(format!("{DIST}/preflight"))
            .env_clear()
            .env("PATH", &bin)
            .env("VITRIN_DRI_DIR", &dri)
            .env("VITRIN_SERVER", "http://10.0.0.5:8080"),
    );
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success());
    assert!(stderr.contains("no access to the display"), "{stderr}");
    assert!(stderr.contains("video and render groups"), "{stderr}");
}

/// The window build of the player, for a server that is not there, with no display server
/// and no server setting from the environment; callers add the environment under test.
fn player_without_a_server(data_dir: &Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_vitrin-player"));
    command
        .args(["--server", "http://127.0.0.1:9", "--data-dir"])
        .arg(data_dir)
        .env_remove("DISPLAY")
        .env_remove("WAYLAND_DISPLAY")
        .env_remove("WAYLAND_SOCKET")
        .env_remove("VITRIN_SERVER");
    command
}

/// What `command` wrote to stderr, failing the test unless it failed.
fn stderr_of_failure(command: &mut Command) -> String {
    let output = command.output().unwrap();
    assert!(!output.status.success());
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// Started without any display server (a kiosk whose compositor is not running), the
/// window build says so instead of winit's bare error, and stops.
#[test]
fn the_player_without_a_display_server_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let stderr = stderr_of_failure(&mut player_without_a_server(&dir.path().join("player")));
    assert!(
        stderr.contains("no display server: neither WAYLAND_DISPLAY nor DISPLAY is set"),
        "{stderr}"
    );
    assert!(stderr.contains("--headless"), "{stderr}");
}

/// On a display whose GPU has no usable driver, the player names the driver packages instead
/// of the graphics library's error alone: with its default OpenGL renderer (here Mesa cannot
/// load any driver) and with `--renderer wgpu` (here Vulkan is the only backend and has no
/// driver).
#[test]
fn the_player_without_a_gpu_driver_says_so() {
    if !have("Xvfb", "-help") {
        return;
    }
    let (_xvfb, display) = start_xvfb(640, 360);
    let dir = tempfile::tempdir().unwrap();
    let without_gl = stderr_of_failure(
        player_without_a_server(&dir.path().join("gl"))
            .arg("--windowed")
            .env("DISPLAY", &display)
            .env("LIBGL_DRIVERS_PATH", "/nonexistent"),
    );
    assert!(
        without_gl.contains("no GPU driver can draw the window"),
        "{without_gl}"
    );
    assert!(without_gl.contains("libgl1-mesa-dri"), "{without_gl}");
    let without_vulkan = stderr_of_failure(
        player_without_a_server(&dir.path().join("wgpu"))
            .args(["--windowed", "--renderer", "wgpu"])
            .env("DISPLAY", &display)
            .env("WGPU_BACKEND", "vulkan")
            .env("VK_ICD_FILENAMES", "/nonexistent/icd.json")
            .env("VK_DRIVER_FILES", "/nonexistent/icd.json"),
    );
    assert!(
        without_vulkan.contains("no GPU driver can draw the window"),
        "{without_vulkan}"
    );
    assert!(
        without_vulkan.contains("mesa-vulkan-drivers"),
        "{without_vulkan}"
    );
}
