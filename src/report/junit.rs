//! The JUnit XML report, for CI systems other than GitHub (GitLab, Jenkins,
//! Azure DevOps): one test suite per rule, one test case per (rule,
//! resource). A broken promise is a `<failure>` with its evidence, a
//! verdict conform could not reach an `<error>`, a waived failure a
//! `<skipped type="waived">` whose message is the waiver (reason, owner,
//! expiry, ticket, file:line), a rule that judged nothing one
//! `<skipped>` case saying what its scope or exclude set aside. The XML is written by `quick-xml`, which
//! escapes text and attributes; characters XML 1.0 cannot carry at all
//! (most C0 controls) are replaced by U+FFFD first.

use std::collections::HashMap;
use std::fmt::Write as _;

use quick_xml::Writer;
use quick_xml::events::{BytesDecl, BytesText, Event};

use super::{ReportInput, RuleInfo};
use crate::findings::{Finding, Status, Tally};

/// What a verdict is in JUnit's terms: the child element of the test case
/// (none for a pass) and its `type` attribute.
fn outcome(status: Status) -> Option<(&'static str, &'static str)> {
    match status {
        Status::Fail => Some(("failure", "broken-promise")),
        Status::Unknown => Some(("error", "unknown")),
        Status::Pass => None,
        // An accepted risk: neither kept nor a failure of the gate.
        Status::Waived => Some(("skipped", "waived")),
    }
}

/// Text XML 1.0 can carry: characters it forbids become U+FFFD.
pub fn xml_safe(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '\t' | '\n' | '\r' => c,
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => '\u{FFFD}',
            c => c,
        })
        .collect()
}

/// Text for an attribute: XML parsers turn a tab or line break in an
/// attribute into a space, so it is written as one.
fn attr_safe(text: &str) -> String {
    xml_safe(text)
        .chars()
        .map(|c| {
            if matches!(c, '\t' | '\n' | '\r') {
                ' '
            } else {
                c
            }
        })
        .collect()
}

#[derive(Default)]
struct Counts {
    tests: usize,
    failures: usize,
    errors: usize,
    skipped: usize,
}

impl Counts {
    fn add(&mut self, other: &Counts) {
        self.tests += other.tests;
        self.failures += other.failures;
        self.errors += other.errors;
        self.skipped += other.skipped;
    }
}

fn counts(findings: &[&Finding]) -> Counts {
    // As `outcome` maps them: a failure, an error (unknown), skipped
    // (waived); a rule with no findings is one skipped test.
    let tally = Tally::of(findings.iter().copied());
    Counts {
        tests: findings.len().max(1),
        failures: tally.failed,
        errors: tally.unknown,
        skipped: tally.waived + usize::from(findings.is_empty()),
    }
}

