//! Writing the output folder: every check first, then every file staged next
//! to its target, then the renames.

use super::BuildError;
use rayon::prelude::*;
use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// One file to write: `out/<folder>/<file>`, or `out/<file>` without folder.
pub(crate) struct FileOut {
    pub folder: Option<&'static str>,
    pub file: String,
    pub bytes: Vec<u8>,
}

impl FileOut {
    fn dir(&self, out: &Path) -> PathBuf {
        match self.folder {
            Some(folder) => out.join(folder),
            None => out.to_path_buf(),
        }
    }

    fn target(&self, out: &Path) -> PathBuf {
        self.dir(out).join(&self.file)
    }

    /// The path below the output folder.
    pub(crate) fn relative(&self) -> PathBuf {
        match self.folder {
            Some(folder) => Path::new(folder).join(&self.file),
            None => PathBuf::from(&self.file),
        }
    }
}

fn io_error(path: &Path, reason: impl Into<String>) -> BuildError {
    BuildError::Io {
        path: path.to_path_buf(),
        reason: reason.into(),
    }
}

/// An I/O error as a reason: lowercase first letter, as every message.
fn reason(e: &io::Error) -> String {
    let text = e.to_string();
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => String::from("unknown error"),
    }
}

/// Writes `files` into `out`, in order, or nothing.
///
/// 1. Checks: `out` is a folder or absent; each kind folder is a folder (not
///    a symbolic link, so nothing lands outside `out`) or absent; no target
///    is a folder.
/// 2. Stages: creates the missing folders, writes each file to a temporary
///    file (`.gov-tmp-…`) in its target's folder, flushed. On any
///    failure the temporary files are deleted, the folders this call created
///    are removed again (only if empty) and nothing else has changed.
/// 3. Commits: renames each temporary file over its target, in order (each
///    rename is atomic); put the manifest last.
///
/// Files already in `out` that are not targets are never touched.
pub(crate) fn write_all(out: &Path, files: &[FileOut]) -> Result<(), Vec<BuildError>> {
    let out = if out.as_os_str().is_empty() {
        Path::new(".")
    } else {
        out
    };
    let errors = preflight(out, files);
    if !errors.is_empty() {
        return Err(errors);
    }
    stage_and_commit(out, files).map_err(|(path, why)| vec![io_error(&path, why)])
}

/// Steps 2 and 3 of [`write_all`]; fails with the path and the reason.
fn stage_and_commit(out: &Path, files: &[FileOut]) -> Result<(), (PathBuf, String)> {
    let mut created = Vec::new();
    let staged = match stage(out, files, &mut created) {
        Ok(staged) => staged,
        Err((path, why)) => {
            // Deepest first; `remove_dir` only removes empty folders.
            for dir in created.iter().rev() {
                let _ = fs::remove_dir(dir);
            }
            return Err((path, why));
        }
    };
    let mut folders: Vec<PathBuf> = Vec::new();
    for (tmp, target) in staged {
        if let Err(e) = tmp.persist(&target) {
            return Err((target, reason(&e.error)));
        }
        if let Some(dir) = target.parent()
            && !folders.iter().any(|f| f == dir)
        {
            folders.push(dir.to_path_buf());
        }
    }
    // Make the new names durable: one sync per folder, not per file. A
    // failure here changes nothing already renamed, so it is not an error.
    for dir in folders {
        if let Ok(handle) = fs::File::open(&dir) {
            let _ = handle.sync_all();
        }
    }
    Ok(())
}

fn preflight(out: &Path, files: &[FileOut]) -> Vec<BuildError> {
    let mut errors = Vec::new();
    match fs::metadata(out) {
        Ok(meta) if meta.is_dir() => {}
        Ok(_) => {
            errors.push(io_error(out, "it is a file, not a folder"));
            return errors;
        }
        Err(e) if e.kind() == io::ErrorKind::NotFound => return errors,
        Err(e) => {
            errors.push(io_error(out, reason(&e)));
            return errors;
        }
    }
    let mut folders: Vec<&'static str> = files.iter().filter_map(|f| f.folder).collect();
    folders.sort_unstable();
    folders.dedup();
    // Folders whose files need no look: missing, or already reported.
    let mut skip = Vec::new();
    for folder in folders {
        let dir = out.join(folder);
        let problem = match fs::symlink_metadata(&dir) {
            Ok(meta) if meta.file_type().is_symlink() => {
                Some("it is a symbolic link; gov writes only inside the output folder".to_string())
            }
            Ok(meta) if !meta.is_dir() => Some("it is a file, not a folder".to_string()),
            Ok(_) => None,
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                skip.push(folder);
                None
            }
            Err(e) => Some(reason(&e)),
        };
        if let Some(problem) = problem {
            errors.push(io_error(&dir, problem));
            skip.push(folder);
        }
    }
    for file in files {
        if file.folder.is_some_and(|f| skip.contains(&f)) {
            continue;
        }
        let target = file.target(out);
        match fs::symlink_metadata(&target) {
            Ok(meta) if meta.is_dir() => {
                errors.push(io_error(&target, "it is a folder, not a file"))
            }
            Ok(_) => {}
            Err(e) if e.kind() == io::ErrorKind::NotFound => {}
            Err(e) => errors.push(io_error(&target, reason(&e))),
        }
    }
    errors
}

