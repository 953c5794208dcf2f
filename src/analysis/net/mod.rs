//! Network reasoning shared by the network checks: which addresses are
//! "internet", and which protocols and ports a rule opens.

mod addresses;
pub mod ports;

pub use addresses::{AddressSpace, DEFAULT_PRIVATE_CIDRS, parse_cidr};
