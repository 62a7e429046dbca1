//! Values the spec writes as text, parsed into types once, when the stack is
//! checked (see `check::CheckedStack`): windows with their UTC conversion,
//! engine parameter values, CIDR blocks, schedules. Parsers return a typed error that `check` turns
//! into a coded diagnostic at the field; `synth` takes the parsed values and
//! never parses again.

// User text: index and slice only with checked methods.
// Unit tests index freely: a panic there is a failing test.
#![cfg_attr(not(test), warn(clippy::indexing_slicing))]

pub mod cidr;
pub mod filter_pattern;
pub mod parameter;
pub mod recurrence;
pub mod schedule;
pub mod window;

pub use cidr::CidrError;
pub use filter_pattern::FilterPatternError;
pub use parameter::{ParameterError, ParameterValue};
pub use window::{Window, WindowError};
