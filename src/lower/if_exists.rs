//! Folding `K absent or P(K)` into `P…IfExists` on K.
//!
//! A rule's condition becomes one statement per conjunct of its disjunctive
//! normal form. Two conjuncts `R and K absent` and `R and P(K)`, where `P` is
//! a plain positive test (no set qualifier, not negated, not `Null`, not
//! already `…IfExists`) and `R` is the same in both and says nothing of K,
//! mean `R and (K absent or P(K))`; `…IfExists` means exactly "absent, or
//! passes" (docs/meaning.md, "The four forms"), so one statement with
//! `P…IfExists` on K says the same. This is the form AWS's own policies use
//! (`StringLikeIfExists`), and it saves a statement.

use super::literal::Entry;
use crate::iam::BaseOperator;

/// Folds every such pair of blocks (each block is the sorted entries of one
/// conjunct). The first block of a pair takes the folded entry; the order of
/// the other blocks is kept.
pub fn fold_absent(blocks: Vec<Vec<Entry>>) -> Vec<Vec<Entry>> {
    let mut blocks: Vec<Option<Vec<Entry>>> = blocks.into_iter().map(Some).collect();
    // At most 64 blocks (MAX_STATEMENTS_PER_RULE): pairs are cheap. A fold
    // can make a new pair (`(a absent or P(a)) and (b absent or Q(b))` is
    // four blocks, folded on b into two, then on a into one): again until
    // nothing folds; each round removes a block.
    while fold_once(&mut blocks) {}
    blocks.into_iter().flatten().collect()
}

/// Folds one pair; false when none folds.
fn fold_once(blocks: &mut [Option<Vec<Entry>>]) -> bool {
    for a in 0..blocks.len() {
        for b in 0..blocks.len() {
            if a == b {
                continue;
            }
            let (Some(Some(absent)), Some(Some(passes))) = (blocks.get(a), blocks.get(b)) else {
                continue;
            };
            if let Some(folded) = fold_pair(absent, passes) {
                let first = a.min(b);
                let second = a.max(b);
                if let Some(slot) = blocks.get_mut(first) {
                    *slot = Some(folded);
                }
                if let Some(slot) = blocks.get_mut(second) {
                    *slot = None;
                }
                return true;
            }
        }
    }
    false
}

/// `absent` = R + `Null K true`, `passes` = R + P(K): R + `P…IfExists`(K).
fn fold_pair(absent: &[Entry], passes: &[Entry]) -> Option<Vec<Entry>> {
    let null = absent.iter().position(|e| {
        e.operator.qualifier.is_none()
            && e.operator.base == BaseOperator::Null
            && !e.operator.if_exists
            && e.values == ["true"]
    })?;
    let key = absent.get(null)?.key.to_ascii_lowercase();
    let on_key = |e: &Entry| e.key.to_ascii_lowercase() == key;
    if absent.iter().filter(|e| on_key(e)).count() != 1
        || passes.iter().filter(|e| on_key(e)).count() != 1
    {
        return None;
    }
    let test = passes.iter().position(&on_key)?;
    let p = passes.get(test)?;
    let plain_positive = p.operator.qualifier.is_none()
        && !p.operator.if_exists
        && p.operator.base != BaseOperator::Null
        && !p.operator.base.is_negated();
    if !plain_positive {
        return None;
    }
    let mut rest_a: Vec<&Entry> = absent.iter().filter(|e| !on_key(e)).collect();
    let mut rest_b: Vec<&Entry> = passes.iter().filter(|e| !on_key(e)).collect();
    rest_a.sort();
    rest_b.sort();
    if rest_a != rest_b {
        return None;
    }
    let mut folded: Vec<Entry> = passes.to_vec();
    if let Some(e) = folded.get_mut(test) {
        e.operator.if_exists = true;
    }
    // The order of `merge` in the parent module: by operator as printed.
    folded.sort_by_cached_key(|e| (e.operator.to_string(), e.key.to_ascii_lowercase()));
    Some(folded)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::iam::OperatorSpec;

    fn e(op: &str, key: &str, values: &[&str]) -> Entry {
        Entry {
            operator: OperatorSpec::parse(op).unwrap(),
            key: key.to_string(),
            values: values.iter().map(|v| v.to_string()).collect(),
        }
    }

    #[test]
    fn absent_or_like_is_like_if_exists() {
        let out = fold_absent(vec![
            vec![e("Null", "k", &["true"]), e("StringEquals", "r", &["x"])],
            vec![
                e("StringEquals", "r", &["x"]),
                e("StringLike", "k", &["a*"]),
            ],
        ]);
        assert_eq!(
            out,
            vec![vec![
                e("StringEquals", "r", &["x"]),
                e("StringLikeIfExists", "k", &["a*"])
            ]]
        );
    }

    #[test]
    fn two_keys_each_absent_or_passing_fold_into_one_block() {
        let (na, pa) = (e("Null", "a", &["true"]), e("StringEquals", "a", &["x"]));
        let (nb, pb) = (e("Null", "b", &["true"]), e("ArnLike", "b", &["arn:*"]));
        let out = fold_absent(vec![
            vec![na.clone(), nb.clone()],
            vec![na, pb.clone()],
            vec![pa.clone(), nb],
            vec![pa, pb],
        ]);
        assert_eq!(
            out,
            vec![vec![
                e("ArnLikeIfExists", "b", &["arn:*"]),
                e("StringEqualsIfExists", "a", &["x"])
            ]]
        );
    }

    #[test]
    fn different_rests_negated_tests_and_qualifiers_are_kept_apart() {
        let keep = |blocks: Vec<Vec<Entry>>| assert_eq!(fold_absent(blocks.clone()), blocks);
        keep(vec![
            vec![e("Null", "k", &["true"]), e("StringEquals", "r", &["x"])],
            vec![e("StringLike", "k", &["a*"])],
        ]);
        keep(vec![
            vec![e("Null", "k", &["true"])],
            vec![e("StringNotLike", "k", &["a*"])],
        ]);
        keep(vec![
            vec![e("Null", "k", &["true"])],
            vec![e("ForAnyValue:StringLike", "k", &["a*"])],
        ]);
        keep(vec![
            vec![e("Null", "k", &["false"])],
            vec![e("StringLike", "k", &["a*"])],
        ]);
        keep(vec![
            vec![e("Null", "k", &["true"])],
            vec![e("StringLike", "k", &["a*"]), e("StringLike", "k", &["*b"])],
        ]);
    }
}
