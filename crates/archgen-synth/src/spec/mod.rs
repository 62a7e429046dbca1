//! L3: the user's YAML. One file per stack under `stacks/`, a base definition
//! plus per-environment overlays (see [`overlay`] for the merge rules).

// Every value here is user text: index and slice only with checked methods,
// so no input can panic (`string_slice` is on crate-wide in Cargo.toml).
// Unit tests index freely: a panic there is a failing test.
#![cfg_attr(not(test), warn(clippy::indexing_slicing))]

// First: its `yaml_shape!` macro is used by the modules below.
#[macro_use]
pub mod schema;
pub mod api;
pub mod app;
pub mod audit;
pub mod backup;
pub mod catalog;
pub mod ci;
pub mod data;
pub mod de;
pub mod edge;
pub mod identity;
pub mod load;
pub mod messaging;
pub mod monitoring;
pub mod network;
pub mod node;
pub mod overlay;
pub mod raw;
pub mod set;
pub mod value;
pub mod yaml_error;

use indexmap::IndexMap;
use serde::Deserialize;
use std::collections::BTreeMap;

pub use load::{Project, ResolvedStack, StackFile};

/// `#[serde(default = "yes")]`: a switch that is on unless the spec says no.
pub fn yes() -> bool {
    true
}

/// A workload of another stack that connects to a component of this one.
#[derive(Debug, Clone, PartialEq)]
pub struct Importer {
    /// The importing stack's name (`app`) and the workload's key there.
    pub stack: String,
    pub workload: String,
    /// Where the connection is written in the importing stack.
    pub field: String,
    /// The component of this stack it connects to (`db`).
    pub component: String,
    pub access: app::Access,
}

