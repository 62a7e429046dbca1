//! Shared helpers: the example projects, synthesis into temp dirs, the
//! archgen binary, and the external tools the suite drives.

use archgen::pipeline::synthesize;
use archgen::render::{self, Format};
use archgen::spec::Project;
use archgen::synth::Synthesis;
use std::path::{Path, PathBuf};

pub const EXAMPLES: &[&str] = &[
    "user-management",
    "multi-env-platform",
    "solo-saving",
    "neuraknot",
    "eyewear-retail",
    "order-ledger",
];
/// Examples that are projects of several stacks (no `main`): linted,
/// scanned and snapshotted with the others through [`all_examples`].
pub const MULTI_STACK_EXAMPLES: &[&str] = &["eyewear-retail-stacks"];

/// Every example, single-stack ones first.
pub fn all_examples() -> impl Iterator<Item = &'static str> {
    EXAMPLES.iter().chain(MULTI_STACK_EXAMPLES).copied()
}
pub const ENVIRONMENTS: &[&str] = &["dev", "staging", "prod"];

pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn example_dir(name: &str) -> PathBuf {
    repo().join("examples").join(name)
}

pub fn synth_example(name: &str, env: &str) -> Synthesis {
    let project = Project::load(&example_dir(name)).unwrap_or_else(|d| panic!("{name}: {d}"));
    synthesize(&project, env).unwrap_or_else(|d| panic!("{name} {env}: {d}"))
}

/// How many stacks (so templates) every example × environment has, edge
/// stacks included.
pub fn stack_count(envs: &[&str]) -> usize {
    all_examples()
        .flat_map(|ex| envs.iter().map(move |env| synth_example(ex, env)))
        .map(|s| s.manifest.stacks.len())
        .sum()
}

/// Writes every example × environment under `dir/<example>/<env>/` and
/// returns the template paths.
pub fn write_all_examples(dir: &Path, envs: &[&str]) -> Vec<PathBuf> {
    let mut paths = Vec::new();
    for ex in all_examples() {
        for env in envs {
            let s = synth_example(ex, env);
            paths.extend(
                render::write(&s, &dir.join(ex).join(env), &example_dir(ex), Format::Json)
                    .expect("write templates"),
            );
        }
    }
    paths
}

/// The prod templates of `spec`, written by archgen into a temp dir (kept
/// alive by the returned guard), and their paths.
pub fn write_prod(spec: &str) -> (tempfile::TempDir, Vec<PathBuf>) {
    let project = TempProject::new(spec);
    let synthesis = project.synth("prod").expect("spec synthesizes");
    let dir = tempfile::tempdir().unwrap();
    let paths = render::write(&synthesis, dir.path(), project.path(), Format::Json).unwrap();
    (dir, paths)
}

/// cfn-lint reports nothing at all (no error, no warning) on `paths`.
pub fn assert_cfn_lint_clean(paths: &[PathBuf]) {
    let out = std::process::Command::new(tool("cfn-lint"))
        .args(paths)
        .output()
        .expect("run cfn-lint");
    let report = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success() && report.trim().is_empty(),
        "cfn-lint findings:\n{report}{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// checkov over every template under `dir`: no failed check, and more than
/// `min_passed` passed (so a template it could not read does not pass).
pub fn assert_checkov_clean(dir: &Path, min_passed: u64) {
    let out = std::process::Command::new(tool("checkov"))
        .args([
            "--framework",
            "cloudformation",
            "--skip-download",
            "--quiet",
        ])
        .args(["--compact", "-o", "json", "-d"])
        .arg(dir)
        .env("BC_SKIP_MAPPING", "TRUE")
        .output()
        .expect("run checkov");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let report: serde_json::Value = serde_json::from_str(&stdout)
        .unwrap_or_else(|e| panic!("checkov output is not JSON ({e}):\n{stdout}"));
    let reports = match report {
        serde_json::Value::Array(all) => all,
        one => vec![one],
    };
    let passed: u64 = reports
        .iter()
        .map(|r| r["summary"]["passed"].as_u64().unwrap_or(0))
        .sum();
    let failed: Vec<String> = reports
        .iter()
        .flat_map(|r| {
            r["results"]["failed_checks"]
                .as_array()
                .cloned()
                .unwrap_or_default()
        })
        .map(|f| format!("{} {} {}", f["file_path"], f["resource"], f["check_id"]))
        .collect();
    assert!(failed.is_empty(), "checkov failed:\n{}", failed.join("\n"));
    assert!(passed > min_passed, "checkov passed only {passed} checks");
}

/// cfn-lint (no finding at all) and checkov (no failed check) on the prod
/// templates of a spec that no example uses, so its options meet the same
/// bar as the examples' (`lint.rs`).
pub fn assert_lint_and_checkov_clean(spec: &str) {
    let (dir, paths) = write_prod(spec);
    assert_cfn_lint_clean(&paths);
    assert_checkov_clean(dir.path(), 20);
}

/// The directory holding cfn-lint, checkov and moto_server. `scripts/test`
/// installs them; a missing tool fails the test rather than skipping it.
pub fn tool(name: &str) -> PathBuf {
    let dir = std::env::var_os("ARCHGEN_TOOLS_BIN")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo().join(".tools/venv/bin"));
    let path = dir.join(name);
    assert!(
        path.exists(),
        "{} not found: run scripts/test (it installs the test tools) or set ARCHGEN_TOOLS_BIN",
        path.display()
    );
    path
}

