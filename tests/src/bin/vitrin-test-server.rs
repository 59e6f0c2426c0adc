//! The `vitrin-server` program, built inside this crate so its tests can start (and kill) a
//! real server process by `CARGO_BIN_EXE_vitrin-test-server`.

#[global_allocator]
static ALLOCATOR: vitrin_server::Allocator = vitrin_server::Allocator;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    vitrin_server::main().await
}
