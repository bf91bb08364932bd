//! The `voxshop` command-line tool: a thin edge over the `voxshop` library.

mod cli;

fn main() -> std::process::ExitCode {
    one_malloc_arena();
    cli::main()
}

/// glibc gives each thread that allocates its own heap arena, and the two cores' threads of
/// the encoder each kept theirs full of freed activations: one arena cut peak memory by
/// ~17 MB at no cost in time (README, "Speed": peak memory). Buffers of a few megabytes (the
/// encoder's activations, its f16 weights widened for a product) were each a fresh `mmap`
/// whose pages faulted in again at every use; kept in the heap and reused instead, a one-shot
/// `transcribe` took a third fewer page faults and ~10 % less time at the same peak memory
/// (README, "Session 25"). A process that links the library makes these choices for itself.
fn one_malloc_arena() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: called before any other thread exists; these settings only steer future
    // allocations.
    unsafe {
        libc::mallopt(libc::M_ARENA_MAX, 1);
        libc::mallopt(libc::M_MMAP_THRESHOLD, 32 << 20);
        libc::mallopt(libc::M_TRIM_THRESHOLD, 128 << 20);
    }
}
