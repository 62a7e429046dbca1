//! CloudFormation's intrinsic functions in raw resources: which are
//! accepted, their shape, and the logical ids they refer to (checked once
//! the whole template is known).

use crate::spec::node::{Loc, Node, NodeKind};

/// Functions accepted in a raw resource, in their long form.
pub const ACCEPTED: &[&str] = &[
    "Ref",
    "Fn::GetAtt",
    "Fn::Sub",
    "Fn::Join",
    "Fn::Select",
    "Fn::Split",
    "Fn::GetAZs",
    "Fn::ImportValue",
    "Fn::Base64",
    "Fn::Cidr",
];

/// A `Ref`, `Fn::GetAtt` or `${...}` in `Fn::Sub` (or a `DependsOn`): the
/// logical id must exist in the final template.
#[derive(Debug, Clone, PartialEq)]
pub struct Reference {
    /// Below the validated node: `Properties.Targets[0].Arn`.
    pub path: String,
    pub loc: Loc,
    pub target: String,
    /// `Fn::GetAtt`'s attribute.
    pub attribute: Option<String>,
}

/// `{ component: db, attribute: host }`: a value of an archgen component.
#[derive(Debug, Clone, PartialEq)]
pub struct ComponentUse {
    pub path: String,
    pub loc: Loc,
    pub component: String,
    pub attribute: String,
}

/// What a mapping is, if it is not plain data.
pub enum Special<'n> {
    /// `{ Fn::X: args }` or `{ Ref: id }`.
    Function(&'n str, &'n Node),
    /// `{ component: db, attribute: host }`.
    Component(&'n Node, &'n Node),
}

/// Whether `node` is an intrinsic function or a component reference.
pub fn special(node: &Node) -> Option<Special<'_>> {
    let NodeKind::Map(entries) = &node.kind else {
        return None;
    };
    match entries.as_slice() {
        [(key, value)]
            if key.name == "Ref" || key.name.starts_with("Fn::") || key.name == "Condition" =>
        {
            Some(Special::Function(&key.name, value))
        }
        [(a, av), (b, bv)] => match (a.name.as_str(), b.name.as_str()) {
            ("component", "attribute") => Some(Special::Component(av, bv)),
            ("attribute", "component") => Some(Special::Component(bv, av)),
            _ => None,
        },
        _ => None,
    }
}

/// The variables of an `Fn::Sub` string: `${Name}` and `${Name.Attr}`,
/// without `${!Literal}`.
pub fn sub_variables(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find("${") {
        let after = rest.get(start + 2..).unwrap_or_default();
        let Some(end) = after.find('}') else { break };
        let name = after.get(..end).unwrap_or_default();
        if !name.starts_with('!') {
            out.push(name.trim());
        }
        rest = after.get(end + 1..).unwrap_or_default();
    }
    out
}

/// `AWS::Region` and friends: always there.
pub fn is_pseudo_parameter(name: &str) -> bool {
    matches!(
        name,
        "AWS::AccountId"
            | "AWS::NotificationARNs"
            | "AWS::NoValue"
            | "AWS::Partition"
            | "AWS::Region"
            | "AWS::StackId"
            | "AWS::StackName"
            | "AWS::URLSuffix"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sub_variables_skip_literals() {
        assert_eq!(
            sub_variables("arn:${AWS::Partition}:x:${Queue.Arn}/${!Literal}/${ Name }"),
            ["AWS::Partition", "Queue.Arn", "Name"]
        );
        assert!(sub_variables("no variables ${ unterminated").is_empty());
    }
}
