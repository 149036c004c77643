//! Per-code levels chosen by whoever runs gov: a warning can be turned off
//! (`allow`), kept (`warn`) or made to fail the run (`error`), and all
//! warnings can fail it at once (`deny_warnings`). Errors stay errors: an
//! error means the policy cannot be built as written, so no level lowers it.
//!
//! [`Levels`] is plain data filled by [`Levels::set`]; the command line fills
//! it from `--level CODE=LEVEL`, and a project file can fill it the same way
//! before the flags (a later `set` of a code replaces an earlier one).

use super::{Diagnostic, Severity, codes::Code};
use std::collections::BTreeMap;

/// What to do with the findings of one code.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Level {
    /// Not reported.
    Allow,
    /// Reported as a warning.
    Warn,
    /// Reported as an error: the run fails.
    Error,
}

impl Level {
    /// `allow`, `warn` or `error`.
    pub fn parse(text: &str) -> Option<Level> {
        match text.trim() {
            "allow" => Some(Level::Allow),
            "warn" => Some(Level::Warn),
            "error" => Some(Level::Error),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Level::Allow => "allow",
            Level::Warn => "warn",
            Level::Error => "error",
        }
    }
}

/// Why a level could not be set.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LevelError {
    /// Not of the form `CODE=allow|warn|error`.
    Malformed(String),
    /// The code is not in the registry.
    UnknownCode(String),
    /// An error code given `allow` or `warn`.
    ErrorLowered(Code, Level),
}

impl std::fmt::Display for LevelError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            LevelError::Malformed(text) => write!(
                f,
                "`{text}` is not a level: write `CODE=allow`, `CODE=warn` or `CODE=error`"
            ),
            LevelError::UnknownCode(code) => write!(f, "unknown code `{code}`"),
            LevelError::ErrorLowered(code, level) => write!(
                f,
                "`{code}` is an error and cannot be set to `{}`",
                level.as_str()
            ),
        }
    }
}

/// The levels of one run.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Levels {
    by_code: BTreeMap<Code, Level>,
    /// Every warning that is still a warning fails the run.
    pub deny_warnings: bool,
}

impl Levels {
    /// Sets the level of `code`, replacing an earlier one. Errors accept
    /// only `error`.
    pub fn set(&mut self, code: Code, level: Level) -> Result<(), LevelError> {
        if code.severity == Severity::Error && level != Level::Error {
            return Err(LevelError::ErrorLowered(code, level));
        }
        self.by_code.insert(code, level);
        Ok(())
    }

    /// Sets a level written `CODE=LEVEL` (the code in any case).
    pub fn set_from_text(&mut self, text: &str) -> Result<(), LevelError> {
        let Some((code, level)) = text.split_once('=') else {
            return Err(LevelError::Malformed(text.to_string()));
        };
        let Some(level) = Level::parse(level) else {
            return Err(LevelError::Malformed(text.to_string()));
        };
        let Some(code) = super::codes::lookup(code.trim()) else {
            return Err(LevelError::UnknownCode(code.trim().to_string()));
        };
        self.set(code, level)
    }

    /// The level set for `code`, if any.
    pub fn get(&self, code: Code) -> Option<Level> {
        self.by_code.get(&code).copied()
    }

    /// Every code given a level, in the registry's order.
    pub fn iter(&self) -> impl Iterator<Item = (Code, Level)> + '_ {
        self.by_code.iter().map(|(code, level)| (*code, *level))
    }

    /// The diagnostics as this run reports them: `allow`ed codes left out,
    /// severities as set.
    pub fn apply(&self, diagnostics: &[Diagnostic]) -> Vec<Diagnostic> {
        diagnostics
            .iter()
            .filter_map(|d| match self.get(d.code) {
                Some(Level::Allow) => None,
                Some(Level::Warn) => Some(Diagnostic {
                    severity: Severity::Warning,
                    ..d.clone()
                }),
                Some(Level::Error) => Some(Diagnostic {
                    severity: Severity::Error,
                    ..d.clone()
                }),
                None => Some(d.clone()),
            })
            .collect()
    }

    /// Whether diagnostics reported under these levels fail the run.
    pub fn fails(&self, reported: &[Diagnostic]) -> bool {
        reported
            .iter()
            .any(|d| d.is_error() || (self.deny_warnings && d.severity == Severity::Warning))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::codes;
    use crate::source::Span;

    fn diag(code: Code) -> Diagnostic {
        Diagnostic::new(code, 0, Span::new(0, 1), "x")
    }

    #[test]
    fn levels_change_what_is_reported_and_what_fails() {
        let found = [diag(codes::W0203), diag(codes::W0201), diag(codes::W0101)];
        let mut levels = Levels::default();
        assert!(!levels.fails(&levels.apply(&found)));
        levels.set_from_text("W0203=allow").unwrap();
        levels.set_from_text("w0201=error").unwrap();
        let reported = levels.apply(&found);
        let shown: Vec<(&str, Severity)> =
            reported.iter().map(|d| (d.code.id, d.severity)).collect();
        assert_eq!(
            shown,
            [("W0201", Severity::Error), ("W0101", Severity::Warning)]
        );
        assert!(levels.fails(&reported));
        // A later setting replaces an earlier one.
        levels.set(codes::W0201, Level::Warn).unwrap();
        assert!(!levels.fails(&levels.apply(&found)));
        levels.deny_warnings = true;
        assert!(levels.fails(&levels.apply(&found)));
    }

    #[test]
    fn errors_stay_errors_and_bad_text_is_refused() {
        let mut levels = Levels::default();
        assert_eq!(
            levels.set_from_text("E0301=warn"),
            Err(LevelError::ErrorLowered(codes::E0301, Level::Warn))
        );
        assert_eq!(levels.set_from_text("E0301=error"), Ok(()));
        assert_eq!(
            levels.set_from_text("W9999=allow"),
            Err(LevelError::UnknownCode("W9999".to_string()))
        );
        for bad in ["W0203", "W0203=off", "=allow"] {
            assert!(
                matches!(
                    levels.set_from_text(bad),
                    Err(LevelError::Malformed(_) | LevelError::UnknownCode(_))
                ),
                "{bad}"
            );
        }
    }
}