type Staged = Vec<(tempfile::NamedTempFile, PathBuf)>;

/// Fails with the path and the reason (small, unlike a [`BuildError`]).
fn stage(
    out: &Path,
    files: &[FileOut],
    created: &mut Vec<PathBuf>,
) -> Result<Staged, (PathBuf, String)> {
    if !out.exists() {
        // The missing ancestors, outermost first, to create and maybe remove.
        let mut missing = Vec::new();
        let mut cursor = Some(out);
        while let Some(dir) = cursor {
            if dir.as_os_str().is_empty() || dir.exists() {
                break;
            }
            missing.push(dir.to_path_buf());
            cursor = dir.parent();
        }
        for dir in missing.into_iter().rev() {
            fs::create_dir(&dir).map_err(|e| (dir.clone(), reason(&e)))?;
            created.push(dir);
        }
    }
    // Each folder once (a handful for thousands of files), not a look per file.
    let mut folders: Vec<Option<&'static str>> = files.iter().map(|f| f.folder).collect();
    folders.sort_unstable();
    folders.dedup();
    for folder in folders {
        let dir = match folder {
            Some(folder) => out.join(folder),
            None => out.to_path_buf(),
        };
        if !created.contains(&dir) && !dir.exists() {
            fs::create_dir(&dir).map_err(|e| (dir.clone(), reason(&e)))?;
            created.push(dir);
        }
    }
    // The temporary files are written on every core; on a failure the ones
    // already written are removed when dropped, and the failure reported is
    // that of the first file in order (whatever the schedule).
    let staged: Vec<Result<_, _>> = files
        .par_iter()
        .map(|file| {
            let target = file.target(out);
            let mut tmp = crate::fsutil::temp_file_in(&file.dir(out))
                .map_err(|e| (target.clone(), reason(&e)))?;
            // No fsync per file: it cost ~9 ms a file here (a build of 2,000
            // policies took 18 s). Atomicity comes from the rename; the
            // folders are synced once after the renames (see
            // `stage_and_commit`).
            tmp.write_all(&file.bytes)
                .and_then(|()| tmp.flush())
                .map_err(|e| (target.clone(), reason(&e)))?;
            Ok((tmp, target))
        })
        .collect();
    staged.into_iter().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(folder: &'static str, name: &str) -> FileOut {
        FileOut {
            folder: Some(folder),
            file: name.to_string(),
            bytes: b"{}".to_vec(),
        }
    }

    #[test]
    fn a_failure_while_staging_leaves_the_folder_as_it_was() {
        // A kind folder that is a file makes staging fail after another file
        // was staged and its folder created (the check before would catch
        // it; here it is skipped on purpose, as if the folder appeared since).
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("a/out");
        fs::create_dir_all(&out).unwrap();
        fs::write(out.join("scp"), b"x").unwrap();
        let files = [
            file("policy", "A.json"),
            file("scp", "B.json"),
            FileOut {
                folder: None,
                file: "manifest.json".to_string(),
                bytes: b"{}".to_vec(),
            },
        ];
        let (path, why) = stage_and_commit(&out, &files).unwrap_err();
        assert_eq!(path, out.join("scp/B.json"));
        assert!(why.starts_with("not a directory"), "{why}");
        let mut left: Vec<_> = fs::read_dir(&out)
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        left.sort();
        assert_eq!(
            left,
            vec!["scp"],
            "the new folder and its staged file are gone"
        );
    }

    #[test]
    fn missing_ancestors_are_created_and_removed_again_on_failure() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("x/y/out");
        let files = [file("policy", "A.json"), file("scp", "B.json")];
        stage_and_commit(&out, &files).unwrap();
        assert!(out.join("policy/A.json").is_file());
        assert!(out.join("scp/B.json").is_file());

        let out = tmp.path().join("p/q/out");
        // A folder name the file system refuses (too long): staging fails
        // after `policy/A.json` was staged.
        let long: &'static str = Box::leak("n".repeat(300).into_boxed_str());
        let files = [file("policy", "A.json"), file(long, "B.json")];
        assert!(stage_and_commit(&out, &files).is_err());
        assert!(!tmp.path().join("p").exists(), "created folders removed");
    }

    #[test]
    fn io_reasons_start_lowercase() {
        let e = io::Error::new(io::ErrorKind::PermissionDenied, "Permission denied");
        assert_eq!(reason(&e), "permission denied");
    }
}
