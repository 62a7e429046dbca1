//! The stack `check` hands to `synth`: the resolved spec plus the values
//! `check` parsed from its text (subnet CIDRs, windows in UTC, parameter
//! values in each parameter's unit, instance classes) and the references it
//! resolved (certificates, DNS records, identity providers). Only `check` builds one, and only when no rule
//! failed, so a builder that takes a `CheckedStack` never sees a value that
//! does not parse and never parses one again.

use crate::spec::app::{CertificateSource, CertificateSpec};
use crate::spec::data::{CacheSpec, DatabaseSpec};
use crate::spec::edge::{AliasRecord, DistributionSpec};
use crate::spec::identity::{IdentityProvider, UserPoolSpec};
use crate::spec::network::TierSpec;
use crate::spec::value::recurrence::Recurrence;
use crate::spec::value::{ParameterValue, Window};
use crate::spec::{ResolvedStack, StackSpec};
use indexmap::IndexMap;
use ipnet::Ipv4Net;

/// A resolved stack that passed every rule.
#[derive(Debug)]
pub struct CheckedStack<'p> {
    stack: ResolvedStack<'p>,
    values: Values,
    /// What the rules found that does not stop synthesis (APP051).
    warnings: Vec<crate::diagnostic::Diagnostic>,
}

/// Each tier's subnet CIDRs (explicit or carved from the VPC CIDR), one per
/// zone in zone order, by tier name in spec order.
pub type SubnetPlan = IndexMap<String, Vec<Ipv4Net>>;

/// Everything `check` parsed; meaningful only when no rule failed.
#[derive(Debug, Clone, Default, PartialEq)]
pub(super) struct Values {
    pub(super) subnets: SubnetPlan,
    pub(super) data: DataValues,
    pub(super) certificates: Certificates,
    /// `dns.records`, in spec order.
    pub(super) dns_records: Vec<AliasRecord>,
    /// Each user pool's identity providers, in spec order.
    pub(super) identity_providers: Vec<Vec<IdentityProvider>>,
    /// Each backup rule's schedule in UTC, by plan and rule name.
    pub(super) backup_schedules: IndexMap<(String, String), Recurrence>,
}

impl Values {
    /// The values the rules checked (`subnets`, `data`) with the references
    /// read from `spec`: certificates, DNS records, identity providers. An
    /// incomplete one is left out; the rules have reported it (APP020,
    /// EDGE015, EDGE022, EDGE023, IDN003, IDN004), so no stack is checked.
    pub(super) fn read(spec: &StackSpec, subnets: SubnetPlan, data: DataValues) -> Values {
        let certificates = Certificates {
            load_balancer: spec
                .load_balancer
                .as_ref()
                .and_then(|lb| lb.certificate.as_ref())
                .and_then(CertificateSpec::source),
            cdn: spec
                .cdn
                .values()
                .map(|d| d.certificate.as_ref().and_then(CertificateSpec::source))
                .collect(),
        };
        let dns_records = spec
            .dns
            .iter()
            .flat_map(|dns| {
                dns.records
                    .iter()
                    .filter_map(|(name, r)| dns.alias_record(name, r))
            })
            .collect();
        let identity_providers = spec
            .user_pools
            .values()
            .map(|pool| {
                pool.identity_providers
                    .iter()
                    .filter_map(|(key, idp)| idp.resolve(key, &spec.secrets))
                    .collect()
            })
            .collect();
        let backup_schedules = spec
            .backup
            .iter()
            .flat_map(|b| &b.plans)
            .flat_map(|(plan, p)| p.rules.iter().map(move |(rule, r)| (plan, rule, r)))
            .filter_map(|(plan, rule, r)| {
                let at = crate::spec::value::recurrence::parse(&r.schedule).ok()?;
                Some(((plan.clone(), rule.clone()), at))
            })
            .collect();
        Values {
            subnets,
            data,
            certificates,
            dns_records,
            identity_providers,
            backup_schedules,
        }
    }
}

