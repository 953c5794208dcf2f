//! conform checks a live AWS estate against the promises of a written
//! security policy.
//!
//! Data flows one way, and the modules follow it:
//!
//! ```text
//! collect ──▶ inventory ──▶ checks ──▶ findings ──▶ report
//!  (AWS)     (plain data)   (pure)     (verdicts)   (text, json)
//! ```
//!
//! - [`collect`] reads AWS (concurrently, per account × region × service)
//!   into an [`inventory::Inventory`]; collectors never judge.
//! - [`rules`] are data: a rule binds a stable id to [`checks`], their
//!   parameters, a scope, a severity and the policy promise it enforces.
//! - [`evaluate`] runs every rule's checks over the inventory in parallel
//!   and produces [`findings::Finding`]s; checks never call AWS.
//! - [`report`] formats findings; reporters never re-derive a verdict.

// Data from outside (AWS responses, rules files, saved inventories) must
// never panic conform: outside tests, `unwrap` and `expect` are errors.
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used))]

pub mod analysis;
pub mod catalogue;
pub mod checks;
pub mod collect;
pub mod diagnostic;
pub mod error;
pub mod evaluate;
pub mod exit;
pub mod explain;
pub mod expr;
pub mod findings;
pub mod history;
pub mod interrupt;
pub mod inventory;
pub mod merge;
pub mod regions;
pub mod report;
pub mod rules;
pub mod vocabulary;
pub mod waivers;
