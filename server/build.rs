//! Builds the browser player (`web/`, wasm32) and its JavaScript glue into `$OUT_DIR/web-player`,
//! so the server binary serves it at `/play/` with nothing to download at run time and no Node
//! toolchain: cargo builds the wasm in its own target directory (the outer build holds the
//! lock of the usual one), wasm-bindgen's library writes the glue.
//!
//! Without the wasm32 target (`rustup target add wasm32-unknown-unknown`) the server still
//! builds, warns, and answers `/play/` with 503 and that instruction; under `CI` that is an
//! error instead, so no test run passes without the real player.

use std::env;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

const TARGET: &str = "wasm32-unknown-unknown";
/// Why the bundle is missing; empty when it was built (`web::play` reads it).
const MISSING: &str = "missing-or-empty.txt";

fn main() {
    let server = PathBuf::from(env::var("CARGO_MANIFEST_DIR").expect("cargo sets it"));
    let root = server
        .parent()
        .expect("the server is a workspace member")
        .to_owned();
    let out = PathBuf::from(env::var("OUT_DIR").expect("cargo sets it"));
    for watched in [
        "web/src",
        "web/static",
        "web/Cargo.toml",
        "render/src",
        "render/assets",
        "render/Cargo.toml",
        "shared/src",
        "shared/Cargo.toml",
        "Cargo.lock",
        ".cargo/config.toml",
    ] {
        // Relative to this package, not absolute: two checkouts sharing a target directory
        // have the same build-script fingerprint, and absolute paths recorded by one would
        // leave the other's changes unseen (and its bundle stale).
        println!("cargo:rerun-if-changed=../{watched}");
    }
    println!("cargo:rerun-if-env-changed=VITRIN_WEB_PLAYER");
    let bundle = out.join("web-player");
    std::fs::create_dir_all(&bundle).expect("OUT_DIR is writable");
    let result = if env::var("VITRIN_WEB_PLAYER").as_deref() == Ok("skip") {
        Err("VITRIN_WEB_PLAYER=skip".to_owned())
    } else {
        build(&root, &out, &bundle)
    };
    if let Err(why) = result {
        if env::var_os("CI").is_some() {
            panic!("the browser player (/play/) could not be built: {why}");
        }
        println!(
            "cargo:warning=the browser player (/play/) is not built ({why}); \
             `rustup target add {TARGET}` and build again"
        );
        for name in ["app.js", "app_bg.wasm", "app.js.gz", "app_bg.wasm.gz"] {
            std::fs::write(bundle.join(name), b"").expect("OUT_DIR is writable");
        }
        std::fs::write(bundle.join(MISSING), why).expect("OUT_DIR is writable");
    } else {
        std::fs::write(bundle.join(MISSING), b"").expect("OUT_DIR is writable");
    }
}

/// The usual target directory: `OUT_DIR` is `<target>/<profile>/build/<crate>-<hash>/out`.
fn target_dir(out: &Path) -> PathBuf {
    out.ancestors()
        .find(|p| p.file_name().is_some_and(|n| n == "build"))
        .and_then(|build| build.parent()?.parent())
        .map_or_else(|| out.join("web-target"), Path::to_owned)
}

fn build(root: &Path, out: &Path, bundle: &Path) -> Result<(), String> {
    let wasm_target = target_dir(out).join("web-player");
    let cargo = env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let mut command = Command::new(cargo);
    command
        .current_dir(root)
        .args(["build", "--package", "vitrin-web-player", "--lib"])
        .args(["--target", TARGET, "--profile", "web-player"])
        .arg("--target-dir")
        .arg(&wasm_target);
    // The outer build's settings are for the host, not for wasm32.
    for (name, _) in env::vars_os() {
        let name = name.to_string_lossy();
        if name.starts_with("CARGO_ENCODED_RUSTFLAGS")
            || name == "RUSTFLAGS"
            || name == "CARGO_TARGET_DIR"
            || name == "CARGO_BUILD_TARGET"
            || name.starts_with("CARGO_PROFILE_")
            || name == "RUSTC_WORKSPACE_WRAPPER"
        {
            command.env_remove(name.as_ref());
        }
    }
    let status = command
        .status()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    if !status.success() {
        return Err(format!(
            "cargo build --target {TARGET} failed ({status}); is the target installed?"
        ));
    }
    let wasm = wasm_target
        .join(TARGET)
        .join("web-player")
        .join("vitrin_web_player.wasm");
    wasm_bindgen_cli_support::Bindgen::new()
        .input_path(&wasm)
        .web(true)
        .map_err(|e| e.to_string())?
        .typescript(false)
        // Function names are for debuggers: 1.4 MB of the 9.7 MB a screen downloads.
        .remove_name_section(true)
        .remove_producers_section(true)
        .out_name("app")
        .generate(bundle)
        .map_err(|e| format!("wasm-bindgen: {e}"))?;
    // Every browser takes gzip: the wasm shrinks to about a third on the wire.
    for name in ["app.js", "app_bg.wasm"] {
        let bytes = std::fs::read(bundle.join(name)).map_err(|e| e.to_string())?;
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        gz.write_all(&bytes).map_err(|e| e.to_string())?;
        let gz = gz.finish().map_err(|e| e.to_string())?;
        std::fs::write(bundle.join(format!("{name}.gz")), gz).map_err(|e| e.to_string())?;
    }
    Ok(())
}
