//! Whether a change set may run: the destructive-change guard first (it
//! holds whatever the approval mode), then the approval policy.

use clap::ValueEnum;

use super::risk::{Risk, RiskKind};

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum ApprovalMode {
    /// Never ask.
    Never,
    /// Ask before any change.
    AnyChange,
    /// Ask when a change widens network access or IAM permissions.
    #[default]
    Broadening,
}

#[derive(Debug, Clone, Copy, Default)]
pub struct ApprovalFlags {
    pub mode: ApprovalMode,
    /// `--yes`: approval given in advance.
    pub yes: bool,
    pub allow_destructive: bool,
    /// A terminal is attached to ask on.
    pub interactive: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    Proceed,
    /// Ask the user, giving the reason approval is needed.
    Ask(String),
    Refuse(String),
}

pub fn decide(risks: &[Risk], change_count: usize, flags: ApprovalFlags) -> Decision {
    let destructive: Vec<&Risk> = risks
        .iter()
        .filter(|r| r.kind == RiskKind::Destructive)
        .collect();
    if !destructive.is_empty() && !flags.allow_destructive {
        let list: Vec<String> = destructive
            .iter()
            .map(|r| format!("  {} ({}): {}", r.logical_id, r.resource_type, r.reason))
            .collect();
        return Decision::Refuse(format!(
            "refusing to deploy: {} destructive change(s) on resources that hold data:\n{}\n\
             Nothing was changed. If this is intended, back the data up and run again with \
             --allow-destructive.",
            destructive.len(),
            list.join("\n")
        ));
    }
    let broadening = risks
        .iter()
        .filter(|r| r.kind == RiskKind::Broadening)
        .count();
    let why = match flags.mode {
        ApprovalMode::Never => None,
        ApprovalMode::AnyChange => (change_count > 0)
            .then(|| format!("{change_count} change(s) (--require-approval any-change)")),
        ApprovalMode::Broadening => (broadening > 0).then(|| {
            format!("{broadening} security-broadening change(s) (--require-approval broadening)")
        }),
    };
    match why {
        None => Decision::Proceed,
        Some(_) if flags.yes => Decision::Proceed,
        Some(why) if flags.interactive => Decision::Ask(why),
        Some(why) => Decision::Refuse(format!(
            "approval needed for {why}, but there is no terminal to ask on. Review the change set \
             above, then re-run with --yes to approve it (or --require-approval never)."
        )),
    }
}
