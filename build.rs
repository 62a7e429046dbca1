//! Records the git commit archgen is built from, for `archgen --version`.
//!
//! In order: `ARCHGEN_COMMIT` (set by a release build), the repository this
//! package is the top of, and the `.cargo_vcs_info.json` that `cargo
//! package` writes into a published crate. A build from a source archive
//! with none of these says "unknown commit".

use std::path::{Path, PathBuf};
use std::process::Command;

fn main() {
    println!("cargo:rerun-if-env-changed=ARCHGEN_COMMIT");
    let manifest_dir = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").unwrap_or_default());
    let commit = std::env::var("ARCHGEN_COMMIT")
        .ok()
        .filter(|c| !c.trim().is_empty())
        .or_else(|| git_commit(&manifest_dir))
        .or_else(|| packaged_commit(&manifest_dir));
    if let Some(commit) = commit {
        let short: String = commit.trim().chars().take(12).collect();
        println!("cargo:rustc-env=ARCHGEN_COMMIT={short}");
    }
}

/// The checked-out commit, only when this package is the top of the git
/// work tree: an unpacked crate inside someone else's repository must not
/// report that repository's commit.
fn git_commit(manifest_dir: &Path) -> Option<String> {
    let top = git(manifest_dir, &["rev-parse", "--show-toplevel"])?;
    if Path::new(&top).canonicalize().ok()? != manifest_dir.canonicalize().ok()? {
        return None;
    }
    // Rebuild when HEAD moves: HEAD itself (a checkout) and the branch it
    // points at (a commit), wherever the git directory is (worktrees too).
    let branch = git(manifest_dir, &["symbolic-ref", "-q", "HEAD"]);
    for name in ["HEAD", "packed-refs"].into_iter().chain(branch.as_deref()) {
        if let Some(p) = git(manifest_dir, &["rev-parse", "--git-path", name]) {
            let path = manifest_dir.join(p);
            // A missing file would make cargo rerun this script on every build.
            if path.exists() {
                println!("cargo:rerun-if-changed={}", path.display());
            }
        }
    }
    git(manifest_dir, &["rev-parse", "HEAD"])
}

/// `{"git": {"sha1": "..."}}` in the `.cargo_vcs_info.json` of a published crate.
fn packaged_commit(manifest_dir: &Path) -> Option<String> {
    let info = std::fs::read_to_string(manifest_dir.join(".cargo_vcs_info.json")).ok()?;
    // `cargo package` verifies the crate in the workspace's target
    // directory with the same build-script unit as the work tree: watching
    // this file (missing in the work tree) makes the work tree's next build
    // run this script again instead of keeping the packaged answer.
    println!("cargo:rerun-if-changed=.cargo_vcs_info.json");
    let after = info.split("\"sha1\"").nth(1)?;
    let sha: String = after
        .chars()
        .skip_while(|c| !c.is_ascii_hexdigit())
        .take_while(char::is_ascii_hexdigit)
        .collect();
    (sha.len() >= 7).then_some(sha)
}

fn git(dir: &Path, args: &[&str]) -> Option<String> {
    let out = Command::new("git")
        .args(args)
        .current_dir(dir)
        .output()
        .ok()?;
    if !out.status.success() {
        return None;
    }
    let text = String::from_utf8(out.stdout).ok()?.trim().to_string();
    (!text.is_empty()).then_some(text)
}
