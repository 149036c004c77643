//! Check: names, types, support and meaning traps → the typed IR.
//!
//! Every problem is a diagnostic with a stable code (see `codes` in the
//! README); checking goes on after an error so that a file's problems are
//! reported together.

mod cond;
mod lints;
mod names;
pub mod suppress;
mod tests_blocks;
pub(crate) mod values;

use crate::catalog::Catalog;
use crate::diag::{Diagnostic, codes};
use crate::ir;
use crate::load::Loaded;
use crate::policy::PolicyKind;
use crate::rules::names::PatternCache;
use crate::rules::values::{invalid_sid, sid_used_twice};
use crate::source::{FileId, Span, Spanned};
use crate::syntax::ast;
use rayon::prelude::*;
use std::collections::{BTreeSet, HashMap};

/// Every policy declared, by its name folded to lowercase, with its kind.
pub type DeclaredPolicies = HashMap<String, PolicyKind, foldhash::fast::RandomState>;

/// The result of checking: the IR of every policy that checked without
/// errors, and every diagnostic.
pub struct Checked {
    pub program: ir::Program,
    pub diagnostics: Vec<Diagnostic>,
    /// The `@allow`s of every policy, read as each was checked.
    pub allows: suppress::Allows,
    /// Every policy declared, checked or not, by its name folded to
    /// lowercase (the first of a name): its kind.
    pub declared: DeclaredPolicies,
    /// Whether a file whose policies were left unread
    /// ([`crate::load::load_deferring`]) reached the limit of syntax errors,
    /// which drops the items after it: then this result is not that of the
    /// file read whole, and the caller reads it whole
    /// ([`Loaded::read_deferred`]) and checks again.
    pub read_again: bool,
}

/// A policy to check: its tree, or the piece of text the check reads it
/// from (and drops the tree once checked).
enum PolicySource<'a> {
    Tree(&'a ast::PolicyDecl),
    Text(Span),
}

/// What checking one [`PolicySource`] gave.
struct CheckedPolicy {
    /// Its name as written, the name's span, its kind; `None` when the piece
    /// held no policy (its syntax errors say why).
    declared: Option<(String, Span, PolicyKind)>,
    /// The name folded to lowercase, as policy names are compared.
    folded: String,
    /// Shared already: made on the core that checked it.
    policy: Option<std::sync::Arc<ir::Policy>>,
    diagnostics: Vec<Diagnostic>,
    allows: suppress::Allows,
    /// The syntax errors of a piece read here.
    syntax: Vec<crate::syntax::SyntaxError>,
    /// A piece read as another kind of item than a policy.
    not_a_policy: bool,
}

impl Checked {
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }
}

/// At most this many diagnostics are kept per file.
pub const MAX_DIAGNOSTICS_PER_FILE: usize = 100;

/// What a rule is checked in: its file's names and the catalog.
pub(crate) struct Scope<'a> {
    pub file: FileId,
    pub catalog: &'a Catalog,
    /// Services named by `use`, in order.
    pub uses: Vec<String>,
    /// The file's own constants.
    consts: HashMap<&'a str, &'a ast::ConstDecl>,
    /// The constants of the files it imports (transitively), gathered the
    /// first time a name is not the file's own: a long chain of imports
    /// whose files use their own constants costs linear time.
    imported: std::sync::OnceLock<HashMap<&'a str, &'a ast::ConstDecl>>,
    loaded: &'a Loaded,
    consts_of: &'a HashMap<FileId, Vec<&'a ast::ConstDecl>>,
    /// Wildcard patterns already expanded, shared by all files of a run.
    patterns: &'a PatternCache<'a>,
}

