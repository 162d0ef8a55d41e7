//! The SSRF guard: which addresses Tidings may connect to.
//!
//! It is applied where the address is known for certain: inside DNS resolution (so a name that
//! resolves to an internal address, or rebinds to one, is refused), on IP-literal URLs (which
//! skip resolution), on every redirect hop, and on the peer address of the connection made.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::Arc;

use ipnet::IpNet;
use reqwest::dns::{Addrs, Name, Resolve, Resolving};

/// Which addresses outbound requests may reach.
#[derive(Debug, Clone, Default)]
pub struct NetworkPolicy {
    /// Allow every private, loopback and link-local address (an explicit operator setting for
    /// self-hosters with local feeds, and for the demo).
    pub allow_private_networks: bool,
    /// Non-public networks allowed even when `allow_private_networks` is off.
    pub allowed_networks: Vec<IpNet>,
}

impl NetworkPolicy {
    /// Why connecting to `ip` is refused, or `None` when it is allowed.
    pub fn refusal(&self, ip: IpAddr) -> Option<&'static str> {
        let reason = non_public_reason(ip)?;
        if self.allow_private_networks || self.allowed_networks.iter().any(|n| n.contains(&ip)) {
            return None;
        }
        Some(reason)
    }
}

/// Names the kind of non-public address `ip` is, or `None` for a public address.
pub fn non_public_reason(ip: IpAddr) -> Option<&'static str> {
    match ip {
        IpAddr::V4(v4) => v4_reason(v4),
        IpAddr::V6(v6) => v6_reason(v6),
    }
}

fn v4_reason(ip: Ipv4Addr) -> Option<&'static str> {
    let [a, b, c, _] = ip.octets();
    Some(match (a, b, c) {
        (0, _, _) => "an unspecified (0.0.0.0/8) address",
        (127, _, _) => "a loopback address",
        (10, _, _) => "a private address",
        (172, 16..=31, _) => "a private address",
        (192, 168, _) => "a private address",
        (169, 254, _) => "a link-local address (cloud metadata lives here)",
        (100, 64..=127, _) => "a carrier-grade NAT (100.64.0.0/10) address",
        (192, 0, 0) => "an IETF protocol-assignment address",
        (192, 0, 2) | (198, 51, 100) | (203, 0, 113) => "a documentation address",
        (198, 18..=19, _) => "a benchmarking address",
        (224..=239, _, _) => "a multicast address",
        (240..=255, _, _) => "a reserved or broadcast address",
        _ => return None,
    })
}

fn v6_reason(ip: Ipv6Addr) -> Option<&'static str> {
    if let Some(v4) = ip.to_ipv4_mapped() {
        return v4_reason(v4);
    }
    let seg = ip.segments();
    if ip.is_unspecified() {
        return Some("an unspecified (::) address");
    }
    if ip.is_loopback() {
        return Some("a loopback address");
    }
    // Addresses that embed an IPv4 address: judge the embedded one.
    let embedded = |hi: u16, lo: u16| Ipv4Addr::new((hi >> 8) as u8, hi as u8, (lo >> 8) as u8, lo as u8);
    if seg[0] == 0x0064 && seg[1] == 0xff9b && seg[2..6] == [0, 0, 0, 0] {
        return v4_reason(embedded(seg[6], seg[7]));
    }
    if seg[0] == 0x0064 && seg[1] == 0xff9b && seg[2] == 0x0001 {
        // RFC 8215: translators of one's own network, with the IPv4 address placed anywhere.
        return Some("a local-use NAT64 (64:ff9b:1::/48) address");
    }
    if seg[..4] == [0, 0, 0, 0] && seg[4] == 0xffff && seg[5] == 0 {
        // IPv4-translated (::ffff:0:a.b.c.d, RFC 2765).
        return v4_reason(embedded(seg[6], seg[7]));
    }
    if seg[0] == 0x2002 {
        return v4_reason(embedded(seg[1], seg[2]));
    }
    if seg[..6] == [0, 0, 0, 0, 0, 0] {
        return Some("an IPv4-compatible IPv6 address");
    }
    Some(match seg[0] {
        0xfc00..=0xfdff => "a unique-local address",
        0xfe80..=0xfebf => "a link-local address",
        0xfec0..=0xfeff => "a site-local address",
        0xff00..=0xffff => "a multicast address",
        0x2001 if seg[1] == 0x0db8 => "a documentation address",
        0x0100 if seg[1..4] == [0, 0, 0] => "a discard-only address",
        _ => return None,
    })
}