/// Generates [`StackSpec`] and [`KINDS`] from one list, so that a component
/// block of the spec and its kind in the registry are one line.
macro_rules! stack_spec {
    (
        fields { $( $(#[$fa:meta])* $field:ident : $fty:ty, )* }
        kinds { $( $(#[$ka:meta])* $block:ident : $($kind:ident)::+, )* }
    ) => {
        /// One stack for one environment, after its overlay is applied.
        #[derive(Debug, Clone, Deserialize, PartialEq)]
        #[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
        #[serde(deny_unknown_fields)]
        pub struct StackSpec {
            $( $(#[$fa])* pub $field: $fty, )*
            $( $(#[$ka])* #[serde(default)]
               pub $block: IndexMap<String, <$($kind)::+ as crate::kinds::Block>::Spec>, )*
        }

        /// Every component kind, in build order.
        pub static KINDS: &[&dyn crate::kinds::Kind] = &[ $( &$($kind)::+ ),* ];
    };
}

stack_spec! {
    fields {
        /// Application name: lowercase letters, digits and hyphens. It prefixes
        /// stack names, export names and resource names.
        #[cfg_attr(feature = "schema", schemars(example = "user-management"))]
        app: String,
        /// AWS region the stack deploys to, e.g. `ap-northeast-1`.
        #[cfg_attr(feature = "schema", schemars(example = "ap-northeast-1"))]
        region: String,
        #[serde(default)]
        description: Option<String>,
        /// Turn on CloudFormation termination protection (usually in prod only).
        #[serde(default)]
        termination_protection: bool,
        /// The environment serves production (usually set in its overlay):
        /// what is only a warning elsewhere is an error here (APP051).
        #[serde(default)]
        production: bool,
        /// The AWS account (12 digits) the stack must deploy to, usually set per
        /// environment: deploy, diff and destroy refuse credentials of another.
        #[serde(default)]
        account: Option<String>,
        /// Extra tags for every resource, on top of app / environment / managed-by.
        #[serde(default)]
        tags: BTreeMap<String, String>,
        #[serde(default)]
        network: Option<network::NetworkSpec>,
        /// The stack of this project whose network (VPC, subnets, tiers)
        /// this stack uses, through its exports: `network_from: network`.
        #[serde(default)]
        network_from: Option<String>,
        /// Components of other stacks that workloads name as
        /// `<stack>.<component>` (`data.db`), with their kind: filled in when
        /// the project's stacks are linked, never written in a spec.
        #[serde(skip)]
        imports: BTreeMap<String, &'static dyn crate::kinds::Kind>,
        /// Workloads of other stacks of the project that connect to this
        /// stack's databases (`connects_to: [data.db]`): each gets its own
        /// database user here. Filled in when the stacks are linked.
        #[serde(skip)]
        importers: Vec<Importer>,
        #[serde(default)]
        repositories: IndexMap<String, app::RepositorySpec>,
        #[serde(default)]
        load_balancer: Option<app::LoadBalancerSpec>,
        /// The ECS cluster the services run in.
        #[serde(default)]
        cluster: app::ClusterSpec,
        /// An HTTP API in front of the load balancer or functions.
        #[serde(default)]
        api: Option<api::ApiSpec>,
        /// CloudWatch alarms, by name.
        #[serde(default)]
        alarms: IndexMap<String, monitoring::AlarmSpec>,
        /// The stack's CloudWatch dashboard (on by default).
        #[serde(default)]
        dashboard: monitoring::DashboardSpec,
        /// How the stack's log groups are encrypted.
        #[serde(default)]
        logs: monitoring::LogsSpec,
        /// AWS Backup: a vault and plans that back components up.
        #[serde(default)]
        backup: Option<backup::BackupSpec>,
        /// The audit trail: CloudTrail into an object-locked bucket.
        #[serde(default)]
        audit: Option<audit::AuditSpec>,
        /// The roles a GitHub Actions workflow deploys with.
        #[serde(default)]
        ci: Option<ci::CiSpec>,
        /// WAFv2 web ACLs, by name.
        #[serde(default)]
        waf: IndexMap<String, edge::WebAclSpec>,
        /// CloudFront distributions, by name.
        #[serde(default)]
        cdn: IndexMap<String, edge::DistributionSpec>,
        /// Route 53 alias records in existing hosted zones.
        #[serde(default)]
        dns: Option<edge::DnsSpec>,
        /// Patches of generated resources, by logical id (escape hatch).
        #[serde(default)]
        overrides: raw::Overrides,
        /// Extra template outputs, by output id.
        #[serde(default)]
        outputs: IndexMap<String, raw::OutputSpec>,
    }
    // The registry of component kinds (see `crate::kinds`), in build order.
    kinds {
        /// Plain CloudFormation resources, by logical id (escape hatch). First,
        /// so workloads can connect to them; merged after every builder ran.
        resources: crate::kinds::raw::RawResources,
        /// Resources archgen references but does not create (escape hatch).
        existing: crate::kinds::existing::ExistingResources,
        /// Customer-managed KMS keys.
        keys: crate::kinds::key::Keys,
        /// Secrets Manager secrets, generated or referenced.
        secrets: crate::kinds::secret::Secrets,
        /// SSM parameters: plain ones created, SecureString ones referenced.
        parameters: crate::kinds::parameter::Parameters,
        /// Relational databases (RDS and Aurora), by component name.
        databases: crate::kinds::database::Databases,
        /// ElastiCache replication groups, by component name.
        caches: crate::kinds::cache::Caches,
        buckets: crate::kinds::bucket::Buckets,
        /// DynamoDB tables, by component name.
        tables: crate::kinds::table::Tables,
        /// Cognito user pools, by component name.
        user_pools: crate::kinds::user_pool::UserPools,
        /// SQS queues (each with a dead-letter queue), by component name.
        queues: crate::kinds::queue::Queues,
        /// SNS topics that alarms notify.
        topics: crate::kinds::topic::Topics,
        services: crate::kinds::service::Services,
        /// Lambda functions, by component name.
        functions: crate::kinds::function::Functions,
    }
}
