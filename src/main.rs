fn main() -> std::process::ExitCode {
    voxshop::cli::main()
}
