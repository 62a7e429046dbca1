//! Physical names and AWS's limits on them, in one table.
//!
//! archgen derives many names from `app`, the environment and spec keys
//! (`<app>-<env>-<key>`); each is checked here against the row of its
//! resource type, so a name CloudFormation would reject fails `synth` at the
//! key that produced it, not a deploy. Names CloudFormation generates (RDS
//! instance identifiers, ElastiCache groups, IAM roles) need no row.

use crate::diagnostic::{Code, Diagnostic};
use crate::naming::Names;
use crate::spec::ResolvedStack;

/// One resource type's naming rule.
#[derive(Debug)]
pub struct NameRule {
    /// What the name names, as the user would say it.
    pub resource: &'static str,
    pub min: usize,
    pub max: usize,
    /// The characters AWS allows.
    pub allowed: fn(char) -> bool,
    /// The same in words, for the fix.
    pub allowed_text: &'static str,
    /// Rules beyond length and characters (prefixes, hyphen placement...).
    pub extra: fn(&str) -> Option<&'static str>,
}

impl NameRule {
    /// What is wrong with `name`, as a sentence ending the message
    /// "<resource> name '<name>' ..."; `None` when AWS accepts it.
    pub fn problem(&self, name: &str) -> Option<String> {
        let len = name.chars().count();
        if len > self.max {
            return Some(format!(
                "is {len} characters; AWS allows {} in {} names",
                self.max, self.resource
            ));
        }
        if len < self.min {
            return Some(format!(
                "is {len} characters; {} names need at least {}",
                self.resource, self.min
            ));
        }
        if let Some(c) = name.chars().find(|c| !(self.allowed)(*c)) {
            return Some(format!(
                "has '{c}', which AWS does not allow in {} names ({})",
                self.resource, self.allowed_text
            ));
        }
        (self.extra)(name).map(str::to_string)
    }
}

fn none(_: &str) -> Option<&'static str> {
    None
}

fn alnum_hyphen(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '-'
}

fn word_hyphen(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '-' || c == '_'
}

fn elb_edges(name: &str) -> Option<&'static str> {
    (name.starts_with('-') || name.ends_with('-')).then_some("may not start or end with a hyphen")
}

fn load_balancer_extra(name: &str) -> Option<&'static str> {
    elb_edges(name).or_else(|| {
        name.starts_with("internal-")
            .then_some("may not start with 'internal-' (AWS reserves it for internal load balancers' DNS names)")
    })
}

fn bucket_extra(name: &str) -> Option<&'static str> {
    super::data::bucket_name_problem(name)
}

pub const SQS_QUEUE: NameRule = NameRule {
    resource: "SQS queue",
    min: 1,
    max: 80,
    allowed: word_hyphen,
    allowed_text: "letters, digits, '-' and '_'",
    extra: none,
};

pub const WAF: NameRule = NameRule {
    resource: "WAF web ACL or IP set",
    min: 1,
    max: 128,
    allowed: word_hyphen,
    allowed_text: "letters, digits, '-' and '_'",
    extra: none,
};

pub const CLOUDFRONT_OAC: NameRule = NameRule {
    resource: "CloudFront origin access control",
    min: 1,
    max: 64,
    allowed: word_hyphen,
    allowed_text: "letters, digits, '-' and '_'",
    extra: none,
};

pub const CLOUDFRONT_CACHE_POLICY: NameRule = NameRule {
    resource: "CloudFront cache policy",
    min: 1,
    max: 128,
    allowed: word_hyphen,
    allowed_text: "letters, digits, '-' and '_'",
    extra: none,
};

/// User pools and app clients share Cognito's `[\w\s+=,.@-]+` pattern.
pub const COGNITO: NameRule = NameRule {
    resource: "Cognito user pool or app client",
    min: 1,
    max: 128,
    allowed: |c| c.is_alphanumeric() || c == '_' || c.is_whitespace() || "+=,.@-".contains(c),
    allowed_text: "letters, digits, spaces and '_ + = , . @ -'",
    extra: none,
};

