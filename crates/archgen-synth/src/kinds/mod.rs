//! The registry of component kinds. A component is something a workload can
//! name in `connects_to` (a database, a bucket, a queue, another service);
//! each kind is one module here that says, in one place, which spec block
//! declares it, what it is called, what it checks, what it builds and what
//! connecting to it takes (the [`crate::synth::connect::Component`] its
//! builder registers: port, IAM grants per access level, variables, secret),
//! which metrics alarms can watch on it, and how its data is kept.
//!
//! The list of kinds is the list of component blocks of [`StackSpec`]: one
//! line each in `spec/mod.rs`, in build order (what a workload connects to
//! is built before the workload).
//!
//! [`StackSpec`]: crate::spec::StackSpec

pub mod bucket;
pub mod cache;
pub mod database;
pub mod existing;
pub mod function;
pub mod key;
pub mod metrics;
pub mod parameter;
pub mod queue;
pub mod raw;
pub mod secret;
pub mod service;
pub mod table;
pub mod topic;
pub mod user_pool;

use std::fmt;

use crate::diagnostic::Diagnostic;
use crate::spec::app::ComponentRef;
use crate::spec::{ResolvedStack, StackSpec};
use crate::synth::Ctx;
use crate::template::{Expr, Template};
use metrics::Watched;

pub use crate::spec::KINDS;

/// The type of one entry of a kind's spec block (`tables: {orders: <Spec>}`).
pub trait Block {
    type Spec;
}

/// Where a kind is declared and what it is called; [`block!`] writes it.
pub trait Named {
    /// The spec block its components are declared in (`tables`).
    fn block(&self) -> &'static str;
    /// What one is called in messages (`DynamoDB table`).
    fn noun(&self) -> &'static str;
    /// The keys of its components in `spec`, in spec order.
    fn keys<'a>(&self, spec: &'a StackSpec) -> Vec<&'a String>;
}

/// One kind of component. Methods with a default are what most kinds do.
pub trait Kind: Named + Sync {
    /// What part it plays in the system, which decides how its name is
    /// checked and how others may connect to it.
    fn role(&self) -> Role;
    /// The AWS API a workload calls to use a component of this kind, as a
    /// VPC endpoint's short name (`sqs`), if it calls one: a workload in a
    /// tier without a route to the internet needs that endpoint (NET017).
    fn api_endpoint(&self) -> Option<&'static str> {
        None
    }
    /// Rules of this kind that no other module checks.
    fn check(&self, _stack: &ResolvedStack) -> Vec<Diagnostic> {
        Vec::new()
    }
    /// Builds every component of this kind and registers each in
    /// `ctx.components`.
    fn build(&self, t: &mut Template, ctx: &mut Ctx);
    /// The metrics an alarm can watch on component `key`, if it is one of
    /// this kind's and publishes any.
    fn watch(&self, _spec: &StackSpec, _key: &str) -> Option<Watched> {
        None
    }
    /// How AWS Backup protects component `key` of this kind (`backup:`).
    fn backup(&self, _spec: &StackSpec, _key: &str) -> Backup {
        Backup::Unsupported
    }
    /// What CloudTrail logs as data events of component `key` (`audit:`),
    /// if it logs any for this kind.
    fn data_events(&self, _spec: &StackSpec, _key: &str) -> Option<DataEvents> {
        None
    }
    /// The logical id of component `key`'s own log group, if it writes one
    /// (`logs.archive.components`).
    fn log_group(&self, _spec: &StackSpec, _key: &str) -> Option<String> {
        None
    }
}

/// A CloudTrail data resource: its type and the ARN (or ARN prefix) it
/// matches.
#[derive(Debug, Clone, PartialEq)]
pub struct DataEvents {
    pub resource_type: &'static str,
    pub arn: Expr,
}

/// What AWS Backup can do with one component.
#[derive(Debug, Clone, PartialEq)]
pub enum Backup {
    /// AWS Backup does not back this kind up.
    Unsupported,
    /// It backs up the resource with this ARN; `s3`: through AWS Backup's
    /// S3 support, whose role needs the S3 backup and restore policies;
    /// `cold`: AWS Backup can move its recovery points to cold storage
    /// (it ignores `cold_after_days` for the others).
    Resource { arn: Expr, s3: bool, cold: bool },
    /// It could once the spec changes: the fix.
    Blocked(String),
}

/// What part a kind plays.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// In the data tier (its key must be usable in every resource name
    /// archgen derives from it, 32 characters); `secret`: a service's
    /// `secrets:` can inject its secret by component name.
    Data { secret: bool },
    /// Something workloads use with an access level (`queue:write`).
    Component,
    /// A service: reached over the network, with no access level.
    Service,
    /// A workload nothing connects to (a function).
    Workload,
}

impl Role {
    pub fn is_data(self) -> bool {
        matches!(self, Role::Data { .. })
    }
    pub fn holds_secret(self) -> bool {
        matches!(self, Role::Data { secret: true })
    }
    /// A workload can name it in `connects_to`.
    pub fn connectable(self) -> bool {
        self != Role::Workload
    }
    /// A connection to it takes an access level (`name:read`).
    pub fn takes_access(self) -> bool {
        !matches!(self, Role::Service | Role::Workload)
    }
}

impl fmt::Debug for dyn Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.block())
    }
}

impl PartialEq for dyn Kind {
    fn eq(&self, other: &Self) -> bool {
        self.block() == other.block()
    }
}

/// Every component of `spec`, with its kind, in registry then spec order.
pub fn components(spec: &StackSpec) -> Vec<(&String, &'static dyn Kind)> {
    KINDS
        .iter()
        .flat_map(|kind| kind.keys(spec).into_iter().map(move |k| (k, *kind)))
        .collect()
}

/// Every `connects_to` entry of every workload (services, then functions),
/// with the field it is written at (`services.api.connects_to[1]`) and the
/// workload's key.
pub fn workload_connections(spec: &StackSpec) -> Vec<(String, &String, &ComponentRef)> {
    let services = spec
        .services
        .iter()
        .map(|(k, s)| ("services", k, &s.connects_to));
    let functions = spec
        .functions
        .iter()
        .map(|(k, f)| ("functions", k, &f.connects_to));
    services
        .chain(functions)
        .flat_map(|(block, key, entries)| {
            entries
                .iter()
                .enumerate()
                .map(move |(i, c)| (format!("{block}.{key}.connects_to[{i}]"), key, c))
        })
        .collect()
}

/// The kind of component `key`, if `spec` declares one or imports it from
/// another stack of the project (`data.db`).
pub fn kind_of(spec: &StackSpec, key: &str) -> Option<&'static dyn Kind> {
    components(spec)
        .into_iter()
        .find(|(k, _)| k.as_str() == key)
        .map(|(_, kind)| kind)
        .or_else(|| spec.imports.get(key).copied())
}

/// Declares a kind: its struct, the spec type of one entry of its block,
/// and [`Named`]: `block!(Tables, tables: TableSpec, "DynamoDB table")`.
macro_rules! block {
    ($kind:ident, $block:ident: $spec:ty, $noun:literal) => {
        pub struct $kind;
        impl $crate::kinds::Block for $kind {
            type Spec = $spec;
        }
        impl $crate::kinds::Named for $kind {
            fn block(&self) -> &'static str {
                stringify!($block)
            }
            fn noun(&self) -> &'static str {
                $noun
            }
            fn keys<'a>(&self, spec: &'a $crate::spec::StackSpec) -> Vec<&'a String> {
                spec.$block.keys().collect()
            }
        }
    };
}
pub(crate) use block;
