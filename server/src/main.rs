//! `tandem serve | migrate | seed`.
#[tokio::main]
async fn main() -> std::process::ExitCode {
    server::cli::run().await
}
