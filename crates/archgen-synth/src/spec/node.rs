//! A YAML document as a tree of nodes that remember where they were written.
//!
//! Overlays are merged on this tree (so every value keeps the line of the file
//! it came from), and the typed spec is deserialized from it afterwards.

use serde::Deserialize;
use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_saphyr::{Spanned, Tagged};
use std::cell::RefCell;
use std::fmt;

/// Tags the YAML core schema defines (`!!str`): the parser applies them.
const CORE_TAG_PREFIX: &str = "tag:yaml.org,2002:";

thread_local! {
    /// Tags seen by the current parse on this thread (see `parse_with_tags`).
    static TAGS: RefCell<Vec<(Loc, String)>> = const { RefCell::new(Vec::new()) };
}

/// Line and column (both 1-based) of a node in its source file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub struct Loc {
    pub line: u64,
    pub column: u64,
}

impl fmt::Display for Loc {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.line, self.column)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub loc: Loc,
    pub kind: NodeKind,
}

#[derive(Debug, Clone, PartialEq)]
pub enum NodeKind {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    Seq(Vec<Node>),
    /// Entries in the order written; keys carry their own location.
    Map(Vec<(Key, Node)>),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Key {
    pub name: String,
    pub loc: Loc,
}

/// How deeply a stack file may nest mappings and lists.
pub const MAX_DEPTH: usize = 32;

impl Node {
    /// Parses one YAML document, with the tags (`!Sub`, `!Ref`, ...) that
    /// archgen does not interpret and where they were written, so the caller
    /// can refuse them rather than silently drop them.
    pub fn parse_with_tags(text: &str) -> Result<(Node, Vec<(Loc, String)>), serde_saphyr::Error> {
        TAGS.with(|tags| tags.borrow_mut().clear());
        let node = Node::parse(text)?;
        Ok((
            node,
            TAGS.with(|tags| std::mem::take(&mut *tags.borrow_mut())),
        ))
    }

    /// Rewrites the node written at `loc` from CloudFormation's short tag form
    /// (`!Ref x`, `!GetAtt a.b`, `!Sub ...`) to its long form
    /// (`{Ref: x}`). Returns false when `tag` is not one of CloudFormation's
    /// functions or nothing is written at `loc`.
    pub fn expand_cloudformation_tag(&mut self, loc: Loc, tag: &str) -> bool {
        let Some(name) = tag.strip_prefix('!') else {
            return false;
        };
        let function = match name {
            "Ref" | "Condition" => name.to_string(),
            "GetAtt" | "Sub" | "Join" | "Select" | "Split" | "GetAZs" | "ImportValue"
            | "Base64" | "Cidr" | "If" | "Equals" | "And" | "Or" | "Not" | "FindInMap" => {
                format!("Fn::{name}")
            }
            _ => return false,
        };
        let Some(node) = self.find_at_mut(loc) else {
            return false;
        };
        let mut args = std::mem::replace(&mut node.kind, NodeKind::Null);
        // `!GetAtt a.b` is the short form of `[a, b]`.
        if let (true, NodeKind::Str(text)) = (function == "Fn::GetAtt", &args)
            && let Some((id, attribute)) = text.split_once('.')
        {
            let item = |s: &str| Node {
                loc,
                kind: NodeKind::Str(s.to_string()),
            };
            args = NodeKind::Seq(vec![item(id), item(attribute)]);
        }
        node.kind = NodeKind::Map(vec![(
            Key {
                name: function,
                loc,
            },
            Node { loc, kind: args },
        )]);
        true
    }

    /// The node written at `loc`: a scalar, or a tagged mapping or list
    /// (which starts where its first entry does, unless that entry is
    /// written further on).
    fn find_at_mut(&mut self, loc: Loc) -> Option<&mut Node> {
        if self.loc == loc {
            let child_here = match &self.kind {
                NodeKind::Map(entries) => entries.iter().any(|(_, v)| v.loc == loc),
                NodeKind::Seq(items) => items.iter().any(|v| v.loc == loc),
                _ => false,
            };
            if !child_here {
                return Some(self);
            }
        }
        match &mut self.kind {
            NodeKind::Map(entries) => entries.iter_mut().find_map(|(_, v)| v.find_at_mut(loc)),
            NodeKind::Seq(items) => items.iter_mut().find_map(|v| v.find_at_mut(loc)),
            _ => None,
        }
    }

