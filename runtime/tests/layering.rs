//! The query module's layering, checked from its imports (the invariant
//! `runtime/src/query/mod.rs` and ARCHITECTURE.md state): every module of
//! `runtime/src/query` imports only modules of its own layer or the layers
//! below, and no two modules import each other, directly or through others.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// The layers, bottom first.
const LAYERS: &[(&str, &[&str])] = &[
    (
        "static data",
        &["catalog", "decode", "defaults", "key", "sql_types"],
    ),
    ("erased AST", &["ast"]),
    (
        "the walk and its passes",
        &["walk", "render", "fingerprint"],
    ),
    (
        "typed facade",
        &[
            "table",
            "scope",
            "operand",
            "nullable",
            "expr",
            "builder",
            "arith",
            "functions",
            "case",
            "window",
            "subquery",
            "projection",
        ],
    ),
    (
        "execution",
        &[
            "exec",
            "write",
            "eager",
            "fetch",
            "hooks",
            "unit_of_work",
            "tracked",
            "setops",
            "insert_select",
            "cte",
        ],
    ),
];

fn layer_of(module: &str) -> Option<usize> {
    LAYERS.iter().position(|(_, ms)| ms.contains(&module))
}

/// The sibling modules `src` names: `super::m`, `crate::query::m`, and
/// `super::{m, ..}` groups (code only: comments are skipped). Inside a
/// directory module, `super::x` names the module's own items, which are no
/// siblings; its submodules reach siblings through `crate::query::m`.
fn imports(src: &str, siblings: &BTreeSet<String>) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for line in src.lines() {
        let code = line.split("//").next().unwrap_or("");
        for prefix in ["super::", "crate::query::"] {
            let mut rest = code;
            while let Some(i) = rest.find(prefix) {
                rest = &rest[i + prefix.len()..];
                let names: Vec<&str> = if let Some(group) = rest.strip_prefix('{') {
                    group.split('}').next().unwrap_or("").split(',').collect()
                } else {
                    vec![rest]
                };
                for n in names {
                    let n: String = n
                        .trim()
                        .chars()
                        .take_while(|c| c.is_alphanumeric() || *c == '_')
                        .collect();
                    if siblings.contains(&n) {
                        out.insert(n);
                    }
                }
            }
        }
    }
    out
}

fn module_graph() -> BTreeMap<String, BTreeSet<String>> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/query");
    // A module is a file `m.rs` or a directory `m/` (all its files).
    let mut sources: BTreeMap<String, String> = BTreeMap::new();
    for entry in std::fs::read_dir(&dir).expect("runtime/src/query") {
        let path = entry.expect("directory entry").path();
        let name = path.file_stem().unwrap().to_string_lossy().into_owned();
        let files: Vec<std::path::PathBuf> = if path.is_dir() {
            std::fs::read_dir(&path)
                .expect("module directory")
                .map(|e| e.expect("directory entry").path())
                .filter(|p| p.extension().is_some_and(|e| e == "rs"))
                .collect()
        } else if path.extension().is_some_and(|e| e == "rs") && name != "mod" {
            vec![path]
        } else {
            continue;
        };
        let src = sources.entry(name).or_default();
        for file in files {
            let text = std::fs::read_to_string(&file).expect("module source");
            // Unit tests may reach anywhere.
            src.push_str(text.split("#[cfg(test)]").next().unwrap_or(""));
            src.push('\n');
        }
    }
    let siblings: BTreeSet<String> = sources.keys().cloned().collect();
    sources
        .iter()
        .map(|(m, src)| {
            let mut deps = imports(src, &siblings);
            deps.remove(m);
            (m.clone(), deps)
        })
        .collect()
}

#[test]
fn every_query_module_has_a_layer() {
    let graph = module_graph();
    let unplaced: Vec<&String> = graph.keys().filter(|m| layer_of(m).is_none()).collect();
    assert!(
        unplaced.is_empty(),
        "add these modules of runtime/src/query to a layer in LAYERS: {unplaced:?}"
    );
    assert!(graph.len() >= 15, "the scan found the modules: {graph:?}");
    // Directory modules are read too (`unit_of_work/` writes through `write`).
    assert!(
        graph["unit_of_work"].contains("write"),
        "the scan read unit_of_work/: {graph:?}"
    );
}

#[test]
fn modules_import_only_their_layer_and_below() {
    let graph = module_graph();
    let mut upward = Vec::new();
    for (m, deps) in &graph {
        let Some(own) = layer_of(m) else { continue };
        for d in deps {
            if let Some(l) = layer_of(d)
                && l > own
            {
                upward.push(format!(
                    "{m} ({}) imports {d} ({})",
                    LAYERS[own].0, LAYERS[l].0
                ));
            }
        }
    }
    assert!(
        upward.is_empty(),
        "imports against the layering:\n{}",
        upward.join("\n")
    );
}

#[test]
fn no_import_cycle() {
    let graph = module_graph();
    // Depth-first search; a module met again on the current path closes a cycle.
    fn visit<'g>(
        m: &'g str,
        graph: &'g BTreeMap<String, BTreeSet<String>>,
        path: &mut Vec<&'g str>,
        done: &mut BTreeSet<&'g str>,
    ) -> Option<Vec<String>> {
        if let Some(i) = path.iter().position(|p| *p == m) {
            let mut cycle: Vec<String> = path[i..].iter().map(|s| s.to_string()).collect();
            cycle.push(m.to_owned());
            return Some(cycle);
        }
        if done.contains(m) {
            return None;
        }
        path.push(m);
        for d in graph.get(m).into_iter().flatten() {
            if let Some(c) = visit(d, graph, path, done) {
                return Some(c);
            }
        }
        path.pop();
        done.insert(m);
        None
    }
    let mut done = BTreeSet::new();
    for m in graph.keys() {
        if let Some(cycle) = visit(m, &graph, &mut Vec::new(), &mut done) {
            panic!("import cycle in runtime/src/query: {}", cycle.join(" -> "));
        }
    }
}

#[test]
fn the_scanner_sees_imports() {
    let siblings: BTreeSet<String> = ["ast", "walk", "expr"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    let found = imports(
        "use super::ast::Node;\nuse super::{walk, expr::Expr};\n// use super::expr;\nlet x = crate::query::ast::Node::One;",
        &siblings,
    );
    assert_eq!(
        found,
        ["ast", "expr", "walk"]
            .iter()
            .map(|s| s.to_string())
            .collect()
    );
}
