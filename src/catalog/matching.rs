//! Name matching helpers: templated condition keys and the case-insensitive
//! comparisons shared by the catalog. Action globs are IAM's wildcard
//! patterns ([`crate::iam::pattern`]).

/// One piece of a templated key such as `sagemaker:ResourceTag/${TagKey}`.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Seg {
    /// Literal text: (lowercase, as written).
    Lit(String, String),
    /// A `${Name}` or `<name>` placeholder: one or more characters.
    Var,
}

/// A condition key name with placeholders, e.g. `kms:EncryptionContext:${EncryptionContextKey}`
/// or `s3:ExistingObjectTag/<key>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Template {
    segs: Vec<Seg>,
    literal_len: usize,
}

impl Template {
    /// Parses `name`; `None` when it has no placeholder (a plain key).
    pub(crate) fn parse(name: &str) -> Option<Template> {
        let mut segs = Vec::new();
        let mut literal = String::new();
        let mut rest = name;
        let mut has_var = false;
        while !rest.is_empty() {
            let var_len = if let Some(after) = rest.strip_prefix("${") {
                after.find('}').map(|end| end + 3)
            } else if let Some(after) = rest.strip_prefix('<') {
                after
                    .find('>')
                    .filter(|&end| end > 0 && !after[..end].contains('<'))
                    .map(|end| end + 2)
            } else {
                None
            };
            match var_len {
                Some(len) => {
                    if !literal.is_empty() {
                        let lit = std::mem::take(&mut literal);
                        segs.push(Seg::Lit(lit.to_ascii_lowercase(), lit));
                    }
                    // Two adjacent placeholders behave like one.
                    if segs.last() != Some(&Seg::Var) {
                        segs.push(Seg::Var);
                    }
                    has_var = true;
                    rest = &rest[len..];
                }
                None => {
                    let mut chars = rest.chars();
                    if let Some(c) = chars.next() {
                        literal.push(c);
                    }
                    rest = chars.as_str();
                }
            }
        }
        if !has_var {
            return None;
        }
        if !literal.is_empty() {
            segs.push(Seg::Lit(literal.to_ascii_lowercase(), literal));
        }
        let literal_len = segs
            .iter()
            .map(|s| match s {
                Seg::Lit(l, _) => l.len(),
                Seg::Var => 0,
            })
            .sum();
        Some(Template { segs, literal_len })
    }

    /// Total length of the literal parts: the more, the more specific the template.
    pub(crate) fn literal_len(&self) -> usize {
        self.literal_len
    }

    /// Matches `input` case-insensitively; on success returns the canonical
    /// spelling: literal parts as in the template, placeholders filled with
    /// the user's text.
    pub(crate) fn fill(&self, input: &str) -> Option<String> {
        let lower = input.to_ascii_lowercase();
        let mut caps = Vec::new();
        if !match_from(&self.segs, lower.as_bytes(), input, 0, &mut caps) {
            return None;
        }
        let mut out = String::with_capacity(input.len());
        let mut caps = caps.into_iter();
        for seg in &self.segs {
            match seg {
                Seg::Lit(_, written) => out.push_str(written),
                Seg::Var => {
                    let (start, end) = caps.next()?;
                    out.push_str(input.get(start..end)?);
                }
            }
        }
        Some(out)
    }

    /// For templates of the shape `literal${Var}` whose literal ends with `/`
    /// (tag keys and the like): the literal head, as written.
    pub(crate) fn slash_head(&self) -> Option<&str> {
        match self.segs.as_slice() {
            [Seg::Lit(_, head), Seg::Var] if head.ends_with('/') => Some(head),
            _ => None,
        }
    }
}

fn match_from(
    segs: &[Seg],
    lower: &[u8],
    original: &str,
    pos: usize,
    caps: &mut Vec<(usize, usize)>,
) -> bool {
    let Some((first, rest)) = segs.split_first() else {
        return pos == lower.len();
    };
    match first {
        Seg::Lit(lit, _) => {
            let lit = lit.as_bytes();
            let Some(tail) = lower.get(pos..) else {
                return false;
            };
            tail.starts_with(lit) && match_from(rest, lower, original, pos + lit.len(), caps)
        }
        Seg::Var => {
            for end in pos + 1..=lower.len() {
                if !original.is_char_boundary(end) {
                    continue;
                }
                caps.push((pos, end));
                if match_from(rest, lower, original, end, caps) {
                    return true;
                }
                caps.pop();
            }
            false
        }
    }
}

/// Whether `name` has a placeholder (`${...}` or `<...>`).
pub(crate) fn is_template(name: &str) -> bool {
    // Byte searches: this runs for every key an action lists, at every
    // comparison, and most names hold none of these bytes.
    let b = name.as_bytes();
    let has = |byte: u8| memchr::memchr(byte, b).is_some();
    (has(b'$') && has(b'}') && b.windows(2).any(|w| w == b"${")) || (has(b'<') && has(b'>'))
}

/// Whether the listed key `listed` (a plain name or a template) covers `name`.
pub(crate) fn listed_covers(listed: &str, pattern: &str, name: &str) -> bool {
    if listed.eq_ignore_ascii_case(pattern) || listed.eq_ignore_ascii_case(name) {
        return true;
    }
    is_template(listed) && Template::parse(listed).is_some_and(|t| t.fill(name).is_some())
}

/// The service prefix of a key or action name: the text before the first `:`.
pub(crate) fn split_prefix(name: &str) -> Option<(&str, &str)> {
    name.split_once(':')
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        /// The byte search says what the text searches said.
        #[test]
        fn template_test_is_the_text_test(name in "[a-z${}<>:/]{0,10}") {
            let by_text = (name.contains("${") && name.contains('}'))
                || (name.contains('<') && name.contains('>'));
            proptest::prop_assert_eq!(is_template(&name), by_text);
        }
    }

    #[test]
    fn templates_fill_with_canonical_literals() {
        let t = Template::parse("sagemaker:ResourceTag/${TagKey}").unwrap();
        assert_eq!(
            t.fill("SageMaker:resourcetag/StudioUserId").as_deref(),
            Some("sagemaker:ResourceTag/StudioUserId")
        );
        assert_eq!(t.fill("sagemaker:ResourceTag/"), None);
        let kms = Template::parse("kms:EncryptionContext:${EncryptionContextKey}").unwrap();
        assert_eq!(
            kms.fill("kms:EncryptionContext:aws:logs:arn").as_deref(),
            Some("kms:EncryptionContext:aws:logs:arn")
        );
        let s3 = Template::parse("s3:ExistingObjectTag/<key>").unwrap();
        assert!(s3.fill("s3:ExistingObjectTag/team").is_some());
        let cb =
            Template::parse("codebuild:secondarySources/${sourceIdentifier}.auth.type").unwrap();
        assert!(
            cb.fill("codebuild:secondarySources/a.b.auth.type")
                .is_some()
        );
        assert!(
            cb.fill("codebuild:secondarySources/a.b.auth.typo")
                .is_none()
        );
        assert!(Template::parse("sagemaker:VpcSubnets").is_none());
        assert!(Template::parse("a:<").is_none());
    }
}
