//! No input makes archgen panic: regression tests for each input that once
//! did (each must be a proper error: exit 1, file, line, field, fix), then
//! property tests over generated input.

use crate::cli::{Case, assert_fails_with_file_line_field_and_fix};
use crate::support::*;
use archgen::pipeline::synthesize;
use archgen::render::Format;
use archgen::spec::Project;
use proptest::prelude::*;
use proptest::sample::Index;
use proptest::test_runner::{Config, RngSeed};
use serde_json::{Map, Value};
use std::path::PathBuf;

/// `check/app.rs` cut the name at byte 32, inside a three-byte character.
#[test]
fn japanese_load_balancer_name_over_32_bytes_is_an_error_not_a_panic() {
    assert_fails_with_file_line_field_and_fix(&Case {
        name: "Japanese load balancer name",
        from: "name: demo-alb",
        to: "name: ロードバランサー本番環境用",
        line: 17,
        field: "load_balancer.name",
        says: &[
            "load balancer name 'ロードバランサー本番環境用' has 'ロ', which AWS does not allow",
            "use letters, digits and hyphens",
        ],
    });
}

/// The window parser (now `spec/value/window.rs`) split `aaé04:00` at byte 3, inside `é`.
#[test]
fn maintenance_window_with_a_multibyte_day_is_an_error_not_a_panic() {
    assert_fails_with_file_line_field_and_fix(&Case {
        name: "maintenance window with a non-ASCII day",
        from: "environments:",
        to: "databases:\n  db:\n    engine: postgres\n    version: \"15.15\"\n    instance: db.t3.medium\n    maintenance_window: \"aaé04:00-sun:05:00\"\nenvironments:",
        line: 16,
        field: "databases.db.maintenance_window",
        says: &[
            "'aaé04:00-sun:05:00' is not a weekly window",
            "write 'ddd hh:mm-hh:mm'",
        ],
    });
}

/// `spec/identity.rs` split `5分` one byte before its end, inside `分`.
#[test]
fn token_lifetime_with_a_japanese_unit_is_an_error_not_a_panic() {
    assert_fails_with_file_line_field_and_fix(&Case {
        name: "token lifetime with a Japanese unit",
        from: "environments:",
        to: "user_pools:\n  users:\n    clients:\n      web: { tokens: { access: 5分 } }\nenvironments:",
        line: 14,
        field: "user_pools.users.clients.web.tokens.access",
        says: &["'5分' is not a lifetime", "'60m', '1h', '30d'"],
    });
}

/// Nesting beyond archgen's depth limit (32 levels) is an error at the
/// first line too deep, not a stack overflow in the recursive merge or
/// deserializer.
#[test]
fn deeply_nested_yaml_is_an_error_not_a_stack_overflow() {
    let mapping: String = (1..200)
        .map(|depth| format!("{}k{depth}:\n", "  ".repeat(depth)))
        .collect();
    let flows = format!("tags: {}{}\n", "[".repeat(100_000), "]".repeat(100_000));
    for (what, nested, line) in [
        ("mappings", format!("tags:\n{mapping}"), 46),
        ("flow lists", flows, 14),
    ] {
        let project = TempProject::new(&VALID.replacen(
            "repositories:",
            &format!("{nested}repositories:"),
            1,
        ));
        let (code, stderr) = project.synth_prod_cli();
        assert_eq!(code, Some(1), "{what}: exit code\n{stderr}");
        assert!(
            stderr.contains("nests values deeper than archgen reads"),
            "{what}: {stderr}"
        );
        assert!(
            stderr.contains(&format!("main.yaml:{line}:")),
            "{what}: {stderr}"
        );
    }
}

// ------------------------------------------------------------- properties
//
// The whole pipeline (load, check every environment, synthesize, render) on
// generated input must return Ok or Err and never panic: proptest turns a
// panic into a failure and shrinks the input. Inputs come from three
// strategies: YAML-ish text, the real examples with values replaced by
// arbitrary Unicode or other types, and line-level mutations of the
// examples. The seed is fixed so CI is repeatable; explore more with
// `PROPTEST_RNG_SEED=<n>` and `PROPTEST_CASES=<n>`.

