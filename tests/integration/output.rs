//! `--out`: archgen replaces only a directory it wrote itself, and a failed
//! run leaves every file that was there before, byte for byte.

use predicates::prelude::*;
use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use crate::support::{TempProject, VALID, archgen};

/// Every file and directory under `root`, with the bytes of each file.
fn tree(root: &Path) -> BTreeMap<PathBuf, Option<Vec<u8>>> {
    let mut found = BTreeMap::new();
    let mut pending = vec![root.to_path_buf()];
    while let Some(dir) = pending.pop() {
        for entry in fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            let relative = path.strip_prefix(root).unwrap().to_path_buf();
            if path.is_dir() {
                found.insert(relative, None);
                pending.push(path);
            } else {
                found.insert(relative, Some(fs::read(&path).unwrap()));
            }
        }
    }
    found
}

/// A project with a git directory and a README, as a user's would be.
fn user_project() -> TempProject {
    let project = TempProject::new(VALID);
    fs::create_dir(project.path().join(".git")).unwrap();
    fs::write(project.path().join(".git/HEAD"), "ref: refs/heads/main\n").unwrap();
    fs::write(project.path().join("README.md"), "# my project\n").unwrap();
    project
}

fn synth_into(project: &TempProject, out: &Path) -> assert_cmd::assert::Assert {
    archgen()
        .current_dir(project.path())
        .args(["synth", "prod", "--dir"])
        .arg(project.path())
        .arg("--out")
        .arg(out)
        .assert()
}

#[test]
fn out_dot_in_a_project_is_refused_and_touches_nothing() {
    let project = user_project();
    let before = tree(project.path());
    archgen()
        .current_dir(project.path())
        .args(["synth", "prod", "--out", "."])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("refusing to write output into ."))
        .stderr(predicate::str::contains("nothing was changed"));
    assert_eq!(tree(project.path()), before);
}

#[test]
fn the_project_directory_is_refused_and_touches_nothing() {
    let project = user_project();
    let before = tree(project.path());
    let elsewhere = tempfile::tempdir().unwrap();
    archgen()
        .current_dir(elsewhere.path())
        .args(["synth", "prod", "--dir"])
        .arg(project.path())
        .arg("--out")
        .arg(project.path())
        .assert()
        .code(2)
        .stderr(predicate::str::contains("stacks/"));
    assert_eq!(tree(project.path()), before);
}

#[test]
fn a_directory_that_contains_the_project_is_refused() {
    let parent = tempfile::tempdir().unwrap();
    let project_dir = parent.path().join("infra");
    fs::create_dir_all(project_dir.join("stacks")).unwrap();
    fs::write(project_dir.join("stacks/main.yaml"), VALID).unwrap();
    let before = tree(parent.path());
    archgen()
        .current_dir(parent.path())
        .args(["synth", "prod", "--dir", "infra", "--out"])
        .arg(parent.path())
        .assert()
        .code(2)
        .stderr(predicate::str::contains("current directory"));
    assert_eq!(tree(parent.path()), before);
}

#[test]
fn the_home_directory_is_refused() {
    let project = user_project();
    let home = tempfile::tempdir().unwrap();
    fs::write(home.path().join(".bashrc"), "export EDITOR=vi\n").unwrap();
    let before = tree(home.path());
    archgen()
        .current_dir(project.path())
        .env("HOME", home.path())
        .args(["synth", "prod", "--out"])
        .arg(home.path())
        .assert()
        .code(2)
        .stderr(predicate::str::contains("home directory"));
    assert_eq!(tree(home.path()), before);
}

#[test]
fn a_non_empty_directory_archgen_did_not_write_is_refused() {
    let project = user_project();
    let out = project.path().join("deploy");
    fs::create_dir(&out).unwrap();
    fs::write(out.join("pipeline.yml"), "steps: []\n").unwrap();
    let before = tree(project.path());
    synth_into(&project, &out)
        .code(2)
        .stderr(predicate::str::contains("archgen did not write it"))
        .stderr(predicate::str::contains("'pipeline.yml'"));
    assert_eq!(tree(project.path()), before);
}

#[test]
fn a_user_file_inside_archgens_output_stops_the_replacement() {
    let project = user_project();
    let out = project.path().join("out/prod");
    synth_into(&project, &out).success();
    fs::write(out.join("review-notes.md"), "looks fine\n").unwrap();
    let before = tree(project.path());
    synth_into(&project, &out)
        .code(2)
        .stderr(predicate::str::contains("besides archgen's output"))
        .stderr(predicate::str::contains("'review-notes.md'"));
    assert_eq!(tree(project.path()), before);
}

#[test]
fn archgens_own_output_is_replaced_whole_and_stale_templates_go() {
    let project = user_project();
    let out = project.path().join("out/prod");
    synth_into(&project, &out).success();
    // A stack removed from the spec must not leave its old template behind.
    let manifest_path = out.join("manifest.json");
    let mut manifest: serde_json::Value =
        serde_json::from_slice(&fs::read(&manifest_path).unwrap()).unwrap();
    let mut gone = manifest["stacks"][0].clone();
    gone["name"] = "old".into();
    gone["template_file"] = "old.template.json".into();
    manifest["stacks"].as_array_mut().unwrap().push(gone);
    fs::write(&manifest_path, manifest.to_string()).unwrap();
    fs::write(out.join("old.template.json"), "{}").unwrap();

    synth_into(&project, &out).success();
    assert!(!out.join("old.template.json").exists());
    assert!(out.join("main.template.json").exists());
    let siblings: Vec<String> = fs::read_dir(project.path().join("out"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(siblings, vec!["prod"], "no scratch directory is left");
}

#[test]
fn an_empty_directory_is_written_into() {
    let project = user_project();
    let out = project.path().join("empty");
    fs::create_dir(&out).unwrap();
    synth_into(&project, &out).success();
    assert!(out.join("manifest.json").exists());
}

#[test]
fn a_symbolic_link_is_refused() {
    let project = user_project();
    let real = project.path().join("real");
    fs::create_dir(&real).unwrap();
    let link = project.path().join("link");
    std::os::unix::fs::symlink(&real, &link).unwrap();
    synth_into(&project, &link)
        .code(2)
        .stderr(predicate::str::contains("symbolic link"));
    assert!(fs::read_dir(&real).unwrap().next().is_none());
}

#[test]
fn a_failure_while_writing_changes_nothing_and_exits_3() {
    let project = user_project();
    synth_into(&project, &project.path().join("out/prod")).success();
    // The output's parent is a file, so no scratch directory can be made.
    fs::write(project.path().join("blocker"), "not a directory\n").unwrap();
    let before = tree(project.path());
    synth_into(&project, &project.path().join("blocker/prod"))
        .code(3)
        .stderr(predicate::str::contains("blocker"));
    assert_eq!(tree(project.path()), before);
}
