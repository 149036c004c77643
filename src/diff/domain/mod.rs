//! The request space of one group of actions: the condition keys the
//! statements of either side test, the values each key takes (absent, each
//! representative, several values), the resources and the principals.
//!
//! `fill.rs` writes policy values as texts (variables as tokens, wildcards
//! filled); `reps.rs` picks the values each key is tried with.

mod fill;
mod reps;

use crate::catalog::Catalog;
use crate::diff::regions::{ByHead, Kind, MAX_PATTERN_LEN, Pattern, regions};
use crate::iam::{BaseOperator, OperatorFamily, Principal, PrincipalSpec, Resources, Statement};
use fill::{Mode, Vars, fills};
use reps::{options, principal_value, representatives};
use std::collections::{BTreeMap, HashSet};

/// One key of the request space.
#[derive(Clone, Debug)]
pub(super) struct KeyDomain {
    /// As the policy spells it.
    pub display: String,
    /// Lowercased, as the request context keys it.
    pub lower: String,
    /// Several values at once are possible (`ArrayOf…`).
    pub multivalued: bool,
    /// The values the key takes: `None` is absent (an empty set is the same
    /// in IAM), else the values.
    pub options: Vec<Option<Vec<String>>>,
}

/// The request space of a group of actions.
#[derive(Clone, Debug, Default)]
pub(super) struct Domain {
    /// Sorted by lowercased name.
    pub keys: Vec<KeyDomain>,
    /// `None` (the unknown resource, outside every named pattern) first.
    pub resources: Vec<Option<String>>,
    pub notes: Vec<String>,
    /// False when some key's (or the resources') regions were not all told
    /// apart.
    pub complete: bool,
}

/// Up to this many representatives, a multivalued key takes every subset of
/// them; above, every pair and the whole set.
pub const MAX_REPS_FOR_ALL_SUBSETS: usize = 5;

/// What the statements say about one key.
#[derive(Default)]
struct KeyInfo {
    display: String,
    qualified: bool,
    /// Representatives in order of appearance.
    reps: Vec<String>,
    /// The same, to look them up.
    rep_set: HashSet<String>,
    /// Equality constants (`StringEquals`…), variables filled.
    string_consts: Vec<String>,
    /// `StringLike` patterns, variables filled, wildcards kept.
    like_patterns: Vec<String>,
    arn_patterns: Vec<String>,
    /// Every string and ARN value as the evaluator reads it, variables kept.
    patterns: Vec<Pattern>,
    ignore_case: bool,
    /// Keep every candidate even when two fall in the same region: their
    /// meaning depends on more than the patterns of this key (policy
    /// variables, principals, case-insensitive operators).
    no_dedupe: bool,
    has_string: bool,
    has_arn: bool,
    numbers: Vec<String>,
    dates: Vec<String>,
    ips: Vec<String>,
    binaries: Vec<String>,
    has_bool: bool,
}

impl KeyInfo {
    fn push_rep(&mut self, v: String) {
        if self.rep_set.insert(v.clone()) {
            self.reps.push(v);
        }
    }
}

/// One side's statements, with what governs their reading.
pub(super) struct Statements<'a> {
    pub statements: Vec<&'a Statement>,
    /// `Version` is `2012-10-17`: variables are resolved.
    pub variables: bool,
}