/// 64 cases per property unless `PROPTEST_CASES` says otherwise; a fixed
/// seed unless `PROPTEST_RNG_SEED` gives one.
fn config() -> Config {
    let mut config = Config::default();
    if std::env::var_os("PROPTEST_CASES").is_none() {
        config.cases = 64;
    }
    if config.rng_seed == RngSeed::Random {
        config.rng_seed = RngSeed::Fixed(0x9a7c_4e11);
    }
    config
}

/// What `archgen synth` does for every environment the text declares, in
/// memory, then `archgen docs`: any panic fails the property.
fn run_everything(text: &str) {
    let project = match Project::from_source(PathBuf::from("stacks/main.yaml"), text.to_string()) {
        Ok(p) => p,
        Err(d) => {
            assert!(!d.is_empty());
            let _ = d.to_string();
            return;
        }
    };
    // A generated file may declare many environments; three cover the examples'.
    for env in project.environment_names().iter().take(3) {
        match synthesize(&project, env) {
            Ok(s) => {
                for (_, template) in &s.templates {
                    Format::Json.render(template);
                    Format::Yaml.render(template);
                }
                serde_json::to_string(&s.manifest).expect("manifest serializes");
            }
            Err(d) => {
                assert!(!d.is_empty(), "{env}: an error without a diagnostic");
                let _ = d.to_string();
            }
        }
    }
    // `archgen docs` reads the same templates as data: it must not panic
    // on what they hold either (an error is what failed above).
    let envs = project.environment_names();
    if envs.len() <= 3 {
        let _ = archgen::docs::generate(&project, &envs);
    }
}

/// The stack file of every example.
fn example_sources() -> Vec<String> {
    EXAMPLES
        .iter()
        .map(|e| example_dir(e).join("stacks/main.yaml"))
        .map(|p| std::fs::read_to_string(&p).expect("example readable"))
        .collect()
}

fn example_trees() -> Vec<Value> {
    example_sources()
        .iter()
        .map(|s| serde_saphyr::from_str(s).expect("examples are YAML"))
        .collect()
}

/// Text people write and text that breaks byte-based code: Japanese,
/// combining marks, emoji, control characters, very long runs.
fn unicode_text() -> impl Strategy<Value = String> {
    prop_oneof![
        "\\PC{0,24}",
        "[ぁ-んァ-ヶ一-龥ー、。]{1,40}",
        "[a-z0-9\u{300}-\u{36f}]{1,16}",
        "[\u{1f300}-\u{1f64f}\u{200d}\u{fe0f}a-z]{1,12}",
        "[\u{0}-\u{1f}\u{7f}\u{85}\u{2028}a]{1,8}",
        "[a-zé分-]{200,400}",
        // Almost valid values with one multi-byte character in them.
        "(sun |[0-9]{1,3})?[0-9]{2}:[0-9]{2}[-é分][0-9]{2}:[0-9]{2}( Asia/Tokyo| JST)?",
        "[0-9]{1,4}[mhds分秒]",
        "[a-z][a-z0-9-]{0,40}[ー-]?",
    ]
}

/// A value of any type, for swapping types and extreme numbers in.
fn any_value() -> impl Strategy<Value = Value> {
    prop_oneof![
        4 => unicode_text().prop_map(Value::String),
        2 => number(),
        1 => any::<bool>().prop_map(Value::Bool),
        1 => Just(Value::Null),
        1 => Just(Value::Array(vec![])),
        1 => Just(Value::Object(Map::new())),
    ]
}

/// One change to an example's tree. Most keep the type, so the input
/// passes deserialization and reaches the checks and the builders.
#[derive(Debug, Clone)]
enum Edit {
    /// Replace a string leaf with other text.
    Text(Index, String),
    /// Put a character into a string leaf, at a character position.
    Insert(Index, Index, char),
    /// Replace a number leaf with another number (huge, negative, fractional).
    Number(Index, Value),
    /// Replace any leaf with a value of any type.
    Retype(Index, Value),
    /// Rename a mapping key (keys name components and logical ids).
    Key(Index, Index, String),
}

