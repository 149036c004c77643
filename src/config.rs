//! The project file, `gov.toml`: what a repository's command lines would
//! otherwise repeat. Found from the working folder upwards ([`find`]);
//! command-line flags override what it says.
//!
//! ```toml
//! sources = ["policies"]          # what check, build, test and fmt read
//! out = "dist"                    # gov build's output folder
//! catalog = "catalog/newer.txt"   # instead of the embedded catalog
//! deny-warnings = true            # check and lint: warnings fail the run
//!
//! [levels]                        # check and lint: per-code levels
//! W0203 = "error"
//! W0210 = "allow"
//!
//! [sarif]
//! codes-url = "https://example.com/gov/docs/codes.md"   # SARIF helpUri base
//!
//! [params]                        # values of params, as `--set` gives them
//! ```
//!
//! Paths are relative to the folder holding `gov.toml`. Every problem is a
//! spanned diagnostic naming the file and line: not TOML (`E0920`), an
//! unknown key (`E0921`), a value of the wrong kind (`E0922`), an unknown code
//! or level under `[levels]` (`E0910`, `E0911`). All of them are reported, not
//! only the first.
//!
//! `[params]` is parsed as a table of name → value and kept on [`Config`];
//! `gov check`, `build`, `test` and `eval` take it as values of params, with
//! `--set` on top.

use crate::diag::levels::{Level, LevelError, Levels};
use crate::diag::{Diagnostic, codes};
use crate::source::{FileId, SourceMap, Span};
use indexmap::IndexMap;
use std::path::{Path, PathBuf};
use toml::Spanned;
use toml::de::{DeTable, DeValue};

/// The project file's name.
pub const FILE_NAME: &str = "gov.toml";

/// The keys of the top level, for "did you mean".
const TOP_KEYS: &[&str] = &[
    "sources",
    "out",
    "catalog",
    "deny-warnings",
    "levels",
    "sarif",
    "params",
];
const SARIF_KEYS: &[&str] = &["codes-url"];

/// A project file, read and checked.
#[derive(Clone, Debug, Default)]
pub struct Config {
    /// The file it was read from.
    pub file: PathBuf,
    /// Source files or folders (`sources`), resolved against the file's folder.
    pub sources: Vec<PathBuf>,
    /// `sources` as written in the file, relative to its folder (what
    /// `gov diff` reads at a git revision when the file is at the root).
    pub sources_as_written: Vec<PathBuf>,
    /// `gov build`'s output folder (`out`), resolved likewise.
    pub out: Option<PathBuf>,
    /// A catalog file to use instead of the embedded one (`catalog`).
    pub catalog: Option<PathBuf>,
    /// `deny-warnings`.
    pub deny_warnings: bool,
    /// `[levels]`, in the file's order.
    pub levels: Vec<(codes::Code, Level)>,
    /// `[sarif] codes-url`: the web address of docs/codes.md, so SARIF rules
    /// can carry a `helpUri` (`<codes-url>#<code>`).
    pub codes_url: Option<String>,
    /// `[params]`: values of params (name → value), which `--set` overrides.
    pub params: IndexMap<String, Param>,
    /// The file's name as shown in diagnostics and its text, so that a
    /// problem with a value of `[params]`, found later, points into it.
    pub shown: String,
    pub text: String,
}

/// One entry of `[params]`.
#[derive(Clone, Debug, PartialEq)]
pub struct Param {
    pub value: toml::Value,
    /// 1-based line of its name in the file.
    pub line: usize,
    /// Its name in the file.
    pub name_span: Span,
    /// The whole value (a list's brackets included).
    pub span: Span,
    /// The span of each item of a list, else of the value.
    pub items: Vec<Span>,
}

impl Config {
    /// The levels the file sets, with `deny-warnings`; flags are applied on
    /// top by the caller (a later `set` replaces an earlier one).
    pub fn levels(&self) -> Levels {
        let mut levels = Levels::default();
        levels.deny_warnings = self.deny_warnings;
        for (code, level) in &self.levels {
            // Checked when the file was read: an error code holds only `error`.
            let _ = levels.set(*code, *level);
        }
        levels
    }
}

