//! Statement ids: `@sid` where given; under a policy's `@sid("Prefix")`,
//! readable names derived from the rule (`PrefixDenyCreateApp`) for the
//! others, unique within the policy and stable across runs.

use crate::ir;
use std::collections::HashSet;

/// The id a rule's statements are named after.
pub fn base(policy: &ir::Policy, rule: &ir::Rule) -> String {
    if let Some(sid) = &rule.sid {
        return sid.clone();
    }
    let effect = match rule.effect {
        ir::Effect::Allow => "Allow",
        ir::Effect::Deny => "Deny",
    };
    let (prefix, actions) = match &rule.actions {
        ir::Actions::Only(a) => ("", a),
        ir::Actions::AllExcept(a) => ("AllExcept", a),
    };
    let first = actions.first().map(String::as_str).unwrap_or("*");
    let name = match first {
        "*" => "All".to_string(),
        other => {
            let action = other.split_once(':').map(|(_, n)| n).unwrap_or(other);
            let cleaned: String = action.chars().filter(char::is_ascii_alphanumeric).collect();
            if cleaned.is_empty() {
                "Actions".to_string()
            } else {
                cleaned
            }
        }
    };
    let more = if actions.len() > 1 { "Etc" } else { "" };
    format!(
        "{}{effect}{prefix}{name}{more}",
        policy.sid_prefix.as_deref().unwrap_or("")
    )
}

#[derive(Default)]
pub struct Allocator {
    used: HashSet<String>,
    /// Per wanted id, the number to try next: every number below it is
    /// taken (the set only grows), so a policy of many rules with one base
    /// id numbers them in linear time.
    next: std::collections::HashMap<String, usize>,
}

impl Allocator {
    /// Claims ids the user fixed with `@sid`, so generated ones avoid them.
    pub fn reserve(&mut self, sid: &str) {
        self.used.insert(sid.to_string());
    }

    /// `wanted` if free (or fixed by the user), else `wanted` with the first
    /// free number appended.
    pub fn take(&mut self, wanted: &str, fixed: bool) -> String {
        if fixed || self.used.insert(wanted.to_string()) {
            self.used.insert(wanted.to_string());
            return wanted.to_string();
        }
        let mut n = self.next.get(wanted).copied().unwrap_or(2);
        loop {
            let candidate = format!("{wanted}{n}");
            n += 1;
            if self.used.insert(candidate.clone()) {
                self.next.insert(wanted.to_string(), n);
                return candidate;
            }
        }
    }
}
