//! Switching the panel on and off, and keeping it on: the one place that knows how.
//!
//! At start the player looks once for a way to switch its panel: the Wayland output's power
//! through `wlr-randr` (under cage), else X11's DPMS through `xset`, and besides either the TV
//! itself over HDMI-CEC through `cec-ctl` when there is a CEC device. Without any, the panel
//! stays lit and the window shows black while the store is closed (`PowerControl::BlackScreen`).
//!
//! Switching runs on a thread of its own, in order, so the UI thread never waits for a
//! command (`cec-ctl` may take seconds for a TV to answer), and only when the wanted state
//! changes. X11 blanks a screen after ten minutes by default: the same thread first turns
//! that off (`xset s off -dpms s noblank`) and keeps DPMS disabled while the panel is on, so
//! the panel never goes dark by itself, only when the store closes.

use std::ffi::{OsStr, OsString};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use vitrin_shared::events::PowerControl;

/// Overrides the HDMI-CEC device (`/dev/cec0`): a board with several, or a test.
pub const CEC_DEVICE_ENV: &str = "VITRIN_CEC_DEVICE";
const CEC_DEVICE: &str = "/dev/cec0";
/// A switching command that has not finished by then is killed and counts as failed.
const COMMAND_TIMEOUT: Duration = Duration::from_secs(15);

/// The program that switches the display's power.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Display {
    /// `wlr-randr` at this path: a wlroots compositor's output (cage).
    WlrRandr(PathBuf),
    /// `xset` at this path: the X server's DPMS.
    Xset(PathBuf),
}

/// The ways this player has to switch its panel.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Controls {
    pub display: Option<Display>,
    /// `cec-ctl` and the CEC device it speaks through, used together with `display`.
    pub cec: Option<(PathBuf, PathBuf)>,
}

/// What detection looks at: the process environment, or a test's.
#[derive(Debug, Clone)]
pub struct Environment {
    /// The `PATH` to find the programs on.
    pub path: Option<OsString>,
    /// `WAYLAND_DISPLAY` is set.
    pub wayland: bool,
    /// `DISPLAY` is set.
    pub x11: bool,
    pub cec_device: PathBuf,
}

impl Environment {
    pub fn current() -> Environment {
        let set = |name: &str| std::env::var_os(name).is_some_and(|v| !v.is_empty());
        Environment {
            path: std::env::var_os("PATH"),
            wayland: set("WAYLAND_DISPLAY"),
            x11: set("DISPLAY"),
            cec_device: std::env::var_os(CEC_DEVICE_ENV)
                .filter(|v| !v.is_empty())
                .map_or_else(|| PathBuf::from(CEC_DEVICE), PathBuf::from),
        }
    }
}

impl Controls {
    /// Looks once for the programs (and the CEC device). Without a display server there is
    /// nothing to switch and nothing is ever run.
    pub fn detect(env: &Environment) -> Controls {
        if !env.wayland && !env.x11 {
            return Controls::default();
        }
        let find = |name: &str| find_program(env.path.as_deref(), name);
        let wlr = env.wayland.then(|| find("wlr-randr")).flatten();
        let xset = env.x11.then(|| find("xset")).flatten();
        let display = wlr.map(Display::WlrRandr).or(xset.map(Display::Xset));
        let cec = find("cec-ctl")
            .filter(|_| env.cec_device.exists())
            .map(|program| (program, env.cec_device.clone()));
        Controls { display, cec }
    }

    /// How the panel is switched, as the heartbeat says it: by the display command when
    /// there is one (CEC may go with it), else by CEC, else not at all.
    pub fn control(&self) -> PowerControl {
        match (&self.display, &self.cec) {
            (Some(Display::WlrRandr(_)), _) => PowerControl::WlrRandr,
            (Some(Display::Xset(_)), _) => PowerControl::Xset,
            (None, Some(_)) => PowerControl::Cec,
            (None, None) => PowerControl::BlackScreen,
        }
    }

