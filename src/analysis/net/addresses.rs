//! Which addresses count as the internet.
//!
//! "Internet" is any source address outside private space that is not
//! trusted. A CIDR block is an internet source when *any* address in it is:
//! `0.0.0.0/0`, `0.0.0.0/1`, `::/0` and a public `/32` all are, `10.0.0.0/8`
//! is not, and neither is a trusted VPN egress range.

use std::net::IpAddr;
use std::str::FromStr;

use ipnet::IpNet;

/// Private address space: RFC 1918, carrier-grade NAT (RFC 6598),
/// link-local, loopback, and IPv6 unique-local, link-local and loopback.
pub const DEFAULT_PRIVATE_CIDRS: &[&str] = &[
    "10.0.0.0/8",
    "172.16.0.0/12",
    "192.168.0.0/16",
    "100.64.0.0/10",
    "169.254.0.0/16",
    "127.0.0.0/8",
    "fc00::/7",
    "fe80::/10",
    "::1/128",
];

/// The address space as the rules pack defines it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AddressSpace {
    /// Private and trusted blocks, merged into the fewest CIDRs. Any CIDR
    /// wholly covered by their union lies inside one of these (the minimal
    /// aggregate of a set contains every aligned block of that set).
    not_internet: Vec<IpNet>,
    trusted: Vec<IpNet>,
}

impl Default for AddressSpace {
    fn default() -> Self {
        AddressSpace::new(&default_private(), &[])
    }
}

fn default_private() -> Vec<IpNet> {
    DEFAULT_PRIVATE_CIDRS
        .iter()
        .filter_map(|c| IpNet::from_str(c).ok())
        .collect()
}

impl AddressSpace {
    /// Builds the space from private and trusted blocks.
    pub fn new(private: &[IpNet], trusted: &[IpNet]) -> Self {
        let mut all: Vec<IpNet> = private.iter().chain(trusted).map(|n| n.trunc()).collect();
        all = IpNet::aggregate(&all);
        AddressSpace {
            not_internet: all,
            trusted: IpNet::aggregate(&trusted.iter().map(|n| n.trunc()).collect::<Vec<_>>()),
        }
    }

    /// Whether any address in `net` is an internet address.
    pub fn is_internet(&self, net: &IpNet) -> bool {
        let net = net.trunc();
        !self.not_internet.iter().any(|n| n.contains(&net))
    }

    /// Whether a single address is an internet address.
    pub fn is_internet_addr(&self, addr: IpAddr) -> bool {
        self.is_internet(&IpNet::from(addr))
    }

    /// Whether `net` lies wholly inside the trusted ranges.
    pub fn is_trusted(&self, net: &IpNet) -> bool {
        let net = net.trunc();
        self.trusted.iter().any(|n| n.contains(&net))
    }

    /// The blocks that are not internet (private and trusted, aggregated).
    pub fn not_internet(&self) -> &[IpNet] {
        &self.not_internet
    }
}

/// Parses a CIDR as AWS returns it; a bare address is taken as a host route.
pub fn parse_cidr(text: &str) -> Option<IpNet> {
    let text = text.trim();
    IpNet::from_str(text)
        .ok()
        .or_else(|| IpAddr::from_str(text).ok().map(IpNet::from))
        .map(|n| n.trunc())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn net(s: &str) -> IpNet {
        parse_cidr(s).unwrap()
    }

    #[test]
    fn internet_sources() {
        let space = AddressSpace::default();
        for s in [
            "0.0.0.0/0",
            "0.0.0.0/1",
            "128.0.0.0/1",
            "::/0",
            "8.8.8.8/32",
            "2001:db8::/32",
            "9.0.0.0/7",
        ] {
            assert!(space.is_internet(&net(s)), "{s} is internet");
        }
        for s in [
            "10.0.0.0/8",
            "10.1.2.3/32",
            "172.16.0.0/12",
            "172.31.255.0/24",
            "192.168.1.0/24",
            "100.64.0.0/10",
            "169.254.169.254/32",
            "127.0.0.1/32",
            "fd00::/8",
            "fe80::1/128",
            "::1/128",
        ] {
            assert!(!space.is_internet(&net(s)), "{s} is private");
        }
        // Straddles private and public space.
        assert!(space.is_internet(&net("172.0.0.0/8")));
        assert!(space.is_internet(&net("10.0.0.0/7")));
    }

    #[test]
    fn trusted_ranges_are_not_internet_and_union_covers() {
        let space = AddressSpace::new(
            &default_private(),
            &[net("203.0.113.0/25"), net("203.0.113.128/25")],
        );
        assert!(
            !space.is_internet(&net("203.0.113.0/24")),
            "two halves cover the /24"
        );
        assert!(space.is_trusted(&net("203.0.113.7/32")));
        assert!(space.is_internet(&net("203.0.112.0/23")));
        // Host bits set, as AWS sometimes echoes them.
        assert!(!space.is_internet(&net("203.0.113.9/24")));
    }
}
