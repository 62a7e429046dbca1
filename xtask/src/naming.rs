//! Rust names for CloudFormation names: `VPCGatewayAttachment` becomes the
//! type `VpcGatewayAttachment` and the field `vpc_gateway_attachment`.

/// Splits a CloudFormation name into words: a capital starts a word after a
/// lower-case letter or digit, and ends a run of capitals that is followed by
/// a lower-case letter (`DBInstance` → `DB`, `Instance`). Digits stay with the
/// word before them (`Ipv6Address` → `Ipv6`, `Address`).
fn words(name: &str) -> Vec<String> {
    let mut name = name.to_string();
    for (mixed, word) in MIXED_CASE_WORDS {
        name = name.replace(mixed, word);
    }
    let chars: Vec<char> = name.chars().collect();
    let mut words = Vec::new();
    let mut word = String::new();
    for (i, &c) in chars.iter().enumerate() {
        if !c.is_ascii_alphanumeric() {
            if !word.is_empty() {
                words.push(std::mem::take(&mut word));
            }
            continue;
        }
        let prev = i.checked_sub(1).map(|p| chars[p]);
        let next = chars.get(i + 1).copied();
        let starts_word = c.is_ascii_uppercase()
            && match prev {
                Some(p) if p.is_ascii_lowercase() || p.is_ascii_digit() => true,
                Some(p) if p.is_ascii_uppercase() => next.is_some_and(|n| n.is_ascii_lowercase()),
                _ => false,
            };
        if starts_word && !word.is_empty() {
            words.push(std::mem::take(&mut word));
        }
        word.push(c);
    }
    if !word.is_empty() {
        words.push(word);
    }
    words
}

/// Abbreviations whose mixed case would otherwise split them (`OAuth` would
/// give `o_auth`), each as one capitalized word.
const MIXED_CASE_WORDS: &[(&str, &str)] = &[
    ("OAuth", "Oauth"),
    ("DDoS", "Ddos"),
    ("AZs", "Azs"),
    ("IPv", "Ipv"),
    ("GiB", "Gib"),
    ("MiB", "Mib"),
    ("FSx", "Fsx"),
    ("VCpu", "Vcpu"),
    ("URLs", "Urls"),
    ("ARNs", "Arns"),
    ("IDs", "Ids"),
    ("ACLs", "Acls"),
    ("CNAMEs", "Cnames"),
];

/// `WebACL` → `WebAcl`.
pub fn type_name(name: &str) -> String {
    words(name)
        .iter()
        .map(|w| {
            let lower = w.to_ascii_lowercase();
            let mut chars = lower.chars();
            match chars.next() {
                Some(first) => first.to_ascii_uppercase().to_string() + chars.as_str(),
                None => String::new(),
            }
        })
        .collect()
}

/// `wafv2` → `Wafv2`.
pub fn capitalized(word: &str) -> String {
    let mut chars = word.chars();
    match chars.next() {
        Some(first) => first.to_ascii_uppercase().to_string() + chars.as_str(),
        None => String::new(),
    }
}

/// `IPAddressVersion` → `ip_address_version`; Rust keywords get `r#`.
pub fn field_name(name: &str) -> String {
    let snake = module_name(name);
    if KEYWORDS.contains(&snake.as_str()) {
        format!("r#{snake}")
    } else {
        snake
    }
}

/// `VPCEndpoint` → `vpc_endpoint`, for modules (never a keyword here).
pub fn module_name(name: &str) -> String {
    words(name)
        .iter()
        .map(|w| w.to_ascii_lowercase())
        .collect::<Vec<_>>()
        .join("_")
}

const KEYWORDS: &[&str] = &[
    "as", "async", "await", "break", "const", "continue", "crate", "dyn", "else", "enum", "extern",
    "false", "fn", "for", "gen", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut",
    "override", "priv", "pub", "ref", "return", "self", "static", "struct", "super", "trait",
    "true", "type", "unsafe", "use", "where", "while", "yield",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_follow_rust_conventions() {
        assert_eq!(type_name("VPCGatewayAttachment"), "VpcGatewayAttachment");
        assert_eq!(type_name("DBInstance"), "DbInstance");
        assert_eq!(type_name("WebACL"), "WebAcl");
        assert_eq!(type_name("EIP"), "Eip");
        assert_eq!(field_name("IPAddressVersion"), "ip_address_version");
        assert_eq!(
            field_name("SqsManagedSseEnabled"),
            "sqs_managed_sse_enabled"
        );
        assert_eq!(field_name("deadLetterTargetArn"), "dead_letter_target_arn");
        assert_eq!(field_name("Ipv6CidrBlock"), "ipv6_cidr_block");
        assert_eq!(field_name("S3Key"), "s3_key");
        assert_eq!(field_name("AllowedOAuthFlows"), "allowed_oauth_flows");
        assert_eq!(field_name("PrivateIPv4Address"), "private_ipv4_address");
        assert_eq!(
            type_name("AWSManagedRulesAntiDDoSRuleSet"),
            "AwsManagedRulesAntiDdosRuleSet"
        );
        assert_eq!(field_name("CallbackURLs"), "callback_urls");
        assert_eq!(field_name("Type"), "r#type");
        assert_eq!(module_name("PrivateDnsNamespace"), "private_dns_namespace");
    }
}
