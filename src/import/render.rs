//! Rules → `.gov` text: one policy block, `use` when every action is of one
//! service, `const`s for long or repeated value lists.

use super::convert::{ActionItem, GAtom, GOp, GVal, Lit, Part, Principals, Quant, RuleOut};
use crate::policy::{Effect, PolicyKind};
use crate::syntax::quote;
use crate::syntax::scan::KEYWORDS;
use std::collections::{HashMap, HashSet};

/// Value lists longer than this become a `const`.
pub const MAX_INLINE_VALUES: usize = 4;

/// `name` made into an identifier: other characters become `_`, a leading
/// digit gets a `P`, a keyword an `_`.
pub(crate) fn ident(name: &str) -> String {
    let mut out: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect();
    if !out
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
    {
        out.insert(0, 'P');
    }
    if KEYWORDS.contains(&out.as_str()) {
        out.push('_');
    }
    out
}

/// Whether a condition key can be written as a `.gov` key token.
pub(crate) fn is_key_token(key: &str) -> bool {
    let Some((service, rest)) = key.split_once(':') else {
        return false;
    };
    let mut s = service.chars();
    s.next().is_some_and(|c| c.is_ascii_alphanumeric())
        && s.all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        && !rest.is_empty()
        && rest
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "_-.:/@+=".contains(c))
}

fn value(v: &GVal) -> String {
    match v {
        GVal::Num(n) => n.clone(),
        GVal::Bool(b) => b.to_string(),
        GVal::Str(s) => {
            // A whole-value variable reads best bare: `${aws:username}`.
            let bare = s.starts_with("${")
                && s.ends_with('}')
                && s.matches("${").count() == 1
                && s.matches('}').count() == 1
                && !s.contains('\n');
            if bare { s.clone() } else { quote(s) }
        }
    }
}

