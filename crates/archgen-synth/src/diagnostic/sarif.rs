//! Diagnostics as SARIF 2.1.0, the format GitHub code scanning (and other
//! CI systems) read: one run, every rule code with its summary, one result
//! per problem at its file, line and column.

use std::path::{Component, Path};

use percent_encoding::{AsciiSet, CONTROLS, utf8_percent_encode};
use serde_json::{Value, json};

use super::{Code, Diagnostic, Diagnostics};

const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

/// Characters escaped in a URI path segment (RFC 3986: everything outside
/// unreserved characters and the sub-delimiters that are safe in a path).
const SEGMENT: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'%')
    .add(b'<')
    .add(b'>')
    .add(b'?')
    .add(b'[')
    .add(b'\\')
    .add(b']')
    .add(b'^')
    .add(b'`')
    .add(b'{')
    .add(b'|')
    .add(b'}');

/// The SARIF log for `diagnostics` (none: a run with no results), from the
/// tool `archgen` at `version`.
pub fn log(diagnostics: &Diagnostics, version: &str) -> Value {
    let rules: Vec<Value> = Code::ALL.iter().map(|c| rule(*c)).collect();
    let results: Vec<Value> = diagnostics.0.iter().map(result).collect();
    json!({
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {
                "driver": {
                    "name": "archgen",
                    "version": version,
                    "rules": rules,
                }
            },
            // archgen counts columns in characters, not UTF-16 units.
            "columnKind": "unicodeCodePoints",
            "results": results,
        }]
    })
}

fn rule(code: Code) -> Value {
    json!({
        "id": code.id(),
        "shortDescription": { "text": code.summary() },
        "fullDescription": { "text": code.explanation() },
        "help": { "text": format!("{}\n\nRun `archgen explain {}` for more.", code.explanation(), code.id()) },
        "defaultConfiguration": { "level": code.default_severity().as_str() },
    })
}

fn result(d: &Diagnostic) -> Value {
    let mut text = d.message.clone();
    if !d.field.is_empty() {
        text.push_str(&format!("\nfield: {}", d.field));
    }
    if let Some(help) = &d.help {
        text.push_str(&format!("\nhelp: {help}"));
    }
    let rule_index = Code::ALL.iter().position(|c| *c == d.code);
    let mut result = json!({
        "ruleId": d.code.id(),
        "ruleIndex": rule_index,
        "level": d.severity.as_str(),
        "message": { "text": text },
    });
    if !d.file.as_os_str().is_empty() {
        result["locations"] = json!([location(&d.file, d.loc.line, d.loc.column, None)]);
        let related: Vec<Value> = d
            .related
            .iter()
            .enumerate()
            .map(|(i, r)| location(&d.file, r.loc.line, r.loc.column, Some((i, &r.label))))
            .collect();
        if !related.is_empty() {
            result["relatedLocations"] = Value::Array(related);
        }
    }
    result
}

/// A physical location; line 0 (a whole file or directory) has no region.
fn location(file: &Path, line: u64, column: u64, related: Option<(usize, &str)>) -> Value {
    let mut artifact = json!({ "uri": uri(file) });
    if file.is_relative() {
        // Relative to where archgen ran: the repository root in CI.
        artifact["uriBaseId"] = json!("%SRCROOT%");
    }
    let mut physical = json!({ "artifactLocation": artifact });
    if line > 0 {
        physical["region"] = json!({ "startLine": line, "startColumn": column.max(1) });
    }
    let mut location = json!({ "physicalLocation": physical });
    if let Some((id, label)) = related {
        location["id"] = json!(id);
        location["message"] = json!({ "text": label });
    }
    location
}

/// `stacks/main.yaml` for a relative path (without `./`), `file:///abs/path`
/// for an absolute one; segments percent-encoded, separators always `/`.
fn uri(path: &Path) -> String {
    let segments: Vec<String> = path
        .components()
        .filter_map(|c| match c {
            Component::Normal(s) => Some(s.to_string_lossy().into_owned()),
            Component::ParentDir => Some("..".to_string()),
            Component::CurDir | Component::RootDir | Component::Prefix(_) => None,
        })
        .map(|s| utf8_percent_encode(&s, SEGMENT).to_string())
        .collect();
    let joined = segments.join("/");
    match path.components().next() {
        Some(Component::Prefix(p)) => {
            let drive = p.as_os_str().to_string_lossy().replace('\\', "/");
            format!("file:///{drive}/{joined}")
        }
        Some(Component::RootDir) => format!("file:///{joined}"),
        _ => joined,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::node::Loc;
    use std::path::PathBuf;

    fn at(file: &str, line: u64, column: u64, code: Code) -> Diagnostic {
        let mut d = Diagnostic::new(code, "network.cidr", "the VPC CIDR /8 is too large")
            .help("use a prefix between /16 and /28");
        d.file = PathBuf::from(file);
        d.loc = Loc { line, column };
        d
    }

    #[test]
    fn one_run_with_every_rule_and_a_result_per_problem() {
        let ds = Diagnostics(vec![at("./stacks/main.yaml", 4, 9, Code::Net001)]);
        let log = log(&ds, "0.1.0");
        assert_eq!(log["version"], "2.1.0");
        let run = &log["runs"][0];
        assert_eq!(run["tool"]["driver"]["name"], "archgen");
        let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
        assert_eq!(rules.len(), Code::ALL.len());
        let result = &run["results"][0];
        assert_eq!(result["ruleId"], "NET001");
        let index = result["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[index]["id"], "NET001");
        assert_eq!(
            rules[index]["shortDescription"]["text"],
            Code::Net001.summary()
        );
        assert_eq!(
            result["message"]["text"],
            "the VPC CIDR /8 is too large\nfield: network.cidr\nhelp: use a prefix between /16 and /28"
        );
        let physical = &result["locations"][0]["physicalLocation"];
        assert_eq!(physical["artifactLocation"]["uri"], "stacks/main.yaml");
        assert_eq!(physical["artifactLocation"]["uriBaseId"], "%SRCROOT%");
        assert_eq!(physical["region"]["startLine"], 4);
        assert_eq!(physical["region"]["startColumn"], 9);
    }

    #[test]
    fn a_whole_file_problem_has_no_region_and_no_problem_means_no_results() {
        let ds = Diagnostics(vec![at("stacks", 0, 0, Code::Project)]);
        let physical =
            &log(&ds, "0.1.0")["runs"][0]["results"][0]["locations"][0]["physicalLocation"];
        assert_eq!(physical["artifactLocation"]["uri"], "stacks");
        assert!(physical.get("region").is_none());
        let empty = log(&Diagnostics::default(), "0.1.0");
        assert_eq!(empty["runs"][0]["results"], json!([]));
    }

    #[test]
    fn uris_are_encoded_and_absolute_paths_are_file_uris() {
        assert_eq!(
            uri(Path::new("examples/my app/stacks/メイン.yaml")),
            "examples/my%20app/stacks/%E3%83%A1%E3%82%A4%E3%83%B3.yaml"
        );
        assert_eq!(
            uri(Path::new("/tmp/p#1/stacks/main.yaml")),
            "file:///tmp/p%231/stacks/main.yaml"
        );
        let abs = location(Path::new("/tmp/stacks/main.yaml"), 1, 1, None);
        assert!(
            abs["physicalLocation"]["artifactLocation"]
                .get("uriBaseId")
                .is_none()
        );
    }
}
