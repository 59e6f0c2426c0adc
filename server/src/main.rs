//! `vitrin-server`: everything is in `vitrin_server::main`, so test harnesses can build the
//! very same program.

#[global_allocator]
static ALLOCATOR: vitrin_server::Allocator = vitrin_server::Allocator;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    vitrin_server::main().await
}