/// The certificates of the load balancer and of each distribution (in spec
/// order), where the spec gives one.
#[derive(Debug, Clone, Default, PartialEq)]
pub(super) struct Certificates {
    pub(super) load_balancer: Option<CertificateSource>,
    pub(super) cdn: Vec<Option<CertificateSource>>,
}

/// What `check` parsed from one database's spec.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DatabaseValues {
    /// The class of every instance: `instance`, or `db.serverless` for
    /// Aurora Serverless v2.
    pub instance_class: String,
    /// `backup.window`, in UTC.
    pub backup_window: Option<Window>,
    /// `maintenance_window`, in UTC.
    pub maintenance_window: Option<Window>,
    /// `parameters`, in spec order, as RDS takes them (the TLS parameter
    /// archgen sets is not among them: `check` refuses it).
    pub parameters: IndexMap<String, ParameterValue>,
}

/// What `check` parsed from one cache's spec.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CacheValues {
    /// `snapshot.window`, in UTC.
    pub snapshot_window: Option<Window>,
    /// `maintenance_window`, in UTC.
    pub maintenance_window: Option<Window>,
}

/// Parsed values of the data tier, one entry per component in spec order.
#[derive(Debug, Clone, Default, PartialEq)]
pub(super) struct DataValues {
    pub(super) databases: Vec<DatabaseValues>,
    pub(super) caches: Vec<CacheValues>,
}

impl<'p> CheckedStack<'p> {
    /// Private to `check`: `values` holds one entry per tier, database and
    /// cache of `stack`, in spec order (the rules build them while checking).
    pub(super) fn new(
        stack: ResolvedStack<'p>,
        values: Values,
        warnings: Vec<crate::diagnostic::Diagnostic>,
    ) -> Self {
        let spec = &stack.spec;
        debug_assert!(
            spec.network
                .as_ref()
                .map_or(values.subnets.is_empty(), |n| {
                    n.tiers.keys().eq(values.subnets.keys())
                        && values.subnets.values().all(|s| s.len() == n.zones.count())
                })
        );
        debug_assert_eq!(values.data.databases.len(), spec.databases.len());
        debug_assert_eq!(values.data.caches.len(), spec.caches.len());
        debug_assert_eq!(
            spec.load_balancer
                .as_ref()
                .map(|lb| lb.certificate.is_some()),
            spec.load_balancer
                .as_ref()
                .map(|_| values.certificates.load_balancer.is_some()),
        );
        debug_assert!(
            spec.cdn.values().map(|d| d.certificate.is_some()).eq(values
                .certificates
                .cdn
                .iter()
                .map(Option::is_some))
        );
        debug_assert_eq!(
            values.dns_records.len(),
            spec.dns.as_ref().map_or(0, |d| d.records.len())
        );
        debug_assert!(
            spec.user_pools
                .values()
                .map(|p| p.identity_providers.len())
                .eq(values.identity_providers.iter().map(Vec::len))
        );
        CheckedStack {
            stack,
            values,
            warnings,
        }
    }

    /// The warnings the rules gave: printed, not fatal.
    pub fn warnings(&self) -> &[crate::diagnostic::Diagnostic] {
        &self.warnings
    }