    /// Stops X11 from blanking the screen by itself.
    fn keep_on(&self) -> Result<(), String> {
        match &self.display {
            Some(Display::Xset(xset)) => run(xset, &["s", "off", "-dpms", "s", "noblank"]),
            _ => Ok(()),
        }
    }

    /// Turns the panel on (the TV first, it takes longest) or off (the TV last); every
    /// failure is said, the other command is run all the same.
    fn switch(&self, on: bool) -> Result<(), String> {
        let mut failures = Vec::new();
        if on && let Err(e) = self.switch_cec(on) {
            failures.push(e);
        }
        if let Err(e) = self.switch_display(on) {
            failures.push(e);
        }
        if !on && let Err(e) = self.switch_cec(on) {
            failures.push(e);
        }
        if failures.is_empty() {
            Ok(())
        } else {
            Err(failures.join("; "))
        }
    }

    fn switch_display(&self, on: bool) -> Result<(), String> {
        match &self.display {
            None => Ok(()),
            Some(Display::Xset(xset)) if on => {
                run(xset, &["dpms", "force", "on"])?;
                // Disabled again, so that it never blanks by itself.
                run(xset, &["-dpms"])
            }
            Some(Display::Xset(xset)) => {
                // Blanking is disabled while playing: DPMS must be on to force it off.
                run(xset, &["+dpms"])?;
                run(xset, &["dpms", "force", "off"])
            }
            Some(Display::WlrRandr(wlr)) => {
                let listing = output(wlr, &[])?;
                let name = first_wlr_output(&listing).ok_or("wlr-randr lists no output")?;
                run(wlr, &["--output", name, if on { "--on" } else { "--off" }])
            }
        }
    }

    fn switch_cec(&self, on: bool) -> Result<(), String> {
        let Some((cec_ctl, device)) = &self.cec else {
            return Ok(());
        };
        let device = device.to_string_lossy();
        let message = if on { "--image-view-on" } else { "--standby" };
        run(cec_ctl, &["-d", &device, "--to", "0", message])
    }
}

/// The first output `wlr-randr` lists: outputs are the lines that do not start with white
/// space (`HDMI-A-1 "Samsung …"`), their modes and properties are indented below them.
pub fn first_wlr_output(listing: &str) -> Option<&str> {
    listing
        .lines()
        .find(|l| !l.starts_with(char::is_whitespace) && !l.is_empty())
        .and_then(|l| l.split_whitespace().next())
}

/// `name` in a directory of `path`, if it is an executable file there.
pub fn find_program(path: Option<&OsStr>, name: &str) -> Option<PathBuf> {
    use std::os::unix::fs::PermissionsExt;
    std::env::split_paths(path?)
        .filter(|dir| !dir.as_os_str().is_empty())
        .map(|dir| dir.join(name))
        .find(|candidate| {
            std::fs::metadata(candidate)
                .is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
        })
}

/// Switches the panel from its own thread; asking costs the caller nothing.
pub struct PowerSwitch {
    control: PowerControl,
    /// The states wanted, for the switching thread; `None`: nothing is ever run.
    wanted: Option<mpsc::Sender<bool>>,
}

impl Default for PowerSwitch {
    /// No way to switch: headless, or a window that is not a kiosk.
    fn default() -> Self {
        PowerSwitch {
            control: PowerControl::BlackScreen,
            wanted: None,
        }
    }
}