fn number() -> impl Strategy<Value = Value> {
    prop_oneof![
        any::<i64>().prop_map(Value::from),
        prop::sample::select(vec![
            0,
            -1,
            1,
            65_535,
            65_536,
            i64::from(u32::MAX) + 1,
            i64::MAX
        ])
        .prop_map(Value::from),
        any::<f64>().prop_map(Value::from),
    ]
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        4 => (any::<Index>(), unicode_text()).prop_map(|(i, s)| Edit::Text(i, s)),
        3 => (any::<Index>(), any::<Index>(), any::<char>())
            .prop_map(|(i, p, c)| Edit::Insert(i, p, c)),
        2 => (any::<Index>(), number()).prop_map(|(i, v)| Edit::Number(i, v)),
        1 => (any::<Index>(), any_value()).prop_map(|(i, v)| Edit::Retype(i, v)),
        2 => (any::<Index>(), any::<Index>(), unicode_text())
            .prop_map(|(i, k, s)| Edit::Key(i, k, s)),
    ]
}

fn leaves<'a>(v: &'a mut Value, out: &mut Vec<&'a mut Value>) {
    match v {
        Value::Array(items) => items.iter_mut().for_each(|x| leaves(x, out)),
        Value::Object(map) => map.values_mut().for_each(|x| leaves(x, out)),
        leaf => out.push(leaf),
    }
}

fn count_mappings(v: &Value) -> usize {
    match v {
        Value::Array(items) => items.iter().map(count_mappings).sum(),
        Value::Object(map) => 1 + map.values().map(count_mappings).sum::<usize>(),
        _ => 0,
    }
}

/// Renames key `key` of the `n`th mapping (pre-order); true once done.
fn rename_key(v: &mut Value, n: &mut usize, key: Index, name: &str) -> bool {
    match v {
        Value::Object(map) if *n == 0 => {
            if !map.is_empty() {
                let target = key.index(map.len());
                *map = std::mem::take(map)
                    .into_iter()
                    .enumerate()
                    .map(|(j, (k, v))| (if j == target { name.to_string() } else { k }, v))
                    .collect();
            }
            true
        }
        Value::Object(map) => {
            *n -= 1;
            map.values_mut().any(|c| rename_key(c, n, key, name))
        }
        Value::Array(items) => items.iter_mut().any(|c| rename_key(c, n, key, name)),
        _ => false,
    }
}

/// The `i`th leaf for which `keep` holds, if there is one.
fn pick<'a>(
    tree: &'a mut Value,
    i: &Index,
    keep: impl Fn(&Value) -> bool,
) -> Option<&'a mut Value> {
    let mut all = Vec::new();
    leaves(tree, &mut all);
    all.retain(|v| keep(v));
    if all.is_empty() {
        return None;
    }
    let n = i.index(all.len());
    Some(all.swap_remove(n))
}

fn apply(tree: &mut Value, edit: &Edit) {
    match edit {
        Edit::Text(i, text) => {
            if let Some(leaf) = pick(tree, i, Value::is_string) {
                *leaf = Value::String(text.clone());
            }
        }
        Edit::Insert(i, at, c) => {
            if let Some(Value::String(s)) = pick(tree, i, Value::is_string) {
                let mut chars: Vec<char> = s.chars().collect();
                chars.insert(at.index(chars.len() + 1), *c);
                *s = chars.into_iter().collect();
            }
        }
        Edit::Number(i, value) => {
            if let Some(leaf) = pick(tree, i, Value::is_number) {
                *leaf = value.clone();
            }
        }
        Edit::Retype(i, value) => {
            if let Some(leaf) = pick(tree, i, |_| true) {
                *leaf = value.clone();
            }
        }
        Edit::Key(i, k, name) => {
            let count = count_mappings(tree);
            if count > 0 {
                rename_key(tree, &mut i.index(count), *k, name);
            }
        }
    }
}

/// A change to one line of an example's text.
#[derive(Debug, Clone)]
enum LineEdit {
    Delete(Index),
    Duplicate(Index),
    Swap(Index, Index),
    /// Replace what follows the line's first `: ` or `- `.
    Value(Index, String),
    Insert(Index, String),
}

fn odd_scalar() -> impl Strategy<Value = String> {
    prop_oneof![
        5 => prop::sample::select(vec![
            "~", "[]", "{}", "true", "-1", "0", "4294967296", "18446744073709551616",
            "99999999999999999999999", "1e400", "-0.5", ".nan", "\"\"", "&a x", "*a",
            "!!binary aGk=",
        ])
        .prop_map(str::to_string),
        4 => unicode_text().prop_map(|s| Value::String(s).to_string()),
        1 => unicode_text(),
    ]
}

