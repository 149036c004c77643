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
/// 2. Stages: creates the missing ancestors of `out`. A kind folder that
///    does not exist yet is built whole, its files under their final names,
///    inside a private staging folder (`out/.gov-tmp-…`); every other file is
///    written to a temporary file (`.gov-tmp-…`) next to its target. On any
///    failure the staged files and the staging folder are deleted, the
///    folders this call created are removed again (only if empty) and
///    nothing else has changed.
/// 3. Commits: renames each temporary file over its target, in order (each
///    rename is atomic), then each new kind folder into `out` (one rename
///    for all its files), then the files at the top of `out` (the manifest)
///    last.
///
/// Files already in `out` that are not targets are never touched.
#[cfg(test)]
pub(crate) fn write_all(out: &Path, files: &[FileOut]) -> Result<(), Vec<BuildError>> {
    write_all_then(out, files, None::<Last<fn() -> Vec<u8>>>)
}

/// A file at the top of `out` written after all the others (the manifest),
/// whose bytes are made while the others are staged.
pub(crate) struct Last<F> {
    pub file: &'static str,
    pub bytes: F,
}

/// [`write_all`], then `last` (made on one core while the others write).
pub(crate) fn write_all_then<F: FnOnce() -> Vec<u8> + Send>(
    out: &Path,
    files: &[FileOut],
    last: Option<Last<F>>,
) -> Result<(), Vec<BuildError>> {
    let out = if out.as_os_str().is_empty() {
        Path::new(".")
    } else {
        out
    };
    let errors = preflight(out, files, last.as_ref().map(|l| l.file));
    if !errors.is_empty() {
        return Err(errors);
    }
    stage_and_commit(out, files, last).map_err(|(path, why)| vec![io_error(&path, why)])
}

