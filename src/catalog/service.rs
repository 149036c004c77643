//! A service backed by its section of the catalog text.
//!
//! Opening a section only records where its lines are and what they name;
//! an action or resource type is built from its line on first use and kept.
//! For the embedded catalog the section is a slice of the `'static` text, so
//! opening a service allocates a handful of vectors and nothing per line.

use std::cmp::Ordering;
use std::ops::Range;
use std::sync::{Arc, OnceLock};

use super::format;
use super::matching::{Template, is_template};
use super::{Action, KeyDef, KeyRef, ResourceType};
use crate::iam::pattern::{Case, glob_matches};

/// The catalog text: the embedded one, or one read at run time.
#[derive(Debug, Clone)]
pub(crate) enum Text {
    Static(&'static str),
    Shared(Arc<str>),
}

impl Text {
    pub(crate) fn as_str(&self) -> &str {
        match self {
            Text::Static(s) => s,
            Text::Shared(s) => s,
        }
    }
}

/// A byte range of the catalog text.
#[derive(Debug, Clone)]
pub(crate) struct Section {
    text: Text,
    range: Range<usize>,
}

impl Section {
    pub(crate) fn new(text: Text, range: Range<usize>) -> Section {
        Section { text, range }
    }

    fn as_str(&self) -> &str {
        self.text
            .as_str()
            .get(self.range.clone())
            .unwrap_or_default()
    }
}

/// Case-insensitive (ASCII) ordering, as the catalog sorts names.
pub(crate) fn cmp_ignore_case(a: &str, b: &str) -> Ordering {
    // Bytes that are equal as written need no lowercasing: most of them, in
    // a binary search among names that share their first letters.
    let (a, b) = (a.as_bytes(), b.as_bytes());
    for (x, y) in a.iter().zip(b) {
        if x != y {
            let (x, y) = (x.to_ascii_lowercase(), y.to_ascii_lowercase());
            if x != y {
                return x.cmp(&y);
            }
        }
    }
    a.len().cmp(&b.len())
}

/// Positions sorted case-insensitively, for lookups by binary search. A
/// catalog written by `gov` is sorted already, which is checked in one pass.
#[derive(Debug, Default)]
pub(crate) struct NameIndex {
    order: Vec<u32>,
}

impl NameIndex {
    pub(crate) fn new<'a>(len: usize, name_of: impl Fn(usize) -> &'a str) -> NameIndex {
        let mut order: Vec<u32> = (0..len).filter_map(|i| u32::try_from(i).ok()).collect();
        let sorted = order.windows(2).all(|w| {
            cmp_ignore_case(name_of(w[0] as usize), name_of(w[1] as usize)) != Ordering::Greater
        });
        if !sorted {
            // Stable: of two names equal but for case, the first one wins.
            order.sort_by(|&a, &b| cmp_ignore_case(name_of(a as usize), name_of(b as usize)));
        }
        NameIndex { order }
    }

    /// A name listed twice (case-insensitively): neighbours in sorted order.
    pub(crate) fn duplicate<'a>(&self, name_of: impl Fn(usize) -> &'a str) -> Option<&'a str> {
        self.order.windows(2).find_map(|w| {
            let (a, b) = (name_of(w[0] as usize), name_of(w[1] as usize));
            (cmp_ignore_case(a, b) == Ordering::Equal).then_some(a)
        })
    }

    /// The first position whose name equals `name`, case-insensitively.
    pub(crate) fn find<'a>(&self, name: &str, name_of: impl Fn(usize) -> &'a str) -> Option<usize> {
        let at = self
            .order
            .partition_point(|&i| cmp_ignore_case(name_of(i as usize), name) == Ordering::Less);
        let i = *self.order.get(at)? as usize;
        (cmp_ignore_case(name_of(i), name) == Ordering::Equal).then_some(i)
    }
}

/// A line of a section and the name it defines.
#[derive(Debug)]
struct Entry {
    /// Byte range of the line within the section.
    line: Range<usize>,
    /// Byte range of the (unescaped) name within the section, or the name
    /// itself when it had to be unescaped.
    name: Name,
    /// 0-based line number within the section, for messages.
    line_no: usize,
}

#[derive(Debug)]
enum Name {
    Raw(Range<usize>),
    Owned(Box<str>),
}

/// An AWS service: its actions, resource types and condition keys.
#[derive(Debug)]
pub struct Service {
    prefix: String,
    section: Section,
    keys: Vec<Entry>,
    key_index: NameIndex,
    key_templates: OnceLock<Vec<(usize, Template)>>,
    resources: Vec<Entry>,
    resource_index: NameIndex,
    resource_cells: Vec<OnceLock<Option<ResourceType>>>,
    actions: Vec<Entry>,
    action_index: NameIndex,
    action_cells: Vec<OnceLock<Option<Action>>>,
}