/// DNS resolution that drops every address the policy refuses, so a connection can only be
/// made to an allowed address.
#[derive(Debug, Clone)]
pub(crate) struct GuardedResolver {
    pub(crate) policy: Arc<NetworkPolicy>,
}

impl Resolve for GuardedResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let policy = self.policy.clone();
        Box::pin(async move {
            let host = name.as_str().to_string();
            let addrs: Vec<SocketAddr> = tokio::net::lookup_host((host.as_str(), 0)).await?.collect();
            let mut refused = None;
            let allowed: Vec<SocketAddr> = addrs
                .iter()
                .copied()
                .filter(|a| match policy.refusal(a.ip()) {
                    Some(reason) => {
                        refused = Some((a.ip(), reason));
                        false
                    }
                    None => true,
                })
                .collect();
            if allowed.is_empty() {
                let msg = match refused {
                    Some((ip, reason)) => {
                        format!("{host} resolves to {ip}, {reason}, which Tidings does not connect to")
                    }
                    None => format!("{host} has no address"),
                };
                return Err(Box::new(GuardRefusal(msg)) as Box<dyn std::error::Error + Send + Sync>);
            }
            Ok(Box::new(allowed.into_iter()) as Addrs)
        })
    }
}

/// The guard's refusal, carried through reqwest's error chain.
#[derive(Debug)]
pub(crate) struct GuardRefusal(pub(crate) String);

impl std::fmt::Display for GuardRefusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for GuardRefusal {}

#[cfg(test)]
mod tests {
    use super::*;

    fn refused(host: &str) -> bool {
        let url = url::Url::parse(&format!("http://{host}/")).unwrap_or_else(|e| panic!("{host}: {e}"));
        let ip: IpAddr = match url.host() {
            Some(url::Host::Ipv4(v4)) => v4.into(),
            Some(url::Host::Ipv6(v6)) => v6.into(),
            other => panic!("{host} is not an IP literal: {other:?}"),
        };
        NetworkPolicy::default().refusal(ip).is_some()
    }

    #[test]
    fn internal_addresses_are_refused_in_every_spelling() {
        for host in [
            "127.0.0.1",
            "127.1",
            "2130706433",
            "0x7f000001",
            "0177.0.0.1",
            "0x7f.0.0.1",
            "0.0.0.0",
            "0",
            "10.0.0.5",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "224.0.0.1",
            "255.255.255.255",
            "[::1]",
            "[::]",
            "[::ffff:127.0.0.1]",
            "[::ffff:7f00:1]",
            "[fd00::1]",
            "[fe80::1]",
            "[ff02::1]",
            "[64:ff9b::a9fe:a9fe]",
            "[2002:7f00:1::]",
            "[::127.0.0.1]",
            "[::ffff:0:7f00:1]",
            "[::ffff:0:a9fe:a9fe]",
            "[::ffff:0:10.0.0.1]",
            "[64:ff9b:1::7f00:1]",
            "[64:ff9b:1:ffff::1]",
        ] {
            assert!(refused(host), "{host} was allowed");
        }
    }

    #[test]
    fn public_addresses_are_allowed() {
        for host in ["93.184.215.14", "1.1.1.1", "[2606:4700::1111]", "[::ffff:93.184.215.14]", "[::ffff:0:5db8:d70e]"]
        {
            assert!(!refused(host), "{host} was refused");
        }
    }

    #[test]
    fn allow_list_admits_only_its_networks() {
        let policy = NetworkPolicy {
            allow_private_networks: false,
            allowed_networks: vec!["127.0.0.1/32".parse().unwrap_or_else(|_| unreachable!())],
        };
        assert!(policy.refusal("127.0.0.1".parse().unwrap_or_else(|_| unreachable!())).is_none());
        assert!(policy.refusal("127.0.0.2".parse().unwrap_or_else(|_| unreachable!())).is_some());
    }
}
