//! The shipped systemd unit passes `systemd-analyze verify` once install.sh fills it in.

use std::path::Path;
use std::process::Command;

#[test]
fn the_unit_passes_systemd_analyze_verify() {
    let unit = include_str!("../dist/vitrin-player.service");
    for key in [
        "Type=notify",
        "WatchdogSec=",
        "Restart=always",
        "NotifyAccess=all",
        "/usr/bin/cage",
    ] {
        assert!(unit.contains(key), "the unit lacks {key}");
    }
    if Command::new("systemd-analyze")
        .arg("--version")
        .output()
        .is_err()
    {
        assert!(
            std::env::var_os("CI").is_none(),
            "systemd-analyze is required in CI"
        );
        eprintln!("notice: systemd-analyze not found; skipping the verify step");
        return;
    }
    // What install.sh fills in.
    let dir = tempfile::tempdir().unwrap();
    let filled = unit
        .replace("@USER@", "root")
        // An https address with a key pin, as install.sh accepts it.
        .replace(
            "@SERVER@",
            "https://10.0.0.5:8443#pin=sha256//47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=",
        )
        .replace("@BINDIR@", "/usr/local/bin")
        .replace("@DATADIR@", "/var/lib/vitrin-player");
    let path = dir.path().join("vitrin-player.service");
    std::fs::write(&path, filled).unwrap();
    let output = Command::new("systemd-analyze")
        .arg("verify")
        .arg(&path)
        .output()
        .unwrap();
    let cage_installed = Path::new("/usr/bin/cage").exists();
    let complaints: Vec<String> = String::from_utf8_lossy(&output.stderr)
        .lines()
        // Only the compositor may be missing on a build machine; nothing else may be wrong.
        .filter(|l| cage_installed || !l.contains("/usr/bin/cage is not executable"))
        .map(str::to_owned)
        .collect();
    assert!(
        complaints.is_empty(),
        "systemd-analyze verify: {complaints:#?}"
    );
    if cage_installed {
        assert!(output.status.success());
    }
}

/// install.sh takes https addresses (with a pin) and a CA file, and refuses what the unit
/// could not carry, before it changes anything on the machine.
#[test]
fn install_sh_checks_its_arguments_first() {
    let dir = tempfile::tempdir().unwrap();
    let ca = dir.path().join("ca.pem");
    std::fs::write(
        &ca,
        "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n",
    )
    .unwrap();
    let not_pem = dir.path().join("not.pem");
    std::fs::write(&not_pem, "hello").unwrap();
    let run = |args: &[&str]| {
        // A binary that does not exist: the script stops there at the latest (as root) or at
        // its root check (otherwise), never reaching apt-get or systemctl.
        let output = Command::new("sh")
            .arg(concat!(env!("CARGO_MANIFEST_DIR"), "/dist/install.sh"))
            .args(args)
            .args(["--binary", "/nonexistent/vitrin-player"])
            .output()
            .unwrap();
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
        let (code, stderr) = run(&accepted);
        assert_eq!(code, Some(1), "{accepted:?}: {stderr}");
        assert!(
            stderr.contains("run as root") || stderr.contains("no player binary"),
            "{accepted:?}: {stderr}"
        );
    }
    for (refused, why) in [
        (
            vec!["--server", "ftp://x"],
            "must start with https:// or http://",
        ),
        (vec!["--server", "https://x/a b"], "must not contain"),
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