pub const LOAD_BALANCER: NameRule = NameRule {
    resource: "load balancer",
    min: 1,
    max: 32,
    allowed: alnum_hyphen,
    allowed_text: "letters, digits and hyphens",
    extra: load_balancer_extra,
};

pub const TARGET_GROUP: NameRule = NameRule {
    resource: "target group",
    min: 1,
    max: 32,
    allowed: alnum_hyphen,
    allowed_text: "letters, digits and hyphens",
    extra: elb_edges,
};

pub const LOG_GROUP: NameRule = NameRule {
    resource: "CloudWatch log group",
    min: 1,
    max: 512,
    allowed: |c| c.is_ascii_alphanumeric() || "._-/#".contains(c),
    allowed_text: "letters, digits and '. _ - / #'",
    extra: none,
};

pub const SECRETS_MANAGER: NameRule = NameRule {
    resource: "Secrets Manager secret",
    min: 1,
    max: 512,
    allowed: |c| c.is_ascii_alphanumeric() || "/_+=.@-".contains(c),
    allowed_text: "letters, digits and '/ _ + = . @ -'",
    extra: none,
};

pub const SNS_DISPLAY_NAME: NameRule = NameRule {
    resource: "SNS display",
    min: 1,
    max: 100,
    allowed: |c| c.is_ascii_graphic() || c == ' ' || c == '\t',
    allowed_text: "printable ASCII characters, spaces and tabs",
    extra: none,
};

pub const ECS: NameRule = NameRule {
    resource: "ECS cluster, service or task family",
    min: 1,
    max: 255,
    allowed: word_hyphen,
    allowed_text: "letters, digits, '-' and '_'",
    extra: none,
};

pub const S3_BUCKET: NameRule = NameRule {
    resource: "S3 bucket",
    min: 3,
    max: 63,
    allowed: |c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '.' || c == '-',
    allowed_text: "lowercase letters, digits, '.' and '-'",
    extra: bucket_extra,
};

/// Every row, for the README's table and the tests.
pub const RULES: &[&NameRule] = &[
    &SQS_QUEUE,
    &WAF,
    &CLOUDFRONT_OAC,
    &CLOUDFRONT_CACHE_POLICY,
    &COGNITO,
    &LOAD_BALANCER,
    &TARGET_GROUP,
    &LOG_GROUP,
    &SECRETS_MANAGER,
    &SNS_DISPLAY_NAME,
    &S3_BUCKET,
    &ECS,
];

/// A name archgen will give a resource, and where in the spec it comes from.
struct Derived {
    rule: &'static NameRule,
    field: String,
    name: String,
    /// What the user can change, e.g. "the key 'jobs' or the app name".
    fix: String,
}

