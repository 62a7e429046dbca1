//! No input makes archgen panic. Regression tests for each input that once
//! did: each must be a proper error (exit 1, file, line, field, fix).

use crate::cli::{Case, assert_fails_with_file_line_field_and_fix};

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

/// `synth/data/windows.rs` split `aaé04:00` at byte 3, inside `é`.
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