fn camel_to_snake(s: &str) -> String {
    let mut out = String::new();
    let mut prev_lower = false;
    for c in s.chars() {
        if c.is_ascii_uppercase() {
            if prev_lower {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
            prev_lower = false;
        } else if c.is_ascii_alphanumeric() {
            out.push(c);
            prev_lower = true;
        } else {
            out.push('_');
            prev_lower = false;
        }
    }
    let mut collapsed = String::new();
    for c in out.chars() {
        if c == '_' && collapsed.ends_with('_') {
            continue;
        }
        collapsed.push(c);
    }
    collapsed.trim_matches('_').to_string()
}

pub(crate) struct Renderer {
    /// `use` this service: its actions and keys are written without prefix.
    pub service: Option<String>,
    /// (values, name) of the constants, in the order they are declared.
    pub consts: Vec<(Vec<GVal>, String)>,
    /// Index into `consts` by values.
    by_values: HashMap<Vec<GVal>, usize>,
}

impl Renderer {
    pub fn new(rules: &[RuleOut], service: Option<String>) -> Renderer {
        // Count each value list; long or repeated ones become constants.
        let mut counts: Vec<(Vec<GVal>, String, usize)> = Vec::new();
        let mut counted: HashMap<&[GVal], usize> = HashMap::new();
        for r in rules {
            let mut lits: Vec<&Lit> = Vec::new();
            for p in &r.when {
                match p {
                    Part::Lit(l) => lits.push(l),
                    Part::Or(ls) => lits.extend(ls.iter()),
                }
            }
            for d in &r.unless {
                lits.extend(d.iter());
            }
            for l in lits {
                if let GAtom::Test { key, values, .. } = &l.atom {
                    match counted.get(values.as_slice()) {
                        Some(&i) => counts[i].2 += 1,
                        None => {
                            counted.insert(values, counts.len());
                            counts.push((values.clone(), key.clone(), 1));
                        }
                    }
                }
            }
        }
        let mut consts: Vec<(Vec<GVal>, String)> = Vec::new();
        let mut names: HashSet<String> = HashSet::new();
        for (values, key, count) in counts {
            let long = values.len() > MAX_INLINE_VALUES;
            let repeated = count >= 2 && values.len() >= 2;
            if !(long || repeated) {
                continue;
            }
            let tail = key.split_once(':').map_or(key.as_str(), |(_, t)| t);
            let mut base = camel_to_snake(tail);
            if base.is_empty() {
                base = "values".to_string();
            }
            let base = ident(&base);
            let mut name = base.clone();
            let mut n = 2;
            while names.contains(&name) {
                name = format!("{base}_{n}");
                n += 1;
            }
            names.insert(name.clone());
            consts.push((values, name));
        }
        let by_values = consts
            .iter()
            .enumerate()
            .map(|(i, (values, _))| (values.clone(), i))
            .collect();
        Renderer {
            service,
            consts,
            by_values,
        }
    }

    fn key(&self, key: &str) -> String {
        if let (Some(service), Some((prefix, rest))) = (&self.service, key.split_once(':'))
            && prefix.eq_ignore_ascii_case(service)
            && !rest.contains(':')
        {
            return rest.to_string();
        }
        key.to_string()
    }

    fn list(&self, values: &[GVal]) -> String {
        if let Some((_, name)) = self.by_values.get(values).and_then(|&i| self.consts.get(i)) {
            return name.clone();
        }
        let items: Vec<String> = values.iter().map(value).collect();
        format!("[{}]", items.join(", "))
    }

    /// One value or a list, for operators that take either.
    fn operand(&self, values: &[GVal]) -> String {
        match values {
            [one] => value(one),
            _ => self.list(values),
        }
    }

    fn lit(&self, l: &Lit) -> String {
        match (&l.atom, l.positive) {
            (GAtom::Present(k), true) => format!("{} present", self.key(k)),
            (GAtom::Present(k), false) => format!("{} absent", self.key(k)),
            (
                GAtom::Test {
                    key,
                    quant: Quant::Single,
                    op,
                    values,
                    modifier,
                    ..
                },
                positive,
            ) => {
                let k = self.key(key);
                let single = values.len() == 1;
                let m = modifier_text(*modifier);
                match (op, positive) {
                    (GOp::Eq, true) if single => format!("{k} == {}{m}", self.operand(values)),
                    (GOp::Eq, false) if single => format!("{k} != {}{m}", self.operand(values)),
                    (GOp::Eq | GOp::Cidr, true) => format!("{k} in {}{m}", self.list(values)),
                    (GOp::Eq | GOp::Cidr, false) => format!("{k} not in {}{m}", self.list(values)),
                    (GOp::Like, true) => format!("{k} like {}{m}", self.operand(values)),
                    (GOp::Like, false) => format!("{k} not like {}{m}", self.operand(values)),
                    (ord, true) => format!("{k} {} {}", ordering(*ord), self.operand(values)),
                    (ord, false) => {
                        format!("not ({k} {} {})", ordering(*ord), self.operand(values))
                    }
                }
            }
            (
                GAtom::Test {
                    key,
                    quant,
                    op,
                    elem_negated,
                    values,
                    modifier,
                },
                positive,
            ) => {
                let k = self.key(key);
                let m = modifier_text(*modifier);
                let q = if *quant == Quant::All { "all" } else { "any" };
                let not = if *elem_negated { "not " } else { "" };
                let text = match op {
                    GOp::Eq | GOp::Cidr => {
                        if values.iter().all(|v| matches!(v, GVal::Bool(_))) {
                            let ne = if *elem_negated { "!=" } else { "==" };
                            format!("{k} {q} {ne} {}", self.operand(values))
                        } else {
                            format!("{k} {q} {not}in {}{m}", self.list(values))
                        }
                    }
                    GOp::Like => format!("{k} {q} {not}like {}{m}", self.operand(values)),
                    ord => format!("{k} {q} {} {}", ordering(*ord), self.operand(values)),
                };
                if positive {
                    text
                } else {
                    format!("not ({text})")
                }
            }
        }
    }

    fn part(&self, p: &Part, alone: bool) -> String {
        match p {
            Part::Lit(l) => self.lit(l),
            Part::Or(ls) => {
                let inner: Vec<String> = ls.iter().map(|l| self.lit(l)).collect();
                if alone {
                    inner.join(" or ")
                } else {
                    format!("({})", inner.join(" or "))
                }
            }
        }
    }

    fn action(&self, a: &ActionItem) -> String {
        if a.text == "*" {
            return "*".to_string();
        }
        // The prefix goes only where `use` gives it back: `svc:*` keeps it,
        // because the string "*" is not an action (E0116).
        let text = match (&self.service, a.text.split_once(':')) {
            (Some(s), Some((prefix, name))) if prefix.eq_ignore_ascii_case(s) && name != "*" => {
                name.to_string()
            }
            _ => a.text.clone(),
        };
        if a.pattern || !is_bare_action(&text) {
            quote(&text)
        } else {
            text
        }
    }

    /// `[a, b]`: the formatter breaks it if it is long.
    fn bracketed(items: &[String]) -> String {
        format!("[{}]", items.join(", "))
    }

    /// The text of one rule, indented by four spaces; the byte range of the
    /// rule within the returned text is all of it.
    pub fn rule(&self, r: &RuleOut) -> String {
        let mut out = String::new();
        for c in &r.comments {
            out.push_str(&format!("    // {c}\n"));
        }
        if let Some(sid) = &r.sid {
            out.push_str(&format!("    @sid({})\n", quote(sid)));
        }
        let mut head = String::from("    ");
        head.push_str(match r.effect {
            Effect::Allow => "allow ",
            Effect::Deny => "deny ",
        });
        match &r.principals {
            Principals::None => {}
            Principals::Anyone => head.push_str("anyone to "),
            Principals::Listed(list) => {
                let parts: Vec<String> = list
                    .iter()
                    .map(|(kind, values)| {
                        let items: Vec<String> = values.iter().map(|v| quote(v)).collect();
                        match items.as_slice() {
                            [one] => format!("{kind} {one}"),
                            _ => format!("{kind} [{}]", items.join(", ")),
                        }
                    })
                    .collect();
                head.push_str(&parts.join(", "));
                head.push_str(" to ");
            }
        }
        let actions: Vec<String> = r.actions.iter().map(|a| self.action(a)).collect();
        if r.actions_except {
            head.push_str("* except ");
            head.push_str(&Self::bracketed(&actions));
        } else if let [one] = actions.as_slice() {
            head.push_str(one);
        } else {
            head.push_str(&Self::bracketed(&actions));
        }
        if let Some((except, resources)) = &r.resources {
            let items: Vec<String> = resources.iter().map(|s| quote(s)).collect();
            let on = match (except, items.as_slice()) {
                (true, _) => format!("on * except [{}]", items.join(", ")),
                (false, [one]) => format!("on {one}"),
                (false, _) => format!("on [{}]", items.join(", ")),
            };
            head.push(' ');
            head.push_str(&on);
        }
        out.push_str(&head);
        if !r.when.is_empty() {
            // `when a or b unless c` parses as `(a or b) and not c`, but
            // reads better with the parentheses.
            let alone = r.when.len() == 1 && r.unless.is_empty();
            let parts: Vec<String> = r.when.iter().map(|p| self.part(p, alone)).collect();
            out.push_str(&format!("\n        when {}", parts.join("\n         and ")));
        }
        if !r.unless.is_empty() {
            let alone = r.unless.len() == 1;
            let ds: Vec<String> = r
                .unless
                .iter()
                .map(|d| {
                    let lits: Vec<String> = d.iter().map(|l| self.lit(l)).collect();
                    if alone || lits.len() == 1 {
                        lits.join("\n           or ")
                    } else {
                        format!("({})", lits.join(" or "))
                    }
                })
                .collect();
            out.push_str(&format!(
                "\n        unless {}",
                ds.join("\n           and ")
            ));
        }
        out.push('\n');
        out
    }

    pub fn consts_text(&self) -> String {
        let mut out = String::new();
        for (values, name) in &self.consts {
            let items: Vec<String> = values.iter().map(value).collect();
            out.push_str(&format!("const {name} = "));
            out.push_str(&Self::bracketed(&items));
            out.push('\n');
        }
        out
    }
}

/// ` ignoring case`, ` as string`, ` as arn`, or nothing.
fn modifier_text(modifier: Option<crate::syntax::ast::Modifier>) -> String {
    modifier
        .map(|m| format!(" {}", m.as_str()))
        .unwrap_or_default()
}

fn ordering(op: GOp) -> &'static str {
    match op {
        GOp::Lt => "<",
        GOp::Le => "<=",
        GOp::Gt => ">",
        GOp::Ge => ">=",
        GOp::Eq => "==",
        GOp::Like => "like",
        GOp::Cidr => "in",
    }
}