impl PowerSwitch {
    /// Starts switching with `controls`; `failed` hears of every switch that failed (one
    /// message per change of state). Says once how the panel will be switched, and warns when
    /// it cannot be.
    pub fn start(controls: Controls, failed: impl Fn(String) + Send + 'static) -> PowerSwitch {
        let control = controls.control();
        if control == PowerControl::BlackScreen {
            tracing::warn!(
                "no power control (no wlr-randr under Wayland, no xset under X11, no cec-ctl \
                 with a CEC device): the panel stays lit and shows black outside opening hours"
            );
            return PowerSwitch::default();
        }
        tracing::info!(
            ?control,
            cec = controls.cec.is_some(),
            "the panel is switched off outside opening hours"
        );
        let (tx, rx) = mpsc::channel::<bool>();
        let spawned = std::thread::Builder::new()
            .name("vitrin-power".into())
            .spawn(move || {
                if let Err(e) = controls.keep_on() {
                    tracing::info!("cannot turn screen blanking off: {e}");
                }
                while let Ok(first) = rx.recv() {
                    // Only the latest wish counts when several queued up meanwhile.
                    let on = rx.try_iter().last().unwrap_or(first);
                    match controls.switch(on) {
                        Ok(()) => tracing::info!(on, "panel switched"),
                        Err(e) => {
                            let state = if on { "on" } else { "off" };
                            failed(format!("cannot turn the panel {state}: {e}"));
                        }
                    }
                }
            });
        match spawned {
            Ok(_) => PowerSwitch {
                control,
                wanted: Some(tx),
            },
            Err(e) => {
                tracing::warn!("cannot start the power thread: {e}; the panel shows black");
                PowerSwitch::default()
            }
        }
    }

    /// How the panel is switched.
    pub fn control(&self) -> PowerControl {
        self.control
    }

    /// Asks for the panel on or off; returns at once. Call it when the wanted state changes.
    pub fn set(&self, on: bool) {
        if let Some(wanted) = &self.wanted {
            let _ = wanted.send(on);
        }
    }
}

/// Runs `program` to its end (at most `COMMAND_TIMEOUT`); its stdout when it succeeds.
fn output(program: &Path, args: &[&str]) -> Result<String, String> {
    let shown = || {
        let name = program.file_name().unwrap_or(program.as_os_str());
        format!("{} {}", name.to_string_lossy(), args.join(" "))
            .trim_end()
            .to_owned()
    };
    let mut child = Command::new(program)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("{}: {e}", shown()))?;
    // Read while it runs, so that a chatty program never blocks on a full pipe.
    let mut stdout = child.stdout.take().expect("piped");
    let mut stderr = child.stderr.take().expect("piped");
    let out = std::thread::spawn(move || {
        let mut text = String::new();
        let _ = stdout.read_to_string(&mut text);
        text
    });
    let err = std::thread::spawn(move || {
        let mut text = String::new();
        let _ = stderr.read_to_string(&mut text);
        text
    });
    let deadline = Instant::now() + COMMAND_TIMEOUT;
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if Instant::now() < deadline => std::thread::sleep(Duration::from_millis(20)),
            Ok(None) => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(format!(
                    "{} did not finish within {COMMAND_TIMEOUT:?}",
                    shown()
                ));
            }
            Err(e) => return Err(format!("{}: {e}", shown())),
        }
    };
    let stdout = out.join().unwrap_or_default();
    let stderr = err.join().unwrap_or_default();
    if status.success() {
        Ok(stdout)
    } else {
        let said = stderr.trim();
        Err(if said.is_empty() {
            format!("{} failed: {status}", shown())
        } else {
            format!("{} failed: {status}: {said}", shown())
        })
    }
}