/// The owned content of a service, as importers build it and the writer
/// writes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ServiceData {
    pub(crate) prefix: String,
    pub(crate) keys: Vec<KeyDef>,
    pub(crate) resources: Vec<ResourceType>,
    pub(crate) actions: Vec<Action>,
}

/// A problem at a line of a section (0-based within the section).
pub(crate) type LineError = (usize, String);

impl Service {
    /// Records the lines of a section. Checks its structure (heading, line
    /// kinds, names) but not the rest of each line; see [`Service::validate`].
    pub(crate) fn open(section: Section, prefix: &str) -> Result<Service, LineError> {
        let text = section.as_str();
        let mut keys = Vec::new();
        let mut resources = Vec::new();
        let mut actions = Vec::new();
        if text.is_empty() {
            return Err((0, format!("the section of `{prefix}` is empty")));
        }
        let mut pos = 0usize;
        let mut line_no = 0usize;
        while pos < text.len() {
            let end = text[pos..].find('\n').map_or(text.len(), |i| pos + i);
            let mut line = pos..end;
            pos = end + 1;
            let this_line = line_no;
            line_no += 1;
            if text[line.clone()].ends_with('\r') {
                line.end -= 1;
            }
            let content = &text[line.clone()];
            if this_line == 0 {
                let heading = content.strip_prefix("@service\t");
                if heading != Some(prefix) {
                    return Err((
                        0,
                        format!("expected the heading of the section of `{prefix}`"),
                    ));
                }
                continue;
            }
            if content.is_empty() || content.starts_with('#') {
                continue;
            }
            let (tag, rest) = content.split_once('\t').unwrap_or((content, ""));
            let list = match tag {
                "k" => &mut keys,
                "r" => &mut resources,
                "a" => &mut actions,
                "@service" => {
                    return Err((
                        this_line,
                        "a section heading the index does not list".to_string(),
                    ));
                }
                other => {
                    return Err((
                        this_line,
                        format!(
                            "unexpected `{}` in the section of `{prefix}`",
                            other.chars().take(40).collect::<String>()
                        ),
                    ));
                }
            };
            let raw = rest.split('\t').next().unwrap_or_default();
            if raw.is_empty() {
                return Err((this_line, "a line without a name".to_string()));
            }
            let name = if raw.contains('%') {
                Name::Owned(format::unescape(raw).map_err(|e| (this_line, e))?.into())
            } else {
                let start = line.start + tag.len() + 1;
                Name::Raw(start..start + raw.len())
            };
            list.push(Entry {
                line,
                name,
                line_no: this_line,
            });
        }
        let key_index = NameIndex::new(keys.len(), |i| entry_name(text, &keys, i));
        let resource_index = NameIndex::new(resources.len(), |i| entry_name(text, &resources, i));
        let action_index = NameIndex::new(actions.len(), |i| entry_name(text, &actions, i));
        let resource_cells = resources.iter().map(|_| OnceLock::new()).collect();
        let action_cells = actions.iter().map(|_| OnceLock::new()).collect();
        Ok(Service {
            prefix: prefix.to_string(),
            section,
            keys,
            key_index,
            key_templates: OnceLock::new(),
            resources,
            resource_index,
            resource_cells,
            actions,
            action_index,
            action_cells,
        })
    }

    /// Checks every line, so that a malformed one is reported now rather
    /// than skipped when used.
    pub(crate) fn validate(&self) -> Result<(), LineError> {
        for e in self.keys.iter().chain(&self.resources).chain(&self.actions) {
            format::check_line(self.line(e)).map_err(|m| (e.line_no, m))?;
        }
        Ok(())
    }

    fn line(&self, e: &Entry) -> &str {
        self.section
            .as_str()
            .get(e.line.clone())
            .unwrap_or_default()
    }

    fn key_name(&self, i: usize) -> &str {
        entry_name(self.section.as_str(), &self.keys, i)
    }

    fn resource_name(&self, i: usize) -> &str {
        entry_name(self.section.as_str(), &self.resources, i)
    }

    fn action_name(&self, i: usize) -> &str {
        entry_name(self.section.as_str(), &self.actions, i)
    }

    fn action_at(&self, i: usize) -> Option<&Action> {
        let e = self.actions.get(i)?;
        self.action_cells
            .get(i)?
            .get_or_init(|| format::parse_action_line(self.line(e), &self.prefix).ok())
            .as_ref()
    }

