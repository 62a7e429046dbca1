//! `archgen docs`: the committed design documents of every example are
//! what archgen generates today, they describe what the templates deploy,
//! and writing them follows the same safety rules as synth's output.

use crate::support::{TempProject, VALID, all_examples, archgen, example_dir};
use archgen::docs;
use archgen::spec::Project;
use predicates::prelude::*;
use std::collections::BTreeSet;
use std::fs;

fn generated(example: &str) -> Vec<docs::Document> {
    let project = Project::load(&example_dir(example)).expect("example loads");
    let envs = project.environment_names();
    docs::generate(&project, &envs).unwrap_or_else(|e| panic!("{example}: {e}"))
}

fn doc(example: &str, file: &str) -> String {
    generated(example)
        .into_iter()
        .find(|d| d.file_name == file)
        .unwrap_or_else(|| panic!("{example} has no {file}"))
        .text
}

#[test]
fn the_committed_docs_of_every_example_are_current() {
    let mut stale = Vec::new();
    for example in all_examples() {
        let dir = example_dir(example).join("docs");
        let documents = generated(example);
        let mut expected: BTreeSet<String> =
            documents.iter().map(|d| d.file_name.clone()).collect();
        expected.insert("manifest.json".into());
        let present: BTreeSet<String> = fs::read_dir(&dir)
            .map(|entries| {
                entries
                    .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                    .collect()
            })
            .unwrap_or_default();
        let differs = documents
            .iter()
            .any(|d| fs::read_to_string(dir.join(&d.file_name)).ok().as_deref() != Some(&d.text));
        if present != expected || differs {
            stale.push(format!(
                "examples/{example}/docs: refresh with `cargo run -- docs --dir examples/{example}`"
            ));
        }
    }
    assert!(
        stale.is_empty(),
        "the committed docs differ from what archgen generates; review the change, then\n{}",
        stale.join("\n")
    );
}

#[test]
fn a_doc_states_windows_in_their_time_zone_and_in_utc() {
    let text = doc("user-management", "main.prod.md");
    assert!(
        text.contains("| 03:00-04:00 Asia/Tokyo = 18:00-19:00 UTC |"),
        "{text}"
    );
    assert!(
        text.contains("| sun 04:00-05:00 Asia/Tokyo = sat:19:00-sat:20:00 UTC |"),
        "{text}"
    );
}

#[test]
fn the_reachability_matrix_follows_the_security_groups() {
    let text = doc("user-management", "main.prod.md");
    assert!(
        text.contains("| from \\ to | db | cache | api | load balancer |"),
        "{text}"
    );
    // The service reaches the database and cache; only the load balancer
    // reaches the service; the internet reaches only the load balancer.
    assert!(
        text.contains("| **api** | tcp 5432 | tcp 6379 |  |  |"),
        "{text}"
    );
    assert!(
        text.contains("| **load balancer** |  |  | tcp 3000 |  |"),
        "{text}"
    );
    assert!(
        text.contains("| **Internet** |  |  |  | tcp 443, tcp 80 |"),
        "{text}"
    );
    // solo-saving: the backend is reachable from the frontend only.
    let solo = doc("solo-saving", "main.prod.md");
    let rows: Vec<&str> = solo
        .lines()
        .skip_while(|l| !l.starts_with("| from \\ to"))
        .take_while(|l| l.starts_with('|'))
        .collect();
    let header: Vec<&str> = rows[0].split('|').map(str::trim).collect();
    let backend = header
        .iter()
        .position(|c| *c == "backend")
        .expect("backend column");
    let reaching: Vec<&str> = rows[2..]
        .iter()
        .filter(|row| !row.split('|').nth(backend).unwrap_or("").trim().is_empty())
        .map(|row| row.split('|').nth(1).unwrap().trim())
        .collect();
    assert_eq!(reaching, ["**frontend**"], "{}", rows.join("\n"));
}

