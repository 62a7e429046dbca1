//! One integration test binary (faster to link than one per file).

mod api;
mod app;
mod cfn_rules;
mod cli;
mod data;
mod distribution;
mod docs;
mod edge;
mod escape_hatches;
mod identity;
mod lint;
mod monitoring;
mod network;
mod output;
mod overlays;
mod robustness;
mod sarif;
mod schema;
mod security;
mod snapshots;
mod support;
mod tables;
mod workload_users;
