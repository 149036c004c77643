//! The element classes of one key (or of the resource): values such that
//! every atom on the key reads all values of one class alike, one value
//! (the class's representative) each.
//!
//! For strings and ARNs a value is placed by three things: which of the
//! wildcard patterns (`StringLike`, `Arn*`, `Resource`) match it, whether it
//! is one of the exact constants (equality operators, patterns without
//! wildcards), and whether it equals an `IgnoreCase` constant without regard
//! to case. Two values alike in all three are read alike by every string
//! and ARN atom, so the classes are:
//!
//! - each exact constant;
//! - per combination of matching patterns, and per `IgnoreCase` constant
//!   or none, a value that is not an exact constant, when there is one. The
//!   walk of `walk.rs` finds them over the patterns' own characters and one
//!   character no constant holds: every other character is read like it, so
//!   nothing is lost. A case variant of an `IgnoreCase` constant is walked
//!   per position over the characters that lowercase to its character
//!   (ASCII, and the Kelvin sign for `k`).
//!
//! Numbers, dates, addresses (`values.rs`), booleans and binary values take
//! their own representatives; a key compared by operators of two families
//! is not split into their intersections (noted).

use super::domain::MAX_REGION_STATES;
use super::regions::{Kind, Pattern};
use super::search::ClassSet;
use super::stmts::{Atom, Part, RESOURCE};
use super::values::{date_reps, ip_reps, numeric_reps};
use super::walk::{Letters, walk};
use crate::eval::Request;
use crate::iam::variables::{Piece, pieces};
use crate::iam::{BaseOperator, OperatorFamily};
use std::collections::HashMap;

/// At most this many texts are kept per state of a walk that looks for a
/// value outside the constants.
const MAX_KEPT: usize = 4_096;

/// Values of another kind, tried for a string key that matches none.
const OTHER_STRINGS: [&str; 6] = ["other", "zz-other", "other-2", "_", "0", "~"];

/// The classes of one key.
pub(super) struct Classes {
    pub reps: Vec<String>,
    by_text: HashMap<String, u32>,
    by_lowercase: Option<HashMap<String, Vec<u32>>>,
    /// False when some class may lack a representative (noted).
    pub complete: bool,
    pub notes: Vec<String>,
}

/// A policy value as the evaluator reads it when it holds no variable:
/// escapes like `${*}` resolved.
fn literal_text(value: &str, variables: bool) -> String {
    if !variables {
        return value.to_string();
    }
    pieces(value)
        .into_iter()
        .map(|p| match p {
            Piece::Char(c) | Piece::Escaped(c) => c.to_string(),
            Piece::Variable { name, .. } => format!("${{{name}}}"),
        })
        .collect()
}

/// What the atoms of one key compare it with.
#[derive(Default)]
struct Constants {
    literals: Vec<String>,
    folds: Vec<String>,
    globs: Vec<Pattern>,
    numbers: Vec<String>,
    dates: Vec<String>,
    ips: Vec<String>,
    binaries: Vec<String>,
    bools: bool,
    stringish: bool,
    families: Vec<OperatorFamily>,
}

impl Constants {
    fn pattern(&mut self, p: Pattern) {
        if p.is_literal() {
            let text: String = p.chars().collect();
            self.literal(text);
        } else {
            self.globs.push(p);
        }
    }

    fn literal(&mut self, text: String) {
        self.literals.push(text);
    }