impl<'a> Scope<'a> {
    fn constant(&self, name: &str) -> Option<&'a ast::ConstDecl> {
        self.consts
            .get(name)
            .or_else(|| self.imported().get(name))
            .copied()
    }

    /// Whether `name` is a declared `param` (one without a value is no
    /// constant).
    fn is_param(&self, name: &str) -> bool {
        self.loaded.files.iter().any(|f| {
            f.ast
                .items
                .iter()
                .any(|i| matches!(i, ast::Item::Param(p) if p.name.node == name))
        })
    }

    fn const_names(&self) -> Vec<&'a str> {
        let mut names: Vec<&'a str> = self.consts.keys().copied().collect();
        names.extend(
            self.imported()
                .keys()
                .copied()
                .filter(|n| !self.consts.contains_key(n)),
        );
        names
    }

    /// Earlier imports shadow later ones, as the import order says.
    fn imported(&self) -> &HashMap<&'a str, &'a ast::ConstDecl> {
        self.imported.get_or_init(|| {
            let mut map = HashMap::new();
            for imported in self.loaded.imported_by(self.file).into_iter().rev() {
                for c in self.consts_of.get(&imported).into_iter().flatten() {
                    map.insert(c.name.node.as_str(), *c);
                }
            }
            map
        })
    }
}

/// Checks every loaded file against the catalog.
pub fn check(loaded: &Loaded, catalog: &Catalog) -> Checked {
    check_refusing(loaded, catalog, &BTreeSet::new())
}

/// [`check`], where the params named in `refused` were given a value of the
/// wrong type, reported where it is given (`E0715`). A use of one that has
/// no value otherwise still fails its rule or test, but is not reported
/// again as having no value (`E0714`): the diagnostic is known by its code
/// and by the name under its span, the use itself.
pub fn check_refusing(loaded: &Loaded, catalog: &Catalog, refused: &BTreeSet<String>) -> Checked {
    let mut checked = check_all(loaded, catalog);
    if !refused.is_empty() {
        checked.diagnostics.retain(|d| {
            d.code != codes::E0714
                || !loaded
                    .sources
                    .text(d.file)
                    .get(d.span.start..d.span.end)
                    .is_some_and(|used| refused.contains(used))
        });
    }
    checked
}

