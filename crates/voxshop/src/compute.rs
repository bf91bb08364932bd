//! The compute pool both model stages share: rayon's global pool, sized once by the
//! recogniser's `threads` (`stt::size_compute_pool`).

/// Runs `f` on rayon's pool (inline when already there): the parallel loops inside then
/// split without a hand-off from the calling thread each time (dozens per encoder pass, each
/// a futex wake-up), and no worker is left spinning beside a caller that goes on working on
/// the same cores.
pub(crate) fn on_pool<R: Send>(f: impl FnOnce() -> R + Send) -> R {
    rayon::scope(|_| f())
}
