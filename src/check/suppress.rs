//! Suppressions written in the source: `@allow("<code>", reason = "…")` before
//! a policy or a rule silences the named warnings inside it. Each needs a
//! reason (it is kept, and SARIF shows it); an error cannot be silenced; a
//! suppression that silences nothing is itself a warning, so stale ones do
//! not pile up.

use crate::diag::{Diagnostic, Severity, Suppressed, codes};
use crate::load::Loaded;
use crate::source::{FileId, Span, Spanned};
use crate::syntax::ast;

/// The annotation's name.
pub const ALLOW: &str = "allow";
/// The one named argument `@allow` takes.
const REASON: &str = "reason";

/// One valid `@allow`: the codes it names, its reason, and where it applies.
struct Allow {
    file: FileId,
    /// The policy or rule it stands before.
    scope: Span,
    /// The whole annotation, for SARIF.
    annotation: Span,
    reason: String,
    /// Each code with the span of its string, and whether it silenced something.
    codes: Vec<(codes::Code, Span, bool)>,
}

/// The `@allow`s of a compilation, read from its syntax trees, and the
/// problems found in them: gathered by the check, policy by policy, so that
/// each tree can go once checked (memory), and applied when every diagnostic
/// is known.
#[derive(Default)]
pub struct Allows {
    allows: Vec<Allow>,
    problems: Vec<Diagnostic>,
}

/// Reads every `@allow` of the loaded files.
pub fn collect_allows(loaded: &Loaded) -> Allows {
    let mut allows = Allows::default();
    for file in &loaded.files {
        for item in &file.ast.items {
            if let ast::Item::Policy(policy) = item {
                allows.add_policy(file.id, policy);
            }
        }
    }
    allows
}

impl Allows {
    /// Reads the `@allow`s of one policy and of its rules.
    pub(crate) fn add_policy(&mut self, file: FileId, policy: &ast::PolicyDecl) {
        let (allows, problems) = (&mut self.allows, &mut self.problems);
        collect(file, *policy.span, &policy.annotations, allows, problems);
        for rule in &policy.rules {
            collect(file, *rule.span, &rule.annotations, allows, problems);
        }
    }

    /// Adds those of `other`, after these.
    pub(crate) fn append(&mut self, mut other: Allows) {
        self.allows.append(&mut other.allows);
        self.problems.append(&mut other.problems);
    }
}

/// Moves the warnings that an `@allow` silences out of `diagnostics`, adds
/// the diagnostics of malformed and unused `@allow`s, and returns what was
/// silenced.
pub fn apply(loaded: &Loaded, diagnostics: &mut Vec<Diagnostic>) -> Vec<Suppressed> {
    collect_allows(loaded).apply(diagnostics)
}

impl Allows {
    /// [`apply`] with the `@allow`s read before.
    pub fn apply(self, diagnostics: &mut Vec<Diagnostic>) -> Vec<Suppressed> {
        let Allows {
            mut allows,
            mut problems,
        } = self;
        let mut suppressed = Vec::new();
        if !allows.is_empty() {
            let mut kept = Vec::with_capacity(diagnostics.len());
            for diag in diagnostics.drain(..) {
                match silencer(&mut allows, &diag) {
                    Some(allow) => suppressed.push(Suppressed {
                        reason: allow.reason.clone(),
                        annotation: Some((allow.file, allow.annotation)),
                        diagnostic: diag,
                    }),
                    None => kept.push(diag),
                }
            }
            *diagnostics = kept;
        }
        for allow in &allows {
            // Where an error stands, the checks that find warnings may not have
            // run: whether the `@allow` is stale is unknown until it is fixed.
            let has_error = diagnostics
                .iter()
                .any(|d| d.is_error() && allow.contains(d.file, d.span));
            if has_error {
                continue;
            }
            for (code, span, used) in &allow.codes {
                if !used {
                    problems.push(
                        Diagnostic::new(
                            codes::W0310,
                            allow.file,
                            *span,
                            format!("`@allow` of `{code}` silences nothing here"),
                        )
                        .with_label("no such warning in this policy or rule")
                        .with_help("remove the code from `@allow`, or the whole annotation"),
                    );
                }
            }
        }
        diagnostics.append(&mut problems);
        crate::diag::sort(diagnostics);
        suppressed
    }
}

