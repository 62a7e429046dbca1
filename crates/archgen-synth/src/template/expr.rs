//! CloudFormation values: literals and intrinsic functions.

use serde::ser::{SerializeMap, SerializeSeq};
use serde::{Serialize, Serializer};
use std::collections::BTreeMap;

/// A property value. Literals serialize as themselves, intrinsics as their
/// one-key `Fn::*` / `Ref` objects.
#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    Str(String),
    Int(i64),
    /// A number property (`Threshold: 70.0`); written with its fraction.
    Num(f64),
    Bool(bool),
    List(Vec<Expr>),
    Ref(String),
    GetAtt(String, String),
    Sub(String),
    SubWith(String, BTreeMap<String, Expr>),
    Select(u32, Box<Expr>),
    GetAZs(String),
    Join(String, Vec<Expr>),
    /// `Fn::Split [sep, value]`: a list from a delimited string.
    Split(String, Box<Expr>),
    If(String, Box<Expr>, Box<Expr>),
    ImportValue(Box<Expr>),
    Equals(Box<Expr>, Box<Expr>),
    /// A value written by the user in a raw resource or output, already
    /// checked against CloudFormation's schema: written as it is.
    Json(serde_json::Value),
}

impl Expr {
    pub fn r#ref(id: impl Into<String>) -> Expr {
        Expr::Ref(id.into())
    }
    pub fn get_att(id: impl Into<String>, attr: impl Into<String>) -> Expr {
        Expr::GetAtt(id.into(), attr.into())
    }
    pub fn sub(s: impl Into<String>) -> Expr {
        Expr::Sub(s.into())
    }
    /// `Fn::Select [i, Fn::GetAZs ""]`: the i-th zone of the stack's region.
    pub fn zone(i: u32) -> Expr {
        Expr::Select(i, Box::new(Expr::GetAZs(String::new())))
    }
    /// `Fn::ImportValue <name>`: an export of another stack in this region.
    pub fn import(export_name: impl Into<String>) -> Expr {
        Expr::ImportValue(Box::new(Expr::Str(export_name.into())))
    }
    /// Whether the value is written as it is, with no intrinsic function.
    pub fn is_literal(&self) -> bool {
        match self {
            Expr::Str(_) | Expr::Int(_) | Expr::Num(_) | Expr::Bool(_) => true,
            Expr::List(items) => items.iter().all(Expr::is_literal),
            _ => false,
        }
    }
    /// `Ref AWS::NoValue`, which removes a property.
    pub fn no_value() -> Expr {
        Expr::Ref("AWS::NoValue".into())
    }
}

/// An empty string: only a placeholder for `..Default::default()`.
impl Default for Expr {
    fn default() -> Self {
        Expr::Str(String::new())
    }
}

impl From<&str> for Expr {
    fn from(s: &str) -> Self {
        Expr::Str(s.to_string())
    }
}
impl From<String> for Expr {
    fn from(s: String) -> Self {
        Expr::Str(s)
    }
}
impl From<&String> for Expr {
    fn from(s: &String) -> Self {
        Expr::Str(s.clone())
    }
}
impl From<i64> for Expr {
    fn from(n: i64) -> Self {
        Expr::Int(n)
    }
}
/// Integer literals in builders (`Some(20.into())`) are `i32`.
impl From<i32> for Expr {
    fn from(n: i32) -> Self {
        Expr::Int(n.into())
    }
}
impl From<u16> for Expr {
    fn from(n: u16) -> Self {
        Expr::Int(n.into())
    }
}
impl From<u32> for Expr {
    fn from(n: u32) -> Self {
        Expr::Int(n.into())
    }
}
impl From<f64> for Expr {
    fn from(n: f64) -> Self {
        Expr::Num(n)
    }
}
impl From<bool> for Expr {
    fn from(b: bool) -> Self {
        Expr::Bool(b)
    }
}
impl<T: Into<Expr>> From<Vec<T>> for Expr {
    fn from(v: Vec<T>) -> Self {
        Expr::List(v.into_iter().map(Into::into).collect())
    }
}

