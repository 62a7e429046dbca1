//! Deserializes typed spec structs from a [`Node`] tree, so every error says
//! which field at which line is wrong, and unknown keys get a suggestion.

use serde::de::{
    self, DeserializeSeed, Deserializer, EnumAccess, Error as _, IntoDeserializer, MapAccess,
    SeqAccess, VariantAccess, Visitor,
};
use std::fmt;

use super::node::{Key, Loc, Node, NodeKind};
use crate::diagnostic::{did_you_mean, nearest_names};

#[derive(Debug, Clone, PartialEq)]
pub struct SpecError {
    pub path: String,
    pub loc: Option<Loc>,
    pub message: String,
    pub help: Option<String>,
    /// Set for a missing field, so the path can name it.
    missing: Option<&'static str>,
}

impl SpecError {
    /// Whether a required field is missing (rather than wrong).
    pub fn is_missing_field(&self) -> bool {
        self.missing.is_some()
    }

    fn at(mut self, path: &str, loc: Loc) -> Self {
        if self.loc.is_none() {
            self.loc = Some(loc);
            self.path = match self.missing {
                Some(field) => child_path(path, field),
                None => path.to_string(),
            };
        }
        self
    }
}

impl fmt::Display for SpecError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for SpecError {}

impl de::Error for SpecError {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        SpecError {
            path: String::new(),
            loc: None,
            message: msg.to_string(),
            help: None,
            missing: None,
        }
    }

    fn unknown_field(field: &str, expected: &'static [&'static str]) -> Self {
        let allowed = nearest_names(field, expected.iter().copied());
        let help = match did_you_mean(field, expected.iter().copied()) {
            Some(s) => format!("did you mean '{s}'? Allowed here: {allowed}"),
            None => format!("allowed here: {allowed}"),
        };
        let mut e = Self::custom(format_args!("unknown field '{field}'"));
        e.help = Some(help);
        e
    }

    fn unknown_variant(variant: &str, expected: &'static [&'static str]) -> Self {
        let choices = nearest_names(variant, expected.iter().copied());
        let help = match did_you_mean(variant, expected.iter().copied()) {
            Some(s) => format!("did you mean '{s}'? Choose one of: {choices}"),
            None => format!("choose one of: {choices}"),
        };
        let mut e = Self::custom(format_args!("'{variant}' is not a valid value"));
        e.help = Some(help);
        e
    }

    fn missing_field(field: &'static str) -> Self {
        let mut e = Self::custom(format_args!("missing required field '{field}'"));
        e.help = Some(format!("add '{field}:' here"));
        e.missing = Some(field);
        e
    }

    fn invalid_type(unexp: de::Unexpected, exp: &dyn de::Expected) -> Self {
        let mut e = Self::custom(format_args!(
            "expected {}, found {}",
            in_words(exp),
            describe(unexp)
        ));
        if let de::Unexpected::Float(f) = unexp
            && f.fract() == 0.0
            && in_words(exp).contains("integer")
        {
            e.help = Some(format!("write it without the decimal point: {f:.0}"));
        }
        e
    }

    fn invalid_value(unexp: de::Unexpected, exp: &dyn de::Expected) -> Self {
        Self::custom(format_args!(
            "invalid value {}: expected {}",
            describe(unexp),
            in_words(exp)
        ))
    }
}

fn describe(u: de::Unexpected) -> String {
    match u {
        de::Unexpected::Str(s) => format!("'{s}'"),
        de::Unexpected::Signed(n) => n.to_string(),
        de::Unexpected::Unsigned(n) => n.to_string(),
        // `{:?}` keeps the decimal point: 512.0, not 512.
        de::Unexpected::Float(n) => format!("{n:?}"),
        de::Unexpected::Bool(b) => b.to_string(),
        other => other.to_string(),
    }
}

/// What serde's primitive visitors expect ("u32"), as the user writes it.
fn in_words(exp: &dyn de::Expected) -> String {
    let exp = exp.to_string();
    match exp.as_str() {
        "u8" => "an integer from 0 to 255".to_string(),
        "u16" => "an integer from 0 to 65535".to_string(),
        "u32" | "u64" | "u128" | "usize" => "an integer (0 or more)".to_string(),
        "i8" | "i16" | "i32" | "i64" | "i128" | "isize" => "an integer".to_string(),
        "f32" | "f64" => "a number".to_string(),
        "a boolean" => "true or false".to_string(),
        _ => exp,
    }
}

/// Deserializes `T` from `node`, whose dotted path is `path`.
pub fn from_node<'a, T: de::Deserialize<'a>>(node: &'a Node, path: &str) -> Result<T, SpecError> {
    T::deserialize(NodeDe {
        node,
        path: path.to_string(),
    })
    .map_err(|e| e.at(path, node.loc))
}

struct NodeDe<'a> {
    node: &'a Node,
    path: String,
}

fn child_path(parent: &str, key: &str) -> String {
    if parent.is_empty() {
        key.to_string()
    } else {
        format!("{parent}.{key}")
    }
}

