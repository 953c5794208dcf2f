//! Protocols and ports: what a security-group permission, a network-ACL
//! entry or a rules-file service string (`tcp/443`, `udp/1024-65535`,
//! `icmp`, `all`) opens, as exact sets that can be added, intersected,
//! subtracted and written back as readable ranges.
//!
//! Traffic is modelled as TCP ports, UDP ports, ICMP and ICMPv6 (type,
//! code) pairs, and whole IP protocols for everything else. ICMP types are
//! told apart: a deny of ICMP type 8 closes only echo requests, and an
//! allow of one type opens only that type.

/// The highest TCP/UDP port.
pub const MAX_PORT: u32 = 65_535;
/// The highest IP protocol number.
pub const MAX_PROTOCOL: u32 = 255;

const ICMP: u8 = 1;
const TCP: u8 = 6;
const UDP: u8 = 17;
const ICMPV6: u8 = 58;

/// A set of integers, kept as sorted, disjoint, non-adjacent inclusive
/// ranges.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct RangeSet {
    ranges: Vec<(u32, u32)>,
}

impl RangeSet {
    /// The empty set.
    pub fn new() -> Self {
        RangeSet::default()
    }

    /// `from..=to` (empty when `from > to`).
    pub fn range(from: u32, to: u32) -> Self {
        if from > to {
            return RangeSet::new();
        }
        RangeSet {
            ranges: vec![(from, to)],
        }
    }

    /// A single value.
    pub fn single(value: u32) -> Self {
        RangeSet::range(value, value)
    }

    /// Every port, `0-65535`.
    pub fn all_ports() -> Self {
        RangeSet::range(0, MAX_PORT)
    }

    /// A set from any ranges (overlapping, unsorted; inverted ones are
    /// dropped).
    pub fn from_ranges(ranges: impl IntoIterator<Item = (u32, u32)>) -> Self {
        let mut ranges: Vec<(u32, u32)> = ranges.into_iter().filter(|(a, b)| a <= b).collect();
        ranges.sort_unstable();
        let mut merged: Vec<(u32, u32)> = Vec::with_capacity(ranges.len());
        for (a, b) in ranges {
            match merged.last_mut() {
                Some(last) if a <= last.1.saturating_add(1) => last.1 = last.1.max(b),
                _ => merged.push((a, b)),
            }
        }
        RangeSet { ranges: merged }
    }

    pub fn is_empty(&self) -> bool {
        self.ranges.is_empty()
    }

    /// The ranges, ascending.
    pub fn ranges(&self) -> &[(u32, u32)] {
        &self.ranges
    }

    pub fn contains(&self, value: u32) -> bool {
        self.ranges.iter().any(|&(a, b)| a <= value && value <= b)
    }

    pub fn union(&self, other: &RangeSet) -> RangeSet {
        RangeSet::from_ranges(self.ranges.iter().chain(&other.ranges).copied())
    }

    pub fn intersect(&self, other: &RangeSet) -> RangeSet {
        let mut out = Vec::new();
        for &(a, b) in &self.ranges {
            for &(c, d) in &other.ranges {
                let (lo, hi) = (a.max(c), b.min(d));
                if lo <= hi {
                    out.push((lo, hi));
                }
            }
        }
        RangeSet::from_ranges(out)
    }

    /// The values in `self` that are not in `other`.
    pub fn subtract(&self, other: &RangeSet) -> RangeSet {
        let mut out = Vec::new();
        for &(a, b) in &self.ranges {
            let mut start = a;
            let mut consumed = false;
            for &(c, d) in &other.ranges {
                if d < start {
                    continue;
                }
                if c > b {
                    break;
                }
                if c > start {
                    out.push((start, c - 1));
                }
                if d >= b {
                    consumed = true;
                    break;
                }
                // d < b <= u32::MAX, so this cannot overflow.
                start = d + 1;
            }
            if !consumed {
                out.push((start, b));
            }
        }
        RangeSet::from_ranges(out)
    }