    fn read(atoms: &[&Atom], extra: &[Pattern]) -> Constants {
        let mut c = Constants::default();
        for atom in atoms {
            match &atom.part {
                Part::Condition { spec, values, .. } => {
                    let family = spec.base.family();
                    if family != OperatorFamily::Null && !c.families.contains(&family) {
                        c.families.push(family);
                    }
                    for v in values {
                        match (family, spec.base) {
                            (
                                OperatorFamily::String,
                                BaseOperator::StringEquals | BaseOperator::StringNotEquals,
                            ) => c.literal(literal_text(v, atom.variables)),
                            (
                                OperatorFamily::String,
                                BaseOperator::StringEqualsIgnoreCase
                                | BaseOperator::StringNotEqualsIgnoreCase,
                            ) => c.folds.push(literal_text(v, atom.variables)),
                            (OperatorFamily::String, _) => {
                                c.pattern(Pattern::parse(v, Kind::Glob, atom.variables))
                            }
                            (OperatorFamily::Arn, _) => {
                                c.pattern(Pattern::parse(v, Kind::Arn, atom.variables))
                            }
                            (OperatorFamily::Numeric, _) => c.numbers.push(v.clone()),
                            (OperatorFamily::Date, _) => c.dates.push(v.clone()),
                            (OperatorFamily::Ip, _) => c.ips.push(v.clone()),
                            (OperatorFamily::Binary, _) => c.binaries.push(v.clone()),
                            (OperatorFamily::Bool, _) => c.bools = true,
                            (OperatorFamily::Null, _) => {}
                        }
                    }
                    c.stringish |= matches!(family, OperatorFamily::String | OperatorFamily::Arn);
                }
                Part::Resource(r) => {
                    c.stringish = true;
                    for p in super::stmts::resources_list(r) {
                        if p != "*" {
                            c.pattern(Pattern::parse(p, Kind::Arn, atom.variables));
                        }
                    }
                }
                Part::Principal(_) => {}
            }
        }
        for p in extra {
            c.stringish = true;
            c.pattern(p.clone());
        }
        let typed = !c.numbers.is_empty()
            || !c.dates.is_empty()
            || !c.ips.is_empty()
            || !c.binaries.is_empty()
            || c.bools;
        // a key only tested for presence is tried with a plain string
        c.stringish |= !typed;
        c
    }
}

/// The characters a case variant of `c` may have at one position: those
/// that lowercase to `c` and the lowercase letter itself.
fn case_variants(c: char) -> (Vec<char>, bool) {
    if c.is_ascii() {
        let mut out = vec![c.to_ascii_lowercase()];
        if c.is_ascii_alphabetic() {
            out.push(c.to_ascii_uppercase());
        }
        if c.eq_ignore_ascii_case(&'k') {
            // KELVIN SIGN lowercases to `k`
            out.push('\u{212A}');
        }
        return (out, true);
    }
    let mut out: Vec<char> = c.to_lowercase().collect();
    for u in c.to_uppercase() {
        if !out.contains(&u) {
            out.push(u);
        }
    }
    let cased = out.len() > 1 || out.first() != Some(&c);
    // a non-ASCII letter may have more variants than these
    (out, !cased)
}

/// A character no constant, pattern or variant holds, read like every
/// other such character.
fn fresh_char(used: &[char]) -> char {
    ['~', '_', '0', '9', '-', '#', '!', '%', '&', '=', '+']
        .into_iter()
        .chain(('\u{4e00}'..'\u{4f00}').filter(|c| !c.is_alphabetic() || c.to_lowercase().eq([*c])))
        .find(|c| !used.contains(c))
        .unwrap_or('\u{4f00}')
}

impl Classes {
    fn add(&mut self, rep: String) -> bool {
        if self.by_text.contains_key(&rep) {
            return false;
        }
        self.by_text.insert(rep.clone(), self.reps.len() as u32);
        self.reps.push(rep);
        true
    }

    /// The classes of a key tested by `atoms` (and, for the resource, by
    /// `extra` patterns); `candidates` are tried first as representatives.
    pub(super) fn of(
        display: &str,
        atoms: &[&Atom],
        extra: &[Pattern],
        candidates: &[String],
    ) -> Classes {
        let constants = Constants::read(atoms, extra);
        let mut out = Classes {
            reps: Vec::new(),
            by_text: HashMap::new(),
            by_lowercase: None,
            complete: true,
            notes: Vec::new(),
        };
        let what = if display == RESOURCE {
            "the resource".to_string()
        } else {
            format!("`{display}`")
        };
        let mut distinct_literals: Vec<String> = Vec::new();
        for l in &constants.literals {
            if out.add(l.clone()) {
                distinct_literals.push(l.clone());
            }
        }
        if constants.stringish {
            out.strings(&constants, &distinct_literals, candidates, &what);
        }
        let typed: Vec<String> = numeric_reps(&constants.numbers)
            .into_iter()
            .chain(date_reps(&constants.dates))
            .chain(ip_reps(&constants.ips))
            .chain(constants.binaries.iter().cloned())
            .chain((!constants.binaries.is_empty()).then(|| "b3RoZXI=".to_string()))
            .chain(
                constants
                    .bools
                    .then(|| ["true".to_string(), "false".to_string()])
                    .into_iter()
                    .flatten(),
            )
            .collect();
        for t in typed {
            out.add(t);
        }
        if constants.families.len() > 1 {
            out.complete = false;
            out.notes.push(format!(
                "not exhaustive: {what} is compared by operators of several types; values of each type were tried, not every value they read alike"
            ));
        }
        out
    }

