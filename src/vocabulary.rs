//! The vocabulary of attribute rules, for `conform fields`: the kinds that
//! have a field catalogue, and each kind's fields under AWS's own names
//! with their types, the detail dataset that reads them (when not the
//! kind's own), a line of documentation and AWS's API reference. Everything
//! comes from the catalogue ([`crate::inventory::fields`]), so the listing
//! cannot drift from what rules can use.

use std::fmt::Write;

use serde::Serialize;

use crate::inventory::fields::{self, Catalogue};
use crate::inventory::{Dataset, Type};

/// The JSON listing's `schema`: changes only when a field changes meaning
/// or goes away (fields may be added).
pub const SCHEMA: &str = "conform-fields/1";

/// `conform fields --format json`: the kinds.
#[derive(Debug, Clone, Serialize)]
pub struct Kinds {
    pub schema: &'static str,
    pub kinds: Vec<KindSummary>,
}

/// One kind with a field catalogue.
#[derive(Debug, Clone, Serialize)]
pub struct KindSummary {
    /// The CloudFormation type a rule's `kind` names.
    pub kind: &'static str,
    /// The dataset's name (as in coverage and saved inventories).
    pub dataset: &'static str,
    pub fields: usize,
    /// AWS's API reference of the shape the fields come from.
    pub reference: &'static str,
}

/// `conform fields KIND --format json`: one kind's fields.
#[derive(Debug, Clone, Serialize)]
pub struct KindFields {
    pub schema: &'static str,
    pub kind: &'static str,
    pub dataset: &'static str,
    pub reference: &'static str,
    pub fields: Vec<FieldEntry>,
}

/// A field (or a member of a structure).
#[derive(Debug, Clone, Serialize)]
pub struct FieldEntry {
    /// AWS's name.
    pub name: &'static str,
    /// Its type, as CEL names it (`bool`, `list(string)`, `struct`).
    #[serde(rename = "type")]
    pub ty: String,
    /// The detail dataset that reads it, when not the kind's own: a rule
    /// that uses it makes a scan read that dataset too.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub needs: Option<&'static str>,
    #[serde(skip_serializing_if = "str::is_empty")]
    pub doc: &'static str,
    /// The members of a structure (or of a list's structure elements).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub members: Vec<FieldEntry>,
}

/// The kinds that have a field catalogue.
pub fn kinds() -> Kinds {
    Kinds {
        schema: SCHEMA,
        kinds: fields::DESCRIBED
            .iter()
            .filter_map(|d| fields::catalogue(*d))
            .map(|c| KindSummary {
                kind: c.dataset.resource_type(),
                dataset: c.dataset.name(),
                fields: c.fields.len(),
                reference: c.reference,
            })
            .collect(),
    }
}

/// The described dataset `name` names: a CloudFormation type (any case)
/// or a dataset's name.
pub fn find(name: &str) -> Option<Dataset> {
    let name = name.trim();
    fields::DESCRIBED.iter().copied().find(|d| {
        d.resource_type().eq_ignore_ascii_case(name) || d.name().eq_ignore_ascii_case(name)
    })
}

/// The usage error for a kind that has no catalogue, with a suggestion.
pub fn unknown(name: &str) -> String {
    let known: Vec<&str> = fields::DESCRIBED
        .iter()
        .map(|d| d.resource_type())
        .collect();
    let mut m = format!(
        "no field catalogue for {name:?} (kinds with fields: {}; `conform fields` lists them)",
        known.join(", ")
    );
    let candidates = fields::DESCRIBED
        .iter()
        .flat_map(|d| [d.resource_type(), d.name()]);
    if let Some(near) = crate::rules::attribute::closest(name, candidates) {
        m.push_str(&format!("; did you mean {near:?}?"));
    }
    m
}

/// One kind's fields.
pub fn kind_fields(dataset: Dataset) -> Option<KindFields> {
    let Catalogue {
        dataset,
        reference,
        fields,
    } = fields::catalogue(dataset)?;
    Some(KindFields {
        schema: SCHEMA,
        kind: dataset.resource_type(),
        dataset: dataset.name(),
        reference,
        fields: fields
            .iter()
            .map(|f| FieldEntry {
                name: f.name,
                ty: f.ty.to_string(),
                needs: f.needs.map(Dataset::name),
                doc: f.doc,
                members: members(f.ty),
            })
            .collect(),
    })
}

