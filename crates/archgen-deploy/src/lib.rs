//! Deploying synthesized stacks with CloudFormation change sets: `deploy`,
//! `diff`, `destroy` and `status`. Everything but [`sdk`] and [`aws`] is
//! independent of the AWS SDK and tested with recorded API data.

pub mod approval;
pub mod aws;
pub mod bootstrap;
pub mod capabilities;
pub mod cfn;
pub mod changeset;
pub mod console;
pub mod error;
pub mod events;
pub mod exports;
pub mod markdown;
pub mod model;
pub mod ops;
pub mod outputs;
pub mod preflight;
pub mod progress;
pub mod risk;
pub mod sdk;
pub mod state;
pub mod table;
pub mod upload;
pub mod watch;

pub use error::{AwsClass, AwsFailure, Error, Result};
