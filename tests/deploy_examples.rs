//! Every example deploys, re-deploys with no changes, diffs after a change
//! and is destroyed, against moto with archgen's plugin (which stubs the
//! resource types moto does not model: see tests/moto_plugin).

mod support;

use std::path::Path;
use support::{Moto, stderr, stdout};

/// A copy of `examples/<name>` (symlinks resolved) to deploy from.
fn example(name: &str) -> tempfile::TempDir {
    fn copy(from: &Path, to: &Path) {
        std::fs::create_dir_all(to).unwrap();
        for entry in std::fs::read_dir(from).unwrap() {
            let path = entry.unwrap().path();
            let target = to.join(path.file_name().unwrap());
            if std::fs::metadata(&path).unwrap().is_dir() {
                copy(&path, &target);
            } else {
                std::fs::copy(&path, &target).unwrap();
            }
        }
    }
    let dir = tempfile::tempdir().unwrap();
    let src = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("examples")
        .join(name);
    copy(&src, dir.path());
    dir
}

fn lifecycle(name: &str, env: &str) {
    let moto = Moto::start_with_stubs();
    let dir = example(name);
    let run = |args: &[&str]| {
        let out = moto.run(dir.path(), args);
        (out.status.code(), stdout(&out), stderr(&out))
    };
    let ok = |args: &[&str]| {
        let (code, out, err) = run(args);
        assert_eq!(code, Some(0), "{name} {args:?}:\n{out}{err}");
        out
    };

    // Big templates go through the bootstrap bucket, with no flag.
    ok(&["bootstrap", "--env", env]);
    let out = ok(&["deploy", "--env", env, "--yes", "--progress", "events"]);
    let created = out.matches("CREATE_COMPLETE: stack").count();
    assert!(created >= 1, "{name}: nothing created:\n{out}");

    let out = ok(&["deploy", "--env", env, "--yes"]);
    assert_eq!(
        out.matches("no changes: stack").count(),
        created,
        "{name}: a re-deploy changed something:\n{out}"
    );

    // One more tag on every resource: diff sees it and changes nothing.
    let change = ["--set", "tags.archgen-test=changed"];
    let (code, out, err) = run(&[&["diff", "--env", env, "--fail"][..], &change[..]].concat());
    assert_eq!(code, Some(4), "{name}: diff after a change:\n{out}{err}");
    let out = ok(&["diff", "--env", env, "--fail"]);
    assert!(out.contains("no changes"), "{name}:\n{out}");

    if env == "prod" {
        // prod turns termination protection on; destroy needs the flag.
        let status = ok(&["status", "--env", env]);
        assert!(status.contains("termination protection: on"), "{status}");
        let (code, _, err) = run(&["destroy", "--env", env, "--yes"]);
        assert_eq!(code, Some(3), "{err}");
        assert!(err.contains("termination protection on"), "{err}");
    }
    let out = ok(&[
        "destroy",
        "--env",
        env,
        "--yes",
        "--disable-termination-protection",
    ]);
    assert_eq!(
        out.matches("deleted stack").count(),
        created,
        "{name}: not every stack was deleted:\n{out}"
    );
    let out = ok(&["status", "--env", env]);
    assert_eq!(
        out.matches("not deployed").count(),
        created,
        "{name}:\n{out}"
    );
}

#[test]
fn solo_saving_staging() {
    lifecycle("solo-saving", "staging");
}

#[test]
fn user_management_staging() {
    lifecycle("user-management", "staging");
}

#[test]
fn user_management_prod() {
    lifecycle("user-management", "prod");
}

#[test]
fn eyewear_retail_staging() {
    lifecycle("eyewear-retail", "staging");
}

#[test]
fn neuraknot_staging() {
    lifecycle("neuraknot", "staging");
}

#[test]
fn multi_env_platform_staging() {
    lifecycle("multi-env-platform", "staging");
}

#[test]
fn order_ledger_staging() {
    lifecycle("order-ledger", "staging");
}
