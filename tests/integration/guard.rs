//! cfn-guard over every template: each suppression archgen writes for it
//! (`Metadata.guard.SuppressedRules`) is honoured, and names a rule that
//! fails on that resource once the suppression is gone, so a checkov check
//! mapped to the wrong Guard rule in `template/suppression.rs` fails here.

use crate::support::*;
use archgen::template::suppression::TABLE;
use serde_json::Value;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

/// `(rule, logical id)`
type Finding = (String, String);

/// cfn-guard as scripts/install-tools puts it: `.tools/guard/cfn-guard`
/// beside the venv of $ARCHGEN_TOOLS_BIN. A missing binary fails the test.
fn cfn_guard() -> PathBuf {
    let bin = std::env::var_os("ARCHGEN_TOOLS_BIN")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo().join(".tools/venv/bin"));
    // Lexically, so a venv that is a symbolic link still finds its sibling.
    let tools = bin.parent().and_then(Path::parent).unwrap_or(&bin);
    let path = tools.join("guard/cfn-guard");
    assert!(
        path.exists(),
        "{} not found: run scripts/install-tools",
        path.display()
    );
    path
}

/// The rules: archgen's statement of each control (tests/fixtures/guard),
/// or a file or directory of Guard rules at $ARCHGEN_GUARD_RULES (the Guard
/// rules registry's own files, to check the table against them).
fn rules() -> PathBuf {
    std::env::var_os("ARCHGEN_GUARD_RULES")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo().join("tests/fixtures/guard/controls.guard"))
}

/// The names of the rules in `rules` (a `.guard` file or a directory of them).
fn rule_names(rules: &Path) -> BTreeSet<String> {
    let files: Vec<PathBuf> = if rules.is_dir() {
        std::fs::read_dir(rules)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "guard"))
            .collect()
    } else {
        vec![rules.to_path_buf()]
    };
    let mut names = BTreeSet::new();
    for file in files {
        for line in std::fs::read_to_string(&file).unwrap().lines() {
            let mut words = line.split_whitespace();
            if words.next() == Some("rule") {
                names.extend(words.next().map(str::to_string));
            }
        }
    }
    names
}

/// Every rule cfn-guard reports failing on `template`, with the resource
/// it fails on, read from its structured JSON report.
fn guard_failures(rules: &Path, template: &Path) -> BTreeSet<Finding> {
    let out = Command::new(cfn_guard())
        .args(["validate", "--structured", "--output-format", "json"])
        .args(["--show-summary", "none", "--rules"])
        .arg(rules)
        .arg("--data")
        .arg(template)
        .output()
        .expect("cfn-guard runs");
    // 0: nothing failed; 19: some rule failed. Anything else is an error.
    assert!(
        matches!(out.status.code(), Some(0 | 19)),
        "cfn-guard on {}: {:?}\n{}",
        template.display(),
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    let reports: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "cfn-guard's report is not JSON ({e}):\n{}",
            String::from_utf8_lossy(&out.stdout)
        )
    });
    let mut failures = BTreeSet::new();
    for report in reports.as_array().expect("one report per data file") {
        for failed in report["not_compliant"].as_array().unwrap() {
            let rule = failed["Rule"]["name"].as_str().unwrap();
            let mut ids = BTreeSet::new();
            resources_in(&failed["Rule"]["checks"], &mut ids);
            assert!(!ids.is_empty(), "{rule} fails on no resource: {failed}");
            failures.extend(ids.into_iter().map(|id| (rule.to_string(), id)));
        }
    }
    failures
}

/// The logical ids in the `path`s (`/Resources/<id>/...`) of cfn-guard's checks.
fn resources_in(checks: &Value, ids: &mut BTreeSet<String>) {
    match checks {
        Value::Object(fields) => {
            for (key, value) in fields {
                match (key.as_str(), value) {
                    ("path", Value::String(path)) => ids.extend(
                        path.strip_prefix("/Resources/")
                            .and_then(|rest| rest.split('/').next())
                            .map(str::to_string),
                    ),
                    _ => resources_in(value, ids),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|i| resources_in(i, ids)),
        _ => {}
    }
}

/// Every `(rule, resource)` the template suppresses for Guard.
fn guard_suppressions(template: &Value) -> BTreeSet<Finding> {
    let mut out = BTreeSet::new();
    for (id, r) in template["Resources"].as_object().unwrap() {
        for rule in r["Metadata"]["guard"]["SuppressedRules"]
            .as_array()
            .into_iter()
            .flatten()
        {
            out.insert((rule.as_str().unwrap().to_string(), id.clone()));
        }
    }
    out
}

#[test]
fn cfn_guard_honours_every_guard_suppression_and_each_names_a_rule_that_fails_without_it() {
    let rules = rules();
    // Every Guard rule the twin table may write has its rule here.
    let names = rule_names(&rules);
    for rule in TABLE.iter().filter_map(|t| t.guard) {
        assert!(
            names.contains(rule),
            "no rule {rule} in {}",
            rules.display()
        );
    }

    let dir = tempfile::tempdir().unwrap();
    let paths = write_all_examples(&dir.path().join("as-written"), ENVIRONMENTS);
    assert_eq!(paths.len(), stack_count(ENVIRONMENTS));
    let bare_path = dir.path().join("unsuppressed.template.json");
    let mut suppressions = 0;
    let mut rules_suppressed = BTreeSet::new();
    for path in &paths {
        let template: Value = serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
        let suppressed = guard_suppressions(&template);

        // As archgen writes it: no rule fails on a resource that suppresses it.
        let failing = guard_failures(&rules, path);
        let ignored: Vec<_> = suppressed.intersection(&failing).collect();
        assert!(
            ignored.is_empty(),
            "{}: cfn-guard ignores these suppressions: {ignored:?}",
            path.display()
        );

        // Without the suppressions, each suppressed rule fails on its
        // resource. The cfn_nag twins go too: the registry's rules also
        // accept a rule's cfn_nag id as its suppression.
        let mut bare = template.clone();
        for r in bare["Resources"].as_object_mut().unwrap().values_mut() {
            if let Some(meta) = r.get_mut("Metadata").and_then(Value::as_object_mut) {
                meta.remove("guard");
                meta.remove("cfn_nag");
            }
        }
        std::fs::write(&bare_path, serde_json::to_vec(&bare).unwrap()).unwrap();
        let failing = guard_failures(&rules, &bare_path);
        let needless: Vec<_> = suppressed.difference(&failing).collect();
        assert!(
            needless.is_empty(),
            "{}: these suppressions name a Guard rule that does not fail on their \
             resource without them (check the twin table in template/suppression.rs): \
             {needless:?}",
            path.display()
        );

        suppressions += suppressed.len();
        rules_suppressed.extend(suppressed.into_iter().map(|(rule, _)| rule));
    }
    // The examples exercise most of the table, so the checks above bite.
    assert!(
        suppressions > 200 && rules_suppressed.len() >= 12,
        "{suppressions} suppressions of {rules_suppressed:?}"
    );
}