pub(crate) fn kind_keyword(kind: PolicyKind) -> &'static str {
    kind.keyword()
}

/// Whether `text` reads back unchanged when written bare: the grammar's
/// `action_name` without wildcards (`sagemaker:CreateApp`, `CreateApp`).
/// Anything else (a space, a dot in the name, an empty part) is written as a
/// string, which the checker takes as written: written bare, ` logs:X` would
/// read back as `logs:X`, an action the original never named.
fn is_bare_action(text: &str) -> bool {
    let name_char = |c: char| c.is_ascii_alphanumeric() || c == '_' || c == '-';
    let (service, name) = match text.split_once(':') {
        Some((service, name)) => (Some(service), name),
        None => (None, text),
    };
    let service_ok = service.is_none_or(|s| {
        s.chars().next().is_some_and(|c| c.is_ascii_alphanumeric())
            && s.chars().all(|c| name_char(c) || c == '.')
    });
    service_ok && !name.is_empty() && name.chars().all(name_char)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_strings() {
        assert_eq!(ident("g03-lock-down"), "g03-lock-down");
        assert_eq!(ident("03 policy"), "P03_policy");
        assert_eq!(ident("scp"), "scp_");
        assert_eq!(camel_to_snake("InstanceTypes"), "instance_types");
        assert_eq!(
            camel_to_snake("ResourceTag/studiouserid"),
            "resource_tag_studiouserid"
        );
        assert_eq!(quote("a\"b\\c\nd\u{1}"), "\"a\\\"b\\\\c\\nd\\u{1}\"");
        assert!(is_key_token("aws:ResourceTag/team"));
        assert!(is_key_token("kms:EncryptionContext:aws:logs:arn"));
        assert!(!is_key_token("aws:ResourceTag/cost center"));
        assert!(!is_key_token("sagemaker: VpcSubnets"));
    }
}
