//! `archgen check --format sarif` validates against the published SARIF
//! 2.1.0 schema (vendored in tests/fixtures/sarif/, see its README), with
//! findings and without, so GitHub code scanning accepts every upload.

use crate::cli::two_errors_spec;
use crate::support::*;
use std::path::Path;

fn sarif_validator() -> jsonschema::Validator {
    let path = repo().join("tests/fixtures/sarif/sarif-schema-2.1.0.json");
    let schema: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    assert_eq!(schema["$schema"], "http://json-schema.org/draft-04/schema#");
    jsonschema::validator_for(&schema).expect("the SARIF schema compiles")
}

/// `archgen check --format sarif` in `dir`: the exit code and the log.
fn check_sarif(dir: &Path) -> (Option<i32>, serde_json::Value) {
    let out = archgen()
        .args(["check", "--format", "sarif"])
        .current_dir(dir)
        .env_remove("CLICOLOR_FORCE")
        .output()
        .unwrap();
    let log = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&out.stdout)));
    (out.status.code(), log)
}

fn assert_valid(validator: &jsonschema::Validator, log: &serde_json::Value, what: &str) {
    let errors: Vec<String> = validator
        .iter_errors(log)
        .map(|e| format!("{}: {e}", e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{what}:\n{}", errors.join("\n"));
}

#[test]
fn sarif_with_findings_validates_against_the_sarif_2_1_0_schema() {
    let validator = sarif_validator();
    // Two rule findings, with regions, and the warning that the spec's
    // internet-facing load balancer has no web ACL (APP051).
    let project = TempProject::new(&two_errors_spec());
    let (code, log) = check_sarif(project.path());
    assert_eq!(code, Some(1));
    let rules: Vec<&str> = log["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["ruleId"].as_str().unwrap())
        .collect();
    assert_eq!(rules.len(), 3, "{rules:?}");
    assert_eq!(
        rules.iter().filter(|r| **r == "APP051").count(),
        1,
        "{rules:?}"
    );
    assert_valid(&validator, &log, "rule findings");
    // A spec the loader refuses (an unknown key) is a finding too.
    let project = TempProject::new(&format!("{VALID}colour: blue\n"));
    let (code, log) = check_sarif(project.path());
    assert_eq!(code, Some(1));
    assert!(!log["runs"][0]["results"].as_array().unwrap().is_empty());
    assert_valid(&validator, &log, "a loader finding");
}

#[test]
fn sarif_of_every_example_validates_against_the_sarif_2_1_0_schema() {
    let validator = sarif_validator();
    for example in EXAMPLES {
        let (code, log) = check_sarif(&example_dir(example));
        assert_eq!(code, Some(0), "{example}");
        assert_eq!(
            log["runs"][0]["results"],
            serde_json::json!([]),
            "{example}"
        );
        assert_valid(&validator, &log, example);
    }
}

/// The schema does catch a broken log: this test can fail.
#[test]
fn the_sarif_schema_refuses_a_log_without_its_version() {
    let validator = sarif_validator();
    let project = TempProject::new(&two_errors_spec());
    let (_, mut log) = check_sarif(project.path());
    log.as_object_mut().unwrap().remove("version");
    assert!(!validator.is_valid(&log));
    log["version"] = "2.1.0".into();
    log["runs"][0]["results"][0]["level"] = "fatal".into();
    assert!(!validator.is_valid(&log));
}