impl<'a> NodeDe<'a> {
    fn wrap<T>(&self, r: Result<T, SpecError>) -> Result<T, SpecError> {
        r.map_err(|e| e.at(&self.path, self.node.loc))
    }

    fn type_error(&self, wanted: &str) -> SpecError {
        let mut e = SpecError::custom(format_args!(
            "expected {wanted}, found {}",
            self.node.type_name()
        ));
        if let NodeKind::Float(f) = self.node.kind
            && wanted.contains("string")
        {
            e.help = Some(format!(
                "YAML reads {f} as a number; write it in quotes: \"{f}\""
            ));
        }
        e.at(&self.path, self.node.loc)
    }
}

impl<'de> Deserializer<'de> for NodeDe<'de> {
    type Error = SpecError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, SpecError> {
        let r = match &self.node.kind {
            NodeKind::Null => visitor.visit_unit(),
            NodeKind::Bool(b) => visitor.visit_bool(*b),
            NodeKind::Int(i) => visitor.visit_i64(*i),
            NodeKind::Float(f) => visitor.visit_f64(*f),
            NodeKind::Str(s) => visitor.visit_borrowed_str(s),
            NodeKind::Seq(items) => visitor.visit_seq(SeqDe {
                items: items.iter(),
                path: &self.path,
                index: 0,
            }),
            NodeKind::Map(entries) => visitor.visit_map(MapDe {
                entries: entries.iter(),
                path: &self.path,
                value: None,
            }),
        };
        self.wrap(r)
    }

    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, SpecError> {
        match &self.node.kind {
            NodeKind::Str(s) => self.wrap(visitor.visit_borrowed_str(s)),
            // A bare number where text is wanted is safe to take as written.
            NodeKind::Int(i) => self.wrap(visitor.visit_string(i.to_string())),
            _ => Err(self.type_error("a string")),
        }
    }

    fn deserialize_string<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, SpecError> {
        self.deserialize_str(visitor)
    }

    fn deserialize_bool<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, SpecError> {
        match self.node.kind {
            NodeKind::Bool(b) => self.wrap(visitor.visit_bool(b)),
            _ => Err(self.type_error("true or false")),
        }
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, SpecError> {
        match self.node.kind {
            NodeKind::Null => visitor.visit_none(),
            _ => visitor.visit_some(self),
        }
    }

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, SpecError> {
        match &self.node.kind {
            NodeKind::Seq(_) => self.deserialize_any(visitor),
            _ => Err(self.type_error("a list")),
        }
    }

    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, SpecError> {
        match &self.node.kind {
            NodeKind::Map(_) => self.deserialize_any(visitor),
            // An empty value (`key:`) is an empty mapping.
            NodeKind::Null => self.wrap(visitor.visit_map(MapDe {
                entries: [].iter(),
                path: &self.path,
                value: None,
            })),
            _ => Err(self.type_error("a mapping")),
        }
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, SpecError> {
        self.deserialize_map(visitor)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, SpecError> {
        let r = match &self.node.kind {
            NodeKind::Str(s) => visitor.visit_enum(s.as_str().into_deserializer()),
            NodeKind::Int(i) => visitor.visit_enum(i.to_string().into_deserializer()),
            NodeKind::Bool(b) => visitor.visit_enum(b.to_string().into_deserializer()),
            NodeKind::Map(entries) => match entries.as_slice() {
                [(key, value)] => visitor.visit_enum(EnumDe {
                    key,
                    value,
                    path: &self.path,
                }),
                _ => return Err(self.type_error("one of the listed names")),
            },
            _ => return Err(self.type_error("one of the listed names")),
        };
        self.wrap(r)
    }

    fn deserialize_unit<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, SpecError> {
        match self.node.kind {
            NodeKind::Null => visitor.visit_unit(),
            _ => Err(self.type_error("nothing (null)")),
        }
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, SpecError> {
        visitor.visit_newtype_struct(self)
    }

    serde::forward_to_deserialize_any! {
        i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char
        bytes byte_buf unit_struct tuple tuple_struct identifier ignored_any
    }
}

struct SeqDe<'a, 'p> {
    items: std::slice::Iter<'a, Node>,
    path: &'p str,
    index: usize,
}

impl<'de> SeqAccess<'de> for SeqDe<'de, '_> {
    type Error = SpecError;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, SpecError> {
        let Some(node) = self.items.next() else {
            return Ok(None);
        };
        let path = format!("{}[{}]", self.path, self.index);
        self.index += 1;
        seed.deserialize(NodeDe {
            node,
            path: path.clone(),
        })
        .map(Some)
        .map_err(|e| e.at(&path, node.loc))
    }
}

struct MapDe<'a, 'p> {
    entries: std::slice::Iter<'a, (Key, Node)>,
    path: &'p str,
    value: Option<(&'a Node, String)>,
}

impl<'de> MapAccess<'de> for MapDe<'de, '_> {
    type Error = SpecError;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, SpecError> {
        let Some((key, value)) = self.entries.next() else {
            return Ok(None);
        };
        let path = child_path(self.path, &key.name);
        let k = seed
            .deserialize(key.name.as_str().into_deserializer())
            .map_err(|e: SpecError| e.at(&path, key.loc))?;
        self.value = Some((value, path));
        Ok(Some(k))
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, SpecError> {
        let (node, path) = self
            .value
            .take()
            .expect("next_value called before next_key");
        seed.deserialize(NodeDe {
            node,
            path: path.clone(),
        })
        .map_err(|e| e.at(&path, node.loc))
    }
}

struct EnumDe<'a, 'p> {
    key: &'a Key,
    value: &'a Node,
    path: &'p str,
}

impl<'de> EnumAccess<'de> for EnumDe<'de, '_> {
    type Error = SpecError;
    type Variant = VariantDe<'de>;

    fn variant_seed<V: DeserializeSeed<'de>>(
        self,
        seed: V,
    ) -> Result<(V::Value, VariantDe<'de>), SpecError> {
        let path = child_path(self.path, &self.key.name);
        let v = seed
            .deserialize(self.key.name.as_str().into_deserializer())
            .map_err(|e: SpecError| e.at(&path, self.key.loc))?;
        Ok((
            v,
            VariantDe {
                node: self.value,
                path,
            },
        ))
    }
}

struct VariantDe<'a> {
    node: &'a Node,
    path: String,
}

impl<'de> VariantAccess<'de> for VariantDe<'de> {
    type Error = SpecError;

    fn unit_variant(self) -> Result<(), SpecError> {
        match self.node.kind {
            NodeKind::Null => Ok(()),
            _ => Err(SpecError::custom("this option takes no value").at(&self.path, self.node.loc)),
        }
    }
    fn newtype_variant_seed<T: DeserializeSeed<'de>>(self, seed: T) -> Result<T::Value, SpecError> {
        seed.deserialize(NodeDe {
            node: self.node,
            path: self.path,
        })
    }
    fn tuple_variant<V: Visitor<'de>>(
        self,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value, SpecError> {
        NodeDe {
            node: self.node,
            path: self.path,
        }
        .deserialize_seq(visitor)
    }
    fn struct_variant<V: Visitor<'de>>(
        self,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, SpecError> {
        NodeDe {
            node: self.node,
            path: self.path,
        }
        .deserialize_map(visitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Net {
        cidr: String,
        #[serde(default)]
        zones: Option<u8>,
        #[serde(default)]
        nat: Option<Nat>,
    }

    #[derive(Debug, Deserialize, PartialEq)]
    #[serde(rename_all = "kebab-case")]
    enum Nat {
        None,
        Single,
        PerZone,
    }

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Top {
        network: Net,
    }

    fn load(text: &str) -> Result<Top, SpecError> {
        let node = Node::parse(text).unwrap();
        from_node(&node, "")
    }

    #[test]
    fn reads_typed_values() {
        let t = load("network:\n  cidr: 10.0.0.0/16\n  zones: 3\n  nat: per-zone\n").unwrap();
        assert_eq!(t.network.cidr, "10.0.0.0/16");
        assert_eq!(t.network.zones, Some(3));
        assert_eq!(t.network.nat, Some(Nat::PerZone));
    }

    #[test]
    fn unknown_field_names_line_path_and_suggestion() {
        let e = load("network:\n  cidrr: 10.0.0.0/16\n").unwrap_err();
        assert_eq!(e.message, "unknown field 'cidrr'");
        assert_eq!(e.path, "network.cidrr");
        assert_eq!(e.loc, Some(Loc { line: 2, column: 3 }));
        assert!(e.help.unwrap().starts_with("did you mean 'cidr'?"));
    }

    #[test]
    fn wrong_type_and_range_point_at_the_value() {
        let e = load("network:\n  cidr: 10.0.0.0/16\n  zones: 300\n").unwrap_err();
        assert_eq!(e.path, "network.zones");
        assert_eq!(
            e.loc,
            Some(Loc {
                line: 3,
                column: 10
            })
        );
        let e = load("network:\n  cidr: [1]\n").unwrap_err();
        assert_eq!(e.path, "network.cidr");
        assert!(
            e.message.contains("expected a string, found a list"),
            "{}",
            e.message
        );
    }

    #[test]
    fn a_float_where_an_integer_is_expected_says_so() {
        let e = load("network:\n  cidr: x\n  zones: 2.0\n").unwrap_err();
        assert_eq!(e.message, "expected an integer from 0 to 255, found 2.0");
        assert_eq!(
            e.help.as_deref(),
            Some("write it without the decimal point: 2")
        );
    }

    #[test]
    fn bad_enum_value_lists_choices() {
        let e = load("network:\n  cidr: x\n  nat: per-az\n").unwrap_err();
        assert_eq!(e.path, "network.nat");
        assert!(e.help.unwrap().contains("per-zone"));
    }

    #[test]
    fn missing_field_points_at_parent() {
        let e = load("network:\n  zones: 2\n").unwrap_err();
        assert_eq!(e.message, "missing required field 'cidr'");
        assert_eq!(e.path, "network.cidr");
        assert_eq!(e.loc, Some(Loc { line: 2, column: 3 }));
    }
}
