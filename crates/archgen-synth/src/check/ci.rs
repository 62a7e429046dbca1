//! Rules for `ci:`: the trust policy names exactly one repository and
//! exact branches and environments (IDN009), and the provider and bucket
//! are ones IAM and S3 accept (IDN010).

use crate::diagnostic::{Code, Diagnostic};
use crate::spec::ResolvedStack;
use crate::spec::ci::GITHUB_ISSUER;

pub fn check(stack: &ResolvedStack) -> Vec<Diagnostic> {
    let Some(ci) = &stack.spec.ci else {
        return Vec::new();
    };
    let mut out = Vec::new();
    if !is_repository(&ci.repository) {
        out.push(
            stack
                .error(
                    Code::Idn009,
                    "ci.repository",
                    format!("'{}' is not a GitHub repository", ci.repository),
                )
                .help("write owner/name as in the repository's URL, e.g. acme/shop (no wildcard: the role trusts exactly one repository)"),
        );
    }
    if ci.branches.is_empty() && ci.environments.is_empty() {
        out.push(
            stack
                .error(Code::Idn009, "ci", "no branch or environment may deploy")
                .help("name them, e.g. branches: [main] or environments: [production]"),
        );
    }
    for (i, b) in ci.branches.iter().enumerate() {
        if let Some(why) = branch_problem(b) {
            out.push(
                stack
                    .error(
                        Code::Idn009,
                        &format!("ci.branches[{i}]"),
                        format!("'{b}' is not a branch name the role can trust: {why}"),
                    )
                    .help("write the branch exactly as git names it, without refs/heads/, e.g. main or release/2026"),
            );
        }
    }
    for (i, e) in ci.environments.iter().enumerate() {
        let bad = e.trim().is_empty()
            || e.len() > 255
            || e.chars()
                .any(|c| matches!(c, '*' | '?' | ':' | '"') || c.is_control());
        if bad {
            out.push(
                stack
                    .error(
                        Code::Idn009,
                        &format!("ci.environments[{i}]"),
                        format!("'{e}' is not a GitHub environment name the role can trust"),
                    )
                    .help("write the environment's name as in the repository's settings (up to 255 characters, no '*', '?', ':' or quotes)"),
            );
        }
    }
    if let Some(arn) = &ci.provider
        && !is_provider_arn(arn)
    {
        out.push(
            stack
                .error(
                    Code::Idn010,
                    "ci.provider",
                    format!("'{arn}' is not the ARN of a GitHub OIDC provider"),
                )
                .help(format!("write arn:aws:iam::<account>:oidc-provider/{GITHUB_ISSUER} (IAM's console lists it under Identity providers), or leave 'provider' out to create it")),
        );
    }
    if let Some(bucket) = &ci.artifact_bucket {
        let ok = (3..=63).contains(&bucket.len())
            && bucket
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '.')
            && bucket.starts_with(|c: char| c.is_ascii_alphanumeric())
            && bucket.ends_with(|c: char| c.is_ascii_alphanumeric());
        if !ok {
            out.push(
                stack
                    .error(
                        Code::Idn010,
                        "ci.artifact_bucket",
                        format!("'{bucket}' is not an S3 bucket name"),
                    )
                    .help("name the bucket deploy uploads to (the --artifact-bucket value), 3-63 lowercase letters, digits, '-' and '.'; or leave it out for archgen bootstrap's bucket"),
            );
        }
    }
    out
}

/// `owner/name`: GitHub's owner rule (letters, digits, single hyphens
/// inside, at most 39) and repository rule (letters, digits, `.`, `-`,
/// `_`, at most 100, not `.` or `..`).
fn is_repository(text: &str) -> bool {
    let Some((owner, name)) = text.split_once('/') else {
        return false;
    };
    let owner_ok = (1..=39).contains(&owner.len())
        && owner.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        && !owner.starts_with('-')
        && !owner.ends_with('-')
        && !owner.contains("--");
    let name_ok = (1..=100).contains(&name.len())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'))
        && name != "."
        && name != "..";
    owner_ok && name_ok
}

/// Why git (`git check-ref-format`) or an exact trust refuses a branch.
fn branch_problem(b: &str) -> Option<&'static str> {
    if b.is_empty() {
        return Some("it is empty");
    }
    if b.contains(['*', '?']) {
        return Some("a wildcard would let any matching branch deploy");
    }
    if b.starts_with("refs/") {
        return Some("it is a ref, not a branch name");
    }
    let bad_char = b
        .chars()
        .any(|c| c.is_control() || c.is_whitespace() || matches!(c, '~' | '^' | ':' | '[' | '\\'));
    if bad_char
        || b.contains("..")
        || b.contains("//")
        || b.contains("@{")
        || b.starts_with(['/', '.', '-'])
        || b.ends_with(['/', '.'])
        || b.ends_with(".lock")
        || b.split('/').any(|part| part.starts_with('.'))
    {
        return Some("git does not allow it");
    }
    None
}

/// `arn:<partition>:iam::<12 digits>:oidc-provider/token.actions.githubusercontent.com`.
fn is_provider_arn(arn: &str) -> bool {
    let parts: Vec<&str> = arn.splitn(6, ':').collect();
    matches!(
        parts.as_slice(),
        ["arn", partition, "iam", "", account, resource]
            if ["aws", "aws-cn", "aws-us-gov"].contains(partition)
                && account.len() == 12
                && account.chars().all(|c| c.is_ascii_digit())
                && *resource == format!("oidc-provider/{GITHUB_ISSUER}")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repositories_branches_and_providers() {
        assert!(is_repository("acme/shop.web_2"));
        for bad in [
            "acme",
            "acme/*",
            "-acme/shop",
            "acme/..",
            "ac--me/shop",
            "acme/shop/x",
        ] {
            assert!(!is_repository(bad), "{bad}");
        }
        assert_eq!(branch_problem("release/2026.1"), None);
        for bad in [
            "",
            "main*",
            "refs/heads/main",
            "a..b",
            "feature/",
            "x.lock",
            "has space",
            ".hidden",
        ] {
            assert!(branch_problem(bad).is_some(), "{bad}");
        }
        assert!(is_provider_arn(
            "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"
        ));
        assert!(!is_provider_arn(
            "arn:aws:iam::123456789012:oidc-provider/accounts.google.com"
        ));
        assert!(!is_provider_arn("token.actions.githubusercontent.com"));
    }
}
