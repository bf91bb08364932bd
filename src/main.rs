//! The `voxshop` command-line tool: a thin edge over the `voxshop` library.

mod cli;

fn main() -> std::process::ExitCode {
    cli::main()
}
