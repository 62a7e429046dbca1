//! AWS::Logs::* resource types (generated) and the retention values
//! CloudWatch Logs accepts, which the checks use.

pub use super::generated::logs::*;

/// The retention values CloudWatch Logs accepts.
pub const RETENTION_DAYS: &[i64] = &[
    1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922,
    3288, 3653,
];
