//! Per-environment overlays. The rules, in one place:
//! - mappings merge key by key, recursively;
//! - scalars and lists replace the base value whole;
//! - `null` (`~`) removes the key, so the field falls back to archgen's default.
//!   To switch off a feature that is on by default, set its own switch
//!   (for example `flow_logs: { enabled: false }`).

use super::node::{Node, NodeKind};

pub fn merge(base: &Node, overlay: &Node) -> Node {
    match (&base.kind, &overlay.kind) {
        (NodeKind::Map(base_entries), NodeKind::Map(over_entries)) => {
            let mut out = base_entries.clone();
            for (key, value) in over_entries {
                let existing = out.iter().position(|(k, _)| k.name == key.name);
                match (existing, &value.kind) {
                    (Some(i), NodeKind::Null) => {
                        out.remove(i);
                    }
                    (None, NodeKind::Null) => {}
                    (Some(i), _) => {
                        if let Some(slot) = out.get_mut(i) {
                            // The key keeps the overlay's location: that is
                            // where the effective value was last written.
                            *slot = (key.clone(), merge(&slot.1, value));
                        }
                    }
                    (None, _) => out.push((key.clone(), value.clone())),
                }
            }
            Node {
                loc: base.loc,
                kind: NodeKind::Map(out),
            }
        }
        _ => overlay.clone(),
    }
}

/// `later` laid over the overlay `earlier`, giving one overlay that does
/// what both do in turn (`--set` on top of `environments.<env>`). Unlike
/// [`merge`], a `null` is kept, so it still removes the key from the base.
pub fn compose(earlier: &Node, later: &Node) -> Node {
    match (&earlier.kind, &later.kind) {
        (NodeKind::Map(earlier_entries), NodeKind::Map(later_entries)) => {
            let mut out = earlier_entries.clone();
            for (key, value) in later_entries {
                match out.iter_mut().find(|(k, _)| k.name == key.name) {
                    Some(slot) => *slot = (key.clone(), compose(&slot.1, value)),
                    None => out.push((key.clone(), value.clone())),
                }
            }
            Node {
                loc: earlier.loc,
                kind: NodeKind::Map(out),
            }
        }
        _ => later.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_composed_null_still_removes_the_base_key() {
        let base = Node::parse("a: { x: 1, y: 2 }\n").unwrap();
        let env = Node::parse("a: { y: 3 }\n").unwrap();
        let set = Node::parse("a: { x: ~ }\n").unwrap();
        let m = merge(&base, &compose(&env, &set));
        assert!(m.get("a").unwrap().get("x").is_none());
        assert_eq!(m.get("a").unwrap().get("y").unwrap().kind, NodeKind::Int(3));
    }

    fn merged(base: &str, overlay: &str) -> Node {
        merge(&Node::parse(base).unwrap(), &Node::parse(overlay).unwrap())
    }

    #[test]
    fn maps_merge_and_scalars_replace() {
        let m = merged("a: { x: 1, y: 2 }\nb: 1\n", "a: { y: 3 }\n");
        assert_eq!(m.get("a").unwrap().get("x").unwrap().kind, NodeKind::Int(1));
        assert_eq!(m.get("a").unwrap().get("y").unwrap().kind, NodeKind::Int(3));
        assert_eq!(m.get("b").unwrap().kind, NodeKind::Int(1));
    }

    #[test]
    fn lists_replace_whole() {
        let m = merged("l: [1, 2, 3]\n", "l: [9]\n");
        let NodeKind::Seq(items) = &m.get("l").unwrap().kind else {
            panic!("not a list")
        };
        let values: Vec<&NodeKind> = items.iter().map(|n| &n.kind).collect();
        assert_eq!(values, [&NodeKind::Int(9)]);
    }

    #[test]
    fn null_removes_a_key() {
        let m = merged("a: 1\nb: 2\n", "a: ~\n");
        assert!(m.get("a").is_none());
        assert!(m.get("b").is_some());
    }

    #[test]
    fn overlay_values_keep_their_own_lines() {
        let m = merged("a:\n  x: 1\n", "\n\na:\n  x: 2\n");
        assert_eq!(m.locate("a.x").line, 4);
    }
}
