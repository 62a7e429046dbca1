//! AWS::IAM::* resource types (generated) and the IAM policy documents
//! their policy properties hold.

pub use super::generated::iam::*;

use super::Expr;
use serde::Serialize;
use serde_json::Value;

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct PolicyDocument {
    pub version: &'static str,
    pub statement: Vec<Statement>,
}

impl PolicyDocument {
    pub fn new(statement: Vec<Statement>) -> Self {
        PolicyDocument {
            version: "2012-10-17",
            statement,
        }
    }

    /// A trust policy that lets one AWS service assume the role.
    pub fn assumed_by(service: &str) -> Self {
        Self::new(vec![Statement {
            sid: None,
            effect: "Allow",
            principal: Some(serde_json::json!({ "Service": service })),
            action: vec!["sts:AssumeRole".into()],
            resource: None,
            condition: None,
        }])
    }

    /// Appends `statement` to a document already in its JSON form (a policy
    /// property of a resource). The document was built by `PolicyDocument`,
    /// so it has a statement list.
    pub fn push_statement(document: &mut Value, statement: Statement) {
        document["Statement"]
            .as_array_mut()
            .expect("policy documents have a statement list")
            .push(serde_json::to_value(statement).expect("statements serialize"));
    }
}

/// Policy properties are free-form JSON in CloudFormation's schemas.
impl From<PolicyDocument> for Value {
    fn from(doc: PolicyDocument) -> Value {
        serde_json::to_value(doc).expect("policy documents serialize")
    }
}

#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Statement {
    pub sid: Option<String>,
    pub effect: &'static str,
    pub principal: Option<Value>,
    pub action: Vec<String>,
    pub resource: Option<Vec<Expr>>,
    pub condition: Option<Value>,
}

impl Statement {
    /// Allows `actions` on exactly `resources`.
    pub fn allow(sid: &str, actions: &[&str], resources: Vec<Expr>) -> Self {
        Statement {
            sid: Some(sid.to_string()),
            effect: "Allow",
            principal: None,
            action: actions.iter().map(|a| a.to_string()).collect(),
            resource: Some(resources),
            condition: None,
        }
    }
}
