//! Parameters: `param name: type = default` declares a value each
//! organization gives; uses read it wherever a `const` can stand. Values come
//! from the default, from `--set name=value` (a build without an org, or the
//! base of one with an org), and per node in the `org` (`set name = value`,
//! inherited downwards, the nearest node winning). A guardrail attached at a
//! node is compiled with the values in force there.
//!
//! A param is given to the checker as a `const` item holding its value, added
//! to the file that declares it ([`apply`]); a param without a value is no
//! constant, and its uses are `E0714`.

use super::Org;
use crate::diag::{Diagnostic, codes};
use crate::load::Loaded;
use crate::source::{FileId, Span, Spanned};
use crate::syntax::ast::{self, ParamBase, ParamDecl, ParamType, Value};
use std::collections::{BTreeMap, HashMap, HashSet};

/// A value given for a param: its values as written and whether as a list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Given {
    pub values: Spanned<Vec<Spanned<Value>>>,
    pub file: FileId,
}

/// Every param declared, by name.
pub fn declared(loaded: &Loaded) -> BTreeMap<String, (FileId, &ParamDecl)> {
    let mut out = BTreeMap::new();
    for file in &loaded.files {
        for item in &file.ast.items {
            if let ast::Item::Param(p) = item {
                out.entry(p.name.node.clone()).or_insert((file.id, p));
            }
        }
    }
    out
}

/// The text of a value as the request or document holds it.
pub fn text(v: &Value) -> String {
    match v {
        Value::Str(s) | Value::Num(s) | Value::Var(s) | Value::Const(s) => s.clone(),
        Value::Bool(b) => b.to_string(),
    }
}

/// Why `values` cannot be a value of `ty`: the span and the problem.
pub fn type_problem(
    ty: ParamType,
    values: &Spanned<Vec<Spanned<Value>>>,
    list: bool,
) -> Option<(Span, String)> {
    if !ty.list && (list || values.node.len() != 1) {
        return Some((
            values.span,
            format!("a `{}` is one value, not a list", ty.text()),
        ));
    }
    if ty.list && values.node.is_empty() {
        return Some((values.span, "an empty list".to_string()));
    }
    for v in &values.node {
        let problem = match (&v.node, ty.base) {
            (Value::Const(_), _) => Some("a name; write the value itself".to_string()),
            (Value::Var(_), _) => Some("a policy variable; write the value itself".to_string()),
            (Value::Str(_), ParamBase::String) => None,
            (Value::Str(s), ParamBase::Arn) => crate::rules::values::arn_problem(s, true),
            (Value::Str(s), ParamBase::Cidr) => crate::rules::values::cidr_problem(s),
            (Value::Str(s), ParamBase::AccountId) => (s.len() != 12
                || !s.bytes().all(|b| b.is_ascii_digit()))
            .then(|| "an account id is 12 digits".to_string()),
            (Value::Num(n), ParamBase::Number) => crate::rules::values::number_problem(n),
            (Value::Bool(_), ParamBase::Bool) => None,
            (_, base) => Some(format!("not a `{}`", base.keyword())),
        };
        if let Some(p) = problem {
            return Some((v.span, p));
        }
    }
    None
}

fn wrong_type(file: FileId, name: &str, ty: ParamType, span: Span, problem: &str) -> Diagnostic {
    Diagnostic::new(
        codes::E0715,
        file,
        span,
        format!("value of the wrong type for param `{name}`"),
    )
    .with_label(problem.to_string())
    .with_help(format!("`{name}` is declared `{}`", ty.text()))
}

/// The names a policy refers to where a constant can stand.
fn used_names(loaded: &Loaded) -> HashSet<String> {
    fn cond(c: &ast::Cond, out: &mut HashSet<String>) {
        match &c.node {
            ast::CondKind::And(v) | ast::CondKind::Or(v) => v.iter().for_each(|x| cond(x, out)),
            ast::CondKind::Not(x) => cond(x, out),
            ast::CondKind::Cmp(cmp) => {
                if let Some(o) = &cmp.operand {
                    match &o.node {
                        ast::Operand::One(Value::Const(n)) => {
                            out.insert(n.clone());
                        }
                        ast::Operand::List(l) => {
                            for v in l {
                                if let Value::Const(n) = &v.node {
                                    out.insert(n.clone());
                                }
                            }
                        }
                        ast::Operand::One(_) => {}
                    }
                }
            }
        }
    }
    let mut out = HashSet::new();
    for file in &loaded.files {
        for item in &file.ast.items {
            let ast::Item::Policy(p) = item else { continue };
            for r in &p.rules {
                for c in [&r.when, &r.unless].into_iter().flatten() {
                    cond(c, &mut out);
                }
                let (ast::ActionSpec::List(a) | ast::ActionSpec::AllExcept(a)) = &r.actions.node;
                for x in a {
                    if let ast::ActionRef::Name(n) = &x.node {
                        out.insert(n.clone());
                    }
                }
                if let Some(res) = &r.resources {
                    let (ast::ResourceSpec::List(v) | ast::ResourceSpec::AllExcept(v)) = &res.node;
                    for x in v {
                        if let ast::ResourceRef::Const(n) = &x.node {
                            out.insert(n.clone());
                        }
                    }
                }
            }
        }
    }
    out
}

