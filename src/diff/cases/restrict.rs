//! What some atoms allow, key by key, and the statements that cannot apply
//! where they hold.

use super::Keys;
use crate::diff::classes::request;
use crate::diff::regions::{Kind, Pattern};
use crate::diff::stmts::{Atom, Part, Statements};
use crate::iam::pattern::six_parts;
use crate::iam::{BaseOperator, OperatorFamily, Resources};
use std::collections::HashMap;

/// The few values a slot may take where atoms hold, or its patterns.
#[derive(Default)]
pub(in crate::diff) struct Restriction {
    /// The values it is one of (`None`: not known to be finite).
    pub values: Option<Vec<String>>,
    pub absent: bool,
    /// Sets of patterns: it matches one of each set (and whether they are
    /// ARN patterns).
    pub patterns: Vec<(Vec<String>, bool)>,
}

/// The patterns of an atom that holds only on texts matching one of them
/// (and never on the absent key), and whether they are ARN patterns.
pub(in crate::diff) fn positive_patterns(atom: &Atom) -> Option<(Vec<String>, bool)> {
    match &atom.part {
        Part::Condition { spec, values, .. }
            if !spec.if_exists
                && matches!(
                    spec.base,
                    BaseOperator::StringLike | BaseOperator::ArnLike | BaseOperator::ArnEquals
                ) =>
        {
            Some((values.clone(), spec.base != BaseOperator::StringLike))
        }
        Part::Resource(Resources::Resource(list)) if !list.iter().any(|p| p == "*") => {
            Some((list.clone(), true))
        }
        _ => None,
    }
}

/// The values of an equality atom, if it is one: it holds exactly on them.
pub(in crate::diff) fn equality_values(atom: &Atom) -> Option<Vec<String>> {
    match &atom.part {
        Part::Condition { spec, values, .. }
            if spec.base == BaseOperator::StringEquals && atom.reads.len() == 1 =>
        {
            Some(
                values
                    .iter()
                    .map(|v| {
                        Pattern::parse(v, Kind::Literal, atom.variables)
                            .chars()
                            .collect()
                    })
                    .collect(),
            )
        }
        _ => {
            let (patterns, _) = positive_patterns(atom)?;
            let kind = match &atom.part {
                Part::Condition { spec, .. } if spec.base.family() == OperatorFamily::String => {
                    Kind::Glob
                }
                _ => Kind::Arn,
            };
            let parsed: Vec<Pattern> = patterns
                .iter()
                .map(|p| Pattern::parse(p, kind, atom.variables))
                .collect();
            parsed
                .iter()
                .all(Pattern::is_literal)
                .then(|| parsed.iter().map(|p| p.chars().collect()).collect())
        }
    }
}

/// The text before the first wildcard (or variable), and the text after
/// the last one; the whole text for both when it has none.
pub(in crate::diff) fn literal_ends(text: &str) -> (&str, &str) {
    // ASCII bytes, searched as bytes (a search for one of several
    // characters decodes every character); their places are character
    // boundaries.
    let bytes = text.as_bytes();
    let Some(first) = bytes.iter().position(|b| matches!(b, b'*' | b'?' | b'$')) else {
        return (text, text);
    };
    let after = bytes
        .iter()
        .rposition(|b| matches!(b, b'*' | b'?' | b'}'))
        .map_or(first + 1, |i| i + 1)
        .max(first + 1);
    (
        text.get(..first).unwrap_or(""),
        text.get(after..).unwrap_or(""),
    )
}

fn ends_clash(a: &str, b: &str) -> bool {
    let (pa, sa) = literal_ends(a);
    let (pb, sb) = literal_ends(b);
    !(pa.starts_with(pb) || pb.starts_with(pa)) || !(sa.ends_with(sb) || sb.ends_with(sa))
}

/// Whether no text matches both patterns (conservative: `false` when not
/// sure). Literal heads and tails must agree in the whole text and, for two
/// ARN patterns (`arn`), in each of their six parts: there a wildcard before
/// the sixth part never takes a colon.
pub(in crate::diff) fn disjoint(a: &str, b: &str, arn: bool) -> bool {
    if ends_clash(a, b) {
        return true;
    }
    if !arn || a.contains("${") || b.contains("${") {
        return false;
    }
    match (six_parts(a), six_parts(b)) {
        (Some(pa), Some(pb)) => pa.iter().zip(&pb).any(|(x, y)| ends_clash(x, y)),
        _ => false,
    }
}