/// Builds the request space for the statements of both sides; the
/// resource is also split by `extra_resource` patterns (the formats of the
/// resource types an action takes) and tried first with
/// `resource_candidates`.
pub(super) fn build(
    sides: &[Statements<'_>],
    catalog: &Catalog,
    extra_resource: &[Pattern],
    resource_candidates: &[String],
) -> Domain {
    let mut infos: BTreeMap<String, KeyInfo> = BTreeMap::new();
    let mut vars = Vars::default();
    let mut notes = Vec::new();
    let mut resources: Vec<Option<String>> = vec![None];
    // the texts in `resources`, and the resource patterns met
    let mut resource_set: HashSet<String> = HashSet::new();
    let mut resource_texts: HashSet<String> = HashSet::new();
    let mut resource_patterns: Vec<Pattern> = extra_resource.to_vec();
    for c in resource_candidates {
        if resource_set.insert(c.clone()) {
            resources.push(Some(c.clone()));
        }
    }

    for side in sides {
        for stmt in &side.statements {
            for cond in &stmt.conditions {
                let spec = match cond.operator.spec() {
                    Ok(s) => s,
                    Err(e) => {
                        let note = format!("a condition was not explored: {e}");
                        if !notes.contains(&note) {
                            notes.push(note);
                        }
                        continue;
                    }
                };
                let info = infos.entry(cond.key.to_ascii_lowercase()).or_default();
                if info.display.is_empty() {
                    info.display = cond.key.clone();
                }
                info.qualified |= spec.qualifier.is_some();
                let variables = side.variables && spec.base.accepts_variables();
                if variables && cond.values.iter().any(|v| v.contains("${")) {
                    info.no_dedupe = true;
                }
                match spec.base.family() {
                    OperatorFamily::String => {
                        info.has_string = true;
                        let like = matches!(
                            spec.base,
                            BaseOperator::StringLike | BaseOperator::StringNotLike
                        );
                        info.ignore_case |= matches!(
                            spec.base,
                            BaseOperator::StringEqualsIgnoreCase
                                | BaseOperator::StringNotEqualsIgnoreCase
                        );
                        info.no_dedupe |= info.ignore_case;
                        for v in &cond.values {
                            let kind = if like { Kind::Glob } else { Kind::Literal };
                            info.patterns.push(Pattern::parse(v, kind, variables));
                            if like {
                                for w in fills(v, Mode::Witness, variables, &mut vars) {
                                    info.push_rep(w);
                                }
                                for p in fills(v, Mode::Pattern, variables, &mut vars) {
                                    info.like_patterns.push(p);
                                }
                            } else {
                                for w in fills(v, Mode::Literal, variables, &mut vars) {
                                    info.string_consts.push(w.clone());
                                    info.push_rep(w);
                                }
                            }
                        }
                    }
                    OperatorFamily::Arn => {
                        info.has_arn = true;
                        for v in &cond.values {
                            info.patterns.push(Pattern::parse(v, Kind::Arn, variables));
                            for w in fills(v, Mode::Witness, variables, &mut vars) {
                                info.push_rep(w);
                            }
                            for p in fills(v, Mode::Pattern, variables, &mut vars) {
                                info.arn_patterns.push(p);
                            }
                        }
                    }
                    OperatorFamily::Numeric => info.numbers.extend(cond.values.iter().cloned()),
                    OperatorFamily::Date => info.dates.extend(cond.values.iter().cloned()),
                    OperatorFamily::Ip => info.ips.extend(cond.values.iter().cloned()),
                    OperatorFamily::Binary => info.binaries.extend(cond.values.iter().cloned()),
                    OperatorFamily::Bool => info.has_bool = true,
                    OperatorFamily::Null => {}
                }
            }
            // resources: a witness inside each named pattern
            let patterns = match &stmt.resources {
                Some(Resources::Resource(list)) | Some(Resources::NotResource(list)) => {
                    list.as_slice()
                }
                None => &[],
            };
            for p in patterns {
                if p == "*" {
                    continue;
                }
                if resource_texts.insert(p.clone()) {
                    resource_patterns.push(Pattern::parse(p, Kind::Arn, side.variables));
                }
                for w in fills(p, Mode::Witness, side.variables, &mut vars) {
                    if resource_set.insert(w.clone()) {
                        resources.push(Some(w));
                    }
                }
            }
            // principals: the request's principal is read from these keys
            if let Some(Principal::Principal(PrincipalSpec::Map(map)))
            | Some(Principal::NotPrincipal(PrincipalSpec::Map(map))) = &stmt.principal
            {
                for (kind, values) in map {
                    let key = if kind == "Service" {
                        "aws:PrincipalServiceName"
                    } else {
                        "aws:PrincipalArn"
                    };
                    let info = infos.entry(key.to_ascii_lowercase()).or_default();
                    if info.display.is_empty() {
                        info.display = key.to_string();
                    }
                    if kind == "Service" {
                        info.has_string = true;
                    } else {
                        info.has_arn = true;
                    }
                    info.no_dedupe = true;
                    for v in values {
                        principal_value(info, v);
                    }
                }
            }
        }
    }

    // variables: each key named in a value takes its token (equal) and the
    // key's other value (different), plus any default written
    for (lower, (display, token)) in &vars.table {
        let info = infos.entry(lower.clone()).or_default();
        if info.display.is_empty() {
            info.display = display.clone();
        }
        info.has_string = true;
        info.no_dedupe = true;
        info.push_rep(token.clone());
        for d in vars.defaults.get(lower).into_iter().flatten() {
            info.push_rep(d.clone());
        }
    }

    // resources: a witness of every region the patterns cut (the region
    // outside all of them is the unknown resource); the values the
    // variables of a pattern take for a witness to match it
    let mut complete = true;
    let mut captured: BTreeMap<String, Vec<String>> = BTreeMap::new();
    if !resource_patterns.is_empty() {
        let dedupe = !resource_patterns.iter().any(Pattern::has_variables);
        let candidates: Vec<String> = resources.iter().flatten().cloned().collect();
        let (found, done) = regions(&resource_patterns, &candidates, dedupe, MAX_REGION_STATES);
        complete &= done;
        if !done {
            notes.push(format!(
                "not exhaustive: the resource patterns could not all be told apart (more than {MAX_REGION_STATES} states, or a pattern longer than {MAX_PATTERN_LEN} characters)"
            ));
        }
        capture(&resource_patterns, &found, &mut captured);
        let by_head = ByHead::new(&resource_patterns);
        resources = std::iter::once(None)
            .chain(
                found
                    .into_iter()
                    .filter(|r| by_head.any_matches(r))
                    .map(Some),
            )
            .collect();
    }

    let mut computed: Vec<Computed> = Vec::new();
    for (lower, info) in infos {
        let multivalued = match catalog.key(&info.display) {
            Some(k) => k.ty.is_multivalued(),
            None => info.qualified,
        };
        let display = info.display.clone();
        let with_variables: Vec<Pattern> = info
            .patterns
            .iter()
            .filter(|p| p.has_variables())
            .cloned()
            .collect();
        let (reps, done) = representatives(info, &mut captured);
        if !done {
            complete = false;
            notes.push(format!(
                "not exhaustive: the values of `{display}` could not all be told apart (more than {MAX_REGION_STATES} states, or a pattern longer than {MAX_PATTERN_LEN} characters)"
            ));
        }
        computed.push(Computed {
            lower,
            display,
            multivalued,
            reps,
            with_variables,
        });
    }
    // a variable also takes the values that make a witness match, and a key
    // compared with a variable the values the pattern takes for each of the
    // variable's
    let tokens: BTreeMap<String, String> = vars
        .table
        .iter()
        .map(|(lower, (_, token))| (lower.clone(), token.clone()))
        .collect();
    let keys = computed
        .into_iter()
        .map(|c| {
            let Computed {
                lower,
                display,
                multivalued,
                mut reps,
                with_variables,
            } = c;
            let mut more: Vec<String> = captured.get(&lower).cloned().unwrap_or_default();
            let mut known: HashSet<String> = reps.iter().cloned().collect();
            for p in &with_variables {
                for var in p.variables() {
                    for value in captured.get(var).into_iter().flatten() {
                        more.push(p.witness(|v| {
                            if v == var {
                                value.clone()
                            } else {
                                tokens.get(v).cloned().unwrap_or_default()
                            }
                        }));
                    }
                }
            }
            for v in more {
                if known.insert(v.clone()) {
                    reps.push(v);
                }
            }
            KeyDomain {
                options: options(&reps, multivalued),
                multivalued,
                display,
                lower,
            }
        })
        .collect::<Vec<_>>();
    Domain {
        keys,
        resources,
        notes,
        complete,
    }
}

/// A key's representatives before the variables' values are shared out.
struct Computed {
    lower: String,
    display: String,
    multivalued: bool,
    reps: Vec<String>,
    /// Its patterns that hold variables.
    with_variables: Vec<Pattern>,
}

/// Records, for every witness matched by a pattern with variables, the
/// values its variables take.
fn capture(patterns: &[Pattern], witnesses: &[String], into: &mut BTreeMap<String, Vec<String>>) {
    // a pattern matches only texts that start with its literal head: the
    // witnesses sorted, those of one head are a range
    let mut sorted: Vec<usize> = (0..witnesses.len()).collect();
    sorted.sort_by(|&a, &b| witnesses.get(a).cmp(&witnesses.get(b)));
    let text = |i: usize| witnesses.get(i).map_or("", String::as_str);
    for p in patterns.iter().filter(|p| p.has_variables()) {
        let head = crate::diff::regions::head(p);
        let from = sorted.partition_point(|&i| text(i) < head.as_str());
        let mut picked: Vec<usize> = sorted
            .get(from..)
            .unwrap_or_default()
            .iter()
            .copied()
            .take_while(|&i| text(i).starts_with(head.as_str()))
            .collect();
        picked.sort_unstable();
        for w in picked.into_iter().filter_map(|i| witnesses.get(i)) {
            for (var, value) in p.captures(w).into_iter().flatten() {
                let list = into.entry(var).or_default();
                if !list.contains(&value) {
                    list.push(value);
                }
            }
        }
    }
}

/// At most this many states are walked to tell the string regions of one
/// key (or of the resources) apart.
pub const MAX_REGION_STATES: usize = 20_000;