    fn strings(&mut self, c: &Constants, literals: &[String], candidates: &[String], what: &str) {
        let folds: Vec<String> = {
            let mut f: Vec<String> = Vec::new();
            for x in &c.folds {
                let lower = x.to_lowercase();
                if !f.contains(&lower) {
                    f.push(lower);
                }
            }
            f
        };
        let fold_of = |s: &str| -> Option<usize> {
            let lower = s.to_lowercase();
            folds.iter().position(|f| *f == lower)
        };
        let literal_set: std::collections::HashSet<&str> =
            literals.iter().map(String::as_str).collect();
        let is_literal = |s: &str| literal_set.contains(s);
        let signature = |s: &str| -> (Vec<bool>, Option<usize>) {
            (c.globs.iter().map(|p| p.matches(s)).collect(), fold_of(s))
        };
        let mut seen: std::collections::HashSet<(Vec<bool>, Option<usize>)> =
            std::collections::HashSet::new();
        // representatives: candidates and the IgnoreCase constants first
        let tried = candidates
            .iter()
            .cloned()
            .chain(c.folds.iter().cloned())
            .chain(OTHER_STRINGS.iter().map(|s| s.to_string()));
        for cand in tried {
            if self.by_text.contains_key(&cand) || is_literal(&cand) {
                continue;
            }
            if seen.insert(signature(&cand)) {
                self.add(cand);
            }
        }
        // case variants of each IgnoreCase constant, per combination of the
        // patterns, that are not exact constants
        for (fi, f) in folds.iter().enumerate() {
            let mut positions: Vec<Vec<char>> = Vec::new();
            let mut exact = true;
            for ch in f.chars() {
                let (v, ok) = case_variants(ch);
                exact &= ok;
                positions.push(v);
            }
            if !exact {
                self.complete = false;
                let note = format!(
                    "not exhaustive: {what} is compared without regard to case with text holding non-ASCII letters; their case variants were not all tried"
                );
                if !self.notes.contains(&note) {
                    self.notes.push(note);
                }
            }
            let taken = literals.iter().filter(|l| l.to_lowercase() == *f).count();
            let walked = walk(
                &c.globs,
                &Letters::Fixed(&positions),
                (taken + 1).min(MAX_KEPT),
                MAX_REGION_STATES,
            );
            self.complete &= walked.complete;
            for (v, texts) in walked.regions {
                if seen.contains(&(v.clone(), Some(fi))) {
                    continue;
                }
                if let Some(t) = texts
                    .into_iter()
                    .find(|t| !is_literal(t) && fold_of(t) == Some(fi))
                {
                    seen.insert((v, Some(fi)));
                    self.add(t);
                } else if taken >= MAX_KEPT {
                    // not all of the region's texts were kept
                    self.complete = false;
                }
            }
        }
        // values that are no constant, per combination of the patterns
        let mut letters: Vec<char> = Vec::new();
        for p in &c.globs {
            for ch in p.chars() {
                if !letters.contains(&ch) {
                    letters.push(ch);
                }
            }
        }
        letters.sort_unstable();
        let mut used: Vec<char> = letters.clone();
        for s in literals.iter().chain(c.folds.iter()) {
            for ch in s.chars() {
                for v in ch.to_lowercase().chain(ch.to_uppercase()) {
                    if !used.contains(&v) {
                        used.push(v);
                    }
                }
            }
        }
        letters.push(fresh_char(&used));
        let taken = |t: &str| is_literal(t) || fold_of(t).is_some();
        // the texts to avoid: the constants and every case variant of the
        // IgnoreCase ones; a walk keeping one more than that per state
        // shows a region's other text when it has one (see `walk.rs`)
        let avoided = folds.iter().fold(literals.len(), |n, f| {
            n.saturating_add(
                f.chars()
                    .map(|ch| case_variants(ch).0.len())
                    .fold(1usize, usize::saturating_mul),
            )
        });
        let mut k = 1;
        loop {
            let walked = walk(&c.globs, &Letters::Free(&letters), k, MAX_REGION_STATES);
            let mut missing = false;
            for (v, texts) in walked.regions {
                if seen.contains(&(v.clone(), None)) {
                    continue;
                }
                match texts.into_iter().find(|t| !taken(t)) {
                    Some(t) => {
                        seen.insert((v, None));
                        self.add(t);
                    }
                    None => missing = true,
                }
            }
            self.complete &= walked.complete;
            if !missing || k > avoided {
                // a region still without another text holds only constants
                break;
            }
            if k >= MAX_KEPT {
                self.complete = false;
                break;
            }
            // some region showed only constants: look further into it
            k = avoided.saturating_add(1).min(MAX_KEPT);
        }
        if !self.complete && !self.notes.iter().any(|n| n.contains("told apart")) {
            self.notes.push(format!(
                "not exhaustive: the values of {what} could not all be told apart (more than {MAX_REGION_STATES} states, or a pattern longer than {} characters)",
                super::regions::MAX_PATTERN_LEN
            ));
        }
    }