    /// The dotted path of the node written at `loc`, if any.
    pub fn path_at(&self, loc: Loc) -> Option<String> {
        match &self.kind {
            NodeKind::Map(entries) => entries.iter().find_map(|(k, v)| {
                if v.loc == loc {
                    return Some(k.name.clone());
                }
                v.path_at(loc).map(|rest| {
                    if rest.starts_with('[') {
                        format!("{}{rest}", k.name)
                    } else {
                        format!("{}.{rest}", k.name)
                    }
                })
            }),
            NodeKind::Seq(items) => items.iter().enumerate().find_map(|(i, v)| {
                if v.loc == loc {
                    return Some(format!("[{i}]"));
                }
                v.path_at(loc).map(|rest| {
                    if rest.starts_with('[') {
                        format!("[{i}]{rest}")
                    } else {
                        format!("[{i}].{rest}")
                    }
                })
            }),
            _ => None,
        }
    }

    /// Parses one YAML document. Errors carry serde-saphyr's location.
    /// Repeated keys are kept, so [`Node::duplicate_keys`] can report both
    /// places they are written.
    pub fn parse(text: &str) -> Result<Node, serde_saphyr::Error> {
        if text.trim().is_empty() {
            return Ok(Node {
                loc: Loc { line: 1, column: 1 },
                kind: NodeKind::Map(Vec::new()),
            });
        }
        let mut options = serde_saphyr::Options::default();
        options.duplicate_keys = serde_saphyr::DuplicateKeyPolicy::PassThrough;
        // A stack spec nests a handful of levels; the parser's default (64)
        // lets a crafted file recurse deep enough to exhaust a small stack.
        let mut budget = serde_saphyr::Budget::default();
        budget.max_depth = MAX_DEPTH;
        options.budget = Some(budget);
        serde_saphyr::from_str_with_options(text, options)
    }

    /// Every key written twice in the same mapping, as (first, repeat), in
    /// the order the repeats are written.
    pub fn duplicate_keys(&self) -> Vec<(&Key, &Key)> {
        let mut out = Vec::new();
        self.collect_duplicate_keys(&mut out);
        out
    }

    fn collect_duplicate_keys<'a>(&'a self, out: &mut Vec<(&'a Key, &'a Key)>) {
        match &self.kind {
            NodeKind::Map(entries) => {
                let mut first: std::collections::HashMap<&str, &Key> =
                    std::collections::HashMap::new();
                for (key, value) in entries {
                    if let Some(earlier) = first.get(key.name.as_str()) {
                        out.push((*earlier, key));
                    } else {
                        first.insert(&key.name, key);
                    }
                    value.collect_duplicate_keys(out);
                }
            }
            NodeKind::Seq(items) => items.iter().for_each(|n| n.collect_duplicate_keys(out)),
            _ => {}
        }
    }

    /// The node at a dotted path, if the whole path exists (`""` is this node).
    pub fn find(&self, path: &str) -> Option<&Node> {
        split_path(path)
            .iter()
            .try_fold(self, |node, segment| node.child(segment))
    }

    /// Where the key at the end of a dotted path is written, if the whole
    /// path exists (for a path ending in an index, the item's location).
    pub fn locate_key(&self, path: &str) -> Option<Loc> {
        let segments = split_path(path);
        let (last, parents) = segments.split_last()?;
        let parent = parents
            .iter()
            .try_fold(self, |node, segment| node.child(segment))?;
        match last {
            PathSegment::Key(k) => parent.key(k).map(|k| k.loc),
            index => parent.child(index).map(|n| n.loc),
        }
    }

