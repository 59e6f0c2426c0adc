//! The `vitrin-server` program, built inside this crate so its tests can start (and kill) a
//! real server process by `CARGO_BIN_EXE_vitrin-test-server`.

#[tokio::main]
async fn main() -> std::process::ExitCode {
    vitrin_server::main().await
}