    pub fn stack(&self) -> &ResolvedStack<'p> {
        &self.stack
    }

    pub fn spec(&self) -> &StackSpec {
        &self.stack.spec
    }

    /// Every subnet tier with its subnets (one per zone), in spec order;
    /// none without a network.
    pub fn subnet_tiers(&self) -> impl Iterator<Item = (&str, &TierSpec, &[Ipv4Net])> {
        self.stack
            .spec
            .network
            .iter()
            .flat_map(|n| &n.tiers)
            .zip(self.values.subnets.values())
            .map(|((name, tier), subnets)| (name.as_str(), tier, subnets.as_slice()))
    }

    /// The load balancer's certificate, when it serves HTTPS.
    pub fn load_balancer_certificate(&self) -> Option<&CertificateSource> {
        self.values.certificates.load_balancer.as_ref()
    }

    /// Every CloudFront distribution with its viewer certificate (none: the
    /// default *.cloudfront.net one), in spec order.
    pub fn distributions(
        &self,
    ) -> impl Iterator<Item = (&str, &DistributionSpec, Option<&CertificateSource>)> {
        self.stack
            .spec
            .cdn
            .iter()
            .zip(&self.values.certificates.cdn)
            .map(|((key, d), cert)| (key.as_str(), d, cert.as_ref()))
    }

    /// Every alias record under `dns.records`, with its zone and target, in
    /// spec order.
    pub fn dns_records(&self) -> impl Iterator<Item = (&str, &AliasRecord)> {
        self.stack
            .spec
            .dns
            .iter()
            .flat_map(|d| d.records.keys())
            .zip(&self.values.dns_records)
            .map(|(name, record)| (name.as_str(), record))
    }

    /// Every user pool with its identity providers (in the order of its
    /// `identity_providers`), in spec order.
    pub fn user_pools(&self) -> impl Iterator<Item = (&str, &UserPoolSpec, &[IdentityProvider])> {
        self.stack
            .spec
            .user_pools
            .iter()
            .zip(&self.values.identity_providers)
            .map(|((key, pool), providers)| (key.as_str(), pool, providers.as_slice()))
    }

    /// The schedule of backup rule `rule` of plan `plan`, in UTC.
    pub fn backup_schedule(&self, plan: &str, rule: &str) -> Option<Recurrence> {
        self.values
            .backup_schedules
            .get(&(plan.to_string(), rule.to_string()))
            .copied()
    }

    /// Every database with its parsed values, in spec order.
    pub fn databases(&self) -> impl Iterator<Item = (&str, &DatabaseSpec, &DatabaseValues)> {
        with_values(&self.stack.spec.databases, &self.values.data.databases)
    }

    /// Every cache with its parsed values, in spec order.
    pub fn caches(&self) -> impl Iterator<Item = (&str, &CacheSpec, &CacheValues)> {
        with_values(&self.stack.spec.caches, &self.values.data.caches)
    }
}