fn one_key<S: Serializer, V: Serialize + ?Sized>(
    s: S,
    key: &str,
    value: &V,
) -> Result<S::Ok, S::Error> {
    let mut m = s.serialize_map(Some(1))?;
    m.serialize_entry(key, value)?;
    m.end()
}

/// Serializes heterogeneous function arguments as one JSON array.
struct Args<'a>(Vec<&'a dyn erased::Ser>);

mod erased {
    pub trait Ser {
        fn as_value(&self) -> serde_json::Value;
    }
    impl<T: serde::Serialize> Ser for T {
        fn as_value(&self) -> serde_json::Value {
            serde_json::to_value(self).unwrap_or(serde_json::Value::Null)
        }
    }
}

impl Serialize for Args<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(Some(self.0.len()))?;
        for a in &self.0 {
            seq.serialize_element(&a.as_value())?;
        }
        seq.end()
    }
}

impl Serialize for Expr {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Expr::Str(v) => s.serialize_str(v),
            Expr::Int(v) => s.serialize_i64(*v),
            Expr::Num(v) => s.serialize_f64(*v),
            Expr::Bool(v) => s.serialize_bool(*v),
            Expr::List(v) => v.serialize(s),
            Expr::Ref(id) => one_key(s, "Ref", id),
            Expr::GetAtt(id, attr) => one_key(s, "Fn::GetAtt", &[id, attr]),
            Expr::Sub(text) => one_key(s, "Fn::Sub", text),
            Expr::SubWith(text, vars) => one_key(s, "Fn::Sub", &Args(vec![text, vars])),
            Expr::Select(i, list) => one_key(s, "Fn::Select", &Args(vec![i, list.as_ref()])),
            Expr::GetAZs(region) => one_key(s, "Fn::GetAZs", region),
            Expr::Join(sep, items) => one_key(s, "Fn::Join", &Args(vec![sep, items])),
            Expr::Split(sep, v) => one_key(s, "Fn::Split", &Args(vec![sep, v.as_ref()])),
            Expr::If(cond, a, b) => one_key(s, "Fn::If", &Args(vec![cond, a.as_ref(), b.as_ref()])),
            Expr::ImportValue(v) => one_key(s, "Fn::ImportValue", v.as_ref()),
            Expr::Equals(a, b) => one_key(s, "Fn::Equals", &Args(vec![a.as_ref(), b.as_ref()])),
            Expr::Json(v) => v.serialize(s),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn intrinsics_serialize_to_their_cloudformation_form() {
        let v = |e: Expr| serde_json::to_value(e).unwrap();
        assert_eq!(v(Expr::r#ref("Vpc")), json!({"Ref": "Vpc"}));
        assert_eq!(
            v(Expr::get_att("Vpc", "CidrBlock")),
            json!({"Fn::GetAtt": ["Vpc", "CidrBlock"]})
        );
        assert_eq!(
            v(Expr::zone(1)),
            json!({"Fn::Select": [1, {"Fn::GetAZs": ""}]})
        );
        assert_eq!(
            v(Expr::Join(",".into(), vec![Expr::r#ref("A"), "b".into()])),
            json!({"Fn::Join": [",", [{"Ref": "A"}, "b"]]})
        );
        assert_eq!(
            v(Expr::Select(
                1,
                Box::new(Expr::Split(",".into(), Box::new(Expr::import("x-VpcId"))))
            )),
            json!({"Fn::Select": [1, {"Fn::Split": [",", {"Fn::ImportValue": "x-VpcId"}]}]})
        );
        assert_eq!(
            v(Expr::SubWith(
                "${X}".into(),
                BTreeMap::from([("X".to_string(), Expr::r#ref("Y"))])
            )),
            json!({"Fn::Sub": ["${X}", {"X": {"Ref": "Y"}}]})
        );
    }
}