    fn child(&self, segment: &PathSegment) -> Option<&Node> {
        match (segment, &self.kind) {
            (PathSegment::Key(k), _) => self.get(k),
            (PathSegment::Index(i), NodeKind::Seq(items)) => items.get(*i),
            _ => None,
        }
    }

    pub fn get(&self, key: &str) -> Option<&Node> {
        match &self.kind {
            NodeKind::Map(entries) => entries.iter().find(|(k, _)| k.name == key).map(|(_, v)| v),
            _ => None,
        }
    }

    pub fn key(&self, key: &str) -> Option<&Key> {
        match &self.kind {
            NodeKind::Map(entries) => entries.iter().find(|(k, _)| k.name == key).map(|(k, _)| k),
            _ => None,
        }
    }

    /// Finds the node at a dotted path such as `network.tiers.app.cidrs[1]`,
    /// or the deepest ancestor that exists, so a diagnostic always has a line.
    pub fn locate(&self, path: &str) -> Loc {
        let parts: Vec<&str> = path.split('.').filter(|p| !p.is_empty()).collect();
        let mut node = self;
        let mut rest: &[&str] = &parts;
        'walk: while !rest.is_empty() {
            // A key may hold dots itself (`dns.records.api.example.com`):
            // a part that leads nowhere is joined with the next ones.
            for n in 1..=rest.len() {
                let Some((head, tail)) = rest.split_at_checked(n) else {
                    break;
                };
                if let Some(next) = node.follow(&head.join(".")) {
                    node = next;
                    rest = tail;
                    continue 'walk;
                }
            }
            break;
        }
        node.loc
    }

    /// The node at `part` (a key, with any `[i]` indices after it), when the
    /// key exists.
    fn follow(&self, part: &str) -> Option<&Node> {
        let (name, rest) = part.split_once('[').unwrap_or((part, ""));
        let mut node = if name.is_empty() {
            self
        } else {
            self.get(name)?
        };
        for idx in rest.split('[').filter(|s| !s.is_empty()) {
            if let Ok(i) = idx.trim_end_matches(']').parse() {
                match node.child(&PathSegment::Index(i)) {
                    Some(n) => node = n,
                    None => return Some(node),
                }
            }
        }
        Some(node)
    }

    /// Removes the mapping key that holds the node at `path` (for a path into
    /// a list, the key holding the list). Returns whether anything was removed.
    pub fn remove(&mut self, path: &str) -> bool {
        let mut keys: Vec<&str> = Vec::new();
        for segment in split_path(path) {
            match segment {
                PathSegment::Key(k) => keys.push(k),
                PathSegment::Index(_) => break,
            }
        }
        let Some((last, parents)) = keys.split_last() else {
            return false;
        };
        let mut node = self;
        for k in parents {
            let NodeKind::Map(entries) = &mut node.kind else {
                return false;
            };
            match entries.iter_mut().find(|(key, _)| key.name == *k) {
                Some((_, child)) => node = child,
                None => return false,
            }
        }
        let NodeKind::Map(entries) = &mut node.kind else {
            return false;
        };
        let before = entries.len();
        entries.retain(|(key, _)| key.name != *last);
        entries.len() != before
    }

    pub fn type_name(&self) -> &'static str {
        match self.kind {
            NodeKind::Null => "null",
            NodeKind::Bool(_) => "a boolean",
            NodeKind::Int(_) => "an integer",
            NodeKind::Float(_) => "a number",
            NodeKind::Str(_) => "a string",
            NodeKind::Seq(_) => "a list",
            NodeKind::Map(_) => "a mapping",
        }
    }
}

enum PathSegment<'a> {
    Key(&'a str),
    Index(usize),
}

