//! The `voxshop` command-line tool: a thin edge over the `voxshop` library.

mod cli;

fn main() -> std::process::ExitCode {
    one_malloc_arena();
    cli::main()
}

/// glibc gives each thread that allocates its own heap arena, and the two cores' threads of
/// the encoder each kept theirs full of freed activations: one arena cut peak memory by
/// ~17 MB at no cost in time (README, "Speed": peak memory). A process that links the library
/// makes this choice for itself.
fn one_malloc_arena() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: called before any other thread exists; M_ARENA_MAX only bounds future arenas.
    unsafe {
        libc::mallopt(libc::M_ARENA_MAX, 1);
    }
}
