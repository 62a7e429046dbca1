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
    // In a project of several stacks, the application's (`app:`).
    let tag = if dir.path().join("stacks/main.yaml").exists() {
        "tags.archgen-test=changed"
    } else {
        "app:tags.archgen-test=changed"
    };
    let change = ["--set", tag];
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

/// The spec names of the stacks in the order `==> stack` or `deleting
/// stack` lines name them.
fn stack_order(out: &str, marker: &str, env: &str) -> Vec<String> {
    let prefix = format!("eyewear-retail-{env}-");
    out.lines()
        .filter_map(|l| l.strip_prefix(marker))
        .filter_map(|rest| rest.split_whitespace().next())
        .filter_map(|name| name.strip_prefix(&prefix))
        .map(str::to_string)
        .collect()
}

#[test]
fn eyewear_retail_stacks_staging() {
    lifecycle("eyewear-retail-stacks", "staging");
}

/// The project of several stacks: deployed in dependency order, destroyed
/// in reverse; `--stack` checks the stacks around it; a change that would
/// remove an export another deployed stack imports is refused by deploy and
/// diff before CloudFormation sees it (and moto, like CloudFormation,
/// refuses it too).
#[test]
fn a_project_of_several_stacks_deploys_in_order_and_guards_its_exports() {
    let moto = Moto::start_with_stubs();
    let dir = example("eyewear-retail-stacks");
    let run = |args: &[&str]| {
        let out = moto.run(dir.path(), args);
        (out.status.code(), stdout(&out), stderr(&out))
    };
    let ok = |args: &[&str]| {
        let (code, out, err) = run(args);
        assert_eq!(code, Some(0), "{args:?}:\n{out}{err}");
        out
    };
    ok(&["bootstrap", "--env", "staging"]);

    // The application alone needs the network and data stacks.
    let (code, _, err) = run(&["deploy", "--env", "staging", "--stack", "app", "--yes"]);
    assert_eq!(code, Some(3), "{err}");
    assert!(
        err.contains("stack eyewear-retail-staging-app uses stack 'network'")
            && err.contains("--stack network"),
        "{err}"
    );
    let (code, _, err) = run(&["deploy", "--env", "staging", "--stack", "ap", "--yes"]);
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("Did you mean 'app'?"), "{err}");

    let out = ok(&["deploy", "--env", "staging", "--yes"]);
    assert_eq!(
        stack_order(&out, "==> stack ", "staging"),
        ["network", "data", "app-edge", "app"]
    );

    // One stack at a time, with its dependencies deployed.
    let out = ok(&["deploy", "--env", "staging", "--stack", "app", "--yes"]);
    assert!(
        out.contains("no changes: stack eyewear-retail-staging-app"),
        "{out}"
    );
    assert_eq!(stack_order(&out, "==> stack ", "staging"), ["app"]);
    let out = ok(&["diff", "--env", "staging", "--stack", "data", "--fail"]);
    assert!(out.contains("no changes"), "{out}");

    // The data stack is in use by the application.
    let (code, _, err) = run(&["destroy", "--env", "staging", "--stack", "data", "--yes"]);
    assert_eq!(code, Some(3), "{err}");
    assert!(
        err.contains("is used by stack 'app'") && err.contains("--stack app"),
        "{err}"
    );

    // The application stops using the cache: the data stack would stop
    // exporting it, which the deployed application still imports.
    let app = dir.path().join("stacks/app.yaml");
    let spec = std::fs::read_to_string(&app).unwrap();
    let without_cache = spec
        .replace(
            "connects_to: [data.db, data.cache, data.uploads:read-write]",
            "connects_to: [data.db, data.uploads:read-write]",
        )
        .replace(", REDIS_AUTH_TOKEN: data.cache", "");
    assert_ne!(spec, without_cache);
    std::fs::write(&app, without_cache).unwrap();
    // The importer comes from ListImports, answered by moto (the plugin).
    for args in [
        &["deploy", "--env", "staging", "--stack", "data", "--yes"][..],
        &["diff", "--env", "staging", "--stack", "data"][..],
    ] {
        let command = args[0];
        let (code, out, err) = run(args);
        assert_eq!(code, Some(3), "{command}:\n{out}{err}");
        assert!(
            err.contains("removes export eyewear-retail-staging-data-CacheHost (output CacheHost), which eyewear-retail-staging-app import(s)"),
            "{command}: {err}"
        );
        assert!(
            err.contains("archgen deploy --env staging --stack app"),
            "{err}"
        );
    }
    // The order the guard gives works: the application first, then data.
    let out = ok(&["deploy", "--env", "staging", "--stack", "app", "--yes"]);
    assert!(out.contains("UPDATE_COMPLETE"), "{out}");
    let out = ok(&["deploy", "--env", "staging", "--stack", "data", "--yes"]);
    assert!(out.contains("UPDATE_COMPLETE"), "{out}");

    let out = ok(&["destroy", "--env", "staging", "--yes"]);
    assert_eq!(
        stack_order(&out, "deleting stack ", "staging"),
        ["app", "app-edge", "data", "network"]
    );
}