fn split_path(path: &str) -> Vec<PathSegment<'_>> {
    let mut out = Vec::new();
    for part in path.split('.').filter(|p| !p.is_empty()) {
        let (name, rest) = part.split_once('[').unwrap_or((part, ""));
        if !name.is_empty() {
            out.push(PathSegment::Key(name));
        }
        for idx in rest.split('[').filter(|s| !s.is_empty()) {
            if let Ok(i) = idx.trim_end_matches(']').parse() {
                out.push(PathSegment::Index(i));
            }
        }
    }
    out
}

fn loc_of<T>(s: &Spanned<T>) -> Loc {
    Loc {
        line: s.referenced.line(),
        column: s.referenced.column(),
    }
}

impl<'de> Deserialize<'de> for Node {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let spanned = Spanned::<Tagged<RawKind>>::deserialize(deserializer)?;
        let loc = loc_of(&spanned);
        if let Some(tag) = spanned.value.1
            && !tag.starts_with(CORE_TAG_PREFIX)
        {
            TAGS.with(|tags| tags.borrow_mut().push((loc, tag)));
        }
        Ok(Node {
            loc,
            kind: spanned.value.0.0,
        })
    }
}

struct RawKind(NodeKind);

impl<'de> Deserialize<'de> for RawKind {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(KindVisitor).map(RawKind)
    }
}

struct KindVisitor;

