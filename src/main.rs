//! The `tidings` binary: parses arguments, sets up logging and calls the library crates.

mod cli;
mod cmd;

fn main() -> std::process::ExitCode {
    let cli = match cli::Cli::read() {
        Ok(cli) => cli,
        Err(e) => {
            eprintln!("error: {e:#}");
            return std::process::ExitCode::from(2);
        }
    };
    cli::init_logging(&cli);
    // Only aws-lc-rs is in the tree; installing it explicitly guards against a future dependency
    // enabling a second provider, which would make rustls panic at the first handshake.
    let _ = rustls::crypto::aws_lc_rs::default_provider().install_default();
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: could not start the async runtime: {e}");
            return std::process::ExitCode::FAILURE;
        }
    };
    match runtime.block_on(cmd::run(cli)) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