    pub(super) fn len(&self) -> usize {
        self.reps.len()
    }

    fn ids_of<'x>(&self, texts: impl Iterator<Item = &'x str>) -> Vec<u32> {
        let mut ids: Vec<u32> = texts.filter_map(|t| self.by_text.get(t).copied()).collect();
        ids.sort_unstable();
        ids.dedup();
        ids
    }

    fn lowercase_index(&mut self) -> &HashMap<String, Vec<u32>> {
        let reps = &self.reps;
        self.by_lowercase.get_or_insert_with(|| {
            let mut m: HashMap<String, Vec<u32>> = HashMap::new();
            for (i, r) in reps.iter().enumerate() {
                m.entry(r.to_lowercase()).or_default().push(i as u32);
            }
            m
        })
    }

    /// Where `atom` holds: on the absent key, and the classes of a value
    /// (read alone) that satisfy it. `slot` is the key (lowercased) or
    /// [`RESOURCE`].
    pub(super) fn atom(&mut self, atom: &Atom, slot: &str) -> (bool, ClassSet) {
        let absent = atom.holds(&request(slot, None));
        let n = self.len();
        // equality with constants: the classes of the constants
        let fast: Option<(Vec<u32>, bool)> = match &atom.part {
            Part::Condition { spec, values, .. } => match spec.base {
                BaseOperator::StringEquals | BaseOperator::StringNotEquals => {
                    let texts: Vec<String> = values
                        .iter()
                        .map(|v| literal_text(v, atom.variables))
                        .collect();
                    Some((
                        self.ids_of(texts.iter().map(String::as_str)),
                        spec.base.is_negated(),
                    ))
                }
                BaseOperator::StringEqualsIgnoreCase | BaseOperator::StringNotEqualsIgnoreCase => {
                    let lowered: Vec<String> = values
                        .iter()
                        .map(|v| literal_text(v, atom.variables).to_lowercase())
                        .collect();
                    let index = self.lowercase_index();
                    let mut ids: Vec<u32> = lowered
                        .iter()
                        .filter_map(|l| index.get(l))
                        .flatten()
                        .copied()
                        .collect();
                    ids.sort_unstable();
                    ids.dedup();
                    Some((ids, spec.base.is_negated()))
                }
                BaseOperator::StringLike
                | BaseOperator::StringNotLike
                | BaseOperator::ArnEquals
                | BaseOperator::ArnLike
                | BaseOperator::ArnNotEquals
                | BaseOperator::ArnNotLike => {
                    let kind = if spec.base.family() == OperatorFamily::Arn {
                        Kind::Arn
                    } else {
                        Kind::Glob
                    };
                    let patterns: Vec<Pattern> = values
                        .iter()
                        .map(|v| Pattern::parse(v, kind, atom.variables))
                        .collect();
                    patterns.iter().all(Pattern::is_literal).then(|| {
                        let texts: Vec<String> =
                            patterns.iter().map(|p| p.chars().collect()).collect();
                        (
                            self.ids_of(texts.iter().map(String::as_str)),
                            spec.base.is_negated(),
                        )
                    })
                }
                _ => None,
            },
            Part::Resource(r) => {
                let list = super::stmts::resources_list(r);
                let negated = matches!(r, crate::iam::Resources::NotResource(_));
                if list.iter().any(|p| p == "*") {
                    Some((Vec::new(), !negated))
                } else {
                    let patterns: Vec<Pattern> = list
                        .iter()
                        .map(|p| Pattern::parse(p, Kind::Arn, atom.variables))
                        .collect();
                    patterns.iter().all(Pattern::is_literal).then(|| {
                        let texts: Vec<String> =
                            patterns.iter().map(|p| p.chars().collect()).collect();
                        (self.ids_of(texts.iter().map(String::as_str)), negated)
                    })
                }
            }
            Part::Principal(_) => None,
        };
        let set = match fast {
            Some((ids, false)) => ClassSet::Finite(ids),
            Some((ids, true)) => ClassSet::CoFinite(ids),
            None => ClassSet::from_fn(n, |i| {
                self.reps
                    .get(i)
                    .is_some_and(|r| atom.holds(&request(slot, Some(r))))
            }),
        };
        (absent, set.compact(n))
    }
}

