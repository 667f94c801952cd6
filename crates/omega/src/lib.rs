//! Omega
