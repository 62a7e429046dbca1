//! The distribution files agree with each other and with the crate: the
//! GitHub Action and its test workflow, the container image. (actionlint,
//! run by scripts/check-release, lints workflows but not the action's own
//! metadata or how workflows call it.)

use crate::support::repo;
use serde_json::Value;

fn yaml(path: &str) -> Value {
    let text = std::fs::read_to_string(repo().join(path)).unwrap();
    serde_saphyr::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"))
}

#[test]
fn the_action_installs_this_release_by_default() {
    let action = yaml("action.yml");
    assert_eq!(
        action["inputs"]["archgen-version"]["default"],
        env!("CARGO_PKG_VERSION"),
        "bump archgen-version in action.yml with the crate version"
    );
    assert_eq!(action["runs"]["using"], "composite");
}

/// Every `uses: ./` step passes only inputs the action declares, and all
/// the required ones; it reads only outputs the action declares.
#[test]
fn the_action_workflow_calls_it_with_its_declared_inputs_and_outputs() {
    let action = yaml("action.yml");
    let inputs = action["inputs"].as_object().unwrap();
    let outputs = action["outputs"].as_object().unwrap();
    let workflow = yaml(".github/workflows/action.yml");
    let text = std::fs::read_to_string(repo().join(".github/workflows/action.yml")).unwrap();
    let mut calls = 0;
    for job in workflow["jobs"].as_object().unwrap().values() {
        for step in job["steps"].as_array().unwrap() {
            if step["uses"] != "./" {
                continue;
            }
            calls += 1;
            let with = step["with"].as_object().unwrap();
            for name in with.keys() {
                assert!(inputs.contains_key(name), "input '{name}' is not declared");
            }
            for (name, input) in inputs {
                if input["required"] == true {
                    assert!(with.contains_key(name), "required input '{name}' missing");
                }
            }
            let id = step["id"].as_str().expect("the step has an id");
            let prefix = format!("steps.{id}.outputs.");
            for used in text.split(&prefix).skip(1) {
                let name: String = used
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
                    .collect();
                assert!(
                    outputs.contains_key(&name),
                    "output '{name}' is not declared"
                );
            }
        }
    }
    assert_eq!(
        calls, 2,
        "the workflow runs the action on a valid and a broken example"
    );
}

#[test]
fn the_container_image_runs_the_static_binary_as_non_root() {
    let dockerfile = std::fs::read_to_string(repo().join("Dockerfile")).unwrap();
    let instructions: Vec<&str> = dockerfile
        .lines()
        .filter(|l| !l.trim_start().starts_with('#') && !l.trim().is_empty())
        .collect();
    let from: Vec<&&str> = instructions
        .iter()
        .filter(|l| l.starts_with("FROM "))
        .collect();
    assert_eq!(from.len(), 1, "one stage: nothing is compiled in the image");
    assert!(
        from[0].contains("distroless/static") || from[0].trim() == "FROM scratch",
        "{}",
        from[0]
    );
    let user = instructions
        .iter()
        .rev()
        .find(|l| l.starts_with("USER "))
        .expect("a USER instruction");
    let uid = user.trim_start_matches("USER ").split(':').next().unwrap();
    assert!(uid != "0" && uid != "root", "{user}");
    assert!(
        !instructions.iter().any(|l| l.starts_with("RUN ")),
        "no RUN: the image holds the binary only"
    );
    assert!(instructions.contains(&"ENTRYPOINT [\"/usr/local/bin/archgen\"]"));
}