/// Why a project file could not be used.
pub enum ConfigError {
    /// It could not be read (`E0902`).
    Read(PathBuf, std::io::Error),
    /// It was read and is wrong: the diagnostics, over `sources`.
    Invalid {
        sources: SourceMap,
        diagnostics: Vec<Diagnostic>,
    },
}

/// The nearest `gov.toml` in `start` or a folder above it.
pub fn find(start: &Path) -> Option<PathBuf> {
    start
        .ancestors()
        .map(|dir| dir.join(FILE_NAME))
        .find(|candidate| candidate.is_file())
}

/// Reads `path`; relative paths in it are resolved against its folder, as
/// seen from the working folder `cwd` (so a file found above the working
/// folder yields `../policies`).
pub fn load(path: &Path, cwd: &Path) -> Result<Config, ConfigError> {
    let text =
        std::fs::read_to_string(path).map_err(|e| ConfigError::Read(path.to_path_buf(), e))?;
    let base = base_from(path, cwd);
    // Named as seen from the working folder, like the paths in it.
    let shown = match path.file_name() {
        Some(name) if base.is_relative() => base.join(name),
        _ => path.to_path_buf(),
    };
    let mut sources = SourceMap::new();
    let file = sources.add(shown.display().to_string(), text);
    let text = sources.text(file).to_string();
    match parse(&text, file, &base) {
        Ok(mut config) => {
            config.file = path.to_path_buf();
            config.shown = shown.display().to_string();
            config.text = text;
            Ok(config)
        }
        Err(diagnostics) => Err(ConfigError::Invalid {
            sources,
            diagnostics,
        }),
    }
}

/// The folder paths in `path` are relative to, spelled from `cwd`.
fn base_from(path: &Path, cwd: &Path) -> PathBuf {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => return PathBuf::new(),
    };
    if dir.is_relative() {
        return dir;
    }
    // Found above the working folder: climb with `..` instead of an
    // absolute path, so file names in diagnostics stay short.
    if let Ok(below) = cwd.strip_prefix(&dir) {
        return below.components().map(|_| "..").collect();
    }
    dir
}

fn span_of(range: std::ops::Range<usize>) -> Span {
    Span::new(range.start, range.end)
}

/// Checks the text of a project file (`file` in the caller's source map).
pub fn parse(text: &str, file: FileId, base: &Path) -> Result<Config, Vec<Diagnostic>> {
    let root = match DeTable::parse(text) {
        Ok(root) => root,
        Err(e) => {
            let span = e.span().map_or(Span::new(0, 0), span_of);
            let message = e.message().trim().trim_end_matches('.').to_string();
            return Err(vec![
                Diagnostic::new(
                    codes::E0920,
                    file,
                    span,
                    format!("`{FILE_NAME}` is not valid TOML"),
                )
                .with_label(first_lowercase(&message)),
            ]);
        }
    };
    let mut reader = Reader {
        file,
        base,
        errors: Vec::new(),
    };
    let mut config = Config::default();
    for (key, value) in root.get_ref() {
        let span = span_of(key.span());
        match key.get_ref().as_ref() {
            "sources" => {
                config.sources = reader.paths(value, "sources");
                config.sources_as_written = reader.paths_as_written(value);
            }
            "out" => config.out = reader.path(value, "out"),
            "catalog" => config.catalog = reader.path(value, "catalog"),
            "deny-warnings" => match value.get_ref() {
                DeValue::Boolean(b) => config.deny_warnings = *b,
                _ => reader.wrong(value, "deny-warnings", "`true` or `false`"),
            },
            "levels" => config.levels = reader.levels(value),
            "sarif" => config.codes_url = reader.sarif(value),
            "params" => config.params = reader.params(value, text),
            other => reader.unknown(span, other, "", TOP_KEYS),
        }
    }
    if reader.errors.is_empty() {
        Ok(config)
    } else {
        Err(reader.errors)
    }
}

