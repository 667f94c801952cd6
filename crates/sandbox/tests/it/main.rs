//! The kernel, not string checks, keeps a sandboxed process away from what it must not touch.

#[cfg(target_os = "linux")]
mod landlock_real;
#[cfg(target_os = "linux")]
mod tools_real;
