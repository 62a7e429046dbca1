//! How archgen fails, as one type: the synthesizer's failures (spec, usage,
//! I/O, refused output) and those only deploying meets (AWS, refused and
//! failed deploys, changes found by `diff --fail`, Ctrl-C). The exit code of
//! each class is decided in [`Error::exit_code`], nowhere else.

use std::fmt;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Spec diagnostics, usage errors, I/O with the path, refused output.
    #[error(transparent)]
    Synth(#[from] archgen_synth::Error),
    /// An AWS call failed; `context` says what archgen was doing.
    #[error("{}{failure}", context.as_deref().map(|c| format!("{c}: ")).unwrap_or_default())]
    Aws {
        context: Option<String>,
        /// Boxed: the other variants are a string or two.
        failure: Box<AwsFailure>,
    },
    /// archgen would not go on (a guard, a missing approval, a stack state
    /// it cannot start from); nothing was changed by the refused step.
    #[error("{0}")]
    Refused(String),
    /// The operation ran and failed (with its root cause), or could not be
    /// started.
    #[error("{0}")]
    Failed(String),
    /// `diff --fail` found this many changes.
    #[error("{0} change(s) present (exit 4 because of --fail)")]
    ChangesPresent(usize),
    /// `drift --fail` found this many drifted resources.
    #[error("{0} drifted resource(s) (exit 4 because of --fail)")]
    Drifted(usize),
    /// Ctrl-C; the message says what CloudFormation carries on with and
    /// the commands to follow or stop it.
    #[error("{0}")]
    Interrupted(String),
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    pub fn usage(message: impl Into<String>) -> Self {
        Error::Synth(archgen_synth::Error::usage(message))
    }

    /// An AWS failure the service described only in words (fakes, tests).
    pub fn aws(message: impl Into<String>) -> Self {
        AwsFailure::service(None, message).into()
    }

    /// Says what archgen was doing when an AWS call failed; other failures
    /// already say so and are returned unchanged.
    pub fn context(self, what: impl Into<String>) -> Self {
        match self {
            Error::Aws { context, failure } => Error::Aws {
                context: Some(match context {
                    Some(inner) => format!("{}: {inner}", what.into()),
                    None => what.into(),
                }),
                failure,
            },
            other => other,
        }
    }

    /// The AWS failure behind this error, if it is one.
    pub fn aws_failure(&self) -> Option<&AwsFailure> {
        match self {
            Error::Aws { failure, .. } => Some(failure),
            _ => None,
        }
    }

    /// The one place the exit code is decided.
    pub fn exit_code(&self) -> u8 {
        match self {
            Error::Synth(e) => e.exit_code(),
            Error::Aws { .. } | Error::Refused(_) | Error::Failed(_) => 3,
            // Its own code, so CI can tell "would change" from "invalid spec".
            Error::ChangesPresent(_) | Error::Drifted(_) => 4,
            Error::Interrupted(_) => 130,
        }
    }

    /// What to print on stderr; with `verbose`, the SDK's full account of an
    /// AWS failure follows the one-line message.
    pub fn report(&self, verbose: bool) -> String {
        match self {
            Error::Synth(e) => e.report(),
            Error::Interrupted(m) => format!("interrupted: {m}"),
            Error::ChangesPresent(_) | Error::Drifted(_) => self.to_string(),
            Error::Aws { failure, .. } if verbose && !failure.detail.is_empty() => {
                format!("error: {self}\ndetails: {}", failure.detail)
            }
            Error::Aws { failure, .. } if !failure.detail.is_empty() => {
                format!("error: {self}\n(run with -v for the SDK's details)")
            }
            other => format!("error: {other}"),
        }
    }
}

impl From<archgen_synth::diagnostic::Diagnostics> for Error {
    fn from(d: archgen_synth::diagnostic::Diagnostics) -> Self {
        Error::Synth(d.into())
    }
}

impl From<AwsFailure> for Error {
    fn from(failure: AwsFailure) -> Self {
        Error::Aws {
            context: None,
            failure: Box::new(failure),
        }
    }
}