    /// Writes the set as `22, 80-443`.
    pub fn to_text(&self) -> String {
        self.ranges
            .iter()
            .map(|&(a, b)| {
                if a == b {
                    a.to_string()
                } else {
                    format!("{a}-{b}")
                }
            })
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// How many values the set holds.
    pub fn count(&self) -> u64 {
        self.ranges.iter().map(|&(a, b)| u64::from(b - a) + 1).sum()
    }
}

/// A protocol as AWS names it in security groups and network ACLs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Protocol {
    /// `-1`: every protocol.
    All,
    /// An IP protocol number (`tcp` is 6, `udp` 17, `icmp` 1, `icmpv6` 58).
    Number(u8),
}

/// Reads a protocol given as a name (`tcp`, `udp`, `icmp`, `icmpv6`,
/// `all`), as `-1`, or as a number 0-255. Case and surrounding blanks are
/// ignored. `None` for anything else.
pub fn parse_protocol(text: &str) -> Option<Protocol> {
    let text = text.trim().to_ascii_lowercase();
    match text.as_str() {
        "-1" | "all" => Some(Protocol::All),
        "tcp" => Some(Protocol::Number(TCP)),
        "udp" => Some(Protocol::Number(UDP)),
        "icmp" => Some(Protocol::Number(ICMP)),
        "icmpv6" | "icmp6" | "ipv6-icmp" => Some(Protocol::Number(ICMPV6)),
        _ => text.parse::<u8>().ok().map(Protocol::Number),
    }
}

/// The usual name of an IP protocol number.
pub fn protocol_name(number: u8) -> String {
    match number {
        TCP => "tcp".into(),
        UDP => "udp".into(),
        ICMP => "icmp".into(),
        ICMPV6 => "icmpv6".into(),
        n => format!("protocol {n}"),
    }
}

/// A set of traffic: TCP ports, UDP ports, ICMP and ICMPv6 messages and
/// whole other IP protocols.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct Traffic {
    tcp: RangeSet,
    udp: RangeSet,
    /// ICMP messages as `type * 256 + code`.
    icmp: RangeSet,
    /// ICMPv6 messages as `type * 256 + code`.
    icmpv6: RangeSet,
    /// Whole IP protocols other than tcp, udp, icmp and icmpv6 (never holds
    /// 1, 6, 17 or 58).
    protocols: RangeSet,
}

/// The highest `type * 256 + code` of an ICMP message.
const MAX_ICMP: u32 = 255 * 256 + 255;

fn other_protocols() -> RangeSet {
    RangeSet::range(0, MAX_PROTOCOL).subtract(&RangeSet::from_ranges(
        [TCP, UDP, ICMP, ICMPV6].map(|p| (u32::from(p), u32::from(p))),
    ))
}

/// Writes a set of ICMP messages: `type 8`, `types 0-7, 9-255`,
/// `type 3 code 4`.
fn icmp_text(set: &RangeSet) -> String {
    let mut parts: Vec<String> = Vec::new();
    // Runs of whole types, then partial types, in type order.
    let mut run: Option<(u32, u32)> = None;
    let flush = |run: &mut Option<(u32, u32)>, parts: &mut Vec<String>| {
        if let Some((a, b)) = run.take() {
            parts.push(if a == b {
                format!("{a}")
            } else {
                format!("{a}-{b}")
            });
        }
    };
    let mut whole_types = 0;
    let mut partial: Vec<String> = Vec::new();
    for t in 0..=255u32 {
        let codes = set.intersect(&RangeSet::range(t * 256, t * 256 + 255));
        if codes.count() == 256 {
            whole_types += 1;
            run = match run {
                Some((a, b)) if b + 1 == t => Some((a, t)),
                _ => {
                    flush(&mut run, &mut parts);
                    Some((t, t))
                }
            };
            continue;
        }
        flush(&mut run, &mut parts);
        if !codes.is_empty() {
            let codes = RangeSet::from_ranges(
                codes
                    .ranges()
                    .iter()
                    .map(|&(a, b)| (a - t * 256, b - t * 256)),
            );
            let word = if codes.count() == 1 { "code" } else { "codes" };
            partial.push(format!("type {t} {word} {}", codes.to_text()));
        }
    }
    flush(&mut run, &mut parts);
    let mut text = Vec::new();
    if !parts.is_empty() {
        let word = if whole_types == 1 { "type" } else { "types" };
        text.push(format!("{word} {}", parts.join(", ")));
    }
    text.extend(partial);
    text.join(", ")
}

impl Traffic {
    /// No traffic.
    pub fn none() -> Self {
        Traffic::default()
    }