/// What some atoms allow, key by key: the few values of an equality, or
/// the patterns a value must match. Used to drop statements that cannot
/// apply where those atoms hold.
pub(in crate::diff) struct Restrictions<'s> {
    by_slot: HashMap<&'s str, Restriction>,
}

impl<'s> Restrictions<'s> {
    pub(in crate::diff) fn of(
        stmts: &'s Statements<'_>,
        keys: &Keys,
        atoms: impl Iterator<Item = usize>,
    ) -> Restrictions<'s> {
        let mut by_slot: HashMap<&'s str, Restriction> = HashMap::new();
        for a in atoms {
            let Some(atom) = stmts.atoms.get(a) else {
                continue;
            };
            let Some(slot) = atom.reads.first() else {
                continue;
            };
            if keys.multivalued(slot) {
                continue;
            }
            if atom.reads.len() > 1 {
                // a pattern holding a policy variable: whatever the
                // variable's value, what it matches has its literal head and
                // tail, and it never holds on the absent key
                if let Some(p) = positive_patterns(atom) {
                    let r = by_slot.entry(slot.as_str()).or_insert_with(|| Restriction {
                        absent: true,
                        ..Restriction::default()
                    });
                    r.absent = false;
                    r.patterns.push(p);
                }
                continue;
            }
            let r = by_slot.entry(slot.as_str()).or_insert_with(|| Restriction {
                absent: true,
                ..Restriction::default()
            });
            let absent = atom.holds(&request(slot, None));
            r.absent &= absent;
            if let Some(values) = equality_values(atom) {
                r.values = Some(match r.values.take() {
                    None => values,
                    Some(old) => old.into_iter().filter(|v| values.contains(v)).collect(),
                });
            } else if !absent && let Some(p) = positive_patterns(atom) {
                r.patterns.push(p);
            }
        }
        Restrictions { by_slot }
    }

    /// The restricted slots.
    pub(in crate::diff) fn slots(&self) -> impl Iterator<Item = (&str, &Restriction)> {
        self.by_slot.iter().map(|(k, v)| (*k, v))
    }

    /// Whether `atom` fails wherever the atoms hold (`false`: not known).
    pub(in crate::diff) fn excludes(&self, atom: &Atom) -> bool {
        let Some(slot) = atom.reads.first() else {
            return false;
        };
        let Some(r) = self.by_slot.get(slot.as_str()) else {
            return false;
        };
        // evaluated alone, an atom reading a variable does not resolve it
        if let Some(values) = r.values.as_ref().filter(|_| atom.reads.len() == 1) {
            return values.iter().all(|v| !atom.holds(&request(slot, Some(v))))
                && !(r.absent && atom.holds(&request(slot, None)));
        }
        if r.absent || r.patterns.is_empty() {
            return false;
        }
        let Some((theirs, their_arn)) = positive_patterns(atom) else {
            return false;
        };
        r.patterns.iter().any(|(ours, our_arn)| {
            ours.iter()
                .all(|p| theirs.iter().all(|q| disjoint(p, q, *our_arn && their_arn)))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        /// The byte readings agree with the character ones they replace.
        #[test]
        fn byte_splits_agree_with_str_splits(text in "[a:*?$}{é]{0,14}") {
            let parts: Vec<&str> = text.splitn(6, ':').collect();
            proptest::prop_assert_eq!(
                six_parts(&text).map(|p| p.to_vec()),
                (parts.len() == 6).then_some(parts)
            );
            let first = text.find(['*', '?', '$']);
            let expected = match first {
                None => (text.as_str(), text.as_str()),
                Some(first) => {
                    let after = text
                        .rfind(['*', '?', '}'])
                        .map_or(first + 1, |i| i + 1)
                        .max(first + 1);
                    (&text[..first], text.get(after..).unwrap_or(""))
                }
            };
            proptest::prop_assert_eq!(literal_ends(&text), expected);
        }
    }
}
