//! Returning freed memory to the system between the stages of a build.

/// Hands memory freed by a stage (the engines' models and scratch buffers, the mixer's
/// segments) back to the system before the next allocates. glibc keeps freed blocks in its
/// heaps, which would otherwise count against the build's peak memory.
pub(crate) fn release_freed() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        unsafe extern "C" {
            fn malloc_trim(pad: usize) -> std::ffi::c_int;
        }
        // SAFETY: malloc_trim only returns free pages of glibc's own heap to the kernel.
        unsafe {
            malloc_trim(0);
        }
    }
}