    /// Every protocol and port.
    pub fn all() -> Self {
        Traffic {
            tcp: RangeSet::all_ports(),
            udp: RangeSet::all_ports(),
            icmp: RangeSet::range(0, MAX_ICMP),
            icmpv6: RangeSet::range(0, MAX_ICMP),
            protocols: other_protocols(),
        }
    }

    /// All of one protocol (every port, for tcp and udp).
    pub fn protocol(protocol: Protocol) -> Self {
        match protocol {
            Protocol::All => Traffic::all(),
            Protocol::Number(n) => Traffic::ports(n, RangeSet::all_ports()),
        }
    }

    /// Some ports of tcp or udp; for any other protocol the ports are
    /// ignored and the whole protocol is meant (every ICMP type, for icmp).
    pub fn ports(protocol: u8, ports: RangeSet) -> Self {
        let ports = ports.intersect(&RangeSet::all_ports());
        match protocol {
            TCP => Traffic {
                tcp: ports,
                ..Traffic::none()
            },
            UDP => Traffic {
                udp: ports,
                ..Traffic::none()
            },
            ICMP => Traffic {
                icmp: RangeSet::range(0, MAX_ICMP),
                ..Traffic::none()
            },
            ICMPV6 => Traffic {
                icmpv6: RangeSet::range(0, MAX_ICMP),
                ..Traffic::none()
            },
            n => Traffic {
                protocols: RangeSet::single(u32::from(n)),
                ..Traffic::none()
            },
        }
    }

    /// ICMP (`1`) or ICMPv6 (`58`) messages of one type and code, as AWS
    /// gives them: a missing or `-1` type means every type, a missing or
    /// `-1` code every code of the type. The error names a value outside
    /// 0-255.
    pub fn icmp(protocol: u8, icmp_type: Option<i32>, code: Option<i32>) -> Result<Self, String> {
        let byte = |what: &str, v: i32| -> Result<u32, String> {
            u8::try_from(v)
                .map(u32::from)
                .map_err(|_| format!("invalid ICMP {what} {v}"))
        };
        let set = match icmp_type.filter(|&t| t != -1) {
            None => RangeSet::range(0, MAX_ICMP),
            Some(t) => {
                let t = byte("type", t)?;
                match code.filter(|&c| c != -1) {
                    None => RangeSet::range(t * 256, t * 256 + 255),
                    Some(c) => RangeSet::single(t * 256 + byte("code", c)?),
                }
            }
        };
        Ok(match protocol {
            ICMPV6 => Traffic {
                icmpv6: set,
                ..Traffic::none()
            },
            _ => Traffic {
                icmp: set,
                ..Traffic::none()
            },
        })
    }

    pub fn is_empty(&self) -> bool {
        self.tcp.is_empty()
            && self.udp.is_empty()
            && self.icmp.is_empty()
            && self.icmpv6.is_empty()
            && self.protocols.is_empty()
    }

    pub fn union(&self, other: &Traffic) -> Traffic {
        Traffic {
            tcp: self.tcp.union(&other.tcp),
            udp: self.udp.union(&other.udp),
            icmp: self.icmp.union(&other.icmp),
            icmpv6: self.icmpv6.union(&other.icmpv6),
            protocols: self.protocols.union(&other.protocols),
        }
    }

    pub fn intersect(&self, other: &Traffic) -> Traffic {
        Traffic {
            tcp: self.tcp.intersect(&other.tcp),
            udp: self.udp.intersect(&other.udp),
            icmp: self.icmp.intersect(&other.icmp),
            icmpv6: self.icmpv6.intersect(&other.icmpv6),
            protocols: self.protocols.intersect(&other.protocols),
        }
    }

    /// The traffic in `self` that is not in `other`.
    pub fn subtract(&self, other: &Traffic) -> Traffic {
        Traffic {
            tcp: self.tcp.subtract(&other.tcp),
            udp: self.udp.subtract(&other.udp),
            icmp: self.icmp.subtract(&other.icmp),
            icmpv6: self.icmpv6.subtract(&other.icmpv6),
            protocols: self.protocols.subtract(&other.protocols),
        }
    }

