//! Security-group rules from the connection graph. Every rule names its
//! source group (never a CIDR) and says why it exists. Rules are standalone
//! resources, so two groups that refer to each other never form a cycle.

use crate::naming::pascal;
use crate::spec::app::ALL_OUTBOUND_PREFIX;
use crate::template::ec2::security_group::Egress;
use crate::template::ec2::{SecurityGroup, SecurityGroupEgress, SecurityGroupIngress};
use crate::template::{Expr, Tag, Template};

/// Lets `from` (a security group logical id, named `from_name`) reach `to`
/// (a group id: `Fn::GetAtt`, or an import from another stack) on `port`:
/// an ingress rule on the target and an egress rule on the source. Both
/// rules are in `t`, the stack of the source, so a connection to another
/// stack's component changes only the importing stack.
pub fn allow(
    t: &mut Template,
    from_name: &str,
    from_sg: &str,
    to_name: &str,
    to_group: Expr,
    port: u16,
    why: &str,
) {
    let (from_id, to_id) = (pascal(from_name), pascal(to_name));
    t.add(
        format!("{to_id}From{from_id}Ingress"),
        SecurityGroupIngress {
            group_id: Some(to_group.clone()),
            ip_protocol: "tcp".into(),
            from_port: Some(port.into()),
            to_port: Some(port.into()),
            source_security_group_id: Some(Expr::get_att(from_sg, "GroupId")),
            description: Some(format!("{why}: from {from_name} to {to_name} on {port}").into()),
            ..Default::default()
        },
    );
    t.add(
        format!("{from_id}To{to_id}Egress"),
        SecurityGroupEgress {
            group_id: Expr::get_att(from_sg, "GroupId"),
            ip_protocol: "tcp".into(),
            from_port: Some(port.into()),
            to_port: Some(port.into()),
            destination_security_group_id: Some(to_group),
            description: Some(format!("{why}: from {from_name} to {to_name} on {port}").into()),
            ..Default::default()
        },
    );
}

/// The group of something archgen runs (a service's tasks, a function): no
/// ingress until connections add it, and HTTPS out for AWS APIs, whose
/// addresses are not known in advance.
pub fn https_out_group(
    vpc: Expr,
    description: String,
    egress_why: &str,
    tags: Vec<Tag>,
) -> SecurityGroup {
    SecurityGroup {
        group_description: description.into(),
        vpc_id: Some(vpc),
        security_group_egress: Some(vec![Egress {
            ip_protocol: "tcp".into(),
            from_port: Some(443.into()),
            to_port: Some(443.into()),
            cidr_ip: Some("0.0.0.0/0".into()),
            description: Some(egress_why.into()),
            ..Default::default()
        }]),
        tags: Some(tags),
        ..Default::default()
    }
}

/// The group of a service whose spec opts out of derived egress
/// (`allow_all_outbound`): every protocol to anywhere, the reason in the
/// rule's description so reviewers read it in the template.
pub fn all_out_group(
    vpc: Expr,
    description: String,
    reason: &str,
    tags: Vec<Tag>,
) -> SecurityGroup {
    SecurityGroup {
        group_description: description.into(),
        vpc_id: Some(vpc),
        security_group_egress: Some(vec![Egress {
            ip_protocol: "-1".into(),
            cidr_ip: Some("0.0.0.0/0".into()),
            description: Some(format!("{ALL_OUTBOUND_PREFIX}{reason}").into()),
            ..Default::default()
        }]),
        tags: Some(tags),
        ..Default::default()
    }
}
