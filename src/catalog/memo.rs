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
    fn the_memo_stops_growing_at_its_bound() {
        let memo = KeyMemo::default();
        for i in 0..MAX_ENTRIES + 10 {
            assert_eq!(memo.get_or(&format!("x:k{i}"), || None), None);
        }
        assert_eq!(memo.answers.read().unwrap().len(), MAX_ENTRIES);
    }
}