pub fn archgen() -> assert_cmd::Command {
    assert_cmd::Command::cargo_bin("archgen").expect("archgen binary")
}

/// A throwaway project with one stack file, `stacks/main.yaml`.
pub struct TempProject {
    pub dir: tempfile::TempDir,
}

impl TempProject {
    pub fn new(main_yaml: &str) -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::create_dir(dir.path().join("stacks")).expect("stacks dir");
        std::fs::write(dir.path().join("stacks/main.yaml"), main_yaml).expect("write spec");
        TempProject { dir }
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Runs `archgen synth prod` on this project, uncoloured: its exit code
    /// and standard error.
    pub fn synth_prod_cli(&self) -> (Option<i32>, String) {
        let out = archgen()
            .args(["synth", "prod", "--dir"])
            .arg(self.path())
            .env_remove("CLICOLOR_FORCE")
            .output()
            .expect("archgen runs");
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    }

    pub fn synth(&self, env: &str) -> Result<Synthesis, String> {
        let project = Project::load(self.path()).map_err(|d| d.to_string())?;
        synthesize(&project, env).map_err(|d| d.to_string())
    }
}

/// A valid spec to start malformed variants from.
pub const VALID: &str = "\
app: demo
region: ap-northeast-1
network:
  cidr: 10.0.0.0/16
  zones: 2
  tiers:
    public: { type: public, cidrs: [10.0.1.0/24, 10.0.2.0/24] }
    app: { type: private, cidrs: [10.0.11.0/24, 10.0.12.0/24] }
    data: { type: isolated, mask: 24 }
  nat: single
environments:
  dev: {}
  prod: {}
repositories:
  web: { keep_tagged: 5 }
load_balancer:
  name: demo-alb
services:
  web:
    image: { repository: web, tag: '1' }
    cpu: 256
    memory: 512
    port: 8080
    route: { default: true }
    connects_to: [worker]
  worker:
    image: nginx:1.27
    cpu: 256
    memory: 512
    port: 9000
";

pub fn template_json(s: &Synthesis, stack: &str) -> serde_json::Value {
    serde_json::to_value(s.template(stack).expect("stack exists")).expect("template serializes")
}

/// Resources of one CloudFormation type, by logical id.
pub fn resources_of<'a>(
    t: &'a serde_json::Value,
    kind: &str,
) -> Vec<(&'a String, &'a serde_json::Value)> {
    t["Resources"]
        .as_object()
        .expect("Resources")
        .iter()
        .filter(|(_, r)| r["Type"] == kind)
        .collect()
}

/// `archgen init`'s presets.
pub const PRESETS: &[&str] = &["web-app", "api-worker", "static-site"];

/// Runs `archgen init` for every preset under `dir` and synthesizes each in
/// `envs` with the CLI; returns the template paths (manifests excluded).
pub fn write_init_presets(dir: &Path, envs: &[&str]) -> Vec<PathBuf> {
    let mut paths = Vec::new();
    for preset in PRESETS {
        let project = dir.join(format!("init-{preset}"));
        archgen()
            .args(["init", "--preset", preset, "--region", "eu-west-1", "--dir"])
            .arg(&project)
            .assert()
            .success();
        for env in envs {
            archgen()
                .args(["synth", env, "--dir"])
                .arg(&project)
                .assert()
                .success();
            for entry in std::fs::read_dir(project.join("out").join(env)).unwrap() {
                let path = entry.unwrap().path();
                if path.to_string_lossy().ends_with(".template.json") {
                    paths.push(path);
                }
            }
        }
    }
    paths.sort();
    paths
}