/// The kinds of AWS failure a user acts on differently.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AwsClass {
    /// No connection to the endpoint (refused, DNS, TLS).
    CannotConnect { endpoint: String },
    /// The endpoint took longer than the connect or operation timeout.
    TimedOut { endpoint: String },
    /// The credential chain gave nothing.
    NoCredentials,
    /// Throttled, after the retries.
    Throttled,
    /// The principal may not call the action.
    AccessDenied,
    /// The service answered with an HTTP 5xx error and no usable message.
    ServerError { status: u16 },
    /// The service refused the request and said why (ValidationError, ...).
    Service,
}

/// One AWS failure: its class, the service's error code and message when it
/// gave them, and the SDK's full account (shown only with `-v`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AwsFailure {
    pub class: AwsClass,
    pub code: Option<String>,
    pub message: String,
    pub detail: String,
}

impl AwsFailure {
    pub fn service(code: Option<String>, message: impl Into<String>) -> Self {
        AwsFailure {
            class: AwsClass::Service,
            code,
            message: message.into(),
            detail: String::new(),
        }
    }
}

impl fmt::Display for AwsFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let said = match (&self.code, self.message.is_empty()) {
            (Some(c), false) => format!("{c}: {}", self.message),
            (Some(c), true) => c.clone(),
            (None, _) => self.message.clone(),
        };
        match &self.class {
            AwsClass::CannotConnect { endpoint } => write!(
                f,
                "cannot connect to {endpoint} ({}){}",
                self.message,
                endpoint_hint(endpoint)
            ),
            AwsClass::TimedOut { endpoint } => write!(
                f,
                "{endpoint} did not answer in time ({}){}",
                self.message,
                endpoint_hint(endpoint)
            ),
            AwsClass::NoCredentials => f.write_str(&self.message),
            AwsClass::Throttled => write!(
                f,
                "AWS is throttling these calls ({said}), even after retries: wait a minute and \
                 run again, or run fewer deploys at once in this account"
            ),
            AwsClass::AccessDenied => write!(
                f,
                "access denied ({said}): the credentials in use may not do this; check the \
                 profile (--profile / AWS_PROFILE) and its IAM permissions"
            ),
            AwsClass::ServerError { status } => write!(
                f,
                "the AWS endpoint failed with HTTP {status}{}: try again; if it persists, check \
                 the service health (or the local emulator's log)",
                if said.is_empty() {
                    String::new()
                } else {
                    format!(" ({said})")
                }
            ),
            AwsClass::Service => f.write_str(&said),
        }
    }
}

/// Where the endpoint came from, so a wrong one can be fixed.
fn endpoint_hint(endpoint: &str) -> String {
    if endpoint.contains("amazonaws.com") {
        ". Check the network connection (and any proxy); AWS_ENDPOINT_URL is not set, so this \
         is AWS itself"
            .to_string()
    } else {
        ". It comes from AWS_ENDPOINT_URL (or endpoint_url in the profile): check that the \
         server there is running, or unset it to use AWS"
            .to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_class_has_its_exit_code_and_aws_details_only_with_verbose() {
        let usage = Error::usage("unknown environment");
        assert_eq!(usage.exit_code(), 2);
        assert_eq!(Error::Refused("no".into()).exit_code(), 3);
        assert_eq!(Error::Failed("no".into()).exit_code(), 3);
        assert_eq!(Error::ChangesPresent(2).exit_code(), 4);
        assert_eq!(Error::Drifted(1).exit_code(), 4);
        assert_eq!(Error::Interrupted("^C".into()).exit_code(), 130);

        let throttled = Error::from(AwsFailure {
            class: AwsClass::Throttled,
            code: Some("Throttling".into()),
            message: "Rate exceeded".into(),
            detail: "ServiceError(ServiceError { source: ... })".into(),
        })
        .context("could not read stack demo-prod-main");
        assert_eq!(throttled.exit_code(), 3);
        let short = throttled.report(false);
        assert!(
            short.starts_with(
                "error: could not read stack demo-prod-main: AWS is throttling these calls \
                 (Throttling: Rate exceeded)"
            ),
            "{short}"
        );
        assert!(!short.contains("ServiceError"), "{short}");
        assert!(short.contains("run with -v"), "{short}");
        assert!(throttled.report(true).contains("details: ServiceError"));
        // Nothing more to show: no hint.
        assert!(
            !Error::aws("ValidationError: bad")
                .report(false)
                .contains("-v")
        );
    }
}