fn check_all(loaded: &Loaded, catalog: &Catalog) -> Checked {
    let mut diags: Vec<Diagnostic> = Vec::new();
    let mut program = ir::Program::default();

    // Constants, per file, then the scope of each file.
    let mut consts_of: HashMap<FileId, Vec<&ast::ConstDecl>> = HashMap::new();
    for file in &loaded.files {
        let mut seen: HashMap<&str, Span> = HashMap::new();
        for item in &file.ast.items {
            if let ast::Item::Const(c) = item {
                if let Some(first) = seen.get(c.name.node.as_str()) {
                    diags.push(
                        Diagnostic::new(
                            codes::E0010,
                            file.id,
                            c.name.span,
                            format!("constant `{}` is defined twice", c.name.node),
                        )
                        .with_label("defined again here")
                        .with_secondary(
                            file.id,
                            *first,
                            "first defined here",
                        ),
                    );
                    continue;
                }
                seen.insert(&c.name.node, c.name.span);
                consts_of.entry(file.id).or_default().push(c);
            }
        }
    }

    let patterns = PatternCache::default();

    // Policy names become file names: they must differ, ignoring case.
    let mut policy_names = tests_blocks::PolicyNames::default();
    let mut allows = suppress::Allows::default();
    // The syntax errors of the policies read here, reported as the loader
    // reports those of the other items (not within the cap per file below).
    let mut syntax_diags: Vec<Diagnostic> = Vec::new();
    let mut read_again = false;

    // The policies of every file are checked on every core at once (one
    // parallel pass, not one per file: many small files would leave the
    // cores waiting at each file's end); their results are gathered in
    // source order below, so the program and the diagnostics do not depend
    // on the schedule. A policy left unread is read here and its tree
    // dropped once checked.
    let scopes: Vec<Scope> = loaded
        .files
        .iter()
        .map(|file| scope_of(loaded, catalog, &consts_of, &patterns, file.id))
        .collect();
    let sources: Vec<(usize, PolicySource)> = loaded
        .files
        .iter()
        .enumerate()
        .flat_map(|(index, file)| policy_sources(file).map(move |source| (index, source)))
        .collect();
    policy_names.reserve(sources.len());
    let mut checked_policies = sources
        .par_iter()
        .map(|(index, source)| {
            let scope = &scopes[*index];
            check_policy_source(scope, loaded.sources.text(scope.file), source)
        })
        .collect::<Vec<CheckedPolicy>>()
        .into_iter()
        .zip(sources.iter().map(|(index, _)| *index))
        .peekable();

    for (index, file) in loaded.files.iter().enumerate() {
        let file_diag_start = diags.len();
        // Unknown services in `use`, reported once per file.
        for item in &file.ast.items {
            if let ast::Item::Use(u) = item
                && catalog.service(&u.service.node).is_none()
            {
                let mut d = Diagnostic::new(
                    codes::E0101,
                    file.id,
                    u.service.span,
                    format!("unknown service `{}`", u.service.node),
                )
                .with_label("no such service prefix in the catalog");
                if let Some(s) = catalog.suggest_service(&u.service.node) {
                    d = d.with_suggestion(s);
                }
                diags.push(d);
            }
        }
        if file.ast.items.is_empty() && file.deferred.is_empty() && !file.ast.broken {
            diags.push(
                Diagnostic::new(
                    codes::W0001,
                    file.id,
                    Span::new(0, 0),
                    "file declares nothing",
                )
                .with_help(
                    "a `.gov` file holds `use`, `import`, `const`, policy and `test` declarations",
                ),
            );
        }
        // Const values are checked where they are used (their type depends
        // on the key); here only that they are not empty.
        for c in consts_of.get(&file.id).into_iter().flatten() {
            if c.values.node.is_empty() {
                diags.push(
                    Diagnostic::new(codes::E0211, file.id, c.values.span, "empty list")
                        .with_label("this list has no values")
                        .with_help("a condition on an empty list never or always holds; remove it"),
                );
            }
        }
        let mut syntax_errors = 0;
        while let Some((one, _)) = checked_policies.next_if(|(_, of)| *of == index) {
            if one.not_a_policy {
                read_again = true;
            }
            syntax_errors += one.syntax.len();
            syntax_diags.extend(one.syntax.into_iter().map(|e| e.into_diagnostic(file.id)));
            allows.append(one.allows);
            if let Some((name, span, kind)) = one.declared {
                let folded = one.folded;
                if let Some((other_file, other_span, other_name, _)) = policy_names.get(&folded) {
                    let message = if *other_name == name {
                        format!("policy `{name}` is defined twice")
                    } else {
                        format!("policy `{name}` and policy `{other_name}` differ only in case")
                    };
                    diags.push(
                        Diagnostic::new(codes::E0110, file.id, span, message)
                            .with_label("defined again here")
                            .with_secondary(*other_file, *other_span, "first defined here")
                            .with_help(
                                "policy names become file names, so they must differ ignoring case",
                            ),
                    );
                } else {
                    policy_names.insert(folded, (file.id, span, name, kind));
                }
            }
            diags.extend(one.diagnostics);
            program.policies.extend(one.policy);
        }
        if syntax_errors >= crate::syntax::MAX_SYNTAX_ERRORS {
            read_again = true;
        }
        // Cap per file, keeping the errors first.
        if diags.len() - file_diag_start > MAX_DIAGNOSTICS_PER_FILE {
            let mut mine: Vec<Diagnostic> = diags.split_off(file_diag_start);
            mine.sort_by_key(|d| std::cmp::Reverse(d.severity));
            let dropped = mine.len() - MAX_DIAGNOSTICS_PER_FILE;
            mine.truncate(MAX_DIAGNOSTICS_PER_FILE);
            crate::diag::sort(&mut mine);
            // At the end of the file, so it sorts after what it summarises.
            let end = loaded.sources.text(file.id).len();
            mine.push(
                Diagnostic::new(
                    codes::W0002,
                    file.id,
                    Span::new(end, end),
                    format!("{dropped} more diagnostics in this file were not shown"),
                )
                .with_help("fix the ones above and check again"),
            );
            diags.extend(mine);
        }
    }

    // Tests must name policies that exist and can be evaluated together.
    for file in &loaded.files {
        let scope = scope_of(loaded, catalog, &consts_of, &patterns, file.id);
        for item in &file.ast.items {
            let ast::Item::Test(t) = item else { continue };
            if let Some(suite) = tests_blocks::check_test(&scope, t, &mut diags) {
                program.tests.push(suite);
            }
            tests_blocks::check_policies_named(file.id, t, &policy_names, &mut diags);
        }
    }

    let mut program_diags = loaded.diagnostics.clone();
    program_diags.append(&mut syntax_diags);
    program_diags.append(&mut diags);
    crate::diag::sort(&mut program_diags);
    let declared = policy_names
        .into_iter()
        .map(|(folded, (_, _, _, kind))| (folded, kind))
        .collect();
    Checked {
        program,
        diagnostics: program_diags,
        allows,
        declared,
        read_again,
    }
}

