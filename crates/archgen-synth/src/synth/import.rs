//! A component of another stack of the project (`connects_to: [data.db]`).
//! The stack that creates it exports every value a connection reads (its
//! security group id, the resources of its grants, its variables, its
//! secret) as a CloudFormation output; the importing stack reads them with
//! `Fn::ImportValue` in the same region, or, across regions (exports do not
//! cross them), as template parameters that deploy fills from the outputs,
//! as it does for the edge stack. The importing workload then gets exactly
//! what a local connection gives: the same grants, the security-group rules
//! (in the importing stack, on the imported group id) and the same variables.

use std::collections::BTreeMap;

use super::connect::{Component, DatabaseUsers, NetworkEndpoint, SecretRef, SecretSource};
use crate::naming::{Names, pascal};
use crate::template::{Export, Expr, Output, Parameter};

/// The stack that creates the component.
pub struct Exporter<'a> {
    /// Its spec name (`data`).
    pub stack: &'a str,
    pub region: &'a str,
}

/// One component as another stack sees it.
pub struct Imported {
    /// Keyed `<stack>.<key>`, with every non-literal value replaced.
    pub component: Component,
    /// Outputs the exporting stack adds, by output id.
    pub outputs: BTreeMap<String, Output>,
    /// Across regions: template parameters of the importing stack, each with
    /// the exporter's output that fills it.
    pub parameters: BTreeMap<String, (Parameter, String)>,
}

/// The export name of output `output_id` of stack `stack`:
/// `<app>-<env>-<stack>-<OutputId>`, letters, digits and hyphens only
/// (CloudFormation's rule for export names), unique per app and environment.
pub fn export_name(names: &Names, stack: &str, output_id: &str) -> String {
    names.export(&format!("{stack}-{output_id}"))
}

struct Sharing<'a> {
    names: &'a Names,
    exporter: &'a Exporter<'a>,
    cross_region: bool,
    /// Output id stem: the component's key in PascalCase (`Db`).
    stem: String,
    /// Values already shared, so each is exported once.
    shared: Vec<(Expr, Expr)>,
    imported: Imported,
}

impl Sharing<'_> {
    /// `value` as the importing stack reads it; `label` names its output.
    fn share(&mut self, label: &str, value: &Expr) -> Expr {
        if value.is_literal() {
            return value.clone();
        }
        if let Some((_, read)) = self.shared.iter().find(|(v, _)| v == value) {
            return read.clone();
        }
        let id = format!("{}{}", self.stem, pascal(label));
        let export = export_name(self.names, self.exporter.stack, &id);
        self.imported.outputs.insert(
            id.clone(),
            Output {
                description: format!(
                    "{label} of component {} of this stack, for the stacks that connect to it",
                    self.stem
                ),
                value: value.clone(),
                export: Some(Export {
                    name: export.clone().into(),
                }),
            },
        );
        let read = if self.cross_region {
            let param = format!("{}{id}", pascal(self.exporter.stack));
            self.imported.parameters.insert(
                param.clone(),
                (
                    Parameter {
                        kind: "String".into(),
                        description: Some(format!(
                            "{label} of {} (output {id} of stack {} in {})",
                            self.stem, self.exporter.stack, self.exporter.region
                        )),
                        ..Default::default()
                    },
                    id,
                ),
            );
            Expr::r#ref(param)
        } else {
            Expr::import(export)
        };
        self.shared.push((value.clone(), read.clone()));
        read
    }
}

/// The stack that connects to the component.
pub struct Importer<'a> {
    /// Its spec name (`app`).
    pub stack: &'a str,
    pub region: &'a str,
    /// A workload's `secrets:` names the component: its secret is shared
    /// (else not even its ARN leaves the exporting stack).
    pub reads_secret: bool,
}

/// `component` of `exporter`, as stack `importer` reaches it.
pub fn import(
    component: &Component,
    exporter: &Exporter,
    importer: &Importer,
    names: &Names,
) -> Imported {
    let importer_region = importer.region;
    let key = format!("{}.{}", exporter.stack, component.name);
    let mut s = Sharing {
        names,
        exporter,
        cross_region: exporter.region != importer_region,
        stem: pascal(&component.name),
        shared: Vec::new(),
        imported: Imported {
            component: Component::new(&key, component.kind),
            outputs: BTreeMap::new(),
            parameters: BTreeMap::new(),
        },
    };
    let mut c = Component::new(&key, component.kind);
    // Variables first: their names label the values grants share.
    c.environment = component
        .environment
        .iter()
        .map(|(suffix, v)| (suffix.clone(), s.share(&suffix.to_ascii_lowercase(), v)))
        .collect();
    c.network = component.network.as_ref().map(|n| NetworkEndpoint {
        group_id: s.share("security_group_id", &n.group_id),
        port: n.port,
    });
    // Statement ids stay unique in a policy that also holds a local
    // component of the same key.
    let prefix = pascal(exporter.stack);
    let stem = pascal(&component.name);
    let mut statements = |list: &[crate::template::iam::Statement]| {
        list.iter()
            .map(|st| {
                let mut st = st.clone();
                let sid = st.sid.clone().unwrap_or_else(|| "Grant".into());
                // `ConnectDb` of `db` labels its resources `Connect`: the
                // output id starts with the component already (`DbConnect...`).
                let label = sid.replacen(&stem, "", 1);
                st.resource = st.resource.map(|resources| {
                    resources
                        .iter()
                        .enumerate()
                        .map(|(i, r)| s.share(&format!("{label}Resource{}", i + 1), r))
                        .collect()
                });
                st.sid = Some(format!("{prefix}{sid}"));
                st
            })
            .collect::<Vec<_>>()
    };
    c.read_grants = statements(&component.read_grants);
    c.write_grants = statements(&component.write_grants);
    c.secret = component
        .secret
        .as_ref()
        .filter(|_| importer.reads_secret)
        .map(|r| SecretRef {
            source: match &r.source {
                SecretSource::SecretsManager { arn, json_key } => SecretSource::SecretsManager {
                    arn: s.share("secret_arn", arn),
                    json_key: json_key.clone(),
                },
                SecretSource::SsmParameter { arn } => SecretSource::SsmParameter {
                    arn: s.share("parameter_arn", arn),
                },
            },
            kms_key_arn: r.kms_key_arn.as_ref().map(|k| s.share("secret_key_arn", k)),
        });
    // The exporter's users task creates the importing workloads' users; the
    // importer needs the resource ids to scope `rds-db:connect` to them.
    c.database_users = component.database_users.as_ref().map(|u| DatabaseUsers {
        sid: format!("{prefix}{}", u.sid),
        resource: None,
        resource_ids: u
            .resource_ids
            .iter()
            .enumerate()
            .map(|(i, id)| {
                let label = if i == 0 {
                    "resource_id".to_string()
                } else {
                    format!("replica{i}_resource_id")
                };
                s.share(&label, id)
            })
            .collect(),
        region: s.cross_region.then(|| exporter.region.to_string()),
        importer: Some(importer.stack.to_string()),
    });
    let mut imported = s.imported;
    imported.component = c;
    imported
}