/// Checks every name archgen derives from the spec (NAME001) against its
/// row. Names the user writes whole are checked by their block's rules.
pub fn check(stack: &ResolvedStack) -> Vec<Diagnostic> {
    let spec = &stack.spec;
    let names = Names {
        app: spec.app.clone(),
        env: stack.environment.clone(),
    };
    let mut derived = Vec::new();
    let mut add = |rule: &'static NameRule, field: String, name: String, fix: String| {
        derived.push(Derived {
            rule,
            field,
            name,
            fix,
        });
    };
    let key_or_app = |key: &str| format!("shorten the key '{key}' or the app name '{}'", spec.app);

    for key in spec.queues.keys() {
        // The dead-letter queue's name is the longer one.
        for name in [names.physical(key), names.physical(&format!("{key}-dlq"))] {
            add(&SQS_QUEUE, format!("queues.{key}"), name, key_or_app(key));
        }
    }
    for (acl, spec_acl) in &spec.waf {
        let field = format!("waf.{acl}");
        add(&WAF, field.clone(), names.physical(acl), key_or_app(acl));
        add(
            &LOG_GROUP,
            field,
            format!("aws-waf-logs-{}", names.physical(acl)),
            key_or_app(acl),
        );
        for (rule, r) in &spec_acl.rules {
            if r.ip_allow.is_some() || r.ip_block.is_some() {
                add(
                    &WAF,
                    format!("waf.{acl}.rules.{rule}"),
                    names.physical(&format!("{acl}-{rule}")),
                    format!(
                        "shorten the rule key '{rule}', the web ACL key '{acl}' or the app name '{}'",
                        spec.app
                    ),
                );
            }
        }
    }
    for (dist, d) in &spec.cdn {
        if d.origins.values().any(|o| o.bucket.is_some()) {
            add(
                &CLOUDFRONT_OAC,
                format!("cdn.{dist}"),
                names.physical(dist),
                key_or_app(dist),
            );
        }
        let behaviors = std::iter::once((
            "default".to_string(),
            d.default.clone(),
            "default".to_string(),
        ))
        .chain(
            d.behaviors
                .iter()
                .map(|(name, b)| (name.clone(), b.behavior(), format!("behaviors.{name}"))),
        );
        for (name, b, sub) in behaviors {
            if b.cache && b.ttl.is_some() {
                add(
                    &CLOUDFRONT_CACHE_POLICY,
                    format!("cdn.{dist}.{sub}"),
                    names.physical(&format!("{dist}-{name}")),
                    format!(
                        "shorten the behavior key '{name}', the distribution key '{dist}' or the app name '{}'",
                        spec.app
                    ),
                );
            }
        }
    }
    for (pool, p) in &spec.user_pools {
        let (field, name, fix) = match &p.name {
            Some(n) => (
                format!("user_pools.{pool}.name"),
                n.clone(),
                "rename it".to_string(),
            ),
            None => (
                format!("user_pools.{pool}"),
                names.physical(pool),
                key_or_app(pool),
            ),
        };
        add(&COGNITO, field, name, fix);
        for client in p.clients.keys() {
            add(
                &COGNITO,
                format!("user_pools.{pool}.clients.{client}"),
                names.physical(&format!("{pool}-{client}")),
                format!(
                    "shorten the client key '{client}', the pool key '{pool}' or the app name '{}'",
                    spec.app
                ),
            );
        }
    }
    for key in spec.functions.keys() {
        add(
            &LOG_GROUP,
            format!("functions.{key}"),
            format!("/aws/lambda/{}", names.physical(key)),
            key_or_app(key),
        );
    }
    for (key, s) in &spec.secrets {
        if s.arn.is_some() {
            continue; // referenced, not created: its name is already AWS's
        }
        let (field, fix) = match &s.name {
            Some(_) => (format!("secrets.{key}.name"), "rename it".to_string()),
            None => (format!("secrets.{key}"), key_or_app(key)),
        };
        add(
            &SECRETS_MANAGER,
            field,
            names.secret(key, s.name.as_deref()),
            fix,
        );
    }
    for (key, t) in &spec.topics {
        if let Some(d) = &t.display_name {
            add(
                &SNS_DISPLAY_NAME,
                format!("topics.{key}.display_name"),
                d.clone(),
                "shorten it".to_string(),
            );
        }
    }

    let mut out: Vec<Diagnostic> = Vec::new();
    for d in derived {
        // One error per spec field: the first name that fails is enough.
        if out.iter().any(|o| o.field == d.field) {
            continue;
        }
        if let Some(why) = d.rule.problem(&d.name) {
            out.push(
                stack
                    .error(
                        Code::Name001,
                        &d.field,
                        format!("the {} name '{}' {why}", d.rule.resource, d.name),
                    )
                    .help(format!(
                        "{}; archgen derives this name from the spec",
                        d.fix
                    )),
            );
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(rule: &NameRule, name: &str) {
        assert_eq!(
            rule.problem(name),
            None,
            "{} should accept '{name}'",
            rule.resource
        );
    }

    fn refused(rule: &NameRule, name: &str, says: &str) {
        let why = rule
            .problem(name)
            .unwrap_or_else(|| panic!("{} should refuse '{name}'", rule.resource));
        assert!(why.contains(says), "'{why}' should say '{says}'");
    }

    #[test]
    fn sqs_queue_names_are_at_most_80_characters() {
        ok(&SQS_QUEUE, &"q".repeat(80));
        refused(
            &SQS_QUEUE,
            &"q".repeat(81),
            "is 81 characters; AWS allows 80",
        );
        refused(&SQS_QUEUE, "jobs.fifo.x", "'.'");
    }

    #[test]
    fn waf_names_are_at_most_128_word_characters() {
        ok(&WAF, &format!("{}_-", "a".repeat(126)));
        refused(&WAF, &"a".repeat(129), "AWS allows 128");
        refused(&WAF, "admin ips", "' '");
    }

    #[test]
    fn cloudfront_oac_names_are_at_most_64_characters() {
        ok(&CLOUDFRONT_OAC, &"o".repeat(64));
        refused(&CLOUDFRONT_OAC, &"o".repeat(65), "AWS allows 64");
    }

    #[test]
    fn cloudfront_cache_policy_names_are_at_most_128_characters() {
        ok(&CLOUDFRONT_CACHE_POLICY, &"c".repeat(128));
        refused(&CLOUDFRONT_CACHE_POLICY, &"c".repeat(129), "AWS allows 128");
    }

    #[test]
    fn cognito_names_are_at_most_128_characters_of_its_pattern() {
        ok(&COGNITO, "My app client+1@example.com");
        refused(&COGNITO, &"c".repeat(129), "AWS allows 128");
        refused(&COGNITO, "users/web", "'/'");
    }

    #[test]
    fn load_balancer_names_are_32_characters_not_internal() {
        ok(&LOAD_BALANCER, &"a".repeat(32));
        refused(
            &LOAD_BALANCER,
            &"a".repeat(33),
            "is 33 characters; AWS allows 32",
        );
        refused(&LOAD_BALANCER, "internal-api", "'internal-'");
        refused(&LOAD_BALANCER, "-api", "hyphen");
        refused(&LOAD_BALANCER, "api_lb", "'_'");
    }

    #[test]
    fn target_group_names_are_32_characters_and_may_start_with_internal() {
        ok(&TARGET_GROUP, "internal-api");
        refused(&TARGET_GROUP, &"t".repeat(33), "AWS allows 32");
        refused(&TARGET_GROUP, "api-", "hyphen");
    }

    #[test]
    fn log_group_names_are_512_characters_of_a_small_charset() {
        ok(&LOG_GROUP, "/aws/lambda/demo-prod_worker.1#a");
        refused(&LOG_GROUP, &"l".repeat(513), "AWS allows 512");
        refused(&LOG_GROUP, "/aws/lambda/a b", "' '");
    }

    #[test]
    fn secrets_manager_names_have_a_charset() {
        ok(&SECRETS_MANAGER, "demo/prod/db+key=1.a@b-c_d");
        refused(&SECRETS_MANAGER, "demo/prod/db password", "' '");
        refused(&SECRETS_MANAGER, "demo/prod/db:1", "':'");
        refused(&SECRETS_MANAGER, &"s".repeat(513), "AWS allows 512");
    }

    #[test]
    fn sns_display_names_are_at_most_100_characters() {
        ok(&SNS_DISPLAY_NAME, "Demo alerts (prod)");
        refused(&SNS_DISPLAY_NAME, &"d".repeat(101), "AWS allows 100");
    }

    #[test]
    fn s3_bucket_names_follow_s3_rules() {
        ok(&S3_BUCKET, "demo-uploads-prod");
        refused(&S3_BUCKET, "ab", "at least 3");
        refused(&S3_BUCKET, &"b".repeat(64), "AWS allows 63");
        refused(&S3_BUCKET, "Demo", "'D'");
        refused(&S3_BUCKET, "xn--demo", "xn--");
        refused(&S3_BUCKET, "demo-s3alias", "-s3alias");
        refused(&S3_BUCKET, "192.168.1.1", "IP address");
        refused(&S3_BUCKET, "a..b", "adjacent dots");
    }
}