impl Allow {
    fn contains(&self, file: FileId, span: Span) -> bool {
        self.file == file && self.scope.start <= span.start && span.end <= self.scope.end
    }
}

/// The innermost `@allow` that silences `diag` (marked used), if any.
fn silencer<'a>(allows: &'a mut [Allow], diag: &Diagnostic) -> Option<&'a Allow> {
    if diag.severity != Severity::Warning {
        return None;
    }
    let mut best: Option<(usize, usize)> = None;
    for (i, allow) in allows.iter().enumerate() {
        if !allow.contains(diag.file, diag.span) {
            continue;
        }
        if let Some(c) = allow
            .codes
            .iter()
            .position(|(code, _, _)| *code == diag.code)
        {
            let narrower = best.is_none_or(|(b, _)| {
                allows[b].scope.end - allows[b].scope.start > allow.scope.end - allow.scope.start
            });
            if narrower {
                best = Some((i, c));
            }
        }
    }
    let (i, c) = best?;
    allows[i].codes[c].2 = true;
    Some(&allows[i])
}

/// Reads the `@allow`s among `annotations`; reports malformed ones.
fn collect(
    file: FileId,
    scope: Span,
    annotations: &[ast::Annotation],
    allows: &mut Vec<Allow>,
    problems: &mut Vec<Diagnostic>,
) {
    for a in annotations.iter().filter(|a| a.name.node == ALLOW) {
        let mut codes = Vec::new();
        for arg in std::iter::once(&a.arg).chain(&a.args) {
            if let Some(code) = allowed_code(file, arg, problems) {
                codes.push((code, arg.span, false));
            }
        }
        let mut reason = None;
        for (name, value) in &a.fields {
            if name.node == REASON && reason.is_none() {
                reason = Some(value);
            } else {
                problems.push(
                    Diagnostic::new(
                        codes::E0313,
                        file,
                        name.span,
                        format!("`@allow` takes no argument `{}` here", name.node),
                    )
                    .with_label("not an argument of `@allow`")
                    .with_help("`@allow` takes codes and one `reason = \"…\"`"),
                );
            }
        }
        let reason = match reason {
            Some(r) if !r.node.trim().is_empty() => r.node.clone(),
            Some(r) => {
                problems.push(no_reason(file, r.span, "the reason is empty", &a.arg.node));
                continue;
            }
            None => {
                problems.push(no_reason(
                    file,
                    *a.span,
                    "`@allow` without a reason",
                    &a.arg.node,
                ));
                continue;
            }
        };
        if !codes.is_empty() {
            allows.push(Allow {
                file,
                scope,
                annotation: *a.span,
                reason,
                codes,
            });
        }
    }
}

fn no_reason(file: FileId, span: Span, message: &str, first_code: &str) -> Diagnostic {
    Diagnostic::new(codes::E0312, file, span, message)
        .with_label("say why the warning does not apply")
        .with_help(format!(
            "write `@allow(\"{first_code}\", reason = \"…\")`: the reason is kept with the finding"
        ))
}

/// The warning code `arg` names, or the diagnostic saying why it cannot be
/// allowed.
fn allowed_code(
    file: FileId,
    arg: &Spanned<String>,
    problems: &mut Vec<Diagnostic>,
) -> Option<codes::Code> {
    let Some(code) = codes::lookup(arg.node.trim()) else {
        problems.push(
            Diagnostic::new(
                codes::E0310,
                file,
                arg.span,
                format!("`{}` is not a diagnostic code", arg.node),
            )
            .with_label("unknown code")
            .with_help("`gov explain CODE` describes each code; warnings start with `W`"),
        );
        return None;
    };
    if code.severity == Severity::Error {
        problems.push(
            Diagnostic::new(
                codes::E0311,
                file,
                arg.span,
                format!("`{}` is an error and cannot be allowed", code.id),
            )
            .with_label("errors cannot be silenced")
            .with_help("an error means the policy would not do what it says; fix the source"),
        );
        return None;
    }
    Some(code)
}
