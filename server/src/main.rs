//! `tandem serve | migrate | seed`.

// Many small, short-lived allocations on every request across worker and database threads:
// mimalloc's per-thread heaps serve them with less locking than the system allocator.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    server::cli::run().await
}