/// A request where `slot` has `value` (or is absent) and nothing else is set.
pub(super) fn request(slot: &str, value: Option<&str>) -> Request {
    let mut req = Request::new("gov:Probe");
    if let Some(v) = value {
        if slot == RESOURCE {
            req.resource = Some(v.to_string());
        } else {
            req.set_key(slot, [v]);
        }
    }
    req
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::iam::PolicyDocument;

    fn atoms(json: &str) -> super::super::stmts::Statements<'static> {
        let doc: &'static PolicyDocument =
            Box::leak(Box::new(PolicyDocument::from_json(json).unwrap()));
        super::super::stmts::Statements::of(Some(doc), None)
    }

    /// Every class is read by every atom as each of its members: check it on
    /// a few values per class against the evaluator.
    fn check(json: &str, key: &str, samples: &[&str]) -> Classes {
        let s = atoms(json);
        let list: Vec<&Atom> = s.atoms.iter().collect();
        let mut classes = Classes::of(key, &list, &[], &[]);
        assert!(classes.complete, "{:?}", classes.notes);
        let sets: Vec<(bool, ClassSet)> = list.iter().map(|a| classes.atom(a, key)).collect();
        for sample in samples {
            // the sample's class: the one whose representative every atom
            // reads as it reads the sample
            let truth: Vec<bool> = list
                .iter()
                .map(|a| a.holds(&request(key, Some(sample))))
                .collect();
            let found = (0..classes.len()).any(|i| {
                sets.iter()
                    .map(|(_, set)| set.contains(i))
                    .eq(truth.iter().copied())
            });
            assert!(found, "`{sample}` has no class: {:?}", classes.reps);
        }
        classes
    }

    #[test]
    fn literals_globs_and_case() {
        let c = check(
            r#"{"Statement":[{"Effect":"Deny","Action":"*","Resource":"*","Condition":{
                "StringEquals":{"k":["ab","k","K"]},
                "StringLike":{"k":["a*","*b"]},
                "StringEqualsIgnoreCase":{"k":["K","AB"]}}}]}"#,
            "k",
            &[
                "ab", "aB", "Ab", "AB", "a", "b", "xb", "k", "K", "\u{212A}", "x", "", "axb",
            ],
        );
        // the Kelvin sign is the only variant of `k` that is no constant
        assert!(c.reps.contains(&"\u{212A}".to_string()), "{:?}", c.reps);
    }

    #[test]
    fn a_region_holding_only_a_constant_needs_no_other_value() {
        // `?b` and `a*b` both match only `ab`, which is a constant
        let c = check(
            r#"{"Statement":[{"Effect":"Deny","Action":"*","Resource":"*","Condition":{
                "StringNotEquals":{"k":"ab"},
                "StringLike":{"k":["?b","a*b"]}}}]}"#,
            "k",
            &["ab", "xb", "axb", "a", ""],
        );
        assert!(c.reps.contains(&"ab".to_string()), "{:?}", c.reps);
    }

    #[test]
    fn many_constants_make_one_class_each() {
        let values: Vec<String> = (0..2000).map(|i| format!("\"v{i}\"")).collect();
        let json = format!(
            r#"{{"Statement":[{{"Effect":"Deny","Action":"*","Resource":"*","Condition":{{"StringNotEquals":{{"k":[{}]}}}}}}]}}"#,
            values.join(",")
        );
        let c = check(&json, "k", &["v1", "v1999", "w"]);
        assert_eq!(c.len(), 2001);
    }

    #[test]
    fn arn_and_resource_patterns() {
        check(
            r#"{"Statement":[{"Effect":"Allow","Action":"*","Resource":["arn:aws:s3:::b/*","arn:aws:s3:::b/a:*"],
                "Condition":{"ArnLike":{"aws:PrincipalArn":"arn:aws:iam::*:role/a*"}}}]}"#,
            RESOURCE,
            &[
                "arn:aws:s3:::b/x",
                "arn:aws:s3:::b/a:b",
                "arn:aws:s3:::c/x",
                "b/x",
            ],
        );
    }
}
