//! A memo of [`Catalog::key`](super::Catalog::key): a check asks for the
//! same few keys once or more per rule, and each answer costs a search of the
//! global table, the services that may define the prefix and their templates.

use super::KeyRef;
use std::collections::HashMap;
use std::sync::{Arc, RwLock};

/// At most this many names are remembered; past it, look-ups are computed
/// each time (the answers are the same, only slower).
const MAX_ENTRIES: usize = 4096;

/// Answers of `Catalog::key` by the name asked, shared by every thread.
#[derive(Debug, Default)]
pub(crate) struct KeyMemo {
    /// Shared, so that an answer costs a count, not a copy of its strings.
    answers: RwLock<HashMap<Box<str>, Option<Arc<KeyRef>>>>,
}

impl KeyMemo {
    /// The remembered answer for `name`, or `compute`'s, remembered. The
    /// answer depends on `name` alone, so it is the same whichever thread
    /// computes it first.
    pub(crate) fn get_or(
        &self,
        name: &str,
        compute: impl FnOnce() -> Option<KeyRef>,
    ) -> Option<Arc<KeyRef>> {
        if let Ok(answers) = self.answers.read()
            && let Some(known) = answers.get(name)
        {
            return known.clone();
        }
        let answer = compute().map(Arc::new);
        if let Ok(mut answers) = self.answers.write()
            && answers.len() < MAX_ENTRIES
        {
            answers.insert(name.into(), answer.clone());
        }
        answer
    }
}

/// Answers of `Catalog::action_supports_key` by the action (service and
/// name: an action's content is the catalog's entry of that name) and the
/// key (name and pattern), shared by every thread: a check asks it for every
/// key of every rule, and each answer is a scan of the action's keys and of
/// its resource types' keys.
#[derive(Debug, Default)]
pub(crate) struct SupportMemo {
    answers: RwLock<SupportAnswers>,
}

/// Service → action → key name → the patterns asked about with that name
/// (one, in practice), each with its answer; and how many answers in all.
/// Every level is a map: many keys asked of one action cost no scan.
type SupportAnswers = (
    HashMap<Box<str>, HashMap<Box<str>, HashMap<Box<str>, Vec<Answer>>>>,
    usize,
);

/// A key's pattern, and whether the action supports the key.
type Answer = (Box<str>, bool);

impl SupportMemo {
    /// The remembered answer, or `compute`'s, remembered. The answer depends
    /// on the action and the key alone.
    pub(crate) fn get_or(
        &self,
        (service, action): (&str, &str),
        key: &KeyRef,
        compute: impl FnOnce() -> bool,
    ) -> bool {
        let same = |(pattern, _): &Answer| **pattern == *key.pattern;
        if let Ok(answers) = self.answers.read()
            && let Some((_, known)) = answers
                .0
                .get(service)
                .and_then(|actions| actions.get(action))
                .and_then(|keys| keys.get(key.name.as_str()))
                .and_then(|patterns| patterns.iter().find(|a| same(a)))
        {
            return *known;
        }
        let answer = compute();
        if let Ok(mut answers) = self.answers.write()
            && answers.1 < MAX_ENTRIES
        {
            let (map, count) = &mut *answers;
            let patterns = map
                .entry(service.into())
                .or_default()
                .entry(action.into())
                .or_default()
                .entry(key.name.as_str().into())
                .or_default();
            if !patterns.iter().any(same) {
                patterns.push((key.pattern.as_str().into(), answer));
                *count += 1;
            }
        }
        answer
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::Catalog;

    #[test]
    fn remembered_answers_are_the_computed_ones() {
        let catalog = Catalog::embedded().unwrap();
        for name in [
            "sagemaker:InstanceTypes",
            "SAGEMAKER:instancetypes",
            "aws:PrincipalTag/team",
            "sagemaker:ResourceTag/owner",
            "sagemaker:NoSuchKey",
            "nosuchservice:Key",
        ] {
            let first = catalog.key(name);
            let again = catalog.key(name);
            assert_eq!(first, again, "{name}");
            assert_eq!(first, catalog.key_uncached(name), "{name}");
        }
    }

    #[test]
    fn remembered_support_answers_are_the_computed_ones() {
        let catalog = Catalog::embedded().unwrap();
        let keys: Vec<KeyRef> = [
            "sagemaker:InstanceTypes",
            "sagemaker:ResourceTag/owner",
            "SAGEMAKER:resourcetag/Owner",
            "aws:ResourceTag/team",
            "aws:RequestTag/team",
            "aws:TagKeys",
            "s3:prefix",
            "s3:ExistingObjectTag/class",
            "kms:EncryptionContext:dept",
            "sagemaker:VolumeKmsKey",
        ]
        .iter()
        .filter_map(|k| catalog.key(k))
        .collect();
        assert!(keys.len() >= 8, "{keys:?}");
        let mut supported = 0;
        let mut asked = 0;
        for prefix in ["sagemaker", "s3", "kms"] {
            let service = catalog.service(prefix).unwrap();
            for action in service.actions().take(150) {
                for key in &keys {
                    let truth = catalog.action_supports_key_uncached(action, key);
                    // Asked twice: computed, then remembered.
                    assert_eq!(catalog.action_supports_key(action, key), truth);
                    assert_eq!(catalog.action_supports_key(action, key), truth);
                    asked += 1;
                    supported += usize::from(truth);
                }
            }
        }
        // Both answers occur.
        assert!(supported > 0 && supported < asked, "{supported} of {asked}");
    }

    #[test]
    fn the_memo_stops_growing_at_its_bound() {
        let memo = KeyMemo::default();
        for i in 0..MAX_ENTRIES + 10 {
            assert_eq!(memo.get_or(&format!("x:k{i}"), || None), None);
        }
        assert_eq!(memo.answers.read().unwrap().len(), MAX_ENTRIES);
    }
}
