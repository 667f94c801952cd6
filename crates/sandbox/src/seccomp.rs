//! Closing the sockets Landlock does not see. Landlock confines TCP connect and bind (ABI 4+) but
//! not UDP, raw or packet sockets, and not connecting to a Unix socket by its path (a host
//! daemon's socket, such as a session bus that starts programs, would be a way out). When the
//! network is off, a seccomp filter makes `socket(2)` fail with `EACCES` for every family, and
//! `io_uring_setup(2)` too (io_uring can open sockets without the `socket` system call).
//! `socketpair(2)` stays: a pair of connected sockets inside the process tree reaches nothing.
//!
//! The filter is built before fork and installed in the child between fork and exec, after
//! `no_new_privs`; a system call from another architecture's table (x32, or a 32-bit program on
//! a 64-bit kernel) ends the process instead of slipping past the numbers checked here.

use crate::landlock::SandboxError;

#[cfg(target_arch = "x86_64")]
const ARCH: u32 = 0xC000_003E; // AUDIT_ARCH_X86_64
#[cfg(target_arch = "aarch64")]
const ARCH: u32 = 0xC000_00B7; // AUDIT_ARCH_AARCH64

/// x32 system calls carry this bit in their number on an x86-64 kernel.
const X32_SYSCALL_BIT: u32 = 0x4000_0000;

/// Offsets into `struct seccomp_data`.
const NR: u32 = 0;
const ARCH_OFFSET: u32 = 4;

/// A compiled filter, ready to install in a child.
pub struct NoSockets(Vec<libc::sock_filter>);

impl std::fmt::Debug for NoSockets {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "NoSockets({} instructions)", self.0.len())
    }
}

fn stmt(code: u32, k: u32) -> libc::sock_filter {
    libc::sock_filter { code: code as u16, jt: 0, jf: 0, k }
}

fn jump(code: u32, k: u32, jt: u8, jf: u8) -> libc::sock_filter {
    libc::sock_filter { code: code as u16, jt, jf, k }
}

/// The filter that refuses new sockets. Errs on an architecture it has no numbers for.
pub fn no_sockets() -> Result<NoSockets, SandboxError> {
    #[cfg(any(target_arch = "x86_64", target_arch = "aarch64"))]
    {
        use libc::{BPF_ABS, BPF_JEQ, BPF_JGE, BPF_JMP, BPF_K, BPF_LD, BPF_RET, BPF_W};
        let deny = libc::SECCOMP_RET_ERRNO | libc::EACCES as u32;
        let program = vec![
            /* 0 */ stmt(BPF_LD | BPF_W | BPF_ABS, ARCH_OFFSET),
            /* 1 */ jump(BPF_JMP | BPF_JEQ | BPF_K, ARCH, 1, 0),
            /* 2 */ stmt(BPF_RET | BPF_K, libc::SECCOMP_RET_KILL_PROCESS),
            /* 3 */ stmt(BPF_LD | BPF_W | BPF_ABS, NR),
            /* 4 */ jump(BPF_JMP | BPF_JGE | BPF_K, X32_SYSCALL_BIT, 3, 0),
            /* 5 */ jump(BPF_JMP | BPF_JEQ | BPF_K, libc::SYS_io_uring_setup as u32, 2, 0),
            /* 6 */ jump(BPF_JMP | BPF_JEQ | BPF_K, libc::SYS_socket as u32, 1, 0),
            /* 7 */ stmt(BPF_RET | BPF_K, libc::SECCOMP_RET_ALLOW),
            /* 8 */ stmt(BPF_RET | BPF_K, deny),
        ];
        Ok(NoSockets(program))
    }
    #[cfg(not(any(target_arch = "x86_64", target_arch = "aarch64")))]
    {
        Err(SandboxError::Setup(format!(
            "closing UDP and other sockets is not supported on {}",
            std::env::consts::ARCH
        )))
    }
}

/// Install the filter on the calling thread (meant for a child between fork and exec: two
/// `prctl` calls, no allocation).
#[allow(unsafe_code)]
pub fn install(filter: &NoSockets) -> std::io::Result<()> {
    let program = libc::sock_fprog { len: filter.0.len() as u16, filter: filter.0.as_ptr() as *mut _ };
    // SAFETY: PR_SET_NO_NEW_PRIVS takes integer arguments only. PR_SET_SECCOMP reads the program
    // through the pointer we pass, which points into `filter`, alive for the whole call.
    unsafe {
        if libc::prctl(libc::PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0 {
            return Err(std::io::Error::last_os_error());
        }
        if libc::prctl(libc::PR_SET_SECCOMP, libc::SECCOMP_MODE_FILTER, &program as *const libc::sock_fprog)
            != 0
        {
            return Err(std::io::Error::last_os_error());
        }
    }
    Ok(())
}