    /// Writes the set for people: `tcp 22, 81-442; udp 0-65535; icmp;
    /// every other IP protocol`, `all traffic` or `nothing`.
    pub fn describe(&self) -> String {
        if self.is_empty() {
            return "nothing".into();
        }
        if *self == Traffic::all() {
            return "all traffic".into();
        }
        let mut parts = Vec::new();
        if !self.tcp.is_empty() {
            parts.push(format!("tcp {}", self.tcp.to_text()));
        }
        if !self.udp.is_empty() {
            parts.push(format!("udp {}", self.udp.to_text()));
        }
        for (name, set) in [("icmp", &self.icmp), ("icmpv6", &self.icmpv6)] {
            if set.count() == u64::from(MAX_ICMP) + 1 {
                parts.push(name.into());
            } else if !set.is_empty() {
                parts.push(format!("{name} {}", icmp_text(set)));
            }
        }
        let rest = &self.protocols;
        if !rest.is_empty() {
            if *rest == other_protocols() {
                parts.push("every other IP protocol".into());
            } else if rest.count() == 1 {
                parts.push(format!("IP protocol {}", rest.to_text()));
            } else {
                parts.push(format!("IP protocols {}", rest.to_text()));
            }
        }
        parts.join("; ")
    }
}

/// Reads a port or port range, `443` or `1024-65535`.
pub fn parse_port_range(text: &str) -> Result<RangeSet, String> {
    let text = text.trim();
    let port = |p: &str| -> Result<u32, String> {
        let p = p.trim();
        match p.parse::<u32>() {
            Ok(n) if n <= MAX_PORT => Ok(n),
            _ => Err(format!("{p:?} is not a port (0-{MAX_PORT})")),
        }
    };
    let (from, to) = match text.split_once('-') {
        Some((a, b)) => (port(a)?, port(b)?),
        None => {
            let p = port(text)?;
            (p, p)
        }
    };
    if from > to {
        return Err(format!("port range {text:?} ends before it starts"));
    }
    Ok(RangeSet::range(from, to))
}

/// Reads a service as rules files write it: `proto` or `proto/port` or
/// `proto/from-to`, where proto is `tcp`, `udp`, `icmp`, `icmpv6`, `all`
/// (or `-1`) or a protocol number. Ports may only be given for tcp and udp;
/// without ports the whole protocol is meant.
pub fn parse_service(text: &str) -> Result<Traffic, String> {
    let (proto_text, ports) = match text.split_once('/') {
        Some((p, ports)) => (p, Some(ports)),
        None => (text, None),
    };
    let protocol = parse_protocol(proto_text).ok_or_else(|| {
        format!(
            "{text:?}: unknown protocol {:?} (expected tcp, udp, icmp, icmpv6, all or a number 0-255)",
            proto_text.trim()
        )
    })?;
    match (protocol, ports) {
        (protocol, None) => Ok(Traffic::protocol(protocol)),
        (Protocol::Number(n @ (TCP | UDP)), Some(ports)) => {
            let ports = parse_port_range(ports).map_err(|e| format!("{text:?}: {e}"))?;
            Ok(Traffic::ports(n, ports))
        }
        (_, Some(_)) => Err(format!("{text:?}: ports can only be given for tcp and udp")),
    }
}

/// Reads a list of services (see [`parse_service`]) into one set. The
/// error names the parameter.
pub fn parse_services(param: &str, services: &[String]) -> Result<Traffic, String> {
    let mut all = Traffic::none();
    for s in services {
        let t = parse_service(s).map_err(|e| format!("{param}: {e}"))?;
        all = all.union(&t);
    }
    Ok(all)
}

/// The port range of an AWS permission or ACL entry for tcp/udp: missing
/// or `-1` bounds mean every port.
fn aws_port_range(from: Option<i32>, to: Option<i32>) -> Result<RangeSet, String> {
    match (from, to) {
        (None, _) | (_, None) | (Some(-1), _) | (_, Some(-1)) => Ok(RangeSet::all_ports()),
        (Some(f), Some(t)) => {
            let max = MAX_PORT as i32;
            if !(0..=max).contains(&f) || !(0..=max).contains(&t) || f > t {
                Err(format!("invalid port range {f}-{t}"))
            } else {
                Ok(RangeSet::range(f as u32, t as u32))
            }
        }
    }
}

