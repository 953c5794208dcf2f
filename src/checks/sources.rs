//! Where a security group admits traffic from: which sources of its
//! inbound permissions are internet sources.
//!
//! - IPv4 and IPv6 ranges are internet when any address in them is (see
//!   [`AddressSpace::is_internet`]); an unparsable range cannot be judged.
//! - A managed prefix list is judged by its entries, looked up in the
//!   inventory by id in the group's own account and region: internet when
//!   any entry is. A list that is missing from the inventory, or whose
//!   entries could not be read, cannot be judged.
//! - Referenced security groups are never internet sources.
//!
//! Shared by the security-group checks. It reads the inventory (prefix
//! lists and whether they were collected), so it lives with the checks;
//! the address algebra it uses is [`crate::analysis::net`].

use crate::analysis::net::{AddressSpace, parse_cidr};
use crate::inventory::{Dataset, Inventory, IpPermission, Place, SecurityGroup};

/// What a source is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SourceKind {
    Internet,
    NotInternet,
    /// Could not be judged, and why.
    Unknown(String),
}

/// One source of one permission.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Source {
    /// The field within the permission, e.g. `IpRanges[0]`.
    pub field: String,
    /// The source as written (`0.0.0.0/0`, `pl-0123`).
    pub text: String,
    pub kind: SourceKind,
    /// For prefix lists judged internet: which entry made it so.
    pub detail: Option<String>,
}

/// A source of a group's inbound permission that is, or may be, internet.
#[derive(Debug, Clone)]
pub struct IngressSource<'a> {
    /// The permission's index in the group's `ingress`.
    pub index: usize,
    pub permission: &'a IpPermission,
    pub source: Source,
}

impl IngressSource<'_> {
    /// The field path, e.g. `IpPermissions[2].IpRanges[0]`.
    pub fn field(&self) -> String {
        format!("IpPermissions[{}].{}", self.index, self.source.field)
    }

    /// The source as evidence text, with its prefix-list detail if any.
    pub fn source_text(&self) -> String {
        match &self.source.detail {
            Some(d) => format!("{} ({d})", self.source.text),
            None => self.source.text.clone(),
        }
    }
}

/// Every source of a permission, judged.
pub fn permission_sources(
    permission: &IpPermission,
    place: &Place,
    inventory: &Inventory,
    addresses: &AddressSpace,
) -> Vec<Source> {
    let mut out = Vec::new();
    for (i, r) in permission.ipv4_ranges.iter().enumerate() {
        out.push(cidr_source(format!("IpRanges[{i}]"), r, addresses));
    }
    for (i, r) in permission.ipv6_ranges.iter().enumerate() {
        out.push(cidr_source(format!("Ipv6Ranges[{i}]"), r, addresses));
    }
    for (i, id) in permission.prefix_list_ids.iter().enumerate() {
        let (kind, detail) = prefix_list_kind(id, place, inventory, addresses);
        out.push(Source {
            field: format!("PrefixListIds[{i}]"),
            text: id.to_string(),
            kind,
            detail,
        });
    }
    for (i, g) in permission.group_ids.iter().enumerate() {
        out.push(Source {
            field: format!("UserIdGroupPairs[{i}]"),
            text: g.to_string(),
            kind: SourceKind::NotInternet,
            detail: None,
        });
    }
    out
}

/// The sources of a group's inbound permissions that are internet or
/// cannot be judged, in permission order.
pub fn ingress_sources<'a>(
    group: &'a SecurityGroup,
    inventory: &Inventory,
    addresses: &AddressSpace,
) -> Vec<IngressSource<'a>> {
    let mut out = Vec::new();
    for (index, permission) in group.ingress.iter().enumerate() {
        for source in permission_sources(permission, &group.place, inventory, addresses) {
            if source.kind != SourceKind::NotInternet {
                out.push(IngressSource {
                    index,
                    permission,
                    source,
                });
            }
        }
    }
    out
}

fn cidr_source(field: String, text: &str, addresses: &AddressSpace) -> Source {
    let kind = match parse_cidr(text) {
        Some(net) if addresses.is_internet(&net) => SourceKind::Internet,
        Some(_) => SourceKind::NotInternet,
        None => SourceKind::Unknown(format!("cannot parse the address range {text:?}")),
    };
    Source {
        field,
        text: text.to_string(),
        kind,
        detail: None,
    }
}

fn prefix_list_kind(
    id: &str,
    place: &Place,
    inventory: &Inventory,
    addresses: &AddressSpace,
) -> (SourceKind, Option<String>) {
    let Some(list) = inventory
        .prefix_lists
        .iter()
        .find(|p| p.id == id && p.place == *place)
    else {
        return (
            SourceKind::Unknown(format!(
                "prefix list {id} is not in the inventory of account {} region {}{}",
                place.account,
                place.region,
                crate::checks::resource::coverage_note(inventory, place, Dataset::PrefixLists)
            )),
            None,
        );
    };
    let Some(entries) = &list.entries else {
        let why = match &list.entries_error {
            Some(e) => format!(
                "the entries of prefix list {id} ({}) could not be read: {e}",
                list.name
            ),
            None => format!(
                "the entries of prefix list {id} ({}) were not collected",
                list.name
            ),
        };
        return (SourceKind::Unknown(why), None);
    };
    let mut unparsable = None;
    for entry in entries {
        match parse_cidr(entry) {
            Some(net) if addresses.is_internet(&net) => {
                return (
                    SourceKind::Internet,
                    Some(format!("{} holds internet range {entry}", list.name)),
                );
            }
            Some(_) => {}
            None => unparsable = unparsable.or(Some(entry)),
        }
    }
    match unparsable {
        Some(entry) => (
            SourceKind::Unknown(format!(
                "prefix list {id} ({}) holds an unparsable entry {entry:?}",
                list.name
            )),
            None,
        ),
        None => (SourceKind::NotInternet, None),
    }
}
