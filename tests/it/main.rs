//! conform's integration tests, in one test binary: each module below was
//! once a binary of its own, and every one of them linked the AWS SDK again
//! (13 links of the same crates). Run one module with
//! `scripts/test --test it scan::` (a name filter), or one test by its name.
//!
//! The tests that scan talk to the AWS emulator that scripts/test starts on
//! loopback; see tests/README.md.

#[allow(dead_code)]
mod common;

mod accounts;
mod action;
mod attribute;
mod checks_golden;
mod cli;
mod customer_keys;
mod details_live;
mod display;
mod engines;
mod example_estate;
mod faults;
mod formats;
mod fuzz;
mod github_actions;
mod history_live;
mod html;
mod inventory_fields;
mod kinds;
mod leak;
mod nordlys;
mod readme;
mod readonly;
mod residency;
mod rule_pack;
mod sarif;
mod sarif_live;
mod scan;
mod snapshots;
mod waivers;