/// The members of a structure type, or of the structures a list or map
/// holds.
fn members(ty: Type) -> Vec<FieldEntry> {
    match ty {
        Type::Struct(list) => list
            .iter()
            .map(|m| FieldEntry {
                name: m.name,
                ty: m.ty.to_string(),
                needs: None,
                doc: "",
                members: members(m.ty),
            })
            .collect(),
        Type::List(inner) | Type::Map(inner) => members(*inner),
        _ => Vec::new(),
    }
}

/// `conform fields` as text.
pub fn render_kinds(kinds: &Kinds) -> String {
    let mut out = String::new();
    let width = kinds.kinds.iter().map(|k| k.kind.len()).max().unwrap_or(0);
    let dwidth = kinds
        .kinds
        .iter()
        .map(|k| k.dataset.len())
        .max()
        .unwrap_or(0);
    for k in &kinds.kinds {
        let _ = writeln!(
            out,
            "{:<width$}  {:<dwidth$}  {:>3} fields  {}",
            k.kind, k.dataset, k.fields, k.reference
        );
    }
    let _ = writeln!(
        out,
        "{} kinds with fields for attribute rules (`kind = \"...\"`); `conform fields KIND` lists a kind's fields",
        kinds.kinds.len()
    );
    out
}

/// `conform fields KIND` as text: a header, then one line per field
/// (name, type, needs, doc) and its members indented below it.
pub fn render_fields(k: &KindFields) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} ({}) · {} fields",
        k.kind,
        k.dataset,
        k.fields.len()
    );
    let _ = writeln!(out, "AWS reference: {}", k.reference);
    let _ = writeln!(out);
    let mut rows = Vec::new();
    for f in &k.fields {
        rows_of(f, 0, &mut rows);
    }
    let name_width = rows.iter().map(|r| r.0.len()).max().unwrap_or(0);
    let type_width = rows.iter().map(|r| r.1.len()).max().unwrap_or(0);
    for (name, ty, rest) in rows {
        let line = format!("{name:<name_width$}  {ty:<type_width$}  {rest}");
        let _ = writeln!(out, "{}", line.trim_end());
    }
    let _ = writeln!(
        out,
        "\nIn a rule: require = {{ field = \"{}\", op = \"...\", value = ... }}, or resource.{} in an expr. \
Nested members are written Field.Member; fields marked [needs D] are read with dataset D when a rule uses them.",
        k.fields.first().map_or("Field", |f| f.name),
        k.fields.first().map_or("Field", |f| f.name)
    );
    out
}

fn rows_of(f: &FieldEntry, depth: usize, rows: &mut Vec<(String, String, String)>) {
    let mut rest = String::new();
    if let Some(d) = f.needs {
        rest.push_str(&format!("[needs {d}] "));
    }
    rest.push_str(f.doc);
    rows.push((
        format!("{}{}", "  ".repeat(depth), f.name),
        f.ty.clone(),
        rest,
    ));
    for m in &f.members {
        rows_of(m, depth + 1, rows);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_are_found_by_type_or_dataset_in_any_case() {
        assert_eq!(find("AWS::RDS::DBInstance"), Some(Dataset::DbInstances));
        assert_eq!(find("aws::rds::dbinstance"), Some(Dataset::DbInstances));
        assert_eq!(find("db-instances"), Some(Dataset::DbInstances));
        assert_eq!(find("AWS::RDS::DBInstanc"), None);
        assert!(unknown("AWS::RDS::DBInstanc").ends_with("did you mean \"AWS::RDS::DBInstance\"?"));
    }

    #[test]
    fn a_kinds_fields_show_types_members_and_reference() {
        let k = kind_fields(Dataset::DbInstances).unwrap();
        let text = render_fields(&k);
        assert!(
            text.starts_with("AWS::RDS::DBInstance (db-instances) · "),
            "{text}"
        );
        assert!(
            text.contains("AWS reference: https://docs.aws.amazon.com/"),
            "{text}"
        );
        assert!(
            text.lines()
                .any(|l| l.starts_with("  DBInstanceAutomatedBackupsArn ")),
            "{text}"
        );
        assert!(
            text.lines()
                .any(|l| l.starts_with("StorageEncrypted ") && l.contains(" bool ")),
            "{text}"
        );
    }
}
