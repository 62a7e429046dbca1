//! `archgen --version`: the release, the commit it was built from and the
//! date of the CloudFormation schemas its resource types were generated from.

use std::sync::LazyLock;

use crate::template::generated::{SCHEMA_DATE, SCHEMA_SOURCE};

/// Set by `build.rs`; absent when built from an archive without git data.
const COMMIT: Option<&str> = option_env!("ARCHGEN_COMMIT");

/// `0.1.0 (commit 3f2c1a9b8d7e, CloudFormation schemas 2026-10-20T22:11:15Z from cfn-lint==1.58.0)`.
pub static VERSION: LazyLock<String> = LazyLock::new(|| {
    let commit = COMMIT.map_or_else(|| "unknown commit".to_string(), |c| format!("commit {c}"));
    format!(
        "{} ({commit}, CloudFormation schemas {SCHEMA_DATE} from {SCHEMA_SOURCE})",
        env!("CARGO_PKG_VERSION")
    )
});