impl<'de> Visitor<'de> for KindVisitor {
    type Value = NodeKind;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any YAML value")
    }
    fn visit_unit<E>(self) -> Result<NodeKind, E> {
        Ok(NodeKind::Null)
    }
    fn visit_none<E>(self) -> Result<NodeKind, E> {
        Ok(NodeKind::Null)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<NodeKind, D::Error> {
        d.deserialize_any(KindVisitor)
    }
    fn visit_bool<E>(self, v: bool) -> Result<NodeKind, E> {
        Ok(NodeKind::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<NodeKind, E> {
        Ok(NodeKind::Int(v))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<NodeKind, E> {
        i64::try_from(v)
            .map(NodeKind::Int)
            .map_err(|_| E::custom(format!("the number {v} is too large")))
    }
    fn visit_f64<E>(self, v: f64) -> Result<NodeKind, E> {
        Ok(NodeKind::Float(v))
    }
    fn visit_str<E>(self, v: &str) -> Result<NodeKind, E> {
        Ok(NodeKind::Str(v.to_string()))
    }
    fn visit_string<E>(self, v: String) -> Result<NodeKind, E> {
        Ok(NodeKind::Str(v))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<NodeKind, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element::<Node>()? {
            items.push(item);
        }
        Ok(NodeKind::Seq(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<NodeKind, A::Error> {
        let mut entries: Vec<(Key, Node)> = Vec::new();
        while let Some(key) = map.next_key::<Spanned<String>>()? {
            let value = map.next_value::<Node>()?;
            entries.push((
                Key {
                    loc: loc_of(&key),
                    name: key.value,
                },
                value,
            ));
        }
        Ok(NodeKind::Map(entries))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nodes_keep_their_lines_and_columns() {
        let node = Node::parse("network:\n  cidr: 10.0.0.0/16\n  zones: [a, b]\n").unwrap();
        assert_eq!(node.locate("network.cidr"), Loc { line: 2, column: 9 });
        assert_eq!(
            node.locate("network.zones[1]"),
            Loc {
                line: 3,
                column: 14
            }
        );
        assert_eq!(node.key("network").unwrap().loc, Loc { line: 1, column: 1 });
        // A missing leaf falls back to its deepest existing ancestor.
        assert_eq!(node.locate("network.nat"), node.locate("network"));
    }

    #[test]
    fn remove_takes_out_the_key_that_holds_a_path() {
        let mut node = Node::parse("a:\n  b: 1\n  l: [1, 2]\nc: 2\n").unwrap();
        assert!(node.remove("a.l[1]"));
        assert!(node.get("a").unwrap().get("l").is_none());
        assert!(node.remove("a.b"));
        assert!(!node.remove("a.b"));
        assert!(!node.remove("x.y"));
        assert!(node.get("c").is_some());
    }

    #[test]
    fn tags_archgen_does_not_interpret_are_returned_with_their_place() {
        let (node, tags) =
            Node::parse_with_tags("a:\n  b: !Sub x\n  c: !!str 5\nd: !GetAtt [x, y]\n").unwrap();
        assert_eq!(
            tags,
            vec![
                (
                    Loc {
                        line: 2,
                        column: 11
                    },
                    "!Sub".to_string()
                ),
                (
                    Loc {
                        line: 4,
                        column: 12
                    },
                    "!GetAtt".to_string()
                ),
            ]
        );
        assert_eq!(node.path_at(tags[0].0).as_deref(), Some("a.b"));
        assert_eq!(node.path_at(tags[1].0).as_deref(), Some("d"));
        // YAML's own tags (`!!str`) are the parser's business, not a loss.
        assert_eq!(
            node.get("a").unwrap().get("c").unwrap().kind,
            NodeKind::Str("5".into())
        );
    }

    #[test]
    fn cloudformation_short_tags_expand_to_the_long_form() {
        let (mut node, tags) = Node::parse_with_tags(
            "a: !Ref X\nb: !GetAtt T.Arn\nc: !Join ['', [!Ref Y, z]]\nd: !Foo q\n",
        )
        .unwrap();
        let expanded: Vec<bool> = tags
            .iter()
            .map(|(loc, tag)| node.expand_cloudformation_tag(*loc, tag))
            .collect();
        assert_eq!(expanded, [true, true, true, true, false]);
        let json = |n: &Node| format!("{:?}", n.kind);
        assert!(json(node.get("a").unwrap()).contains("name: \"Ref\""));
        let b = node.get("b").unwrap().get("Fn::GetAtt").unwrap();
        assert!(matches!(&b.kind, NodeKind::Seq(items) if items.len() == 2));
        let c = node.get("c").unwrap().get("Fn::Join").unwrap();
        let NodeKind::Seq(args) = &c.kind else {
            panic!()
        };
        let NodeKind::Seq(list) = &args[1].kind else {
            panic!()
        };
        assert!(list[0].get("Ref").is_some());
    }

    #[test]
    fn repeated_keys_are_found_with_both_places() {
        let node = Node::parse("a: 1\nb:\n  c: 1\n  c: 2\na: 3\n").unwrap();
        let lines: Vec<(u64, u64)> = node
            .duplicate_keys()
            .iter()
            .map(|(first, repeat)| (first.loc.line, repeat.loc.line))
            .collect();
        assert_eq!(lines, [(3, 4), (1, 5)]);
    }

    #[test]
    fn locate_follows_keys_that_hold_dots() {
        let node = Node::parse(
            "records:\n  example.com: { cdn: web }\n  api.example.com:\n    notify: [a, b]\n",
        )
        .unwrap();
        // A block map is located at its first key, as everywhere.
        assert_eq!(node.locate("records.api.example.com").line, 4);
        assert_eq!(node.locate("records.api.example.com.notify[1]").line, 4);
        assert_eq!(node.locate("records.example.com.cdn").line, 2);
    }

    #[test]
    fn locate_key_finds_the_key_not_its_value() {
        let node = Node::parse("a:\n  b:\n    c: 1\n").unwrap();
        assert_eq!(node.locate_key("a.b"), Some(Loc { line: 2, column: 3 }));
        assert_eq!(node.locate_key("a.x"), None);
    }

    #[test]
    fn scalars_keep_their_yaml_types() {
        let node = Node::parse("a: 1\nb: '1'\nc: 1.5\nd: true\ne: ~\n").unwrap();
        assert_eq!(node.get("a").unwrap().kind, NodeKind::Int(1));
        assert_eq!(node.get("b").unwrap().kind, NodeKind::Str("1".into()));
        assert_eq!(node.get("c").unwrap().kind, NodeKind::Float(1.5));
        assert_eq!(node.get("d").unwrap().kind, NodeKind::Bool(true));
        assert_eq!(node.get("e").unwrap().kind, NodeKind::Null);
    }
}
