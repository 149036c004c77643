//! `gov catalog diff OLD NEW` and `gov catalog impact NEW`: a watch on AWS's
//! catalog for a scheduled CI job. Exit 0 when nothing changed, 1 when
//! something did (the failed run is the alert), 2 when a catalog or the
//! policies cannot be read or do not build.

use super::args::WatchFormat;
use super::{EXIT_FINDINGS, EXIT_USAGE, Format, compile_or_report, load_catalog, plural};
use gov::catalog::Catalog;
use gov::diag::{self, Diagnostic};
use gov::watch::{self, CatalogDiff};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// The word that names the embedded catalog on the command line.
const EMBEDDED: &str = "embedded";

fn catalog_named(name: &str) -> Option<&'static Catalog> {
    if name == EMBEDDED && !Path::new(name).exists() {
        load_catalog(None)
    } else {
        load_catalog(Some(Path::new(name)))
    }
}

pub(crate) fn run_catalog_diff(old: &str, new: &str, format: WatchFormat) -> ExitCode {
    let (Some(old_catalog), Some(new_catalog)) = (catalog_named(old), catalog_named(new)) else {
        return ExitCode::from(EXIT_USAGE);
    };
    let changes = watch::diff(old_catalog, new_catalog);
    match format {
        WatchFormat::Json => {
            let info = |c: &Catalog| {
                serde_json::json!({
                    "source": c.info().source,
                    "version": c.info().version,
                    "date": c.info().date,
                })
            };
            let value = serde_json::json!({
                "old": info(old_catalog),
                "new": info(new_catalog),
                "changes": changes,
            });
            outln!(
                "{}",
                serde_json::to_string_pretty(&value).unwrap_or_default()
            );
        }
        WatchFormat::Human => print_diff(old_catalog, new_catalog, &changes),
    }
    if changes.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(EXIT_FINDINGS)
    }
}

fn print_diff(old: &Catalog, new: &Catalog, changes: &CatalogDiff) {
    let describe = |c: &Catalog| {
        let info = c.info();
        format!("{} {} of {}", info.source, info.version, info.date)
    };
    outln!("old: {}", diag::escape(&describe(old)));
    outln!("new: {}", diag::escape(&describe(new)));
    let lists: [(&str, Vec<String>); 6] = [
        ("services added", changes.services_added.clone()),
        ("services removed", changes.services_removed.clone()),
        ("actions added", changes.actions_added.clone()),
        ("actions removed", changes.actions_removed.clone()),
        ("condition keys added", changes.keys_added.clone()),
        ("condition keys removed", changes.keys_removed.clone()),
    ];
    for (title, names) in lists {
        print_list(title, &names);
    }
    let deprecated: Vec<String> = changes
        .keys_deprecated
        .iter()
        .map(|d| match &d.replaced_by {
            Some(by) => format!("{} (replaced by {by})", d.key),
            None => d.key.clone(),
        })
        .collect();
    print_list("condition keys deprecated", &deprecated);
    let retyped: Vec<String> = changes
        .key_types_changed
        .iter()
        .map(|t| format!("{}: {} → {}", t.key, t.old, t.new))
        .collect();
    print_list("condition key types changed", &retyped);
    if changes.is_empty() {
        outln!("no change");
    }
}

fn print_list(title: &str, names: &[String]) {
    if names.is_empty() {
        return;
    }
    outln!("\n{title} ({}):", names.len());
    for name in names {
        outln!("  {}", diag::escape(name));
    }
}

pub(crate) fn run_impact(
    new: &Path,
    paths: Vec<PathBuf>,
    values: &gov::compile::ParamValues,
    format: Format,
    color: bool,
    old: &Catalog,
) -> ExitCode {
    let Some(new_catalog) = load_catalog(Some(new)) else {
        return ExitCode::from(EXIT_USAGE);
    };
    let compilation = match compile_or_report(&paths, values, old) {
        Ok(c) => c,
        Err(code) => return code,
    };
    let sources = &compilation.loaded.sources;
    if compilation.has_errors() {
        let errors: Vec<Diagnostic> = compilation.errors().cloned().collect();
        err!("{}", diag::render_human(sources, &errors, color));
        errln!(
            "the policies do not build with the catalog in use: {} error{}",
            errors.len(),
            plural(errors.len())
        );
        return ExitCode::from(EXIT_USAGE);
    }
    let findings = watch::impact(&compilation.program, sources, old, new_catalog);
    match format {
        Format::Human => {
            err!("{}", diag::render_human(sources, &findings, color));
            let policies: std::collections::BTreeSet<&str> = findings
                .iter()
                .filter_map(|d| d.message.split('`').nth(1))
                .collect();
            errln!(
                "{} finding{} in {} polic{} under the newer catalog ({} {} of {})",
                findings.len(),
                plural(findings.len()),
                policies.len(),
                if policies.len() == 1 { "y" } else { "ies" },
                diag::escape(&new_catalog.info().source),
                diag::escape(&new_catalog.info().version),
                diag::escape(&new_catalog.info().date)
            );
        }
        Format::Json => out!("{}", diag::render_json(sources, &findings)),
        Format::Sarif => out!(
            "{}",
            diag::sarif::render_sarif(
                sources,
                &findings,
                &[],
                &gov::diag::levels::Levels::default(),
                &super::sarif_tool()
            )
        ),
    }
    if findings.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(EXIT_FINDINGS)
    }
}
