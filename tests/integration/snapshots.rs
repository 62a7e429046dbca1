//! Reviewed snapshots of every example × environment. A change to any
//! template shows up as a snapshot diff in the pull request.

use crate::support::*;

#[test]
fn every_example_and_environment_matches_its_reviewed_snapshot() {
    for ex in all_examples() {
        for env in ENVIRONMENTS {
            let s = synth_example(ex, env);
            for entry in &s.manifest.stacks {
                let body = s.template(&entry.name).expect("template").to_json();
                insta::assert_snapshot!(format!("{ex}__{env}__{}", entry.name), body);
            }
            let manifest = serde_json::to_string_pretty(&s.manifest).expect("manifest");
            insta::assert_snapshot!(format!("{ex}__{env}__manifest"), manifest);
        }
    }
}

#[test]
fn two_runs_write_byte_identical_files() {
    let a = tempfile::tempdir().unwrap();
    let b = tempfile::tempdir().unwrap();
    let pa = write_all_examples(a.path(), ENVIRONMENTS);
    let pb = write_all_examples(b.path(), ENVIRONMENTS);
    assert_eq!(pa.len(), stack_count(ENVIRONMENTS));
    assert!(
        pa.len() > EXAMPLES.len() * ENVIRONMENTS.len(),
        "edge stacks are written too"
    );
    for (x, y) in pa.iter().zip(&pb) {
        assert_eq!(
            std::fs::read(x).unwrap(),
            std::fs::read(y).unwrap(),
            "{} differs between runs",
            x.display()
        );
    }
}
