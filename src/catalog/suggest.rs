//! "Did you mean" suggestions: Levenshtein distance, case-insensitive, and
//! only plausible matches (distance at most max(2, len / 3)).

use super::matching::{Template, is_template, split_prefix};
use super::{Action, Catalog, Service, has_wildcard};

fn plausible(distance: usize, len: usize) -> bool {
    distance <= limit(len)
}

/// The largest plausible distance for an input of `len` characters.
fn limit(len: usize) -> usize {
    (len / 3).max(2)
}

/// Whether texts of `a` and `b` characters can be within the plausible
/// distance of an input of `len` characters: the distance is at least the
/// difference in length. Checked before the quadratic Levenshtein, so that a
/// long misspelt name costs time in proportion to its length only.
fn within_reach(a: usize, b: usize, len: usize) -> bool {
    a.abs_diff(b) <= limit(len)
}

fn distance(a: &str, b: &str) -> usize {
    strsim::levenshtein(&a.to_lowercase(), &b.to_lowercase())
}

fn without_spaces(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

/// The distance from `input` to the catalog key `candidate`, and the text
/// to suggest. A tag-like template (`aws:PrincipalTag/${TagKey}`) is compared
/// on the part before its `/`, and the suggestion keeps the user's tag.
fn key_score(input: &str, len: usize, candidate: &str) -> Option<(usize, String)> {
    if !is_template(candidate) {
        if !within_reach(len, candidate.chars().count(), len) {
            return None;
        }
        return Some((distance(input, candidate), candidate.to_string()));
    }
    let head = Template::parse(candidate)?.slash_head()?.to_string();
    let (_, after_prefix) = split_prefix(input)?;
    let slash = input.len() - after_prefix.len() + after_prefix.find('/')?;
    let (input_head, tail) = input.split_at(slash + 1);
    if tail.is_empty() || !within_reach(input_head.chars().count(), head.chars().count(), len) {
        return None;
    }
    Some((distance(input_head, &head), format!("{head}{tail}")))
}

/// The best plausible candidate: smallest distance, first on ties.
fn best<I: IntoIterator<Item = (usize, String)>>(len: usize, scored: I) -> Option<(usize, String)> {
    let mut best: Option<(usize, String)> = None;
    for (d, s) in scored {
        if plausible(d, len) && best.as_ref().is_none_or(|(bd, _)| d < *bd) {
            best = Some((d, s));
        }
    }
    best
}

/// How many times each ASCII character occurs in `text`, case folded; `None`
/// if `text` is not ASCII.
fn ascii_counts(text: &str) -> Option<[u16; 128]> {
    let mut counts = [0u16; 128];
    for b in text.bytes() {
        let slot = counts.get_mut(usize::from(b.to_ascii_lowercase()))?;
        *slot = slot.saturating_add(1);
    }
    Some(counts)
}

/// A lower bound of the case-insensitive Levenshtein distance between an
/// ASCII text of `len` characters, counted in `counts`, and `candidate`: an
/// edit removes at most one unmatched character on each side, so the
/// distance is at least the larger number of unmatched characters. `None`
/// when the candidate is not ASCII.
fn bag_distance(counts: &[u16; 128], len: usize, candidate: &str) -> Option<usize> {
    let mut left = *counts;
    let mut unmatched = 0usize;
    for b in candidate.bytes() {
        let slot = left.get_mut(usize::from(b.to_ascii_lowercase()))?;
        match slot.checked_sub(1) {
            Some(n) => *slot = n,
            None => unmatched += 1,
        }
    }
    let matched = candidate.len().saturating_sub(unmatched);
    Some(len.saturating_sub(matched).max(unmatched))
}

/// The plausible action of `service` closest to `name`; compares names only,
/// building just the winner.
fn best_action_in<'s>(service: &'s Service, name: &str) -> Option<(usize, &'s Action)> {
    let len = name.chars().count();
    let limit = limit(len);
    let lower = name.to_lowercase();
    let counts = ascii_counts(name);
    let mut best: Option<(usize, &str)> = None;
    for candidate in service.action_names() {
        // The distance is at least the difference in length, and at least
        // the bag distance: both are cheap, and together they rule out
        // almost every action of the catalog before the quadratic
        // Levenshtein (a name of no service is compared with all of them).
        if candidate.chars().count().abs_diff(len) > limit {
            continue;
        }
        if let Some(counts) = &counts
            && bag_distance(counts, len, candidate).is_some_and(|d| d > limit)
        {
            continue;
        }
        let d = strsim::levenshtein(&lower, &candidate.to_lowercase());
        if plausible(d, len) && best.is_none_or(|(bd, _)| d < bd) {
            best = Some((d, candidate));
        }
    }
    let (d, found) = best?;
    service.action(found).map(|a| (d, a))
}

impl Catalog {
    /// The service prefix closest to `name`, if one is plausibly meant.
    pub fn suggest_service(&self, name: &str) -> Option<String> {
        let name = without_spaces(name);
        if name.is_empty() {
            return None;
        }
        let len = name.chars().count();
        best(
            len,
            self.service_prefixes()
                .filter(|p| within_reach(len, p.chars().count(), len))
                .map(|p| (distance(&name, p), p.to_string())),
        )
        .map(|(_, p)| p)
    }

