//! Identity, messaging, alarms and where they notify, what survives a
//! delete, and the checks the template skips with their reasons.

use serde::Serialize;

use super::cfn::{Cfn, describe, key_for, target, texts};

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct UserPool {
    pub name: String,
    pub sign_in: String,
    pub mfa: String,
    pub password: String,
    pub clients: Vec<String>,
    pub providers: Vec<String>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Queue {
    pub name: String,
    pub visibility_timeout: String,
    pub retention: String,
    pub dead_letter: Option<String>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Topic {
    pub name: String,
    pub subscribers: Vec<String>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Alarm {
    pub name: String,
    pub condition: String,
    pub notifies: String,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Kept {
    pub resource: String,
    pub kind: String,
    pub on_delete: String,
    pub on_replace: String,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Skipped {
    pub resource: String,
    pub check: String,
    pub reason: String,
}

pub fn user_pools(cfn: &Cfn, keys: &[String]) -> Vec<UserPool> {
    cfn.of_type("AWS::Cognito::UserPool")
        .map(|pool| {
            let policy = &pool.get("Policies")["PasswordPolicy"];
            UserPool {
                name: key_for(pool.id.trim_end_matches("UserPool"), keys),
                sign_in: {
                    let by = texts(pool.get("UsernameAttributes"));
                    if by.is_empty() {
                        "user name".to_string()
                    } else {
                        by.join(", ")
                    }
                },
                mfa: pool
                    .text("MfaConfiguration")
                    .unwrap_or_else(|| "OFF".into())
                    .to_lowercase(),
                password: format!("at least {} characters", describe(&policy["MinimumLength"])),
                clients: cfn
                    .of_type("AWS::Cognito::UserPoolClient")
                    .filter(|c| target(c.get("UserPoolId")) == Some(pool.id))
                    .map(|c| c.text("ClientName").unwrap_or_else(|| c.id.to_string()))
                    .collect(),
                providers: cfn
                    .of_type("AWS::Cognito::UserPoolIdentityProvider")
                    .filter(|p| target(p.get("UserPoolId")) == Some(pool.id))
                    .map(|p| p.text("ProviderName").unwrap_or_else(|| p.id.to_string()))
                    .collect(),
            }
        })
        .collect()
}

pub fn queues(cfn: &Cfn, keys: &[String]) -> Vec<Queue> {
    cfn.of_type("AWS::SQS::Queue")
        .filter(|q| !q.id.ends_with("DeadLetterQueue"))
        .map(|q| {
            let redrive = q.get("RedrivePolicy");
            Queue {
                name: key_for(q.id.trim_end_matches("Queue"), keys),
                visibility_timeout: format!(
                    "{} s",
                    q.text("VisibilityTimeout").unwrap_or_else(|| "30".into())
                ),
                retention: days(q.text("MessageRetentionPeriod")),
                dead_letter: target(&redrive["deadLetterTargetArn"]).map(|dlq| {
                    format!(
                        "dead-letter queue {dlq} after {} receives",
                        describe(&redrive["maxReceiveCount"])
                    )
                }),
            }
        })
        .collect()
}

fn days(seconds: Option<String>) -> String {
    match seconds.and_then(|s| s.parse::<u64>().ok()) {
        Some(s) if s % 86_400 == 0 => format!("{} days", s / 86_400),
        Some(s) => format!("{s} s"),
        None => "4 days".to_string(),
    }
}

pub fn topics(cfn: &Cfn, keys: &[String]) -> Vec<Topic> {
    cfn.of_type("AWS::SNS::Topic")
        .map(|t| Topic {
            name: key_for(t.id.trim_end_matches("Topic"), keys),
            subscribers: subscribers(cfn, t.id),
        })
        .collect()
}

fn subscribers(cfn: &Cfn, topic: &str) -> Vec<String> {
    let mut found: Vec<String> = cfn
        .of_type("AWS::SNS::Subscription")
        .filter(|s| target(s.get("TopicArn")) == Some(topic))
        .map(|s| {
            let endpoint = s
                .text("Endpoint")
                .unwrap_or_else(|| "the URL kept in a secret".into());
            format!("{} {endpoint}", s.text("Protocol").unwrap_or_default())
        })
        .collect();
    for chat in cfn.of_type("AWS::Chatbot::SlackChannelConfiguration") {
        if super::cfn::targets(chat.get("SnsTopicArns")).contains(&topic) {
            found.push(format!(
                "Slack channel {}",
                describe(chat.get("SlackChannelId"))
            ));
        }
    }
    found
}

/// `topics`: the spec's topic keys; `prefix`: `<app>-<env>-`, which every
/// alarm name starts with; `topic_suffix`: what a topic's logical id ends
/// with after its key (`Topic`, or `EdgeTopic` for the us-east-1 copies).
pub fn alarms(cfn: &Cfn, topics: &[String], prefix: &str, topic_suffix: &str) -> Vec<Alarm> {
    cfn.of_type("AWS::CloudWatch::Alarm")
        .map(|a| {
            let topics: Vec<String> = super::cfn::targets(a.get("AlarmActions"))
                .into_iter()
                .map(|t| {
                    let who = subscribers(cfn, t);
                    let topic = key_for(t.strip_suffix(topic_suffix).unwrap_or(t), topics);
                    if who.is_empty() {
                        format!("topic {topic}")
                    } else {
                        format!("topic {topic} ({})", who.join(", "))
                    }
                })
                .collect();
            Alarm {
                name: a
                    .text("AlarmName")
                    .map(|n| n.strip_prefix(prefix).unwrap_or(&n).to_string())
                    .unwrap_or_else(|| a.id.to_string()),
                condition: a.text("AlarmDescription").unwrap_or_default(),
                notifies: topics.join("; "),
            }
        })
        .collect()
}

/// Every resource that is retained or snapshotted rather than deleted.
pub fn kept(cfn: &Cfn) -> Vec<Kept> {
    cfn.all()
        .filter_map(|r| {
            let on_delete = r.body["DeletionPolicy"].as_str()?;
            Some(Kept {
                resource: r.id.to_string(),
                kind: describe(&r.body["Type"]),
                on_delete: on_delete.to_lowercase(),
                on_replace: r.body["UpdateReplacePolicy"]
                    .as_str()
                    .unwrap_or("Delete")
                    .to_lowercase(),
            })
        })
        .filter(|k| k.on_delete != "delete")
        .collect()
}

/// Every scanner check a resource skips, with the reason written beside it.
pub fn skipped(cfn: &Cfn) -> Vec<Skipped> {
    cfn.all()
        .flat_map(|r| {
            r.body["Metadata"]["checkov"]["skip"]
                .as_array()
                .into_iter()
                .flatten()
                .map(move |s| Skipped {
                    resource: r.id.to_string(),
                    check: describe(&s["id"]),
                    reason: describe(&s["comment"]),
                })
        })
        .collect()
}