#[test]
fn a_doc_says_what_each_workload_may_do_and_what_is_kept_on_delete() {
    let text = doc("user-management", "main.prod.md");
    assert!(
        text.contains("- connects Db (`rds-db:connect`, role ApiTaskRole)"),
        "{text}"
    );
    assert!(
        text.contains("- writes UploadsBucket (`s3:PutObject, s3:DeleteObject`, role ApiTaskRole)"),
        "{text}"
    );
    assert!(
        text.contains("| Db | AWS::RDS::DBInstance | snapshot | snapshot |"),
        "{text}"
    );
    assert!(
        text.contains("| UploadsBucket | AWS::S3::Bucket | retain | retain |"),
        "{text}"
    );
}

#[test]
fn the_environments_are_compared_side_by_side() {
    let text = doc("user-management", "main.dev.md");
    assert!(
        text.contains("| setting | dev | staging | prod |"),
        "{text}"
    );
    assert!(
        text.contains("| services › api › desired | 1 | 2 | 4 |"),
        "{text}"
    );
    // Settings that are equal everywhere are not rows.
    assert!(!text.contains("| services › api › cpu |"), "{text}");
}

#[test]
fn a_default_switched_off_is_listed_with_its_reason() {
    let spec = VALID.replace(
        "load_balancer:\n  name: demo-alb\n",
        "load_balancer:\n  name: demo-alb\n  access_logs: { enabled: false, reason: the account logs centrally }\n",
    );
    assert_ne!(spec, VALID, "the spec has a load balancer block to change");
    let project = TempProject::new(&spec);
    let loaded = Project::load(project.path()).unwrap();
    let documents = docs::generate(&loaded, &["prod".to_string()]).unwrap();
    let text = &documents[0].text;
    assert!(
        text.contains("- `load_balancer.access_logs` is off: the account logs centrally"),
        "{text}"
    );
}

#[test]
fn docs_are_written_next_to_stacks_and_replace_only_their_own_output() {
    let project = TempProject::new(VALID);
    let docs_dir = project.path().join("docs");
    archgen()
        .args(["docs", "--dir"])
        .arg(project.path())
        .assert()
        .success();
    let mut names: Vec<String> = fs::read_dir(&docs_dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, ["main.dev.md", "main.prod.md", "manifest.json"]);
    // Its own output is replaced; with ENV, only that environment is written.
    archgen()
        .args(["docs", "prod", "--dir"])
        .arg(project.path())
        .assert()
        .success();
    assert!(!docs_dir.join("main.dev.md").exists());
    assert!(docs_dir.join("main.prod.md").exists());
    // A file archgen did not write stops it, and nothing changes.
    fs::write(docs_dir.join("design.md"), "# ours\n").unwrap();
    let before = fs::read_to_string(docs_dir.join("main.prod.md")).unwrap();
    archgen()
        .args(["docs", "--dir"])
        .arg(project.path())
        .assert()
        .code(2)
        .stderr(predicate::str::contains("'design.md'"));
    assert_eq!(
        fs::read_to_string(docs_dir.join("design.md")).unwrap(),
        "# ours\n"
    );
    assert_eq!(
        fs::read_to_string(docs_dir.join("main.prod.md")).unwrap(),
        before
    );
}

#[test]
fn an_invalid_spec_writes_no_docs() {
    let project = TempProject::new(&VALID.replace("cidr: 10.0.0.0/16", "cidr: 10.0.0.0/33"));
    archgen()
        .args(["docs", "--dir"])
        .arg(project.path())
        .assert()
        .code(1);
    assert!(!project.path().join("docs").exists());
}

#[test]
fn an_unknown_environment_is_a_usage_error() {
    let project = TempProject::new(VALID);
    archgen()
        .args(["docs", "prd", "--dir"])
        .arg(project.path())
        .assert()
        .code(2)
        .stderr(predicate::str::contains("Did you mean 'prod'?"));
    assert!(!project.path().join("docs").exists());
}

