//! One integration test binary (faster to link than one per file).

mod api;
mod app;
mod cfn_rules;
mod ci_role;
mod cli;
mod data;
mod deployments;
mod distribution;
mod edge;
mod escape_hatches;
mod identity;
mod lint;
mod log_alarms;
mod monitoring;
mod network;
mod output;
mod overlays;
mod robustness;
mod security;
mod snapshots;
mod support;
mod tables;