/// Checks the declared defaults and the values given on the command line
/// (`cli`: name, values, file of the command line).
pub fn check_given(loaded: &Loaded, cli: &[(Spanned<String>, Given)]) -> Vec<Diagnostic> {
    let mut diags = Vec::new();
    let params = declared(loaded);
    for (name, (file, p)) in &params {
        if let Some(d) = &p.default
            && let Some((span, problem)) = type_problem(p.ty.node, d, p.default_list)
        {
            diags.push(wrong_type(*file, name, p.ty.node, span, &problem));
        }
    }
    // Every rule's condition is walked only when a value was given.
    let used = std::cell::OnceCell::new();
    for (name, given) in cli {
        match params.get(&name.node) {
            None => diags.push(unknown_param(given.file, name, &params)),
            Some((_, p)) => {
                let list = given.values.node.len() != 1 || p.ty.node.list;
                if let Some((span, problem)) = type_problem(p.ty.node, &given.values, list) {
                    diags.push(wrong_type(
                        given.file, &name.node, p.ty.node, span, &problem,
                    ));
                } else if !used.get_or_init(|| used_names(loaded)).contains(&name.node) {
                    diags.push(unused(given.file, name));
                }
            }
        }
    }
    diags
}

fn unknown_param(
    file: FileId,
    name: &Spanned<String>,
    params: &BTreeMap<String, (FileId, &ParamDecl)>,
) -> Diagnostic {
    let mut d = Diagnostic::new(
        codes::E0716,
        file,
        name.span,
        format!("unknown param `{}`", name.node),
    )
    .with_label("no `param` of this name");
    if let Some(s) = crate::check::closest(&name.node, params.keys().map(String::as_str)) {
        d = d.with_suggestion(s);
    } else {
        d = d.with_help("declare it with `param name: type` beside the guardrails that use it");
    }
    d
}

fn unused(file: FileId, name: &Spanned<String>) -> Diagnostic {
    Diagnostic::new(
        codes::W0704,
        file,
        name.span,
        format!("param `{}` is set but no policy uses it", name.node),
    )
    .with_label("sets nothing")
    .with_help("remove the value, or use the param in a guardrail")
}

/// Checks the `set` entries of the organization and records the values in
/// force at every node (`Node::params`).
pub fn check_org(
    loaded: &Loaded,
    org: &mut Org,
    cli: &[(Spanned<String>, Given)],
) -> Vec<Diagnostic> {
    let mut diags = Vec::new();
    let params = declared(loaded);
    let used = used_names(loaded);
    let mut ok = vec![true; org.sets.len()];
    for (i, (_, set)) in org.sets.iter().enumerate() {
        match params.get(&set.name.node) {
            None => {
                diags.push(unknown_param(org.file, &set.name, &params));
                ok[i] = false;
            }
            Some((_, p)) => {
                if let Some((span, problem)) = type_problem(p.ty.node, &set.values, set.list) {
                    diags.push(wrong_type(
                        org.file,
                        &set.name.node,
                        p.ty.node,
                        span,
                        &problem,
                    ));
                    ok[i] = false;
                } else if !used.contains(&set.name.node) {
                    diags.push(unused(org.file, &set.name));
                }
            }
        }
    }
    // Values in force: defaults, the command line, then each node's own
    // `set`s over its parent's.
    let mut base: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (name, (_, p)) in &params {
        if let Some(d) = &p.default {
            base.insert(name.clone(), d.node.iter().map(|v| text(&v.node)).collect());
        }
    }
    for (name, given) in cli {
        base.insert(
            name.node.clone(),
            given.values.node.iter().map(|v| text(&v.node)).collect(),
        );
    }
    for i in 0..org.nodes.len() {
        let mut here = match org.nodes[i].parent {
            Some(p) if p < i => org.nodes[p].params.clone(),
            _ => base.clone(),
        };
        for (k, (node, set)) in org.sets.iter().enumerate() {
            if *node == i && ok[k] {
                here.insert(
                    set.name.node.clone(),
                    set.values.node.iter().map(|v| text(&v.node)).collect(),
                );
            }
        }
        org.nodes[i].params = here;
    }
    diags
}