fn run(program: &Path, args: &[&str]) -> Result<(), String> {
    output(program, args).map(drop)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    /// A directory of stand-in programs that write their arguments to `<name>.log`.
    fn stand_ins(dir: &Path, names: &[&str]) -> PathBuf {
        let bin = dir.join(format!("bin-{}", names.join("-")));
        std::fs::create_dir_all(&bin).unwrap();
        for name in names {
            let program = bin.join(name);
            let log = dir.join(format!("{name}.log"));
            std::fs::write(
                &program,
                format!("#!/bin/sh\necho \"$*\" >> '{}'\n", log.display()),
            )
            .unwrap();
            std::fs::set_permissions(&program, std::fs::Permissions::from_mode(0o755)).unwrap();
        }
        bin
    }

    fn env(path: &[&Path], wayland: bool, x11: bool, cec_device: &Path) -> Environment {
        Environment {
            path: Some(std::env::join_paths(path).unwrap()),
            wayland,
            x11,
            cec_device: cec_device.to_owned(),
        }
    }

    #[test]
    fn detects_the_control_the_machine_has() {
        let dir = tempfile::tempdir().unwrap();
        let all = stand_ins(dir.path(), &["wlr-randr", "xset", "cec-ctl"]);
        let xset_only = stand_ins(dir.path(), &["xset"]);
        let cec_only = stand_ins(dir.path(), &["cec-ctl"]);
        let empty = dir.path().join("empty");
        std::fs::create_dir(&empty).unwrap();
        // Not executable: not a program.
        std::fs::write(empty.join("xset"), "#!/bin/sh\n").unwrap();
        let device = dir.path().join("cec0");
        std::fs::write(&device, "").unwrap();
        let no_device = dir.path().join("no-cec0");

        let detect = |env: Environment| {
            let controls = Controls::detect(&env);
            (controls.control(), controls.cec.is_some())
        };
        // Wayland (cage) first, with CEC besides.
        assert_eq!(
            detect(env(&[&all], true, true, &device)),
            (PowerControl::WlrRandr, true)
        );
        // X11: xset; no CEC device, no CEC.
        assert_eq!(
            detect(env(&[&all], false, true, &no_device)),
            (PowerControl::Xset, false)
        );
        // Wayland without wlr-randr, but an X display (Xwayland): xset.
        assert_eq!(
            detect(env(&[&empty, &xset_only], true, true, &no_device)),
            (PowerControl::Xset, false)
        );
        // Wayland without wlr-randr and no X: only the TV over CEC.
        assert_eq!(
            detect(env(&[&xset_only, &cec_only], true, false, &device)),
            (PowerControl::Cec, true)
        );
        // Nothing on PATH (a file that is not executable does not count): black screen.
        assert_eq!(
            detect(env(&[&empty], false, true, &device)),
            (PowerControl::BlackScreen, false)
        );
        // No display server at all: nothing is ever run, whatever is installed.
        assert_eq!(
            detect(env(&[&all], false, false, &device)),
            (PowerControl::BlackScreen, false)
        );
        assert_eq!(
            Controls::detect(&env(&[&all], false, false, &device)),
            Controls::default()
        );
    }

    #[test]
    fn switches_in_order_with_the_commands_each_control_wants() {
        let dir = tempfile::tempdir().unwrap();
        let bin = stand_ins(dir.path(), &["xset", "cec-ctl"]);
        let device = dir.path().join("cec0");
        std::fs::write(&device, "").unwrap();
        let controls = Controls::detect(&env(&[&bin], false, true, &device));
        controls.keep_on().unwrap();
        controls.switch(false).unwrap();
        controls.switch(true).unwrap();
        let log = |name: &str| std::fs::read_to_string(dir.path().join(name)).unwrap();
        assert_eq!(
            log("xset.log"),
            "s off -dpms s noblank\n+dpms\ndpms force off\ndpms force on\n-dpms\n"
        );
        let cec = format!("-d {}", device.display());
        assert_eq!(
            log("cec-ctl.log"),
            format!("{cec} --to 0 --standby\n{cec} --to 0 --image-view-on\n")
        );
    }

    #[test]
    fn a_failing_command_is_said() {
        let dir = tempfile::tempdir().unwrap();
        let xset = dir.path().join("xset");
        std::fs::write(
            &xset,
            "#!/bin/sh\necho 'unable to open display' >&2\nexit 1\n",
        )
        .unwrap();
        std::fs::set_permissions(&xset, std::fs::Permissions::from_mode(0o755)).unwrap();
        let controls = Controls {
            display: Some(Display::Xset(xset)),
            cec: None,
        };
        let error = controls.switch(false).unwrap_err();
        assert!(
            error.contains("xset +dpms failed") && error.contains("unable to open display"),
            "{error}"
        );
    }

    #[test]
    fn finds_the_first_wlr_randr_output() {
        let listing = "HDMI-A-1 \"Samsung Electric Company\"\n  Enabled: yes\n  Modes:\n    \
                       1920x1080 px\nDP-1 \"Other\"\n";
        assert_eq!(first_wlr_output(listing), Some("HDMI-A-1"));
        assert_eq!(first_wlr_output("\n  indented only\n"), None);
    }
}
