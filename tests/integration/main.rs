//! One integration test binary (faster to link than one per file).

mod app;
mod cli;
mod data;
mod edge;
mod lint;
mod network;
mod overlays;
mod snapshots;
mod support;
