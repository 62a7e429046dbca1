//! The change set as a table a reviewer can read in a terminal or a CI log.

use super::model::ResourceChange;
use super::risk::{Risk, RiskKind, recreation_causes};

/// Renders the changes, a RISK column, and the reasons for each risk below.
pub fn render(changes: &[ResourceChange], risks: &[Risk]) -> String {
    let header = [
        "ACTION",
        "LOGICAL ID",
        "TYPE",
        "REPLACEMENT",
        "CAUSED BY",
        "RISK",
    ];
    let rows: Vec<[String; 6]> = changes
        .iter()
        .map(|c| {
            let marks: Vec<&str> = risks
                .iter()
                .filter(|r| r.logical_id == c.logical_resource_id)
                .map(|r| match r.kind {
                    RiskKind::Destructive => "DESTRUCTIVE",
                    RiskKind::Broadening => "BROADENING",
                })
                .collect();
            [
                c.action.clone(),
                c.logical_resource_id.clone(),
                c.resource_type.clone(),
                replacement(c),
                caused_by(c),
                if marks.is_empty() {
                    "-".into()
                } else {
                    marks.join(",")
                },
            ]
        })
        .collect();
    let mut widths = header.map(str::len);
    for row in &rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let line = |cells: &[String]| {
        let padded: Vec<String> = cells
            .iter()
            .zip(widths)
            .map(|(c, w)| format!("{c:<w$}"))
            .collect();
        format!("  {}", padded.join("  ").trim_end())
    };
    let mut out = vec![line(&header.map(String::from))];
    out.extend(rows.iter().map(|r| line(r)));
    for r in risks {
        let label = match r.kind {
            RiskKind::Destructive => "destructive",
            RiskKind::Broadening => "broadening",
        };
        out.push(format!(
            "  ! {label}: {} ({}) {}",
            r.logical_id, r.resource_type, r.reason
        ));
    }
    out.join("\n")
}

/// True / Conditional / False for modifications; "-" where it does not apply
/// (Add, Remove) and "unknown" when CloudFormation did not say.
fn replacement(c: &ResourceChange) -> String {
    if c.action != "Modify" {
        return "-".into();
    }
    c.replacement.clone().unwrap_or_else(|| "unknown".into())
}

/// The properties behind a replacement, else every property that changes.
fn caused_by(c: &ResourceChange) -> String {
    let mut names = recreation_causes(c);
    if names.is_empty() {
        names = c.changed_properties();
    }
    if names.is_empty() {
        "-".into()
    } else {
        names.join(", ")
    }
}
