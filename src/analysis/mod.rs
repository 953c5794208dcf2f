//! Libraries of domain knowledge that checks share: pure functions of
//! plain values, with their own tests, that know nothing of the inventory,
//! findings or rules.
//!
//! - [`net`]: which addresses are the internet, and the exact algebra of
//!   protocols and ports (what a permission, an ACL entry or a service
//!   string opens).
//! - [`tls`]: TLS protocol versions and cipher suites, classified by bulk
//!   cipher.
//! - [`window`]: weekly maintenance windows in UTC against allowed windows
//!   in a local time zone, under every offset the zone uses.
//! - [`zones`]: the distinct availability zones a resource spans.
//!
//! Checks (in [`crate::checks`]) turn what these libraries compute into
//! verdicts with evidence; the libraries never judge a resource.

pub mod net;
pub mod tls;
pub mod window;
pub mod zones;