/// The policies of `file` in source order: their trees, and the pieces of
/// text of those left unread.
fn policy_sources(file: &crate::load::LoadedFile) -> impl Iterator<Item = PolicySource<'_>> {
    let mut sources: Vec<(usize, PolicySource)> = file
        .ast
        .items
        .iter()
        .filter_map(|item| match item {
            ast::Item::Policy(p) => Some((p.span.start, PolicySource::Tree(p))),
            _ => None,
        })
        .collect();
    if !file.deferred.is_empty() {
        sources.extend(
            file.deferred
                .iter()
                .map(|piece| (piece.start, PolicySource::Text(*piece))),
        );
        sources.sort_by_key(|(start, _)| *start);
    }
    sources.into_iter().map(|(_, source)| source)
}

/// Checks one policy, reading it first when it was left unread.
fn check_policy_source(scope: &Scope, text: &str, source: &PolicySource) -> CheckedPolicy {
    let mut out = CheckedPolicy {
        declared: None,
        folded: String::new(),
        policy: None,
        diagnostics: Vec::new(),
        allows: suppress::Allows::default(),
        syntax: Vec::new(),
        not_a_policy: false,
    };
    let check = |p: &ast::PolicyDecl, out: &mut CheckedPolicy| {
        out.declared = Some((p.name.node.clone(), p.name.span, p.kind.node));
        out.folded = p.name.node.to_ascii_lowercase();
        out.policy = check_policy_into(scope, p, &mut out.diagnostics).map(std::sync::Arc::new);
        out.allows.add_policy(scope.file, p);
    };
    match source {
        PolicySource::Tree(p) => check(p, &mut out),
        PolicySource::Text(piece) => {
            let (item, errors) = crate::syntax::read_deferred(text, *piece);
            out.syntax = errors;
            match item {
                Some(ast::Item::Policy(p)) => check(&p, &mut out),
                Some(_) => out.not_a_policy = true,
                None => {}
            }
        }
    }
    out
}

/// The names a file sees: its `use`d services, its own constants and those of
/// the files it imports (its own shadow imported ones).
fn scope_of<'a>(
    loaded: &'a Loaded,
    catalog: &'a Catalog,
    consts_of: &'a HashMap<FileId, Vec<&'a ast::ConstDecl>>,
    patterns: &'a PatternCache<'a>,
    file: FileId,
) -> Scope<'a> {
    let mut scope = Scope {
        file,
        catalog,
        uses: Vec::new(),
        consts: HashMap::new(),
        imported: std::sync::OnceLock::new(),
        loaded,
        consts_of,
        patterns,
    };
    for c in consts_of.get(&file).into_iter().flatten() {
        scope.consts.insert(&c.name.node, c);
    }
    if let Some(f) = loaded.file(file) {
        for item in &f.ast.items {
            if let ast::Item::Use(u) = item
                && let Some(service) = catalog.service(&u.service.node)
            {
                scope.uses.push(service.prefix().to_string());
            }
        }
    }
    scope
}

