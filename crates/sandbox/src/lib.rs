//! The sandbox: what a tool's child process may touch, enforced by the kernel.
//!
//! [`policy`] turns a level (`sandbox`, `rx`, `rwx`) into path rules — pure, testable without a
//! kernel. [`landlock`] enforces a plan on the calling thread and its future children (Linux).
//!
//! Landlock only grants. To keep Omega's own data out of a tree that is otherwise allowed, the
//! plan grants the *siblings* along the path to each protected path instead of the tree itself.

/// Enforcing a plan with Landlock (Linux).
#[cfg(target_os = "linux")]
pub mod landlock;
/// Levels, protected paths, and the rules they expand to.
pub mod policy;

/// The same policy as a Seatbelt profile (macOS `sandbox-exec`).
pub mod seatbelt;
/// With the network off, no sockets at all: the seccomp filter for what Landlock does not cover
/// (UDP, raw and Unix sockets; Linux).
#[cfg(target_os = "linux")]
pub mod seccomp;
/// Sandboxed child processes (Linux).
#[cfg(target_os = "linux")]
pub mod spawn;
/// The built-in tools (`bash`, `read`, `write`, `edit`), confined by the policy (Linux).
#[cfg(target_os = "linux")]
pub mod tools;

pub use policy::{Access, Level, Policy, Rule, plan};
