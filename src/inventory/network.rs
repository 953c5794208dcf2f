//! Network resources: security groups, prefix lists, network ACLs, network
//! interfaces, load balancers and their TLS policies.

use serde::{Deserialize, Serialize};

use super::{Place, Tags};

/// An EC2 security group with its inbound rules.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SecurityGroup {
    pub arn: String,
    pub place: Place,
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub vpc_id: Option<String>,
    #[serde(default)]
    pub tags: Tags,
    /// Inbound permissions, in the order AWS returned them.
    #[serde(default)]
    pub ingress: Vec<IpPermission>,
    // Kept for attribute rules (issue 14); absent from inventories saved
    // before, and left out of saved ones when AWS did not return them.
    /// Outbound permissions (`IpPermissionsEgress`); always `Some` in a
    /// collected group.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub egress: Option<Vec<IpPermission>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner_id: Option<String>,
}

/// One permission of a security group (AWS's `IpPermission`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IpPermission {
    /// As AWS returns it: `tcp`, `udp`, `icmp`, `icmpv6`, `-1` (all) or a
    /// protocol number.
    pub protocol: String,
    /// For tcp/udp the first port; for ICMP the type; absent for all.
    #[serde(default)]
    pub from_port: Option<i32>,
    #[serde(default)]
    pub to_port: Option<i32>,
    #[serde(default)]
    pub ipv4_ranges: Vec<String>,
    #[serde(default)]
    pub ipv6_ranges: Vec<String>,
    /// Managed prefix list ids (`pl-...`).
    #[serde(default)]
    pub prefix_list_ids: Vec<String>,
    /// Referenced security groups (`sg-...`, possibly `account/sg-...`).
    #[serde(default)]
    pub group_ids: Vec<String>,
}

/// A managed prefix list and its entries.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PrefixList {
    pub arn: String,
    pub place: Place,
    pub id: String,
    pub name: String,
    /// `AWS` for AWS-managed lists, otherwise an account id.
    #[serde(default)]
    pub owner_id: Option<String>,
    #[serde(default)]
    pub address_family: Option<String>,
    /// The CIDR blocks in the list; `None` when they could not be read.
    #[serde(default)]
    pub entries: Option<Vec<String>>,
    /// Why the entries could not be read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entries_error: Option<super::AwsError>,
    // Kept for attribute rules (issue 14); see [`SecurityGroup`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_entries: Option<i32>,
    /// `create-complete`, `modify-complete`, ...
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<i64>,
}

/// A network ACL with its entries and the subnets it is associated with.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NetworkAcl {
    pub arn: String,
    pub place: Place,
    pub id: String,
    #[serde(default)]
    pub vpc_id: Option<String>,
    #[serde(default)]
    pub is_default: bool,
    #[serde(default)]
    pub tags: Tags,
    #[serde(default)]
    pub entries: Vec<NaclEntry>,
    #[serde(default)]
    pub subnet_ids: Vec<String>,
    /// Kept for attribute rules (issue 14); see [`SecurityGroup`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner_id: Option<String>,
}

/// One entry of a network ACL.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NaclEntry {
    /// 1..=32766 for user entries; 32767 for the default `*` entry.
    pub rule_number: i32,
    /// `-1` (all) or a protocol number (`6` tcp, `17` udp, `1` icmp, `58` icmpv6).
    pub protocol: String,
    /// `allow` or `deny`.
    pub action: String,
    pub egress: bool,
    #[serde(default)]
    pub cidr_block: Option<String>,
    #[serde(default)]
    pub ipv6_cidr_block: Option<String>,
    #[serde(default)]
    pub port_from: Option<i32>,
    #[serde(default)]
    pub port_to: Option<i32>,
    /// For ICMP (`1`) and ICMPv6 (`58`) entries, the type (`-1` for all).
    /// Absent in inventories saved before conform read it; then the entry
    /// is taken to cover every type, as AWS's `-1` does.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub icmp_type: Option<i32>,
    /// For ICMP entries, the code (`-1` for all codes of the type).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub icmp_code: Option<i32>,
}

/// An elastic network interface.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NetworkInterface {
    pub arn: String,
    pub place: Place,
    pub id: String,
    /// `interface`, `network_load_balancer`, `gateway_load_balancer`, ...
    #[serde(default)]
    pub interface_type: Option<String>,
    /// Who created the interface on the account's behalf (`amazon-elb`, ...).
    #[serde(default)]
    pub requester_id: Option<String>,
    #[serde(default)]
    pub requester_managed: bool,
    #[serde(default)]
    pub description: Option<String>,
    /// The instance it is attached to, if any.
    #[serde(default)]
    pub instance_id: Option<String>,
    #[serde(default)]
    pub security_group_ids: Vec<String>,
    #[serde(default)]
    pub public_ip: Option<String>,
    #[serde(default)]
    pub tags: Tags,
    // Kept for attribute rules (issue 14); see [`SecurityGroup`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vpc_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subnet_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub availability_zone: Option<String>,
    /// `available`, `in-use`, ...
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub private_ip: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_dest_check: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner_id: Option<String>,
}

