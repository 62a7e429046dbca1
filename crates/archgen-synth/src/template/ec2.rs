//! AWS::EC2::* resource types (generated) and the security-group rule
//! archgen writes when a group must have no egress.

pub use super::generated::ec2::*;

impl security_group::Egress {
    /// The rule CDK uses to express "no egress at all": CloudFormation adds
    /// allow-all egress to a group that declares none.
    pub fn deny_all() -> security_group::Egress {
        security_group::Egress {
            ip_protocol: "icmp".into(),
            from_port: Some(252.into()),
            to_port: Some(86.into()),
            cidr_ip: Some("255.255.255.255/32".into()),
            description: Some("Disallow all traffic".into()),
            ..Default::default()
        }
    }
}