    fn resource_at(&self, i: usize) -> Option<&ResourceType> {
        let e = self.resources.get(i)?;
        self.resource_cells
            .get(i)?
            .get_or_init(|| format::parse_resource_line(self.line(e)).ok())
            .as_ref()
    }

    pub(crate) fn key_at(&self, i: usize) -> Option<KeyDef> {
        format::parse_key_line(self.line(self.keys.get(i)?)).ok()
    }

    /// The key named `name`, case-insensitively (no template matching).
    pub(crate) fn exact_key(&self, name: &str) -> Option<KeyDef> {
        let i = self.key_index.find(name, |i| self.key_name(i))?;
        self.key_at(i)
    }

    /// The templated keys (`sagemaker:ResourceTag/${TagKey}`), by position.
    pub(crate) fn key_templates(&self) -> &[(usize, Template)] {
        self.key_templates.get_or_init(|| {
            (0..self.keys.len())
                .filter(|&i| is_template(self.key_name(i)))
                .filter_map(|i| Template::parse(self.key_name(i)).map(|t| (i, t)))
                .collect()
        })
    }

    /// The names of the actions, in catalog order, without building them.
    pub(crate) fn action_names(&self) -> impl Iterator<Item = &str> {
        (0..self.actions.len()).map(|i| self.action_name(i))
    }

    /// The names of the keys the service defines, in catalog order.
    pub(crate) fn key_names(&self) -> impl Iterator<Item = &str> {
        (0..self.keys.len()).map(|i| self.key_name(i))
    }

    /// The service prefix, e.g. `sagemaker`.
    pub fn prefix(&self) -> &str {
        &self.prefix
    }

    /// The action named `name` (without the prefix), case-insensitively.
    pub fn action(&self, name: &str) -> Option<&Action> {
        let i = self.action_index.find(name, |i| self.action_name(i))?;
        self.action_at(i)
    }

    /// All actions, in catalog order (sorted by name).
    pub fn actions(&self) -> impl Iterator<Item = &Action> {
        (0..self.actions.len()).filter_map(|i| self.action_at(i))
    }

    /// The actions whose name matches `glob` (`*` any run, `?` one character),
    /// case-insensitively, in catalog order.
    pub fn actions_matching(&self, glob: &str) -> Vec<&Action> {
        (0..self.actions.len())
            .filter(|&i| glob_matches(glob, self.action_name(i), Case::Insensitive))
            .filter_map(|i| self.action_at(i))
            .collect()
    }

    /// The resource type named `name`, case-insensitively.
    pub fn resource_type(&self, name: &str) -> Option<&ResourceType> {
        let i = self.resource_index.find(name, |i| self.resource_name(i))?;
        self.resource_at(i)
    }

    /// All resource types, in catalog order.
    pub fn resource_types(&self) -> impl Iterator<Item = &ResourceType> {
        (0..self.resources.len()).filter_map(|i| self.resource_at(i))
    }

    /// The condition keys this service defines (its own, and the foreign ones
    /// it documents, like `saml:aud` for `sts`), as catalog entries.
    pub fn condition_keys(&self) -> impl Iterator<Item = KeyRef> + '_ {
        (0..self.keys.len())
            .filter_map(|i| self.key_at(i))
            .map(|d| d.to_ref(d.name.clone()))
    }

    /// The owned content, for the writer.
    pub(crate) fn to_data(&self) -> ServiceData {
        ServiceData {
            prefix: self.prefix.clone(),
            keys: (0..self.keys.len())
                .filter_map(|i| self.key_at(i))
                .collect(),
            resources: self.resource_types().cloned().collect(),
            actions: self.actions().cloned().collect(),
        }
    }
}

fn entry_name<'a>(text: &'a str, entries: &'a [Entry], i: usize) -> &'a str {
    match entries.get(i).map(|e| &e.name) {
        Some(Name::Raw(r)) => text.get(r.clone()).unwrap_or_default(),
        Some(Name::Owned(s)) => s,
        None => "",
    }
}

#[cfg(test)]
mod tests {
    use super::cmp_ignore_case;
    use proptest::prelude::*;

    proptest! {
        /// The ordering is that of the names' lowercased bytes.
        #[test]
        fn ordering_ignores_ascii_case(a in "[a-cA-C_:é]{0,6}", b in "[a-cA-C_:é]{0,6}") {
            let lowered = a
                .bytes()
                .map(|c| c.to_ascii_lowercase())
                .cmp(b.bytes().map(|c| c.to_ascii_lowercase()));
            prop_assert_eq!(cmp_ignore_case(&a, &b), lowered);
        }
    }
}