fn line_edit() -> impl Strategy<Value = LineEdit> {
    prop_oneof![
        1 => any::<Index>().prop_map(LineEdit::Delete),
        1 => any::<Index>().prop_map(LineEdit::Duplicate),
        1 => (any::<Index>(), any::<Index>()).prop_map(|(a, b)| LineEdit::Swap(a, b)),
        6 => (any::<Index>(), odd_scalar()).prop_map(|(i, v)| LineEdit::Value(i, v)),
        1 => (any::<Index>(), unicode_text()).prop_map(|(i, v)| LineEdit::Insert(i, v)),
    ]
}

fn apply_to_lines(text: &str, edits: &[LineEdit]) -> String {
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    for edit in edits {
        if lines.is_empty() {
            break;
        }
        let n = lines.len();
        match edit {
            LineEdit::Delete(i) => {
                lines.remove(i.index(n));
            }
            LineEdit::Duplicate(i) => {
                let line = lines[i.index(n)].clone();
                lines.insert(i.index(n), line);
            }
            LineEdit::Swap(a, b) => lines.swap(a.index(n), b.index(n)),
            LineEdit::Value(i, value) => {
                let line = &mut lines[i.index(n)];
                if let Some((key, _)) = line.split_once(": ") {
                    *line = format!("{key}: {value}");
                } else if let Some((indent, _)) = line.split_once("- ") {
                    *line = format!("{indent}- {value}");
                }
            }
            LineEdit::Insert(i, text) => lines.insert(i.index(n + 1), text.clone()),
        }
    }
    lines.join("\n")
}

/// YAML-ish text: the spec's own keys and YAML's punctuation, mixed with
/// arbitrary Unicode, so the parser and the typed layer both get exercised.
fn yamlish() -> impl Strategy<Value = String> {
    let token = prop_oneof![
        3 => prop::sample::select(vec![
            "\n", "\n  ", "\n    ", ": ", "- ", "{", "}", "[", "]", ", ", "'", "\"", "~",
            "#", "&a ", "*a", "!!str ", "? ", "|\n  ", "app", "region", "network", "cidr",
            "zones", "tiers", "environments", "prod", "dev", "services", "databases",
            "load_balancer", "name", "user_pools", "clients", "tokens", "maintenance_window",
            "10.0.0.0/16", "ap-northeast-1", "type", "public", "mask", "24", "-1",
            "99999999999999999999", "1.5",
        ])
        .prop_map(str::to_string),
        1 => unicode_text(),
    ];
    prop::collection::vec(token, 0..80).prop_map(|t| t.concat())
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn arbitrary_yaml_never_panics(text in yamlish()) {
        run_everything(&text);
    }

    #[test]
    fn arbitrary_text_never_panics(text in "\\PC{0,300}") {
        run_everything(&text);
    }

    #[test]
    fn examples_with_arbitrary_values_never_panic(
        example in any::<Index>(),
        edits in prop::collection::vec(edit(), 1..4),
    ) {
        let trees = example_trees();
        let mut tree = trees[example.index(trees.len())].clone();
        for e in &edits {
            apply(&mut tree, e);
        }
        let text = serde_saphyr::to_string(&tree).expect("a JSON value serializes to YAML");
        run_everything(&text);
    }

    #[test]
    fn mutated_examples_never_panic(
        example in any::<Index>(),
        edits in prop::collection::vec(line_edit(), 1..4),
    ) {
        let sources = example_sources();
        run_everything(&apply_to_lines(&sources[example.index(sources.len())], &edits));
    }
}

proptest! {
    #![proptest_config(Config { cases: 8, ..config() })]

    /// The binary too: exit 0, 1 or 2, never a panic's 101.
    #[test]
    fn the_cli_exits_0_1_or_2_on_mutated_examples(
        example in any::<Index>(),
        edits in prop::collection::vec(line_edit(), 1..4),
    ) {
        let sources = example_sources();
        let project = TempProject::new(&apply_to_lines(&sources[example.index(sources.len())], &edits));
        let out = archgen().args(["synth", "prod", "--dir"]).arg(project.path()).output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        prop_assert!(
            matches!(out.status.code(), Some(0..=2)),
            "exit {:?}\n{stderr}",
            out.status.code()
        );
        prop_assert!(!stderr.contains("panicked"), "{stderr}");
    }
}
