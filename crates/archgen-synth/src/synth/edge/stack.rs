//! Where us-east-1 resources go. A CLOUDFRONT-scope web ACL and CloudFront's
//! ACM certificate must be created in us-east-1. For a stack in any other
//! region they go into a second stack, `<stack>-edge`, deployed first; the
//! main stack receives their ARNs as template parameters, which deploy fills
//! from the edge stack's outputs (CloudFormation exports do not cross
//! regions). A stack already in us-east-1 keeps everything in one template:
//! a second stack would add ordering and parameters for nothing.

use std::collections::BTreeMap;

use super::super::Ctx;
use crate::template::{Expr, Output, Parameter, Template};

pub const EDGE_REGION: &str = "us-east-1";

/// The us-east-1 half of a stack, and which of its outputs feed which
/// parameters of the main template (parameter → output).
pub struct EdgeStack {
    pub template: Template,
    pub parameters: BTreeMap<String, String>,
}

pub struct Edge {
    /// `None` when the main stack is in us-east-1 itself.
    split: Option<EdgeStack>,
}

impl Edge {
    pub fn new(ctx: &Ctx) -> Self {
        let split = (ctx.spec.region != EDGE_REGION).then(|| EdgeStack {
            template: Template::new(format!(
                "{} edge resources in us-east-1 for CloudFront ({}), synthesized by archgen",
                ctx.spec.app, ctx.environment
            )),
            parameters: BTreeMap::new(),
        });
        Edge { split }
    }

    /// Whether us-east-1 resources go into a stack of their own.
    pub fn splits(&self) -> bool {
        self.split.is_some()
    }

    /// The template us-east-1 resources go into.
    pub fn template<'a>(&'a mut self, main: &'a mut Template) -> &'a mut Template {
        match &mut self.split {
            Some(e) => &mut e.template,
            None => main,
        }
    }

    /// Makes `value` (an expression of the us-east-1 template) usable in the
    /// main template: an output of the edge stack passed in as parameter
    /// `name`, or the value itself when there is one template.
    pub fn publish(
        &mut self,
        main: &mut Template,
        name: &str,
        description: &str,
        value: Expr,
    ) -> Expr {
        let Some(e) = &mut self.split else {
            return value;
        };
        e.template.output(
            name,
            Output {
                description: description.to_string(),
                value,
                export: None,
            },
        );
        main.parameters.insert(
            name.to_string(),
            Parameter {
                kind: "String".into(),
                description: Some(format!("{description} (from the us-east-1 edge stack)")),
                allowed_pattern: Some("^arn:aws[a-z-]*:.+$".into()),
                ..Default::default()
            },
        );
        e.parameters.insert(name.to_string(), name.to_string());
        Expr::r#ref(name)
    }

    /// The edge stack, if anything was put in it.
    pub fn finish(self) -> Option<EdgeStack> {
        self.split.filter(|e| !e.template.resources.is_empty())
    }
}
