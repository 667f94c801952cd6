//! Where `web_fetch` may go. The owner's host lists first (`allow` wins over `deny`), then the
//! address: loopback, private, link-local (cloud metadata), shared, reserved and multicast
//! addresses are refused after DNS resolution, unless the owner allowed the host by name. The
//! connection is made to an address that was checked, so a name that resolves differently the
//! second time (DNS rebinding) never reaches the home network.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// The owner's host rules.
#[derive(Debug, Clone, Default)]
pub struct Egress {
    allow: Vec<String>,
    deny: Vec<String>,
}

/// What the rules say of one host.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HostRule {
    /// Public addresses only.
    Public,
    /// Allowed by name: any address, the home network's too.
    AnyAddress,
    /// Never (why).
    Refused(String),
}

fn normalize(host: &str) -> String {
    let h = host.trim().trim_end_matches('.').to_ascii_lowercase();
    h.trim_start_matches('[').trim_end_matches(']').to_owned()
}

fn covers(pattern: &str, host: &str) -> bool {
    pattern == "*" || host == pattern || host.strip_suffix(pattern).is_some_and(|rest| rest.ends_with('.'))
}

impl Egress {
    pub fn new(allow: &[String], deny: &[String]) -> Self {
        let clean = |v: &[String]| v.iter().map(|h| normalize(h)).filter(|h| !h.is_empty()).collect();
        Self { allow: clean(allow), deny: clean(deny) }
    }

    pub fn host(&self, host: &str) -> HostRule {
        let host = normalize(host);
        if self.allow.iter().any(|p| covers(p, &host)) {
            HostRule::AnyAddress
        } else if let Some(p) = self.deny.iter().find(|p| covers(p, &host)) {
            HostRule::Refused(format!("{host} is refused by [web] deny (\"{p}\")"))
        } else {
            HostRule::Public
        }
    }
}

/// Why `ip` is not a public address, if it is not.
pub fn not_public(ip: IpAddr) -> Option<&'static str> {
    match ip {
        IpAddr::V4(v4) => v4_kind(v4),
        IpAddr::V6(v6) => v6_kind(v6),
    }
}

fn v4_kind(ip: Ipv4Addr) -> Option<&'static str> {
    let [a, b, c, _] = ip.octets();
    Some(match (a, b, c) {
        (0, _, _) => "an unspecified address",
        (127, _, _) => "a loopback address",
        (10, _, _) | (192, 168, _) => "a private address",
        (172, 16..=31, _) => "a private address",
        (169, 254, _) => "a link-local address (cloud metadata lives there)",
        (100, 64..=127, _) => "a shared (carrier-grade NAT) address",
        (192, 0, 0) | (192, 0, 2) | (198, 51, 100) | (203, 0, 113) => "a reserved address",
        (198, 18..=19, _) => "a reserved address",
        (224..=239, _, _) => "a multicast address",
        (240..=255, _, _) => "a reserved address",
        _ => return None,
    })
}

fn v6_kind(ip: Ipv6Addr) -> Option<&'static str> {
    if let Some(v4) = ip.to_ipv4_mapped() {
        return v4_kind(v4);
    }
    let s = ip.segments();
    // Addresses that carry an IPv4 address inside: judged by it.
    if s[0] == 0x64 && s[1] == 0xff9b && s[2..6] == [0, 0, 0, 0] {
        return v4_kind(Ipv4Addr::new((s[6] >> 8) as u8, s[6] as u8, (s[7] >> 8) as u8, s[7] as u8));
    }
    if s[0] == 0x2002 {
        return v4_kind(Ipv4Addr::new((s[1] >> 8) as u8, s[1] as u8, (s[2] >> 8) as u8, s[2] as u8));
    }
    Some(match s[0] {
        _ if ip.is_unspecified() => "an unspecified address",
        _ if ip.is_loopback() => "a loopback address",
        // ::a.b.c.d (deprecated IPv4-compatible) and the rest of ::/96.
        0 if s[1..6] == [0, 0, 0, 0, 0] => "a reserved address",
        x if x & 0xfe00 == 0xfc00 => "a private (unique local) address",
        x if x & 0xffc0 == 0xfe80 => "a link-local address",
        x if x & 0xffc0 == 0xfec0 => "a site-local address",
        x if x & 0xff00 == 0xff00 => "a multicast address",
        0x2001 if s[1] == 0 => "a Teredo address",
        0x2001 if s[1] == 0xdb8 => "a documentation address",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn home_and_metadata_addresses_are_not_public() {
        for ip in [
            "127.0.0.1",
            "10.1.2.3",
            "172.20.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "100.100.100.200",
            "0.0.0.0",
            "224.0.0.1",
            "255.255.255.255",
            "::1",
            "::",
            "fd00:ec2::254",
            "fe80::1",
            "::ffff:127.0.0.1",
            "::ffff:10.0.0.1",
            "64:ff9b::a00:1",
            "2002:c0a8:0101::1",
            "::127.0.0.1",
        ] {
            assert!(not_public(ip.parse().unwrap()).is_some(), "{ip} must be refused");
        }
        for ip in ["93.184.216.34", "1.1.1.1", "172.32.0.1", "2606:4700:4700::1111", "64:ff9b::5db8:d822"] {
            assert_eq!(not_public(ip.parse().unwrap()), None, "{ip} is public");
        }
    }

    #[test]
    fn allow_wins_over_deny_and_names_cover_their_subdomains() {
        let e = Egress::new(&["NAS.lan.".into()], &["*".into()]);
        assert_eq!(e.host("nas.lan"), HostRule::AnyAddress);
        assert_eq!(e.host("files.nas.lan"), HostRule::AnyAddress);
        assert!(matches!(e.host("example.com"), HostRule::Refused(_)));
        let e = Egress::new(&[], &["ads.example".into()]);
        assert!(matches!(e.host("x.ads.example"), HostRule::Refused(_)));
        assert_eq!(e.host("badads.example"), HostRule::Public, "a suffix is not a subdomain");
        assert_eq!(e.host("[::1]"), HostRule::Public, "public rules: the address decides");
    }
}