/// Each entry of a spec block with the values parsed from it (kept in the
/// block's order, so they zip).
fn with_values<'a, S, V>(
    block: &'a IndexMap<String, S>,
    values: &'a [V],
) -> impl Iterator<Item = (&'a str, &'a S, &'a V)> {
    block
        .iter()
        .zip(values)
        .map(|((key, spec), values)| (key.as_str(), spec, values))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::check_stack;
    use crate::diagnostic::Code;
    use crate::spec::Project;
    use crate::spec::value::window::Kind;

    /// A stack with one database and one cache; `data` is appended to it.
    fn project(data: &str) -> Project {
        let source = format!(
            "\
app: demo
region: ap-northeast-1
network:
  cidr: 10.0.0.0/16
  zones: 2
  tiers:
    app: {{ type: isolated, mask: 24 }}
    data: {{ type: isolated, mask: 24 }}
  nat: none
environments:
  prod: {{}}
{data}"
        );
        Project::from_source("stacks/main.yaml".into(), source).unwrap()
    }

    #[test]
    fn check_yields_the_windows_in_utc_and_parameters_in_their_units() {
        let p = project(
            "\
databases:
  db:
    engine: postgres
    version: \"15.15\"
    instance: db.t3.medium
    backup: { window: \"03:00-04:00 Asia/Tokyo\" }
    maintenance_window: \"sun 04:00-05:00 Asia/Tokyo\"
    parameters: { shared_buffers: 256MB, max_connections: 200, log_statement: ddl }
caches:
  sessions:
    engine: valkey
    version: \"8.0\"
    node_type: cache.t4g.micro
    snapshot: { window: \"05:00-06:00 +09:00\" }
    maintenance_window: \"mon 08:00-09:00 JST\"
",
        );
        let checked = check_stack(p.stacks[0].resolve("prod").unwrap()).unwrap();

        let [(key, _, db)] = checked.databases().collect::<Vec<_>>()[..] else {
            panic!("one database")
        };
        assert_eq!(key, "db");
        assert_eq!(db.instance_class, "db.t3.medium");
        let backup = db.backup_window.unwrap();
        assert_eq!(backup.kind, Kind::Daily);
        assert_eq!(backup.to_aws(), "18:00-19:00");
        // Sunday 04:00 in Tokyo is Saturday 19:00 in UTC.
        let maintenance = db.maintenance_window.unwrap();
        assert_eq!(maintenance.kind, Kind::Weekly);
        assert_eq!(maintenance.to_aws(), "sat:19:00-sat:20:00");
        let parameters: Vec<(&str, String)> = db
            .parameters
            .iter()
            .map(|(k, v)| (k.as_str(), v.to_string()))
            .collect();
        assert_eq!(
            parameters,
            [
                ("shared_buffers", "32768".to_string()),
                ("max_connections", "200".to_string()),
                ("log_statement", "ddl".to_string()),
            ]
        );

        let [(key, _, cache)] = checked.caches().collect::<Vec<_>>()[..] else {
            panic!("one cache")
        };
        assert_eq!(key, "sessions");
        assert_eq!(cache.snapshot_window.unwrap().to_aws(), "20:00-21:00");
        // Monday 08:00 in Tokyo is Sunday 23:00 in UTC.
        assert_eq!(
            cache.maintenance_window.unwrap().to_aws(),
            "sun:23:00-mon:00:00"
        );
    }

    #[test]
    fn check_yields_each_tiers_subnets_in_zone_order() {
        let p = project("");
        let checked = check_stack(p.stacks[0].resolve("prod").unwrap()).unwrap();
        let plan: Vec<(&str, Vec<String>)> = checked
            .subnet_tiers()
            .map(|(name, _, subnets)| (name, subnets.iter().map(|s| s.to_string()).collect()))
            .collect();
        // Carved from 10.0.0.0/16 in tier order, one /24 per zone.
        assert_eq!(
            plan,
            [
                ("app", vec!["10.0.0.0/24".to_string(), "10.0.1.0/24".into()]),
                (
                    "data",
                    vec!["10.0.2.0/24".to_string(), "10.0.3.0/24".into()]
                ),
            ]
        );
    }

    #[test]
    fn windows_left_out_stay_unset() {
        let p = project(
            "\
databases:
  db: { engine: postgres, version: \"15.15\", instance: db.t3.medium }
",
        );
        let checked = check_stack(p.stacks[0].resolve("prod").unwrap()).unwrap();
        let (_, _, db) = checked.databases().next().unwrap();
        assert_eq!(
            db,
            &DatabaseValues {
                instance_class: "db.t3.medium".into(),
                ..DatabaseValues::default()
            }
        );
    }

    #[test]
    fn serverless_aurora_instances_get_the_serverless_class() {
        let p = project(
            "\
databases:
  db:
    engine: aurora-postgresql
    version: \"16.8\"
    serverless: { min_acu: 0.5, max_acu: 4 }
",
        );
        let checked = check_stack(p.stacks[0].resolve("prod").unwrap()).unwrap();
        let (_, _, db) = checked.databases().next().unwrap();
        assert_eq!(db.instance_class, "db.serverless");
    }

    #[test]
    fn a_window_that_does_not_parse_yields_no_checked_stack_but_its_diagnostic() {
        let p = project(
            "\
databases:
  db:
    engine: postgres
    version: \"15.15\"
    instance: db.t3.medium
    backup: { window: \"03:00-04:00 Europe/Berlin\" }
",
        );
        let diagnostics = check_stack(p.stacks[0].resolve("prod").unwrap()).unwrap_err();
        let [d] = &diagnostics[..] else {
            panic!("one diagnostic: {diagnostics:?}")
        };
        assert_eq!(d.code, Code::Data006);
        assert_eq!(d.field, "databases.db.backup.window");
        assert_eq!(d.loc.line, 17);
        assert!(d.message.contains("daylight saving"), "{}", d.message);
    }
}