/// Runs Mermaid's own parser (scripts/mermaid-parse.mjs, with the mermaid
/// and jsdom that scripts/install-tools puts in .tools/node) on the
/// diagrams of `files`: whether all parse, and what it printed.
fn mermaid_parse(files: &[std::path::PathBuf]) -> (bool, String) {
    let node_dir = std::env::var_os("ARCHGEN_TOOLS_NODE")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| crate::support::repo().join(".tools/node"));
    let modules = node_dir.join("node_modules");
    assert!(
        modules.join("mermaid").is_dir() && modules.join("jsdom").is_dir(),
        "mermaid and jsdom not found in {}: run scripts/test (it installs the test tools) \
         or set ARCHGEN_TOOLS_NODE",
        modules.display()
    );
    let out = std::process::Command::new("node")
        .arg(crate::support::repo().join("scripts/mermaid-parse.mjs"))
        .args(files)
        .env("ARCHGEN_MERMAID_MODULES", &modules)
        .output()
        .expect("node runs");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), text)
}

#[test]
fn every_committed_diagram_parses_with_mermaid() {
    let files: Vec<std::path::PathBuf> = all_examples()
        .flat_map(|example| {
            let dir = example_dir(example).join("docs");
            generated(example)
                .into_iter()
                .map(move |d| dir.join(d.file_name))
        })
        .collect();
    assert_eq!(
        files.len(),
        27,
        "every stack of every example × environment"
    );
    let mut files = files;
    files.push(crate::support::repo().join("README.md"));
    let (ok, output) = mermaid_parse(&files);
    assert!(ok, "{output}");
    assert!(
        output.contains("28 diagram(s) parsed, 0 failed"),
        "{output}"
    );
}

/// The first Mermaid block of a Markdown text.
fn first_diagram(text: &str) -> &str {
    let start = text.find("```mermaid\n").expect("a mermaid block");
    let rest = text.get(start..).unwrap_or_default();
    let end = rest.get(3..).and_then(|r| r.find("```")).expect("closed") + 6;
    rest.get(..end).unwrap_or_default()
}

#[test]
fn the_readme_shows_the_diagram_archgen_generates() {
    let readme = fs::read_to_string(crate::support::repo().join("README.md")).unwrap();
    let generated = doc("user-management", "main.prod.md");
    assert_eq!(
        first_diagram(&readme),
        first_diagram(&generated),
        "README.md's diagram is examples/user-management/docs/main.prod.md's: copy it over"
    );
}

#[test]
fn a_broken_diagram_fails_the_mermaid_check() {
    let good = doc("user-management", "main.prod.md");
    let dir = tempfile::tempdir().unwrap();
    // A subgraph left open, and a label with a bare quote in it.
    let mut lines: Vec<&str> = good.lines().collect();
    let end = lines
        .iter()
        .position(|l| l.trim() == "end")
        .expect("a subgraph");
    lines.remove(end);
    let unclosed = lines.join("\n");
    let quoted = good.replacen("[\"api<br/>", "[\"api \"v2\"<br/>", 1);
    assert_ne!(quoted, good, "the diagram has the api node");
    let mut files = Vec::new();
    for (name, text) in [
        ("good.md", good.as_str()),
        ("unclosed.md", &unclosed),
        ("quoted.md", &quoted),
    ] {
        fs::write(dir.path().join(name), text).unwrap();
        files.push(dir.path().join(name));
    }
    let (ok, output) = mermaid_parse(&files);
    assert!(!ok, "{output}");
    assert!(
        output.contains("unclosed.md: diagram 1: Parse error"),
        "{output}"
    );
    assert!(
        output.contains("quoted.md: diagram 1: Parse error"),
        "{output}"
    );
    assert!(!output.contains("good.md"), "{output}");
    assert!(output.contains("1 diagram(s) parsed, 2 failed"), "{output}");
}
