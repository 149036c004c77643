//! The values a key is tried with: its constants, a witness of each
//! pattern, other values, and a witness of every region its patterns cut;
//! the principals a principal value also names.

use super::{KeyInfo, MAX_REGION_STATES, MAX_REPS_FOR_ALL_SUBSETS, capture};
use crate::diff::regions::{Kind, Pattern, regions};
use crate::diff::values::{date_reps, ip_reps, numeric_reps};
use crate::eval::{PrincipalReading, principal_reading};
use crate::iam::pattern::{Case, arn_glob_matches, equals, glob_matches};
use std::collections::{BTreeMap, HashSet};

/// The text of a principal value as a pattern of plain characters (a
/// principal holds no policy variable or wildcard).
fn escaped(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '*' | '?' | '$' => {
                out.push_str("${");
                out.push(c);
                out.push('}');
            }
            _ => out.push(c),
        }
    }
    out
}

/// One principal value of a policy: its text, and the principals it also
/// names by the evaluator's reading (every principal ARN of an account) as
/// patterns, so that the regions they cut against the conditions on the same
/// key are all tried. A role's sessions add nothing: their `aws:PrincipalArn`
/// is the role's own ARN, not `…:assumed-role/NAME/SESSION` (IAM User Guide,
/// <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-principalarn>:
/// "For IAM roles, the request context returns the ARN of the role"), and
/// the evaluator names a principal read from it by the role value itself.
pub(super) fn principal_value(info: &mut KeyInfo, v: &str) {
    let arn = |text: String| Pattern::parse(&text, Kind::Arn, true);
    match principal_reading(v) {
        PrincipalReading::Everyone => return,
        PrincipalReading::Exact => {}
        PrincipalReading::Account(account) => {
            let root = format!("arn:aws:iam::{account}:root");
            info.patterns
                .push(arn(format!("arn:*:*:*:{}:*", escaped(account))));
            info.arn_patterns.push(format!("arn:*:*:*:{account}:*"));
            info.push_rep(root);
        }
        PrincipalReading::Role { .. } => {}
    }
    info.patterns.push(Pattern::parse(v, Kind::Literal, false));
    info.push_rep(v.to_string());
}

const OTHER_STRINGS: [&str; 6] = ["other", "zz-other", "other-2", "_", "0", "~"];
const OTHER_ARNS: [&str; 3] = [
    "arn:aws:iam::999999999999:other",
    "arn:aws-other:other:other:999999999999:other/other",
    "other",
];

/// The element values a key is tried with; false when its string regions
/// could not all be told apart.
pub(super) fn representatives(
    info: KeyInfo,
    captured: &mut BTreeMap<String, Vec<String>>,
) -> (Vec<String>, bool) {
    // pushes `v` to `reps` unless `seen` (what `reps` holds) has it
    let push = |reps: &mut Vec<String>, seen: &mut HashSet<String>, v: String| {
        if seen.insert(v.clone()) {
            reps.push(v);
        }
    };
    // strings and ARNs: the constants, a witness of each glob, some other
    // value, then a witness of every region these leave out
    let mut candidates = info.reps.clone();
    let mut in_candidates = info.rep_set.clone();
    if info.ignore_case {
        for r in info.reps.iter() {
            let upper = r.to_uppercase();
            let flipped = if upper == *r { r.to_lowercase() } else { upper };
            push(&mut candidates, &mut in_candidates, flipped);
        }
    }
    let typed = !info.numbers.is_empty()
        || !info.dates.is_empty()
        || !info.ips.is_empty()
        || !info.binaries.is_empty()
        || info.has_bool;
    if info.has_string || (!typed && !info.has_arn) {
        let case = if info.ignore_case {
            Case::Insensitive
        } else {
            Case::Sensitive
        };
        let hits = |c: &str| {
            let eq = info
                .string_consts
                .iter()
                .filter(|k| equals(k, c, case))
                .count();
            let like = info
                .like_patterns
                .iter()
                .filter(|p| glob_matches(p, c, Case::Sensitive))
                .count();
            eq + like
        };
        if let Some(best) = OTHER_STRINGS.iter().min_by_key(|c| hits(c)) {
            push(&mut candidates, &mut in_candidates, (*best).to_string());
        }
    }
    if info.has_arn {
        let hits = |c: &str| {
            info.arn_patterns
                .iter()
                .filter(|p| arn_glob_matches(p, c))
                .count()
        };
        if let Some(best) = OTHER_ARNS.iter().min_by_key(|c| hits(c)) {
            push(&mut candidates, &mut in_candidates, (*best).to_string());
        }
    }
    let (mut reps, complete) = regions(
        &info.patterns,
        &candidates,
        !info.no_dedupe,
        MAX_REGION_STATES,
    );
    capture(&info.patterns, &reps, captured);
    let mut in_reps: HashSet<String> = reps.iter().cloned().collect();
    for v in numeric_reps(&info.numbers) {
        push(&mut reps, &mut in_reps, v);
    }
    for v in date_reps(&info.dates) {
        push(&mut reps, &mut in_reps, v);
    }
    for v in ip_reps(&info.ips) {
        push(&mut reps, &mut in_reps, v);
    }
    if !info.binaries.is_empty() {
        for b in &info.binaries {
            push(&mut reps, &mut in_reps, b.clone());
        }
        push(&mut reps, &mut in_reps, "b3RoZXI=".to_string());
    }
    if info.has_bool {
        push(&mut reps, &mut in_reps, "true".to_string());
        push(&mut reps, &mut in_reps, "false".to_string());
    }
    (reps, complete)
}

/// The values a key takes: absent, each representative, and for a
/// multivalued key sets of several.
pub(super) fn options(reps: &[String], multivalued: bool) -> Vec<Option<Vec<String>>> {
    let mut out: Vec<Option<Vec<String>>> = vec![None];
    out.extend(reps.iter().map(|r| Some(vec![r.clone()])));
    if !multivalued || reps.len() < 2 {
        return out;
    }
    let n = reps.len();
    if n <= MAX_REPS_FOR_ALL_SUBSETS {
        let mut subsets: Vec<Vec<usize>> = (1u32..(1u32 << n))
            .map(|mask| (0..n).filter(|i| mask & (1 << i) != 0).collect::<Vec<_>>())
            .filter(|s| s.len() >= 2)
            .collect();
        subsets.sort_by_key(|s| s.len());
        for s in subsets {
            out.push(Some(
                s.iter().filter_map(|&i| reps.get(i).cloned()).collect(),
            ));
        }
    } else {
        for i in 0..n {
            for j in i + 1..n {
                if let (Some(a), Some(b)) = (reps.get(i), reps.get(j)) {
                    out.push(Some(vec![a.clone(), b.clone()]));
                }
            }
        }
        out.push(Some(reps.to_vec()));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn multivalued_options() {
        let reps: Vec<String> = ["a", "b", "c"].iter().map(|s| s.to_string()).collect();
        let o = options(&reps, true);
        assert_eq!(o.len(), 1 + 7);
        assert_eq!(o[0], None);
        assert_eq!(o.last().cloned().flatten().map(|v| v.len()), Some(3));
        assert_eq!(options(&reps, false).len(), 4);
        let many: Vec<String> = (0..7).map(|i| i.to_string()).collect();
        assert_eq!(options(&many, true).len(), 1 + 7 + 21 + 1);
    }
}
