//! The JSON Schema of a stack file (`archgen schema`): the committed copy is
//! current, every example and preset validates against it and starts with
//! its modeline, and it accepts and refuses what the loader does.

use crate::support::*;
use archgen::spec::Project;
use std::path::PathBuf;

const COMMITTED: &str = "schema/archgen.schema.json";
const REFRESH: &str = "cargo run -- schema > schema/archgen.schema.json";

fn schema() -> serde_json::Value {
    let text = std::fs::read_to_string(repo().join(COMMITTED))
        .unwrap_or_else(|e| panic!("{COMMITTED}: {e}; write it with `{REFRESH}`"));
    serde_json::from_str(&text).expect("the committed schema is JSON")
}

fn validator() -> jsonschema::Validator {
    jsonschema::validator_for(&schema()).expect("the schema is a valid draft-07 schema")
}

/// A stack file as the JSON the schema describes (YAML's own types kept).
fn as_json(yaml: &str) -> serde_json::Value {
    serde_saphyr::from_str(yaml).expect("the YAML parses")
}

/// Where the schema finds `yaml` wrong, as `instance path: message`.
fn schema_errors(validator: &jsonschema::Validator, yaml: &str) -> Vec<String> {
    let instance = as_json(yaml);
    validator
        .iter_errors(&instance)
        .map(|e| format!("{}: {e}", e.instance_path()))
        .collect()
}

/// Whether the loader reads `yaml` in every environment it declares (the
/// shape only: semantic rules are `check`'s business, not the schema's).
fn loader_accepts(yaml: &str) -> Result<(), String> {
    let project = Project::from_source(PathBuf::from("stacks/main.yaml"), yaml.to_string())
        .map_err(|d| d.to_string())?;
    let stack = &project.stacks[0];
    for env in stack.environment_names() {
        stack.resolve(env).map_err(|d| {
            d.iter()
                .map(|d| format!("{} ({})", d.message, d.field))
                .collect::<Vec<_>>()
                .join("; ")
        })?;
    }
    Ok(())
}

/// Every stack file of the repository: the examples and the default `stacks/`.
fn stack_files() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::iter::once(repo().join("stacks"))
        .chain(
            EXAMPLES
                .iter()
                .filter(|ex| **ex != "user-management") // its stacks/ is the top-level one
                .map(|ex| example_dir(ex).join("stacks")),
        )
        .flat_map(|dir| std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()))
        .filter(|p| p.extension().is_some_and(|e| e == "yaml" || e == "yml"))
        .collect();
    files.sort();
    assert!(files.len() >= EXAMPLES.len(), "{files:?}");
    files
}

#[test]
fn the_committed_schema_is_what_archgen_schema_prints() {
    let out = archgen().arg("schema").assert().success();
    let printed = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    let committed = std::fs::read_to_string(repo().join(COMMITTED)).unwrap_or_default();
    assert!(
        printed == committed,
        "{COMMITTED} is stale (the spec types changed): refresh it with `{REFRESH}` and commit it"
    );
    let schema: serde_json::Value = serde_json::from_str(&printed).unwrap();
    assert_eq!(schema["$schema"], "http://json-schema.org/draft-07/schema#");
    // Descriptions come from the spec's doc comments.
    assert!(
        schema["properties"]["app"]["description"]
            .as_str()
            .unwrap()
            .contains("lowercase letters, digits and hyphens")
    );
}

#[test]
fn every_example_starts_with_the_modeline_and_validates() {
    let validator = validator();
    for path in stack_files() {
        let text = std::fs::read_to_string(&path).unwrap();
        let first = text.lines().next().unwrap_or_default();
        let target = first
            .strip_prefix("# yaml-language-server: $schema=")
            .unwrap_or_else(|| panic!("{}: no schema modeline on line 1", path.display()));
        let resolved = path.parent().unwrap().join(target);
        assert!(
            resolved.canonicalize().ok() == repo().join(COMMITTED).canonicalize().ok(),
            "{}: the modeline points at {}, not at {COMMITTED}",
            path.display(),
            resolved.display()
        );
        let errors = schema_errors(&validator, &text);
        assert!(
            errors.is_empty(),
            "{}:\n{}",
            path.display(),
            errors.join("\n")
        );
    }
}

#[test]
fn every_init_preset_starts_with_the_modeline_and_validates() {
    let validator = validator();
    let dir = tempfile::tempdir().unwrap();
    for preset in PRESETS {
        let project = dir.path().join(preset);
        archgen()
            .args(["init", "--preset", preset, "--dir"])
            .arg(&project)
            .assert()
            .success();
        let text = std::fs::read_to_string(project.join("stacks/main.yaml")).unwrap();
        let expected = format!(
            "# yaml-language-server: $schema=https://raw.githubusercontent.com/archgen/archgen/v{}/{COMMITTED}",
            env!("CARGO_PKG_VERSION")
        );
        assert_eq!(text.lines().next(), Some(expected.as_str()), "{preset}");
        let errors = schema_errors(&validator, &text);
        assert!(errors.is_empty(), "{preset}:\n{}", errors.join("\n"));
    }
}