/// Gives every param its value as a `const` item of its file: `values`
/// where named, else its default; a param with neither is no constant.
pub fn apply(loaded: &mut Loaded, values: &HashMap<String, Spanned<Vec<Spanned<Value>>>>) {
    for file in &mut loaded.files {
        let params: Vec<ParamDecl> = file
            .ast
            .items
            .iter()
            .filter_map(|i| match i {
                ast::Item::Param(p) => Some(p.clone()),
                _ => None,
            })
            .collect();
        if params.is_empty() {
            continue;
        }
        // Drop the constants an earlier call added (they carry the param's span).
        file.ast.items.retain(|i| match i {
            ast::Item::Const(c) => !params
                .iter()
                .any(|p| p.name.span == c.name.span && p.name.node == c.name.node),
            _ => true,
        });
        for p in params {
            let value = values
                .get(&p.name.node)
                .cloned()
                .or_else(|| p.default.clone());
            if let Some(v) = value {
                file.ast.items.push(ast::Item::Const(p.as_const(v)));
            }
        }
    }
}

/// The documents of the policies attached at some nodes, compiled with the
/// values in force there.
#[derive(Clone, Debug)]
pub struct Variant {
    pub nodes: Vec<usize>,
    pub documents: Vec<(
        std::sync::Arc<crate::ir::Policy>,
        crate::iam::PolicyDocument,
    )>,
}

/// Compiles, for every set of values in force at some node that differs
/// from the base (`base`: the values of the whole compilation), the policies
/// attached at those nodes. `loaded` is given back with the base values.
pub fn variants(
    loaded: &mut Loaded,
    org: &Org,
    base: &HashMap<String, Spanned<Vec<Spanned<Value>>>>,
    catalog: &crate::catalog::Catalog,
) -> (Vec<Variant>, Vec<Diagnostic>) {
    let params = declared(loaded);
    let base_text: BTreeMap<String, Vec<String>> = params
        .iter()
        .filter_map(|(name, (_, p))| {
            base.get(name)
                .or(p.default.as_ref())
                .map(|v| (name.clone(), v.node.iter().map(|x| text(&x.node)).collect()))
        })
        .collect();
    let mut groups: BTreeMap<BTreeMap<String, Vec<String>>, Vec<usize>> = BTreeMap::new();
    for (i, n) in org.nodes.iter().enumerate() {
        if n.params != base_text && !(n.scps.is_empty() && n.rcps.is_empty()) {
            groups.entry(n.params.clone()).or_default().push(i);
        }
    }
    // The `set` entries by node and name, the last written winning.
    let mut sets_at: HashMap<(usize, &str), &ast::SetValue> = HashMap::new();
    for (node, s) in &org.sets {
        sets_at.insert((*node, s.name.node.as_str()), s);
    }
    let mut out = Vec::new();
    let mut diags = Vec::new();
    for (values, nodes) in groups {
        let Some(&first) = nodes.first() else {
            continue;
        };
        // Each param's value as written at the nearest `set` above the node.
        let mut overrides = base.clone();
        let mut set_span: Option<Span> = None;
        let chain = org.chain(first);
        for name in values.keys() {
            let nearest = chain
                .iter()
                .rev()
                .find_map(|&at| sets_at.get(&(at, name.as_str())));
            if let Some(set) = nearest {
                overrides.insert(name.clone(), set.values.clone());
                set_span.get_or_insert(set.name.span);
            }
        }
        apply(loaded, &overrides);
        let checked = crate::check::check(loaded, catalog);
        let attached: HashSet<String> = nodes
            .iter()
            .flat_map(|&i| org.nodes[i].scps.iter().chain(&org.nodes[i].rcps))
            .map(|n| n.to_ascii_lowercase())
            .collect();
        let mut documents = Vec::new();
        let mut problem = checked.diagnostics.iter().find(|d| d.is_error()).cloned();
        for policy in &checked.program.policies {
            if !attached.contains(&policy.name.to_ascii_lowercase()) {
                continue;
            }
            match crate::lower::lower_policy(policy) {
                Ok(doc) => documents.push((policy.clone(), doc)),
                Err(errors) => {
                    if problem.is_none() {
                        problem = errors.into_iter().next();
                    }
                }
            }
        }
        if let Some(p) = problem {
            let at = &org.nodes[first].path;
            diags.push(
                Diagnostic::new(
                    codes::E0715,
                    org.file,
                    set_span.unwrap_or(org.nodes[first].span),
                    format!("with the values in force at `{at}`, the guardrails attached there do not compile"),
                )
                .with_label("this value")
                .with_help(format!("with these values: {}", p.message)),
            );
            continue;
        }
        out.push(Variant { nodes, documents });
    }
    apply(loaded, base);
    (out, diags)
}
