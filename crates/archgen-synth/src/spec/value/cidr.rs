//! IPv4 CIDR blocks (`network.cidr`, `network.tiers.<t>.cidrs`, WAF IP
//! sets), in the canonical form AWS echoes back: no host bits, no leading
//! zeros. Anything else either fails at deploy or makes every deploy look
//! like a change.

use ipnet::Ipv4Net;

/// Why a CIDR was refused; `check` reports it with its rule's code.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CidrError {
    #[error("'{text}' is not an IPv4 CIDR block")]
    Malformed { text: String },
    /// `010.0.0.0/16`: some tools read 010 as octal, so AWS and Rust refuse it.
    #[error("'{text}' has leading zeros")]
    LeadingZeros { text: String, meant: Ipv4Net },
    #[error("'{text}' has host bits set")]
    HostBits { text: String, meant: Ipv4Net },
    #[error("'{text}' is not in canonical form")]
    NotCanonical { text: String, meant: Ipv4Net },
}

impl CidrError {
    /// The fix: the block probably meant, or the syntax.
    pub fn help(&self) -> String {
        match self {
            CidrError::Malformed { .. } => {
                "write an address and prefix length, e.g. 10.0.1.0/24".into()
            }
            CidrError::LeadingZeros { meant, .. }
            | CidrError::HostBits { meant, .. }
            | CidrError::NotCanonical { meant, .. } => format!("did you mean '{meant}'?"),
        }
    }
}

/// Parses an IPv4 CIDR and insists on its canonical form.
pub fn parse_canonical(text: &str) -> Result<Ipv4Net, CidrError> {
    let has_leading_zero = || {
        text.split(['.', '/'])
            .any(|p| p.len() > 1 && p.starts_with('0'))
    };
    let Ok(net) = text.parse::<Ipv4Net>() else {
        // Say what was probably meant when only leading zeros are wrong.
        let parts: Vec<&str> = text.split(['.', '/']).collect();
        let stripped: Option<Ipv4Net> = parts
            .iter()
            .filter(|p| has_leading_zero() && p.bytes().all(|b| b.is_ascii_digit()))
            .map(|part| part.parse::<u8>().ok())
            .collect::<Option<Vec<u8>>>()
            .and_then(|p| match p.as_slice() {
                &[a, b, c, d, prefix] => Ipv4Net::new([a, b, c, d].into(), prefix).ok(),
                _ => None,
            });
        return Err(match stripped {
            Some(net) => CidrError::LeadingZeros {
                text: text.into(),
                meant: net.trunc(),
            },
            None => CidrError::Malformed { text: text.into() },
        });
    };
    if net.trunc() != net {
        return Err(CidrError::HostBits {
            text: text.into(),
            meant: net.trunc(),
        });
    }
    if net.to_string() != text {
        let text = text.into();
        return Err(if has_leading_zero() {
            CidrError::LeadingZeros { text, meant: net }
        } else {
            CidrError::NotCanonical { text, meant: net }
        });
    }
    Ok(net)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn net(s: &str) -> Ipv4Net {
        s.parse().unwrap()
    }

    #[test]
    fn canonical_blocks_parse() {
        for text in ["10.0.0.0/16", "10.0.1.0/24", "203.0.113.7/32", "0.0.0.0/0"] {
            assert_eq!(parse_canonical(text), Ok(net(text)), "{text}");
        }
    }

    #[test]
    fn host_bits_and_leading_zeros_say_what_was_meant() {
        let e = parse_canonical("10.0.1.5/24").unwrap_err();
        assert_eq!(e.to_string(), "'10.0.1.5/24' has host bits set");
        assert_eq!(e.help(), "did you mean '10.0.1.0/24'?");
        let e = parse_canonical("010.0.0.0/16").unwrap_err();
        assert_eq!(
            e,
            CidrError::LeadingZeros {
                text: "010.0.0.0/16".into(),
                meant: net("10.0.0.0/16")
            }
        );
        assert_eq!(e.help(), "did you mean '10.0.0.0/16'?");
    }

    #[test]
    fn out_of_range_and_multibyte_text_is_malformed_not_a_panic() {
        for text in [
            "10.0.0.0/33",
            "256.0.0.0/16",
            "10.0.0/16",
            "10.0.0.0",
            "",
            "１０.0.0.0/16",
            "10.0.0.0／16",
            "東京/16",
        ] {
            assert_eq!(
                parse_canonical(text),
                Err(CidrError::Malformed { text: text.into() }),
                "{text}"
            );
        }
    }
}
