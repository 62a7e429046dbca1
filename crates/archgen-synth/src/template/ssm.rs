//! AWS::SSM::* resource types. CloudFormation can create String and
//! StringList parameters only; SecureString ones are referenced, not made.

use super::Expr;
use serde::Serialize;
use std::collections::BTreeMap;

#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Parameter {
    pub name: Option<Expr>,
    #[serde(rename = "Type")]
    pub kind: String,
    pub value: Expr,
    pub description: Option<String>,
    pub tags: Option<BTreeMap<String, String>>,
}