/// The closest name by edit distance, if it is plausibly a misspelling.
pub(crate) fn closest<'n>(
    name: &str,
    candidates: impl IntoIterator<Item = &'n str>,
) -> Option<String> {
    let lower = name.to_ascii_lowercase();
    let limit = (name.len() / 3).max(2);
    candidates
        .into_iter()
        .map(|c| (strsim::levenshtein(&lower, &c.to_ascii_lowercase()), c))
        .filter(|(d, _)| *d <= limit)
        .min_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.cmp(b.1)))
        .map(|(_, c)| c.to_string())
}

/// Checks one policy into its own list (so counting its errors costs only its
/// own diagnostics, not the whole run's), then appends to `diags`.
fn check_policy_into(
    scope: &Scope,
    p: &ast::PolicyDecl,
    diags: &mut Vec<Diagnostic>,
) -> Option<ir::Policy> {
    let errors_before = diags.iter().filter(|d| d.is_error()).count();
    let mut controls = Vec::new();
    let mut sid_prefix = None;
    for a in &p.annotations {
        if a.name.node != suppress::ALLOW {
            extra_arguments(scope.file, a, diags);
        }
        match a.name.node.as_str() {
            // Read by `suppress::apply` once every diagnostic is known.
            suppress::ALLOW => {}
            "control" => {
                if a.arg.node.trim().is_empty() {
                    diags.push(
                        Diagnostic::new(codes::E0012, scope.file, a.arg.span, "empty control")
                            .with_label("name the compliance control this policy implements"),
                    );
                } else {
                    controls.push(a.arg.node.clone());
                }
            }
            "sid" => match invalid_sid(&a.arg.node) {
                None => sid_prefix = Some(a.arg.node.clone()),
                Some(invalid) => diags.push(invalid.diagnostic(scope.file, a.arg.span)),
            },
            other => diags.push(unknown_annotation(
                scope.file,
                &a.name,
                other,
                &["control", "sid", suppress::ALLOW],
            )),
        }
    }
    if p.rules.is_empty() && !p.broken {
        diags.push(
            Diagnostic::new(
                codes::E0304,
                scope.file,
                p.name.span,
                format!("policy `{}` has no rules", p.name.node),
            )
            .with_label("empty policy")
            .with_help("AWS rejects a policy without statements; add an `allow` or `deny` rule"),
        );
    }
    let mut rules = Vec::new();
    let mut sids: HashMap<String, Span> = HashMap::new();
    for r in &p.rules {
        if let Some(rule) = check_rule(scope, p.kind.node, r, diags) {
            if let Some(sid) = &rule.sid {
                let span = r
                    .annotations
                    .iter()
                    .find(|a| a.name.node == "sid")
                    .map(|a| a.arg.span)
                    .unwrap_or(*r.span);
                if let Some(first) = sids.get(sid) {
                    diags.push(sid_used_twice(scope.file, span, *first, sid));
                } else {
                    sids.insert(sid.clone(), span);
                }
            }
            rules.push(rule);
        }
    }
    let errors_after = diags.iter().filter(|d| d.is_error()).count();
    if errors_after > errors_before || p.broken {
        return None;
    }
    rules.shrink_to_fit();
    Some(ir::Policy {
        name: p.name.node.clone(),
        kind: p.kind.node,
        docs: p.docs.clone(),
        controls,
        sid_prefix,
        rules,
        file: scope.file,
        // From the kind keyword: the manifest names the declaration's line.
        span: Span::new(p.kind.span.start, p.span.end),
    })
}