/// What step 2 of [`write_all`] leaves for step 3.
struct Staged {
    /// Temporary files next to their targets in folders that exist, in order
    /// (closed: paths only, each deleted when dropped unless renamed; one open
    /// file per document would run out of file descriptors on a rebuild
    /// that changes more documents than the limit, often 256 or 1,024).
    in_folders: Vec<(tempfile::TempPath, PathBuf)>,
    /// Temporary files next to their targets at the top of `out`, in order.
    on_top: Vec<(tempfile::TempPath, PathBuf)>,
    /// The staging folder and the kind folders built inside it. Dropping it
    /// deletes whatever is still inside.
    staging: Option<(tempfile::TempDir, Vec<&'static str>)>,
}

/// Steps 2 and 3 of [`write_all`]; fails with the path and the reason.
fn stage_and_commit<F: FnOnce() -> Vec<u8> + Send>(
    out: &Path,
    files: &[FileOut],
    last: Option<Last<F>>,
) -> Result<(), (PathBuf, String)> {
    let mut created = Vec::new();
    let staged = match stage(out, files, last, &mut created) {
        Ok(staged) => staged,
        Err((path, why)) => {
            // Deepest first; `remove_dir` only removes empty folders.
            for dir in created.iter().rev() {
                let _ = fs::remove_dir(dir);
            }
            return Err((path, why));
        }
    };
    let mut synced: Vec<PathBuf> = Vec::new();
    let mut note = |dir: &Path| {
        if !synced.iter().any(|f| f == dir) {
            synced.push(dir.to_path_buf());
        }
    };
    for (tmp, target) in staged.in_folders {
        if let Err(e) = tmp.persist(&target) {
            return Err((target, reason(&e.error)));
        }
        if let Some(dir) = target.parent() {
            note(dir);
        }
    }
    if let Some((staging, folders)) = &staged.staging {
        for folder in folders {
            let target = out.join(folder);
            // A folder that appeared since the check makes this fail (unless
            // it is empty), never merge: nothing of it is touched.
            fs::rename(staging.path().join(folder), &target)
                .map_err(|e| (target.clone(), reason(&e)))?;
            note(&target);
        }
        note(out);
    }
    for (tmp, target) in staged.on_top {
        if let Err(e) = tmp.persist(&target) {
            return Err((target, reason(&e.error)));
        }
        note(out);
    }
    // Make the new names durable: one sync per folder, not per file. A
    // failure here changes nothing already renamed, so it is not an error.
    for dir in synced {
        if let Ok(handle) = fs::File::open(&dir) {
            let _ = handle.sync_all();
        }
    }
    Ok(())
}

fn preflight(out: &Path, files: &[FileOut], last: Option<&str>) -> Vec<BuildError> {
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
    let targets = files
        .iter()
        .filter(|file| !file.folder.is_some_and(|f| skip.contains(&f)))
        .map(|file| file.target(out))
        .chain(last.map(|name| out.join(name)));
    for target in targets {
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

/// Where one file is staged.
enum Place {
    /// A temporary file next to its target.
    Beside(tempfile::TempPath, PathBuf),
    /// Its final name inside the staging folder's copy of its kind folder.
    Staging,
    /// Nowhere: its target already holds exactly its bytes.
    Unchanged,
}

/// Fails with the path and the reason (small, unlike a [`BuildError`]).
fn stage<F: FnOnce() -> Vec<u8> + Send>(
    out: &Path,
    files: &[FileOut],
    last: Option<Last<F>>,
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
    // Each folder once (a handful for thousands of files), not a look per
    // file. A kind folder that is missing is built in the staging folder:
    // a file created under its final name in a new folder, and the folder
    // renamed once, costs the file system about half of a temporary file
    // renamed into place (a lookup, an insertion and a removal fewer per
    // file), and nobody sees the folder before it is complete.
    let mut folders: Vec<&'static str> = files.iter().filter_map(|f| f.folder).collect();
    folders.sort_unstable();
    folders.dedup();
    let new_folders: Vec<&'static str> = folders
        .into_iter()
        .filter(|folder| !out.join(folder).exists())
        .collect();
    let staging = if new_folders.is_empty() {
        None
    } else {
        let dir = tempfile::Builder::new()
            .prefix(".gov-tmp-")
            .tempdir_in(out)
            .map_err(|e| (out.to_path_buf(), reason(&e)))?;
        for folder in &new_folders {
            let path = dir.path().join(folder);
            // The mode any new folder gets (0777 less the umask), kept by
            // the rename.
            fs::create_dir(&path).map_err(|e| (out.join(folder), reason(&e)))?;
        }
        Some((dir, new_folders))
    };
    let staged_in = |file: &FileOut| -> Option<PathBuf> {
        let (dir, new) = staging.as_ref()?;
        let folder = file.folder?;
        new.contains(&folder)
            .then(|| dir.path().join(folder).join(&file.file))
    };
    // The files are written on every core; on a failure the ones already
    // written are removed when dropped (the staging folder with all it
    // holds), and the failure reported is that of the first file in order
    // (whatever the schedule).
    // Taken folder by folder: a file's creation locks its folder, so the
    // cores, each given a contiguous half of this order, mostly work in
    // different folders instead of waiting on one.
    let mut order: Vec<usize> = (0..files.len()).collect();
    order.sort_by_key(|&i| files[i].folder);
    let place_all = || {
        let mut placed: Vec<(usize, Result<Place, _>)> = order
            .into_par_iter()
            .map(|i| (i, place(&files[i], out, staged_in(&files[i]))))
            .collect();
        placed.sort_unstable_by_key(|(i, _)| *i);
        placed
    };
    // The last file's bytes are made on one core while the files are
    // written on the others (the manifest of 4,000 documents is 1.7 MB of
    // JSON: made alone it left the other core idle).
    let (placed, last) = match last {
        Some(Last { file, bytes }) => {
            let (placed, bytes) = rayon::join(place_all, bytes);
            (
                placed,
                Some(FileOut {
                    folder: None,
                    file: file.to_string(),
                    bytes,
                }),
            )
        }
        None => (place_all(), None),
    };
    let mut staged = Staged {
        in_folders: Vec::new(),
        on_top: Vec::new(),
        staging: None,
    };
    for (file, (_, place)) in files.iter().zip(placed) {
        if let Place::Beside(tmp, target) = place? {
            match file.folder {
                Some(_) => staged.in_folders.push((tmp, target)),
                None => staged.on_top.push((tmp, target)),
            }
        }
    }
    if let Some(file) = last
        && let Place::Beside(tmp, target) = place(&file, out, None)?
    {
        staged.on_top.push((tmp, target));
    }
    staged.staging = staging;
    Ok(staged)
}

/// Writes one file where [`stage`] put it: under its final name at
/// `staged` (in the staging folder), else in a temporary file beside its
/// target.
fn place(file: &FileOut, out: &Path, staged: Option<PathBuf>) -> Result<Place, (PathBuf, String)> {
    let target = file.target(out);
    // No fsync per file: it cost ~9 ms a file here (a build of 2,000
    // policies took 18 s). Atomicity comes from the renames; the folders
    // are synced once after them (see `stage_and_commit`).
    if let Some(path) = staged {
        return fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
            .and_then(|mut handle| handle.write_all(&file.bytes))
            .map(|()| Place::Staging)
            .map_err(|e| (target, reason(&e)));
    }
    // A rebuild with little changed (in CI, or `gov watch` after each edit)
    // would otherwise replace every file: a rename over a file costs the
    // file system several times the read that shows it is the same.
    if holds_already(&target, &file.bytes) {
        return Ok(Place::Unchanged);
    }
    let mut tmp =
        crate::fsutil::temp_file_in(&file.dir(out)).map_err(|e| (target.clone(), reason(&e)))?;
    tmp.write_all(&file.bytes)
        .and_then(|()| tmp.flush())
        .map_err(|e| (target.clone(), reason(&e)))?;
    // Closed now; the path still deletes the file when dropped.
    Ok(Place::Beside(tmp.into_temp_path(), target))
}

/// Whether `target` is a regular file (not a link) holding exactly `bytes`:
/// then it is left as it is (its mode and time included). Any doubt is `false`
/// and the file is replaced as usual.
fn holds_already(target: &Path, bytes: &[u8]) -> bool {
    let Ok(meta) = fs::symlink_metadata(target) else {
        return false;
    };
    if !meta.is_file() || meta.len() != bytes.len() as u64 {
        return false;
    }
    // A file linked from elsewhere as well is replaced, as it always was:
    // kept, it would change whenever its other name is written to.
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        if meta.nlink() != 1 {
            return false;
        }
    }
    // The project's bounded read: a regular file, read at most one byte past
    // the length expected.
    crate::load::read_limited(target, bytes.len()).is_ok_and(|(held, _)| held == bytes)
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
        let (path, why) =
            stage_and_commit(&out, &files, None::<Last<fn() -> Vec<u8>>>).unwrap_err();
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
        stage_and_commit(&out, &files, None::<Last<fn() -> Vec<u8>>>).unwrap();
        assert!(out.join("policy/A.json").is_file());
        assert!(out.join("scp/B.json").is_file());

        let out = tmp.path().join("p/q/out");
        // A folder name the file system refuses (too long): staging fails
        // after `policy/A.json` was staged.
        let long: &'static str = Box::leak("n".repeat(300).into_boxed_str());
        let files = [file("policy", "A.json"), file(long, "B.json")];
        assert!(stage_and_commit(&out, &files, None::<Last<fn() -> Vec<u8>>>).is_err());
        assert!(!tmp.path().join("p").exists(), "created folders removed");
    }

    /// Every name in `dir`, sorted.
    fn names(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn new_kind_folders_arrive_whole_and_existing_ones_keep_their_other_files() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("out");
        fs::create_dir_all(out.join("policy")).unwrap();
        fs::write(out.join("policy/Old.json"), b"old").unwrap();
        fs::write(out.join("policy/A.json"), b"stale").unwrap();
        let files = [
            file("policy", "A.json"),
            file("scp", "B.json"),
            file("scp", "C.json"),
            file("key_policy", "D.json"),
            FileOut {
                folder: None,
                file: "manifest.json".to_string(),
                bytes: b"{\"m\":1}".to_vec(),
            },
        ];
        write_all(&out, &files).unwrap();
        assert_eq!(
            names(&out),
            vec!["key_policy", "manifest.json", "policy", "scp"],
            "no staging folder is left behind"
        );
        assert_eq!(names(&out.join("policy")), vec!["A.json", "Old.json"]);
        assert_eq!(names(&out.join("scp")), vec!["B.json", "C.json"]);
        assert_eq!(fs::read(out.join("policy/A.json")).unwrap(), b"{}");
        assert_eq!(fs::read(out.join("scp/C.json")).unwrap(), b"{}");
        assert_eq!(fs::read(out.join("manifest.json")).unwrap(), b"{\"m\":1}");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            // A staged folder and its files get the modes of a plain create.
            let mode = |p: &Path| fs::metadata(p).unwrap().permissions().mode() & 0o777;
            fs::create_dir(tmp.path().join("plain")).unwrap();
            fs::write(tmp.path().join("plain/f"), b"").unwrap();
            assert_eq!(mode(&out.join("scp")), mode(&tmp.path().join("plain")));
            assert_eq!(
                mode(&out.join("scp/B.json")),
                mode(&tmp.path().join("plain/f"))
            );
        }
    }