/// An Elastic Load Balancing load balancer: application, network, gateway
/// (ELBv2) or classic.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LoadBalancer {
    pub arn: String,
    pub place: Place,
    pub name: String,
    /// `application`, `network`, `gateway` or `classic`.
    pub kind: String,
    /// `internet-facing` or `internal`.
    pub scheme: String,
    #[serde(default)]
    pub dns_name: Option<String>,
    #[serde(default)]
    pub availability_zones: Vec<String>,
    #[serde(default)]
    pub security_group_ids: Vec<String>,
    #[serde(default)]
    pub tags: Tags,
    #[serde(default)]
    pub listeners: Vec<Listener>,
    /// Why the listeners could not be read (ELBv2 reads them per load
    /// balancer).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub listeners_error: Option<super::AwsError>,
}

/// A listener of a load balancer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Listener {
    #[serde(default)]
    pub arn: Option<String>,
    /// As AWS returns it: `HTTP`, `HTTPS`, `TCP`, `TLS`, `UDP`, `TCP_UDP`,
    /// `GENEVE`, `SSL` (classic), ...
    pub protocol: String,
    pub port: i32,
    /// The security policy: an ELBv2 SSL policy name, or for classic load
    /// balancers the name of the listener's SSL negotiation policy.
    #[serde(default)]
    pub ssl_policy: Option<String>,
    #[serde(default)]
    pub default_actions: Vec<ListenerAction>,
    /// The listener's other rules (not the default one), read for plain
    /// HTTP listeners of internet-facing application load balancers whose
    /// default action redirects: a rule that forwards would still serve
    /// plain HTTP. `None` when not read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rules: Option<Vec<ListenerRule>>,
    /// Why the rules could not be read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rules_error: Option<super::AwsError>,
}

/// A non-default rule of a listener.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ListenerRule {
    #[serde(default)]
    pub arn: Option<String>,
    /// The rule's priority as AWS gives it (`1`..`50000`).
    pub priority: String,
    #[serde(default)]
    pub actions: Vec<ListenerAction>,
}

/// A listener's default action.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ListenerAction {
    /// `forward`, `redirect`, `fixed-response`, `authenticate-oidc`, ...
    pub kind: String,
    /// For redirects: the target protocol (`HTTPS`, `HTTP`, `#{protocol}`).
    #[serde(default)]
    pub redirect_protocol: Option<String>,
    /// For redirects: the target port (`443`, `#{port}`).
    #[serde(default)]
    pub redirect_port: Option<String>,
}

/// The definition of a TLS security policy: what it allows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SslPolicy {
    pub place: Place,
    /// The policy's name (`ELBSecurityPolicy-TLS13-1-2-2021-06`, or for a
    /// classic load balancer, `<load balancer>/<policy name>`).
    pub name: String,
    /// Protocol names: `TLSv1`, `TLSv1.1`, `TLSv1.2`, `TLSv1.3`, `SSLv3`.
    #[serde(default)]
    pub protocols: Vec<String>,
    /// Cipher suite names in OpenSSL or IANA style.
    #[serde(default)]
    pub ciphers: Vec<String>,
    /// For a classic load balancer's policy created from a predefined one:
    /// the `Reference-Security-Policy` it names
    /// (`ELBSecurityPolicy-TLS-1-2-2017-01`). The predefined policy's
    /// definition is stored as an [`SslPolicy`] named
    /// `{CLASSIC_PREDEFINED}{name}`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reference: Option<String>,
    /// Why the referenced predefined policy's definition could not be read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reference_error: Option<super::AwsError>,
}

/// The name prefix of a classic load balancers' predefined policy's
/// definition in [`Inventory::ssl_policies`](super::Inventory): a colon
/// cannot occur in a load balancer's name, so these never collide with
/// `<load balancer>/<policy>` names or ELBv2 policy names.
pub const CLASSIC_PREDEFINED: &str = "elb-classic:";

resource!(SecurityGroup: SecurityGroups, named id, tagged);
resource!(PrefixList: PrefixLists, named id);
resource!(NetworkAcl: NetworkAcls, named id, tagged);
resource!(NetworkInterface: NetworkInterfaces, named id, tagged);
// Both generations in one list; a classic one is of its own dataset.
resource!(
    LoadBalancer: |lb| if lb.kind.eq_ignore_ascii_case("classic") {
        super::Dataset::ClassicLoadBalancers
    } else {
        super::Dataset::LoadBalancers
    },
    named name,
    tagged
);