/// `@control` and `@sid` take one string: anything after it is refused
/// rather than ignored.
fn extra_arguments(file: FileId, a: &ast::Annotation, diags: &mut Vec<Diagnostic>) {
    let extra = a.args.iter().map(|s| s.span).chain(
        a.fields
            .iter()
            .map(|(name, value)| name.span.to(value.span)),
    );
    for span in extra {
        diags.push(
            Diagnostic::new(
                codes::E0313,
                file,
                span,
                format!("`@{}` takes one string", a.name.node),
            )
            .with_label("unexpected argument")
            .with_help("only `@allow` takes several codes and a `reason`"),
        );
    }
}

fn unknown_annotation(
    file: FileId,
    name: &Spanned<String>,
    other: &str,
    known: &[&str],
) -> Diagnostic {
    let mut d = Diagnostic::new(
        codes::E0307,
        file,
        name.span,
        format!("unknown annotation `@{other}`"),
    )
    .with_label("not an annotation gov knows");
    match closest(other, known.iter().copied()) {
        Some(s) => d = d.with_suggestion(format!("@{s}")),
        None => {
            let list: Vec<String> = known.iter().map(|k| format!("`@{k}`")).collect();
            d = d.with_help(format!("the annotations here are {}", list.join(" and ")));
        }
    }
    d
}

fn check_rule(
    scope: &Scope,
    kind: PolicyKind,
    r: &ast::Rule,
    diags: &mut Vec<Diagnostic>,
) -> Option<ir::Rule> {
    let mut local = Vec::new();
    let rule = check_rule_into(scope, kind, r, &mut local);
    diags.append(&mut local);
    rule
}

fn check_rule_into(
    scope: &Scope,
    kind: PolicyKind,
    r: &ast::Rule,
    diags: &mut Vec<Diagnostic>,
) -> Option<ir::Rule> {
    let errors_before = diags.iter().filter(|d| d.is_error()).count();
    let mut sid = None;
    for a in &r.annotations {
        if a.name.node != suppress::ALLOW {
            extra_arguments(scope.file, a, diags);
        }
        match a.name.node.as_str() {
            suppress::ALLOW => {}
            "sid" => match invalid_sid(&a.arg.node) {
                None => sid = Some(a.arg.node.clone()),
                Some(invalid) => diags.push(invalid.diagnostic(scope.file, a.arg.span)),
            },
            other => diags.push(unknown_annotation(
                scope.file,
                &a.name,
                other,
                &["sid", suppress::ALLOW],
            )),
        }
    }
    lints::kind_rules(scope, kind, r, diags);
    let principals = names::principals(scope, kind, r, diags);
    let actions = names::actions(scope, &r.actions, diags);
    lints::kind_actions(scope, kind, r, &actions, diags);
    let resources = names::resources(scope, r.resources.as_ref(), diags);
    let mut ctx = cond::RuleContext::new(scope, &actions, r.effect.node);
    let when = r
        .when
        .as_ref()
        .map(|c| ctx.condition(c, cond::Clause::When, diags));
    let unless = r
        .unless
        .as_ref()
        .map(|c| ctx.condition(c, cond::Clause::Unless, diags));
    let condition = match (when, unless) {
        (None, None) => ir::Expr::True,
        (Some(w), None) => w,
        (None, Some(u)) => ir::Expr::negate(u),
        (Some(w), Some(u)) => ir::Expr::and(vec![w, ir::Expr::negate(u)]),
    };
    ctx.finish(&condition, diags);
    let errors_after = diags.iter().filter(|d| d.is_error()).count();
    // A condition with errors stands in as `false`: lint only sound ones.
    if errors_after == errors_before {
        lints::rule_lints(scope, kind, r, &actions, &condition, diags);
    }
    if errors_after > errors_before {
        return None;
    }
    Some(ir::Rule {
        effect: r.effect.node,
        sid,
        docs: r.docs.clone(),
        principals,
        actions: actions.into_ir(),
        resources,
        condition,
        span: *r.span,
    })
}