    #[test]
    fn a_failure_in_a_new_kind_folder_leaves_no_staging_folder() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("out");
        fs::create_dir_all(&out).unwrap();
        fs::write(out.join("keep.txt"), b"k").unwrap();
        // A file name the file system refuses (too long), after another
        // file of the same new folder was written.
        let files = [file("scp", "A.json"), file("scp", &"n".repeat(300))];
        let (path, _) = stage_and_commit(&out, &files, None::<Last<fn() -> Vec<u8>>>).unwrap_err();
        assert_eq!(path, out.join("scp").join("n".repeat(300)));
        assert_eq!(names(&out), vec!["keep.txt"]);
    }

    #[cfg(unix)]
    #[test]
    fn a_rebuild_leaves_unchanged_files_alone_and_replaces_the_others() {
        use std::os::unix::fs::MetadataExt;
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("out");
        let with = |name: &str, bytes: &[u8]| FileOut {
            folder: Some("scp"),
            file: name.to_string(),
            bytes: bytes.to_vec(),
        };
        write_all(
            &out,
            &[
                with("A.json", b"{}"),
                with("B.json", b"{}"),
                with("C.json", b"{}"),
            ],
        )
        .unwrap();
        let inode = |name: &str| fs::metadata(out.join("scp").join(name)).unwrap().ino();
        let (a, b) = (inode("A.json"), inode("B.json"));
        // B changes (same length), C is now a link to an identical file.
        fs::write(tmp.path().join("same"), b"{}").unwrap();
        fs::remove_file(out.join("scp/C.json")).unwrap();
        std::os::unix::fs::symlink(tmp.path().join("same"), out.join("scp/C.json")).unwrap();
        write_all(
            &out,
            &[
                with("A.json", b"{}"),
                with("B.json", b"[]"),
                with("C.json", b"{}"),
            ],
        )
        .unwrap();
        assert_eq!(inode("A.json"), a, "an unchanged file is not touched");
        assert_ne!(inode("B.json"), b);
        assert_eq!(fs::read(out.join("scp/B.json")).unwrap(), b"[]");
        let c_now = fs::symlink_metadata(out.join("scp/C.json")).unwrap();
        assert!(c_now.is_file(), "a link is replaced by a file, never kept");
        // A hard link to an identical file elsewhere is replaced too.
        fs::hard_link(out.join("scp/A.json"), tmp.path().join("elsewhere")).unwrap();
        write_all(&out, &[with("A.json", b"{}")]).unwrap();
        assert_ne!(inode("A.json"), a);
        assert_eq!(fs::read(tmp.path().join("elsewhere")).unwrap(), b"{}");
        assert_eq!(names(&out.join("scp")), vec!["A.json", "B.json", "C.json"]);
    }

    #[test]
    fn the_last_file_is_made_while_the_others_are_staged_and_checked_like_them() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("out");
        let files = [file("scp", "A.json"), file("policy", "B.json")];
        let last = Last {
            file: "manifest.json",
            bytes: || b"{\"last\":true}".to_vec(),
        };
        write_all_then(&out, &files, Some(last)).unwrap();
        assert_eq!(names(&out), vec!["manifest.json", "policy", "scp"]);
        assert_eq!(
            fs::read(out.join("manifest.json")).unwrap(),
            b"{\"last\":true}"
        );
        // Its target a folder: refused before anything is written.
        let out = tmp.path().join("other");
        fs::create_dir_all(out.join("manifest.json")).unwrap();
        let last = Last {
            file: "manifest.json",
            bytes: || b"{}".to_vec(),
        };
        let errors = write_all_then(&out, &files, Some(last)).unwrap_err();
        assert_eq!(errors.len(), 1);
        assert_eq!(names(&out), vec!["manifest.json"]);
    }

    #[test]
    fn io_reasons_start_lowercase() {
        let e = io::Error::new(io::ErrorKind::PermissionDenied, "Permission denied");
        assert_eq!(reason(&e), "permission denied");
    }
}