/// What a security-group permission or network-ACL entry opens, from its
/// protocol (name or number) and port bounds (for ICMP: type and code). The error says what could not
/// be understood (an unknown protocol, an impossible port range).
pub fn aws_traffic(protocol: &str, from: Option<i32>, to: Option<i32>) -> Result<Traffic, String> {
    match parse_protocol(protocol) {
        None => Err(format!("unrecognised protocol {:?}", protocol)),
        Some(Protocol::All) => Ok(Traffic::all()),
        Some(Protocol::Number(n @ (TCP | UDP))) => Ok(Traffic::ports(n, aws_port_range(from, to)?)),
        // For ICMP, AWS carries the type in the "from" port and the code in
        // the "to" port (security groups) or in IcmpTypeCode (network ACLs).
        Some(Protocol::Number(n @ (ICMP | ICMPV6))) => Traffic::icmp(n, from, to),
        Some(Protocol::Number(n)) => Ok(Traffic::ports(n, RangeSet::new())),
    }
}

/// Writes an AWS protocol and port bounds as people read them:
/// `tcp 80-443`, `udp 0-65535`, `icmp type 8`, `all traffic`, `protocol 50`.
pub fn aws_traffic_text(protocol: &str, from: Option<i32>, to: Option<i32>) -> String {
    match parse_protocol(protocol) {
        None => format!("protocol {:?}", protocol),
        Some(Protocol::All) => "all traffic".into(),
        Some(Protocol::Number(n @ (TCP | UDP))) => {
            let name = protocol_name(n);
            match aws_port_range(from, to) {
                Ok(ports) => format!("{name} {}", ports.to_text()),
                Err(_) => format!(
                    "{name} ports {}-{}",
                    from.map_or("?".into(), |p| p.to_string()),
                    to.map_or("?".into(), |p| p.to_string())
                ),
            }
        }
        Some(Protocol::Number(n @ (ICMP | ICMPV6))) => {
            let mut text = protocol_name(n);
            if let Some(t) = from.filter(|&t| t != -1) {
                text.push_str(&format!(" type {t}"));
                if let Some(c) = to.filter(|&c| c != -1) {
                    text.push_str(&format!(" code {c}"));
                }
            }
            text
        }
        Some(Protocol::Number(n)) => protocol_name(n),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn svc(s: &str) -> Traffic {
        parse_service(s).unwrap()
    }

    #[test]
    fn range_arithmetic() {
        let a = RangeSet::range(0, 100);
        let b = RangeSet::from_ranges([(10, 20), (30, 30), (90, 200)]);
        assert_eq!(a.subtract(&b).ranges(), &[(0, 9), (21, 29), (31, 89)]);
        assert_eq!(a.intersect(&b).ranges(), &[(10, 20), (30, 30), (90, 100)]);
        assert_eq!(a.union(&b).ranges(), &[(0, 200)]);
        assert_eq!(
            RangeSet::from_ranges([(5, 6), (1, 4), (9, 8)]).ranges(),
            &[(1, 6)]
        );
        assert!(
            RangeSet::range(3, 4)
                .subtract(&RangeSet::range(0, 10))
                .is_empty()
        );
        let edge = RangeSet::range(0, u32::MAX).subtract(&RangeSet::single(u32::MAX));
        assert_eq!(edge.ranges(), &[(0, u32::MAX - 1)]);
        assert_eq!(b.to_text(), "10-20, 30, 90-200");
        assert_eq!(b.count(), 11 + 1 + 111);
    }

    #[test]
    fn services_parse_and_reject() {
        assert_eq!(svc("tcp/80").describe(), "tcp 80");
        assert_eq!(svc("6/1024-65535").describe(), "tcp 1024-65535");
        assert_eq!(svc("udp").describe(), "udp 0-65535");
        assert_eq!(svc("icmp").describe(), "icmp");
        assert_eq!(svc("all"), Traffic::all());
        assert_eq!(svc("-1"), Traffic::all());
        assert_eq!(svc("50").describe(), "IP protocol 50");
        for bad in [
            "tcp/80-70",
            "tcp/70000",
            "icmp/8",
            "foo/80",
            "tcp/",
            "tcp/-5",
            "300",
        ] {
            assert!(parse_service(bad).is_err(), "{bad} should be rejected");
        }
        let err = parse_services("allowed", &["tcp/80".into(), "tcp/80-70".into()]).unwrap_err();
        assert!(err.starts_with("allowed: "), "{err}");
    }

    #[test]
    fn aws_permissions() {
        let allowed = parse_services("allowed", &["tcp/80".into(), "tcp/443".into()]).unwrap();
        let extra = |p: &str, f: Option<i32>, t: Option<i32>| {
            aws_traffic(p, f, t).unwrap().subtract(&allowed).describe()
        };
        assert_eq!(extra("tcp", Some(80), Some(443)), "tcp 81-442");
        assert_eq!(
            extra("6", Some(0), Some(65535)),
            "tcp 0-79, 81-442, 444-65535"
        );
        assert_eq!(
            extra("tcp", Some(-1), Some(-1)),
            "tcp 0-79, 81-442, 444-65535"
        );
        assert_eq!(extra("tcp", None, None), "tcp 0-79, 81-442, 444-65535");
        assert_eq!(extra("tcp", Some(443), Some(443)), "nothing");
        assert_eq!(extra("udp", Some(443), Some(443)), "udp 443");
        assert_eq!(extra("17", Some(53), Some(53)), "udp 53");
        assert_eq!(extra("icmp", Some(8), Some(-1)), "icmp type 8");
        assert_eq!(extra("icmp", Some(3), Some(4)), "icmp type 3 code 4");
        assert_eq!(extra("1", None, None), "icmp");
        assert!(aws_traffic("icmp", Some(300), None).is_err());
        assert!(aws_traffic("icmp", Some(3), Some(256)).is_err());
        assert_eq!(extra("58", Some(-1), Some(-1)), "icmpv6");
        assert_eq!(
            extra("-1", None, None),
            "tcp 0-79, 81-442, 444-65535; udp 0-65535; icmp; icmpv6; every other IP protocol"
        );
        assert_eq!(extra("TCP", Some(22), Some(22)), "tcp 22");
        assert!(aws_traffic("tcp", Some(-5), Some(10)).is_err());
        assert!(aws_traffic("tcp", Some(90), Some(80)).is_err());
        assert!(aws_traffic("tcp", Some(0), Some(70000)).is_err());
        assert!(aws_traffic("sctp-ish", None, None).is_err());
    }

    #[test]
    fn icmp_types_are_told_apart() {
        let all_icmp = aws_traffic("icmp", Some(-1), Some(-1)).unwrap();
        let echo = aws_traffic("icmp", Some(8), Some(-1)).unwrap();
        let rest = all_icmp.subtract(&echo);
        assert_eq!(rest.describe(), "icmp types 0-7, 9-255");
        assert!(rest.union(&echo) == all_icmp);
        let unreachable_4 = aws_traffic("icmp", Some(3), Some(4)).unwrap();
        assert_eq!(
            echo.union(&unreachable_4).describe(),
            "icmp type 8, type 3 code 4"
        );
        assert_eq!(
            aws_traffic("icmp", Some(3), Some(-1))
                .unwrap()
                .subtract(&unreachable_4)
                .describe(),
            "icmp type 3 codes 0-3, 5-255"
        );
        // ICMP and ICMPv6 are different protocols.
        let v6_echo = aws_traffic("58", Some(128), None).unwrap();
        assert_eq!(v6_echo.describe(), "icmpv6 type 128");
        assert!(v6_echo.intersect(&echo).is_empty());
        assert_eq!(
            Traffic::all()
                .subtract(&echo)
                .subtract(&Traffic::protocol(Protocol::Number(6)))
                .describe(),
            "udp 0-65535; icmp types 0-7, 9-255; icmpv6; every other IP protocol"
        );
    }

    #[test]
    fn aws_text() {
        assert_eq!(aws_traffic_text("tcp", Some(80), Some(443)), "tcp 80-443");
        assert_eq!(aws_traffic_text("6", Some(22), Some(22)), "tcp 22");
        assert_eq!(aws_traffic_text("-1", None, None), "all traffic");
        assert_eq!(aws_traffic_text("icmp", Some(8), Some(-1)), "icmp type 8");
        assert_eq!(aws_traffic_text("icmp", Some(-1), Some(-1)), "icmp");
        assert_eq!(aws_traffic_text("50", None, None), "protocol 50");
        assert_eq!(
            aws_traffic_text("tcp", Some(90), Some(80)),
            "tcp ports 90-80"
        );
        assert_eq!(aws_traffic_text("bogus", None, None), "protocol \"bogus\"");
    }
}