fn first_lowercase(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(c) => c.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

struct Reader<'a> {
    file: FileId,
    base: &'a Path,
    errors: Vec<Diagnostic>,
}

impl Reader<'_> {
    fn unknown(&mut self, span: Span, key: &str, table: &str, known: &[&str]) {
        let shown = if table.is_empty() {
            key.to_string()
        } else {
            format!("{table}.{key}")
        };
        let mut diag = Diagnostic::new(
            codes::E0921,
            self.file,
            span,
            format!("unknown key `{shown}` in `{FILE_NAME}`"),
        )
        .with_label("not a setting gov knows");
        let near = known
            .iter()
            .map(|k| (strsim::levenshtein(k, key), *k))
            .filter(|(d, _)| *d <= 2)
            .min();
        diag = match near {
            Some((_, k)) => diag.with_suggestion(k),
            None => diag.with_help(format!(
                "the keys here are {}",
                known
                    .iter()
                    .map(|k| format!("`{k}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            )),
        };
        self.errors.push(diag);
    }

    fn wrong(&mut self, value: &Spanned<DeValue<'_>>, key: &str, wanted: &str) {
        self.errors.push(
            Diagnostic::new(
                codes::E0922,
                self.file,
                span_of(value.span()),
                format!("bad value for `{key}` in `{FILE_NAME}`"),
            )
            .with_label(format!(
                "expected {wanted}, found {}",
                value.get_ref().type_str()
            )),
        );
    }

    fn path(&mut self, value: &Spanned<DeValue<'_>>, key: &str) -> Option<PathBuf> {
        match value.get_ref() {
            DeValue::String(s) if !s.trim().is_empty() => Some(self.base.join(s.as_ref())),
            _ => {
                self.wrong(value, key, "a path (a non-empty string)");
                None
            }
        }
    }

    fn paths(&mut self, value: &Spanned<DeValue<'_>>, key: &str) -> Vec<PathBuf> {
        match value.get_ref() {
            DeValue::Array(items) if !items.is_empty() => items
                .iter()
                .filter_map(|item| self.path(item, key))
                .collect(),
            _ => {
                self.wrong(value, key, "a non-empty list of paths");
                Vec::new()
            }
        }
    }

    /// The strings of a list already checked by [`Reader::paths`].
    fn paths_as_written(&self, value: &Spanned<DeValue<'_>>) -> Vec<PathBuf> {
        match value.get_ref() {
            DeValue::Array(items) => items
                .iter()
                .filter_map(|item| item.get_ref().as_str().map(PathBuf::from))
                .collect(),
            _ => Vec::new(),
        }
    }

    fn table<'v, 'i>(
        &mut self,
        value: &'v Spanned<DeValue<'i>>,
        key: &str,
    ) -> Option<&'v DeTable<'i>> {
        match value.get_ref() {
            DeValue::Table(t) => Some(t),
            _ => {
                self.wrong(value, key, "a table");
                None
            }
        }
    }

    fn levels(&mut self, value: &Spanned<DeValue<'_>>) -> Vec<(codes::Code, Level)> {
        let Some(table) = self.table(value, "levels") else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for (key, value) in table {
            let name = key.get_ref().as_ref();
            let Some(code) = codes::lookup(name) else {
                self.errors.push(
                    Diagnostic::new(
                        codes::E0910,
                        self.file,
                        span_of(key.span()),
                        LevelError::UnknownCode(name.to_string()).to_string(),
                    )
                    .with_label("not a code gov reports")
                    .with_help("`gov explain CODE` knows every code; docs/codes.md lists them"),
                );
                continue;
            };
            let level = match value.get_ref() {
                DeValue::String(s) => Level::parse(s),
                _ => None,
            };
            let Some(level) = level else {
                self.errors.push(
                    Diagnostic::new(
                        codes::E0911,
                        self.file,
                        span_of(value.span()),
                        format!("invalid level for `{}` in `{FILE_NAME}`", code.id),
                    )
                    .with_label("expected `\"allow\"`, `\"warn\"` or `\"error\"`"),
                );
                continue;
            };
            if let Err(e) = Levels::default().set(code, level) {
                self.errors.push(
                    Diagnostic::new(
                        codes::E0911,
                        self.file,
                        span_of(value.span()),
                        e.to_string(),
                    )
                    .with_label("errors stay errors"),
                );
                continue;
            }
            out.push((code, level));
        }
        out
    }

    fn sarif(&mut self, value: &Spanned<DeValue<'_>>) -> Option<String> {
        let table = self.table(value, "sarif")?;
        let mut url = None;
        for (key, value) in table {
            match key.get_ref().as_ref() {
                "codes-url" => match value.get_ref() {
                    DeValue::String(s)
                        if (s.starts_with("https://") || s.starts_with("http://"))
                            && !s.contains(char::is_whitespace)
                            && !s.contains('#') =>
                    {
                        url = Some(s.to_string());
                    }
                    _ => self.wrong(
                        value,
                        "sarif.codes-url",
                        "an absolute `https://` address without `#`",
                    ),
                },
                other => self.unknown(span_of(key.span()), other, "sarif", SARIF_KEYS),
            }
        }
        url
    }

    fn params(&mut self, value: &Spanned<DeValue<'_>>, text: &str) -> IndexMap<String, Param> {
        let Some(table) = self.table(value, "params") else {
            return IndexMap::new();
        };
        // The values as plain TOML values: the whole file parses (it did
        // above), so this holds the same table.
        let plain: toml::Table = toml::from_str(text).unwrap_or_default();
        let values = plain.get("params").and_then(toml::Value::as_table);
        table
            .iter()
            .filter_map(|(key, spanned)| {
                let name = key.get_ref().to_string();
                let value = values.and_then(|v| v.get(&name))?.clone();
                let line = text[..key.span().start.min(text.len())]
                    .matches('\n')
                    .count()
                    + 1;
                let items = match spanned.get_ref() {
                    DeValue::Array(items) => items.iter().map(|i| span_of(i.span())).collect(),
                    _ => vec![span_of(spanned.span())],
                };
                Some((
                    name,
                    Param {
                        value,
                        line,
                        name_span: span_of(key.span()),
                        span: span_of(spanned.span()),
                        items,
                    },
                ))
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> Result<Config, Vec<String>> {
        let mut sources = SourceMap::new();
        let file = sources.add("gov.toml", text);
        parse(text, file, Path::new("")).map_err(|diags| {
            diags
                .iter()
                .map(|d| {
                    let (line, _) = sources.line_col(file, d.span.start);
                    format!("{}:{line}: {}", d.code, d.message)
                })
                .collect()
        })
    }

    #[test]
    fn a_full_file_reads() {
        let config = read(
            "sources = [\"policies\", \"more\"]\nout = \"build\"\ncatalog = \"c.txt\"\n\
             deny-warnings = true\n[levels]\nW0203 = \"error\"\nw0210 = \"allow\"\n\
             [sarif]\ncodes-url = \"https://example.com/docs/codes.md\"\n\
             [params]\nregion = \"eu-west-1\"\naccounts = [\"111122223333\"]\n",
        )
        .unwrap();
        assert_eq!(
            config.sources,
            vec![PathBuf::from("policies"), PathBuf::from("more")]
        );
        assert_eq!(config.sources_as_written, config.sources);
        assert_eq!(config.out, Some(PathBuf::from("build")));
        assert_eq!(config.catalog, Some(PathBuf::from("c.txt")));
        assert!(config.deny_warnings);
        assert_eq!(
            config.levels,
            vec![
                (codes::W0203, Level::Error),
                (codes::lookup("W0210").unwrap(), Level::Allow)
            ]
        );
        assert_eq!(
            config.codes_url.as_deref(),
            Some("https://example.com/docs/codes.md")
        );
        let names: Vec<&str> = config.params.keys().map(String::as_str).collect();
        assert_eq!(names, ["region", "accounts"]);
        assert_eq!(config.params["region"].line, 11);
        let text = "sources = [\"policies\", \"more\"]\nout = \"build\"\ncatalog = \"c.txt\"\n\
             deny-warnings = true\n[levels]\nW0203 = \"error\"\nw0210 = \"allow\"\n\
             [sarif]\ncodes-url = \"https://example.com/docs/codes.md\"\n\
             [params]\nregion = \"eu-west-1\"\naccounts = [\"111122223333\"]\n";
        let at = |s: Span| &text[s.start..s.end];
        let region = &config.params["region"];
        assert_eq!(at(region.name_span), "region");
        assert_eq!(at(region.span), "\"eu-west-1\"");
        assert_eq!(region.items, [region.span]);
        let accounts = &config.params["accounts"];
        assert_eq!(at(accounts.span), "[\"111122223333\"]");
        let items: Vec<&str> = accounts.items.iter().map(|s| at(*s)).collect();
        assert_eq!(items, ["\"111122223333\""]);
        assert_eq!(
            config.params["region"].value,
            toml::Value::String("eu-west-1".into())
        );
        let levels = config.levels();
        assert!(levels.deny_warnings);
        assert_eq!(levels.get(codes::W0203), Some(Level::Error));
    }

    #[test]
    fn an_empty_file_is_all_defaults() {
        let config = read("# nothing yet\n").unwrap();
        assert!(config.sources.is_empty() && config.out.is_none() && !config.deny_warnings);
    }

    #[test]
    fn every_problem_is_reported_with_its_line() {
        let errors = read(
            "sources = \"policies\"\nsorces = []\ndeny-warnings = \"yes\"\n[levels]\n\
             W9999 = \"error\"\nE0102 = \"warn\"\nW0203 = \"loud\"\n[sarif]\ncodes-url = \"docs/codes.md\"\n",
        )
        .unwrap_err();
        assert_eq!(
            errors,
            [
                "E0922:1: bad value for `sources` in `gov.toml`",
                "E0921:2: unknown key `sorces` in `gov.toml`",
                "E0922:3: bad value for `deny-warnings` in `gov.toml`",
                "E0910:5: unknown code `W9999`",
                "E0911:6: `E0102` is an error and cannot be set to `warn`",
                "E0911:7: invalid level for `W0203` in `gov.toml`",
                "E0922:9: bad value for `sarif.codes-url` in `gov.toml`",
            ]
        );
    }

    #[test]
    fn bad_toml_is_e0920() {
        let errors = read("sources = [\"a\"\nout = 1\n").unwrap_err();
        assert_eq!(errors.len(), 1);
        assert!(errors[0].starts_with("E0920:"), "{errors:?}");
    }

    #[test]
    fn paths_are_relative_to_the_file() {
        let cwd = Path::new("/repo/policies/team");
        assert_eq!(
            base_from(Path::new("/repo/gov.toml"), cwd),
            PathBuf::from("../..")
        );
        assert_eq!(
            base_from(Path::new("/repo/policies/team/gov.toml"), cwd),
            PathBuf::new()
        );
        assert_eq!(
            base_from(Path::new("conf/gov.toml"), cwd),
            PathBuf::from("conf")
        );
        assert_eq!(
            base_from(Path::new("/elsewhere/gov.toml"), cwd),
            PathBuf::from("/elsewhere")
        );
    }

    proptest::proptest! {
        /// Any text is read or refused with diagnostics inside the file,
        /// never a panic.
        #[test]
        fn any_text_is_read_or_refused_with_spans(
            text in "(sources|out|catalog|deny-warnings|levels|sarif|params|codes-url|W0203|E0102|[a-z]{1,3}|[ =\\[\\]\"{},.\n#]|true|1|\"x\"|'y'|\"\"\"){0,40}"
        ) {
            let mut sources = SourceMap::new();
            let file = sources.add("gov.toml", text.as_str());
            if let Err(diags) = parse(&text, file, Path::new("")) {
                proptest::prop_assert!(!diags.is_empty());
                for d in diags {
                    proptest::prop_assert!(d.span.start <= d.span.end && d.span.end <= text.len());
                }
            }
        }
    }
}
