//! One integration test binary (faster to link than one per file).

mod api;
mod app;
mod audit;
mod backup;
mod cfn_rules;
mod cli;
mod compliance;
mod data;
mod distribution;
mod docs;
mod edge;
mod escape_hatches;
mod identity;
mod lint;
mod log_archive;
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
