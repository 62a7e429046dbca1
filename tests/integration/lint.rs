//! AWS's own linter and a security scanner over every synthesized template.

use crate::support::*;
use std::process::Command;

#[test]
fn cfn_lint_reports_nothing_on_any_template() {
    let dir = tempfile::tempdir().unwrap();
    let mut paths = write_all_examples(dir.path(), ENVIRONMENTS);
    // Every stack of the manifests, us-east-1 edge stacks included.
    assert_eq!(paths.len(), stack_count(ENVIRONMENTS));
    paths.extend(write_bootstrap(dir.path()));
    // What `archgen init` starts a project with, in every environment.
    paths.extend(write_init_presets(dir.path(), ENVIRONMENTS));
    // cfn-lint exits non-zero for errors (2), warnings (4) and infos (8).
    assert_cfn_lint_clean(&paths);
}

#[test]
fn cfn_lint_catches_a_broken_template() {
    // Guards the test above against a linter that silently checks nothing.
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.template.json");
    std::fs::write(
        &bad,
        r#"{"Resources":{"Vpc":{"Type":"AWS::EC2::VPC","Properties":{"CidrBlok":"10.0.0.0/16"}}}}"#,
    )
    .unwrap();
    let out = Command::new(tool("cfn-lint")).arg(&bad).output().unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("CidrBlok"));
}

#[test]
fn checkov_has_no_failed_check_on_prod_templates_and_every_skip_has_a_reason() {
    let dir = tempfile::tempdir().unwrap();
    let mut paths = write_all_examples(dir.path(), &["prod"]);
    assert_eq!(paths.len(), stack_count(&["prod"]));
    paths.extend(write_bootstrap(dir.path()));
    paths.extend(write_init_presets(dir.path(), &["prod"]));
    for path in &paths {
        let template: serde_json::Value =
            serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
        for (id, r) in template["Resources"].as_object().unwrap() {
            for skip in r["Metadata"]["checkov"]["skip"]
                .as_array()
                .into_iter()
                .flatten()
            {
                let reason = skip["comment"].as_str().unwrap_or_default();
                assert!(
                    reason.len() > 15,
                    "{}: {id} skips {} without a real reason",
                    path.display(),
                    skip["id"]
                );
            }
        }
    }
    let out = Command::new(tool("checkov"))
        .args([
            "--framework",
            "cloudformation",
            "--skip-download",
            "--quiet",
            "--compact",
            "-o",
            "json",
            "-d",
        ])
        .arg(dir.path())
        .env("BC_SKIP_MAPPING", "TRUE")
        .output()
        .expect("run checkov");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let report: serde_json::Value = serde_json::from_str(&stdout)
        .unwrap_or_else(|e| panic!("checkov output is not JSON ({e}):\n{stdout}"));
    let reports = if report.is_array() {
        report.as_array().unwrap().clone()
    } else {
        vec![report]
    };
    let mut failed = Vec::new();
    let mut passed = 0;
    for r in &reports {
        passed += r["summary"]["passed"].as_u64().unwrap_or(0);
        for f in r["results"]["failed_checks"]
            .as_array()
            .into_iter()
            .flatten()
        {
            failed.push(format!(
                "{} {} {} ({})",
                f["file_path"], f["resource"], f["check_id"], f["check_name"]
            ));
        }
    }
    assert!(
        passed > 50,
        "checkov passed only {passed} checks: did it scan the templates?"
    );
    assert!(
        failed.is_empty(),
        "checkov failed checks:\n{}",
        failed.join("\n")
    );
}

/// The template of `archgen bootstrap`'s stack, which deploy makes in every
/// region: held to the same linters as the synthesized ones.
fn write_bootstrap(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    #[cfg(feature = "deploy")]
    {
        let path = dir.join("archgen-bootstrap.template.json");
        let body = serde_json::to_string_pretty(&archgen::deploy::bootstrap::template()).unwrap();
        std::fs::write(&path, body).unwrap();
        vec![path]
    }
    #[cfg(not(feature = "deploy"))]
    {
        let _ = dir;
        Vec::new()
    }
}
