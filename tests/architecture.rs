#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! The module graph of the library has no cycle: each top-level module of
//! `src/` may use the modules below it and never the other way round, so
//! every stage can be read (and tested) with only what it stands on.
//! ARCHITECTURE.md draws the same graph.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Top-level module → the top-level modules its non-test code names.
fn module_graph() -> BTreeMap<String, BTreeSet<String>> {
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut stack = vec![Path::new("src").to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            if path.extension().is_none_or(|e| e != "rs") || path.ends_with("tests.rs") {
                continue;
            }
            let rel = path.strip_prefix("src").unwrap();
            let top = rel
                .components()
                .next()
                .unwrap()
                .as_os_str()
                .to_string_lossy()
                .trim_end_matches(".rs")
                .to_string();
            // The binary and the crate root sit on top of everything.
            if matches!(top.as_str(), "main" | "lib" | "cli") {
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            let code = text.split("#[cfg(test)]").next().unwrap_or("");
            let deps = graph.entry(top.clone()).or_default();
            for (i, _) in code.match_indices("crate::") {
                let name: String = code[i + 7..]
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                    .collect();
                if !name.is_empty() && name != top {
                    deps.insert(name);
                }
            }
        }
    }
    graph
}

/// A cycle through `start`, if there is one.
fn cycle_from(graph: &BTreeMap<String, BTreeSet<String>>, start: &str) -> Option<Vec<String>> {
    fn walk(
        graph: &BTreeMap<String, BTreeSet<String>>,
        node: &str,
        start: &str,
        path: &mut Vec<String>,
        seen: &mut BTreeSet<String>,
    ) -> bool {
        for next in graph.get(node).into_iter().flatten() {
            if next == start {
                path.push(next.clone());
                return true;
            }
            if seen.insert(next.clone()) {
                path.push(next.clone());
                if walk(graph, next, start, path, seen) {
                    return true;
                }
                path.pop();
            }
        }
        false
    }
    let mut path = vec![start.to_string()];
    let mut seen = BTreeSet::new();
    walk(graph, start, start, &mut path, &mut seen).then_some(path)
}

#[test]
fn no_module_depends_on_itself_through_others() {
    let graph = module_graph();
    assert!(graph.contains_key("syntax") && graph.contains_key("diag"));
    for module in graph.keys() {
        if let Some(cycle) = cycle_from(&graph, module) {
            panic!("module cycle: {}", cycle.join(" → "));
        }
    }
}

#[test]
fn the_shared_vocabulary_depends_on_nothing_of_gov() {
    let graph = module_graph();
    for module in ["source", "policy"] {
        assert_eq!(
            graph.get(module),
            Some(&BTreeSet::new()),
            "`{module}` must stand on its own"
        );
    }
    // The one JSON reader stands on spans only: the linter and the policy
    // model both read through it.
    for module in ["diag", "json"] {
        assert_eq!(
            graph
                .get(module)
                .map(|d| d.iter().cloned().collect::<Vec<_>>()),
            Some(vec!["source".to_string()]),
            "`{module}` must depend on `source` only"
        );
    }
}

#[test]
fn the_iam_rules_know_no_syntax() {
    let graph = module_graph();
    let rules = graph.get("rules").expect("the `rules` module exists");
    for front_end in ["syntax", "check", "jsonlint", "import"] {
        assert!(
            !rules.contains(front_end),
            "`rules` must not depend on `{front_end}`: it holds IAM facts both front ends share"
        );
    }
}