    /// The action closest to `name` (`sagemaker:CreateAp` → `sagemaker:CreateApp`).
    /// Looks in the named service (or the service its prefix is closest to),
    /// then in every service, for a wrong prefix.
    pub fn suggest_action(&self, name: &str) -> Option<String> {
        let cleaned = without_spaces(name);
        let (prefix, action) = match cleaned.split_once(':') {
            Some((p, a)) => (Some(p), a),
            None => (None, cleaned.as_str()),
        };
        if action.is_empty() || has_wildcard(action) {
            return None;
        }
        let service = prefix.and_then(|p| {
            self.service(p)
                .or_else(|| self.suggest_service(p).and_then(|s| self.service(&s)))
        });
        let local = service.and_then(|s| best_action_in(s, action));
        if let Some((d, a)) = local
            && d <= 1
        {
            return Some(a.full_name());
        }
        // Every service: the same name under another prefix (cheap: a binary
        // search per service), the closest prefix first.
        let mut exact: Option<(usize, &Action)> = None;
        for s in self.services() {
            if let Some(a) = s.action(action) {
                let prefix_d = prefix.map_or(0, |p| distance(p, s.prefix()));
                if exact.is_none_or(|(best, _)| prefix_d < best) {
                    exact = Some((prefix_d, a));
                }
            }
        }
        if let Some((_, a)) = exact {
            return Some(a.full_name());
        }
        if let Some((_, a)) = local {
            return Some(a.full_name());
        }
        // Then the closest name anywhere.
        let mut across: Option<((usize, usize), &Action)> = None;
        for s in self.services() {
            if let Some((d, a)) = best_action_in(s, action) {
                let prefix_d = prefix.map_or(0, |p| distance(p, s.prefix()));
                let score = (d, prefix_d);
                if across.is_none_or(|(best, _)| score < best) {
                    across = Some((score, a));
                }
            }
        }
        across.map(|(_, a)| a.full_name())
    }

    /// The condition key closest to `name` (`sagemaker: VpcSubnets` or
    /// `sagemaker:VpcSubnet` → `sagemaker:VpcSubnets`).
    pub fn suggest_key(&self, name: &str) -> Option<String> {
        let cleaned = without_spaces(name);
        if let Some(key) = self.key(&cleaned) {
            return Some(key.name);
        }
        let len = cleaned.chars().count();
        let mut names: Vec<String> = self.global_keys().map(|k| k.pattern).collect();
        let prefix = split_prefix(&cleaned).map(|(p, _)| p).unwrap_or(&cleaned);
        let service = self
            .service(prefix)
            .map(|s| s.prefix().to_string())
            .or_else(|| self.suggest_service(prefix));
        let mut services = service
            .as_deref()
            .map(|s| self.key_services(s))
            .unwrap_or_default();
        if services.is_empty() {
            services = self.key_services(prefix);
        }
        for s in services {
            names.extend(s.key_names().map(str::to_string));
        }
        if let Some((_, s)) = best(
            len,
            names.iter().filter_map(|n| key_score(&cleaned, len, n)),
        ) {
            return Some(s);
        }
        if service.is_some() {
            return None;
        }
        // An unknown prefix: every service's keys.
        let all: Vec<String> = self
            .services()
            .flat_map(|s| s.key_names().map(str::to_string))
            .collect();
        best(len, all.iter().filter_map(|n| key_score(&cleaned, len, n))).map(|(_, s)| s)
    }

    /// The key closest to `name` among those `action` supports.
    pub fn suggest_key_for_action(&self, action: &Action, name: &str) -> Option<String> {
        let cleaned = without_spaces(name);
        if let Some(key) = self.key(&cleaned)
            && self.action_supports_key(action, &key)
        {
            return Some(key.name);
        }
        let len = cleaned.chars().count();
        let names = self.keys_of_action(action);
        let scored = names
            .iter()
            .filter_map(|n| key_score(&cleaned, len, n))
            .map(|(d, s)| {
                // Spell the suggestion as the catalog defines the key.
                let s = self.key(&s).map_or(s, |k| k.name);
                (d, s)
            });
        best(len, scored).map(|(_, s)| s)
    }
}

#[cfg(test)]
mod tests {
    use super::{ascii_counts, bag_distance};
    use proptest::prelude::*;

    fn bag(a: &str, b: &str) -> Option<usize> {
        bag_distance(&ascii_counts(a)?, a.len(), b)
    }

    #[test]
    fn bag_distance_counts_unmatched_characters() {
        assert_eq!(bag("CreateApp", "createapp"), Some(0));
        assert_eq!(bag("CreateApp", "CreateAp"), Some(1));
        // A permutation has bag distance 0 but Levenshtein 2.
        assert_eq!(bag("ab", "ba"), Some(0));
        assert_eq!(bag("abc", "xyz"), Some(3));
        assert_eq!(bag("abcd", "ax"), Some(3));
        assert_eq!(bag("a", "é"), None);
        assert_eq!(ascii_counts("é"), None);
    }

    proptest! {
        /// The length bound never rules out a candidate within the limit.
        #[test]
        fn length_is_a_lower_bound_of_levenshtein(
            a in "[a-dA-D:/*]{0,40}",
            b in "[a-dA-D:/*]{0,12}",
        ) {
            let exact = strsim::levenshtein(&a.to_lowercase(), &b.to_lowercase());
            let len = a.chars().count();
            if super::plausible(exact, len) {
                prop_assert!(super::within_reach(len, b.chars().count(), len));
            }
        }

        /// The filter never rules out a candidate within the limit.
        #[test]
        fn bag_distance_is_a_lower_bound_of_levenshtein(
            a in "[a-dA-D:/*]{0,12}",
            b in "[a-dA-D:/*]{0,12}",
        ) {
            let exact = strsim::levenshtein(&a.to_lowercase(), &b.to_lowercase());
            prop_assert!(bag(&a, &b).is_some_and(|d| d <= exact));
        }
    }
}