#[test]
fn a_wrong_example_fails_validation_at_the_wrong_fields() {
    let path = example_dir("solo-saving").join("stacks/main.yaml");
    let text = std::fs::read_to_string(&path).unwrap();
    let wrong = text
        .replacen("\nregion:", "\ncolour: blue\nregion:", 1)
        .replacen("  cidr: ", "  cidrr: ", 1)
        .replacen("\n  prod:\n", "\n  prod:\n    tags: maybe\n", 1);
    assert_ne!(wrong, text);
    assert!(loader_accepts(&wrong).is_err(), "the loader refuses it too");
    let errors = schema_errors(&validator(), &wrong);
    let at = |path: &str, says: &str| {
        assert!(
            errors
                .iter()
                .any(|e| e.starts_with(path) && e.contains(says)),
            "expected an error at {path} saying {says:?} in\n{}",
            errors.join("\n")
        );
    };
    at(": ", "colour"); // the root: an unknown key
    at("/network: ", "cidrr");
    at("/environments/prod", "maybe");
}

/// `VALID` with `from` replaced by `to` (once), which must change it.
fn variant(from: &str, to: &str) -> String {
    assert!(VALID.contains(from), "{from:?} is not in VALID");
    VALID.replacen(from, to, 1)
}

/// The schema and the loader agree on the shapes that are easy to get
/// wrong: bare numbers as text, durations, sizes, windows, zone counts or
/// names, component references with access levels, empty mappings,
/// overlays that remove keys.
#[test]
fn the_schema_accepts_what_the_loader_accepts_and_refuses_what_it_refuses() {
    let validator = validator();
    let database = "\ndatabases:\n  db:\n    engine: postgres\n    version: 15\n    instance: db.t4g.micro\n    backup: { retention_days: 7, window: '03:00-04:00 Asia/Tokyo' }\n    maintenance_window: 'sun 04:00-05:00'\n    parameters: { work_mem: 256MB, max_connections: 100, log_connections: true }\n";
    let cdn = "\ncdn:\n  site:\n    origins: { web: { load_balancer: true } }\n    default: { origin: web, ttl: 5m }\n    behaviors:\n      api: { path: /api/*, origin: web, ttl: 0 }\n      css: { path: '*.css', origin: web, ttl: ' 7 d ' }\n";
    let cases: &[(&str, String, bool)] = &[
        ("the spec as is", VALID.to_string(), true),
        (
            "zone names",
            variant("zones: 2", "zones: [ap-northeast-1a, ap-northeast-1c]"),
            true,
        ),
        ("a bare number as text", variant("tag: '1'", "tag: 1"), true),
        (
            "an access level",
            variant("[worker]", "[worker:read, web:read-write]"),
            true,
        ),
        ("an empty mapping", format!("{VALID}tags:\n"), true),
        (
            "an overlay that removes a key",
            variant("  dev: {}", "  dev: { network: { nat: ~ } }"),
            true,
        ),
        ("an empty overlay", variant("  dev: {}", "  dev:"), true),
        (
            "an overlay that changes one field",
            variant("  dev: {}", "  dev: { services: { web: { cpu: 512 } } }"),
            true,
        ),
        (
            "sizes, windows and a version",
            format!("{VALID}{database}"),
            true,
        ),
        ("durations", format!("{VALID}{cdn}"), true),
        ("an unknown key", format!("{VALID}colour: blue\n"), false),
        (
            "an unknown nested key",
            variant("  cidr:", "  cidrr:"),
            false,
        ),
        (
            "a word for a number",
            variant("cpu: 256", "cpu: lots"),
            false,
        ),
        (
            "a word for a zone count",
            variant("zones: 2", "zones: two"),
            false,
        ),
        (
            "a negative zone count",
            variant("zones: 2", "zones: -1"),
            false,
        ),
        (
            "a fraction for a count",
            variant("zones: 2", "zones: 2.5"),
            false,
        ),
        (
            "an unknown NAT mode",
            variant("nat: single", "nat: per-az"),
            false,
        ),
        ("a number for an image", variant("nginx:1.27", "5"), false),
        (
            "an unknown access level",
            variant("[worker]", "[worker:admin]"),
            false,
        ),
        (
            "an unknown key in an overlay",
            variant("  dev: {}", "  dev: { netwrk: {} }"),
            false,
        ),
        (
            "a wrong type in an overlay",
            variant("  dev: {}", "  dev: { termination_protection: maybe }"),
            false,
        ),
        (
            "a list where a mapping belongs in an overlay",
            variant("  dev: {}", "  dev: { network: [a] }"),
            false,
        ),
        (
            "environments as a list",
            variant("  dev: {}\n  prod: {}", "  - dev"),
            false,
        ),
        (
            "a missing required field",
            variant("region: ap-northeast-1\n", ""),
            false,
        ),
        (
            "a duration without a number",
            format!("{VALID}{}", cdn.replace("ttl: 5m", "ttl: soon")),
            false,
        ),
        (
            "a list where a size belongs",
            format!("{VALID}{}", database.replace("256MB", "[256]")),
            false,
        ),
    ];
    let mut disagreements = Vec::new();
    for (name, yaml, accepted) in cases {
        let loader = loader_accepts(yaml);
        let errors = schema_errors(&validator, yaml);
        if loader.is_ok() != *accepted {
            disagreements.push(format!("{name}: the loader says {loader:?}"));
        }
        if errors.is_empty() != *accepted {
            disagreements.push(format!("{name}: the schema says {errors:?}"));
        }
    }
    assert!(disagreements.is_empty(), "{}", disagreements.join("\n"));
}