pub(super) fn render(input: &ReportInput<'_>) -> String {
    let mut by_rule: HashMap<&str, Vec<&Finding>> = HashMap::new();
    for f in &input.evaluation.findings {
        by_rule.entry(f.rule_id.as_str()).or_default().push(f);
    }
    let suites: Vec<(&RuleInfo, Vec<&Finding>)> = input
        .rules
        .iter()
        .map(|r| (r, by_rule.remove(r.id.as_str()).unwrap_or_default()))
        .collect();
    let mut total = Counts::default();
    for (_, findings) in &suites {
        total.add(&counts(findings));
    }
    let timestamp = input.collected_at.strftime("%Y-%m-%dT%H:%M:%S").to_string();

    let mut w = Writer::new_with_indent(Vec::new(), b' ', 2);
    let _ = w.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)));
    let _ = w
        .create_element("testsuites")
        .with_attributes([
            ("name", "conform"),
            ("tests", total.tests.to_string().as_str()),
            ("failures", total.failures.to_string().as_str()),
            ("errors", total.errors.to_string().as_str()),
            ("time", "0"),
        ])
        .write_inner_content(|w| {
            for (rule, findings) in &suites {
                let c = counts(findings);
                let name = attr_safe(&format!("{} {}", rule.id, rule.title));
                w.create_element("testsuite")
                    .with_attributes([
                        ("name", name.as_str()),
                        ("tests", c.tests.to_string().as_str()),
                        ("failures", c.failures.to_string().as_str()),
                        ("errors", c.errors.to_string().as_str()),
                        ("skipped", c.skipped.to_string().as_str()),
                        ("time", "0"),
                        ("timestamp", timestamp.as_str()),
                    ])
                    .write_inner_content(|w| {
                        let mut promise = format!("{}:{}", rule.promise.file, rule.promise.line);
                        for l in &rule.promise.related_lines {
                            let _ = write!(promise, ",{l}");
                        }
                        let _ = write!(promise, " «{}»", rule.promise.text);
                        let mut props = vec![
                            ("severity", rule.severity.to_string()),
                            ("area", rule.area.clone()),
                            ("promise", promise),
                        ];
                        for control in &rule.controls {
                            props.push(("control", control.clone()));
                        }
                        w.create_element("properties").write_inner_content(|w| {
                            for (name, value) in &props {
                                let value = attr_safe(value);
                                w.create_element("property")
                                    .with_attributes([("name", *name), ("value", value.as_str())])
                                    .write_empty()?;
                            }
                            Ok(())
                        })?;
                        let classname = attr_safe(&format!("conform.{}", rule.id));
                        if findings.is_empty() {
                            let why = attr_safe(&super::nothing_judged(rule, input));
                            w.create_element("testcase")
                                .with_attributes([
                                    ("name", "no resource judged"),
                                    ("classname", classname.as_str()),
                                    ("time", "0"),
                                ])
                                .write_inner_content(|w| {
                                    w.create_element("skipped")
                                        .with_attribute(("message", why.as_str()))
                                        .write_empty()?;
                                    Ok(())
                                })?;
                        }
                        for f in findings {
                            let r = &f.resource;
                            let name = attr_safe(&format!(
                                "{} ({}, {}) {}",
                                r.name, r.account, r.region, r.arn
                            ));
                            let case = w.create_element("testcase").with_attributes([
                                ("name", name.as_str()),
                                ("classname", classname.as_str()),
                                ("time", "0"),
                            ]);
                            match outcome(f.status) {
                                None => {
                                    case.write_empty()?;
                                }
                                Some((element, kind)) => {
                                    // A waived failure's message is its waiver
                                    // (reason, owner, expiry, ticket, file:line).
                                    let message = match (&f.waiver, f.status) {
                                        (Some(w), Status::Waived) => {
                                            attr_safe(&format!("waived: {}", w.justification()))
                                        }
                                        _ => attr_safe(&f.message),
                                    };
                                    let mut body = format!(
                                        "{} {} [{}]\n{}\naccount {} · {} · {}\n",
                                        f.rule_id,
                                        f.status,
                                        f.severity,
                                        f.message,
                                        r.account,
                                        r.region,
                                        r.arn
                                    );
                                    for e in &f.evidence {
                                        let _ = writeln!(
                                            body,
                                            "· {} = {}  ({})",
                                            e.field, e.value, e.note
                                        );
                                    }
                                    let _ = writeln!(
                                        body,
                                        "promise: {}:{} «{}»",
                                        f.promise.file, f.promise.line, f.promise.text
                                    );
                                    if let Some(w) = &f.waiver {
                                        let state = if f.status == Status::Waived {
                                            "waived"
                                        } else {
                                            "waiver expired"
                                        };
                                        let _ = writeln!(body, "{state}: {}", w.justification());
                                    }
                                    let body = xml_safe(&body);
                                    case.write_inner_content(|w| {
                                        w.create_element(element)
                                            .with_attributes([
                                                ("type", kind),
                                                ("message", message.as_str()),
                                            ])
                                            .write_text_content(BytesText::new(&body))?;
                                        Ok(())
                                    })?;
                                }
                            }
                        }
                        Ok(())
                    })?;
            }
            Ok(())
        });
    let mut out = String::from_utf8(w.into_inner()).unwrap_or_default();
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::xml_safe;

    #[test]
    fn characters_xml_cannot_carry_are_replaced() {
        assert_eq!(
            xml_safe("a\u{1}b\tc\n\u{1b}[31m"),
            "a\u{FFFD}b\tc\n\u{FFFD}[31m"
        );
        assert_eq!(xml_safe("<script>&"), "<script>&");
    }
}
