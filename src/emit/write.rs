//! Writing the output folder: the folder checked and opened ([`Staging`]),
//! every file staged (next to its target, or in a staging folder) as soon as
//! its bytes are known, then the renames, or nothing at all.

use super::BuildError;
use checks::{
    check_folders, check_target, holds_already, holds_the_file, preflight, still_a_folder,
    what_is_at,
};
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

/// A file of a build: its bytes, still to be written, or what
/// [`Staging::put`] did with them (the bytes then gone from memory).
pub(crate) enum Doc {
    Held(FileOut),
    Put(Put),
}

impl From<FileOut> for Doc {
    fn from(file: FileOut) -> Doc {
        Doc::Held(file)
    }
}

/// `file` put into `staging` at once when there is one (its bytes dropped),
/// else held until the build writes.
pub(crate) fn stage(staging: Option<&Staging>, file: FileOut) -> Doc {
    match staging {
        Some(staging) => Doc::Put(staging.put(&file)),
        None => Doc::Held(file),
    }
}

/// Where [`Staging::put`] wrote one file, or why it did not.
pub(crate) type Put = Result<Place, PutError>;

pub(crate) enum PutError {
    /// What the checks before writing find (a target that is a folder),
    /// with the path and the reason: all of them are reported, and before
    /// any failure to write.
    Refused(PathBuf, String),
    /// A failure to write, with the path and the reason: the first, in the
    /// order of the files, is reported.
    Failed(PathBuf, String),
}

/// Where one file is staged.
pub(crate) enum Place {
    /// A temporary file next to its target, closed (a path only, deleted
    /// when dropped unless renamed: one open file per document would run out
    /// of file descriptors on a rebuild that changes more documents than the
    /// limit, often 256 or 1,024). `on_top`: the target is at the top of the
    /// output folder (renamed after the kind folders).
    Beside {
        tmp: tempfile::TempPath,
        target: PathBuf,
        on_top: bool,
    },
    /// Its final name inside the staging folder's copy of this kind folder.
    Staging(&'static str),
    /// Nowhere: its target already holds exactly its bytes.
    Unchanged,
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

/// `out` as a path to join to (`.` for the empty path).
fn folder_of(out: &Path) -> &Path {
    if out.as_os_str().is_empty() {
        Path::new(".")
    } else {
        out
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
pub(crate) fn write_all(out: &Path, files: Vec<FileOut>) -> Result<(), Vec<BuildError>> {
    finish(
        None,
        out,
        files,
        None::<Last<fn(&mut dyn Write) -> io::Result<()>>>,
    )
}

/// A file at the top of `out` renamed into place after all the others (the
/// manifest), written by `write` straight into its temporary file (never
/// whole in memory) while the others are staged.
pub(crate) struct Last<F> {
    pub file: &'static str,
    pub write: F,
}

/// The output folder of a build, checked and ready for its files: its
/// missing ancestors created, and a private staging folder (`out/.gov-tmp-…`)
/// holding a new copy of each kind folder that does not exist yet. Files
/// are put into it as soon as their bytes are known, on any core
/// ([`Staging::put`]), so a build never holds all its documents in memory;
/// nobody sees them before [`Staging::commit`]. Dropped without a commit, it
/// deletes what it staged and removes the folders it created (only if empty):
/// the output folder is as it was.
pub(crate) struct Staging {
    out: PathBuf,
    /// The kind folders that exist: their files are written beside their
    /// targets.
    existing: Vec<&'static str>,
    /// The staging folder and the kind folders built inside it.
    staging: Option<(tempfile::TempDir, Vec<&'static str>)>,
    /// The ancestors of `out` created by [`Staging::open`], outermost first.
    created: Vec<PathBuf>,
    committed: bool,
}

impl Drop for Staging {
    fn drop(&mut self) {
        if self.committed {
            return;
        }
        // The staging folder first (with all it holds), then the folders
        // created, deepest first; `remove_dir` only removes empty folders.
        drop(self.staging.take());
        for dir in self.created.iter().rev() {
            let _ = fs::remove_dir(dir);
        }
    }
}

impl Staging {
    /// Checks `out` and the kind `folders` its files will go to (step 1 of
    /// [`write_all`], but for the targets, checked by [`Staging::put`]) and
    /// that `last`, a file at the top of `out`, is not a folder; then
    /// creates what is missing (step 2).
    pub(crate) fn open(
        out: &Path,
        folders: &[&'static str],
        last: Option<&str>,
    ) -> Result<Staging, Vec<BuildError>> {
        let out = folder_of(out);
        let mut folders = folders.to_vec();
        folders.sort_unstable();
        folders.dedup();
        let (mut errors, _) = check_folders(out, &folders);
        if errors.is_empty()
            && let Some(error) = last.and_then(|name| check_target(&out.join(name)))
        {
            errors.push(error);
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        let mut opened = Staging {
            out: out.to_path_buf(),
            existing: Vec::new(),
            staging: None,
            created: Vec::new(),
            committed: false,
        };
        opened
            .prepare(&folders)
            .map_err(|(path, why)| vec![io_error(&path, why)])?;
        Ok(opened)
    }

    /// Creates the missing ancestors of `out`, then the staging folder with
    /// the kind folders that do not exist yet.
    fn prepare(&mut self, folders: &[&'static str]) -> Result<(), (PathBuf, String)> {
        let out = self.out.clone();
        if !out.exists() {
            // The missing ancestors, outermost first, to create and maybe remove.
            let mut missing = Vec::new();
            let mut cursor = Some(out.as_path());
            while let Some(dir) = cursor {
                if dir.as_os_str().is_empty() || dir.exists() {
                    break;
                }
                missing.push(dir.to_path_buf());
                cursor = dir.parent();
            }
            for dir in missing.into_iter().rev() {
                fs::create_dir(&dir).map_err(|e| (dir.clone(), reason(&e)))?;
                self.created.push(dir);
            }
        }
        // Each folder looked at once (a handful for thousands of files). A
        // kind folder that is missing is built in the staging folder: a file
        // created under its final name in a new folder, and the folder
        // renamed once, costs the file system about half of a temporary file
        // renamed into place (a lookup, an insertion and a removal fewer per
        // file), and nobody sees the folder before it is complete.
        let (existing, new): (Vec<&'static str>, Vec<&'static str>) =
            folders.iter().partition(|folder| out.join(folder).exists());
        self.existing = existing;
        if !new.is_empty() {
            let dir = tempfile::Builder::new()
                .prefix(".gov-tmp-")
                .tempdir_in(&out)
                .map_err(|e| (out.clone(), reason(&e)))?;
            for folder in &new {
                // The mode any new folder gets (0777 less the umask), kept by
                // the rename.
                fs::create_dir(dir.path().join(folder))
                    .map_err(|e| (out.join(folder), reason(&e)))?;
            }
            self.staging = Some((dir, new));
        }
        Ok(())
    }

    /// Writes `file` where it waits for the commit: under its final name in
    /// the staging folder (a new kind folder), else in a temporary file
    /// beside its target, unless the target holds its bytes already. Callable
    /// from any core.
    pub(crate) fn put(&self, file: &FileOut) -> Put {
        // No fsync per file: it cost ~9 ms a file here (a build of 2,000
        // policies took 18 s). Atomicity comes from the renames; the folders
        // are synced once after them (see `commit`).
        if let Some(folder) = file.folder
            && let Some((dir, new)) = &self.staging
            && new.contains(&folder)
        {
            return fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(dir.path().join(folder).join(&file.file))
                .and_then(|mut handle| handle.write_all(&file.bytes))
                .map(|()| Place::Staging(folder))
                .map_err(|e| PutError::Failed(file.target(&self.out), reason(&e)));
        }
        if let Some(folder) = file.folder
            && !self.existing.contains(&folder)
        {
            // Never written through a folder nobody checked (it could be a
            // link leading out of the output folder).
            return Err(PutError::Refused(
                self.out.join(folder),
                "this folder was not checked before writing (a bug in gov): nothing written"
                    .to_string(),
            ));
        }
        // Looked at again before each write: the build writes while it
        // lowers, and a kind folder replaced by a link since it was opened
        // must not lead a file out of the output folder.
        if let Some(folder) = file.folder
            && let Err(why) = still_a_folder(&self.out.join(folder))
        {
            return Err(PutError::Refused(self.out.join(folder), why));
        }
        let target = file.target(&self.out);
        let held = what_is_at(&target).map_err(|why| PutError::Refused(target.clone(), why))?;
        // A rebuild with little changed (in CI, or `gov watch` after each
        // edit) would otherwise replace every file: a rename over a file
        // costs the file system several times the read that shows it is the
        // same.
        if held.is_some_and(|meta| holds_already(&target, &meta, &file.bytes)) {
            return Ok(Place::Unchanged);
        }
        let failed = |e: io::Error| PutError::Failed(target.clone(), reason(&e));
        let mut tmp = crate::fsutil::temp_file_in(&file.dir(&self.out)).map_err(failed)?;
        tmp.write_all(&file.bytes)
            .and_then(|()| tmp.flush())
            .map_err(failed)?;
        Ok(Place::Beside {
            // Closed now; the path still deletes the file when dropped.
            tmp: tmp.into_temp_path(),
            target,
            on_top: file.folder.is_none(),
        })
    }

    /// Writes the file `name` at the top of `out` with `write`, into a
    /// temporary file beside its target through a buffer, so its bytes are
    /// never whole in memory; unless the target holds the same bytes already
    /// (then the temporary file goes and the target is left as it is).
    pub(crate) fn put_written(
        &self,
        name: &str,
        write: impl FnOnce(&mut dyn Write) -> io::Result<()>,
    ) -> Put {
        let target = self.out.join(name);
        let held = what_is_at(&target).map_err(|why| PutError::Refused(target.clone(), why))?;
        let failed = |e: io::Error| PutError::Failed(target.clone(), reason(&e));
        let tmp = crate::fsutil::temp_file_in(&self.out).map_err(failed)?;
        let mut buffered = io::BufWriter::with_capacity(1 << 16, tmp);
        write(&mut buffered)
            .and_then(|()| buffered.flush())
            .map_err(failed)?;
        let tmp = buffered.into_inner().map_err(|e| failed(e.into_error()))?;
        let tmp = tmp.into_temp_path();
        if let Some(meta) = held
            && holds_the_file(&target, &meta, &tmp)
        {
            return Ok(Place::Unchanged);
        }
        Ok(Place::Beside {
            tmp,
            target,
            on_top: true,
        })
    }

    /// Step 3 of [`write_all`] for the files staged at `places` (in the
    /// order of the files): the temporary files in kind folders renamed over
    /// their targets, each new kind folder renamed into `out`, then the files
    /// at the top of `out`. Fails with the path and the reason.
    pub(crate) fn commit(mut self, places: Vec<Place>) -> Result<(), (PathBuf, String)> {
        let out = self.out.clone();
        // The kind folders the renames go into, once more right before them
        // (nothing renamed yet: a refusal here still leaves `out` as it was).
        for folder in &self.existing {
            let dir = out.join(folder);
            still_a_folder(&dir).map_err(|why| (dir, why))?;
        }
        let mut synced: Vec<PathBuf> = Vec::new();
        let mut note = |dir: &Path| {
            if !synced.iter().any(|f| f == dir) {
                synced.push(dir.to_path_buf());
            }
        };
        let mut on_top = Vec::new();
        let mut used: Vec<&'static str> = Vec::new();
        for place in places {
            match place {
                Place::Beside {
                    tmp,
                    target,
                    on_top: false,
                } => {
                    if let Err(e) = tmp.persist(&target) {
                        return Err((target, reason(&e.error)));
                    }
                    // From the first rename on, what was renamed stays (and
                    // so do the folders this build created).
                    self.committed = true;
                    if let Some(dir) = target.parent() {
                        note(dir);
                    }
                }
                Place::Beside { tmp, target, .. } => on_top.push((tmp, target)),
                Place::Staging(folder) => {
                    if !used.contains(&folder) {
                        used.push(folder);
                    }
                }
                Place::Unchanged => {}
            }
        }
        if let Some((staging, folders)) = &self.staging {
            // Only the folders that received files: an empty kind folder is
            // not part of any build.
            for folder in folders.iter().filter(|f| used.contains(f)) {
                let target = out.join(folder);
                // A folder that appeared since the check makes this fail
                // (unless it is empty), never merge: nothing of it is touched.
                fs::rename(staging.path().join(folder), &target)
                    .map_err(|e| (target.clone(), reason(&e)))?;
                self.committed = true;
                note(&target);
                note(&out);
            }
        }
        for (tmp, target) in on_top {
            if let Err(e) = tmp.persist(&target) {
                return Err((target, reason(&e.error)));
            }
            self.committed = true;
            note(&out);
        }
        self.committed = true;
        // Make the new names durable: one sync per folder, not per file. A
        // failure here changes nothing already renamed, so it is not an error.
        for dir in synced {
            if let Ok(handle) = fs::File::open(&dir) {
                let _ = handle.sync_all();
            }
        }
        Ok(())
    }
}

/// Writes `docs` (in order) and then `last` into `out` through `staging`, or
/// nothing: the files still held are put on every core while `last`'s bytes
/// are made; every refusal of the checks is reported, else the first failure
/// to write in order, else everything is renamed into place. Without
/// `staging`, `out` is checked whole first ([`preflight`]) and opened.
pub(crate) fn finish<D, F>(
    staging: Option<Staging>,
    out: &Path,
    docs: Vec<D>,
    last: Option<Last<F>>,
) -> Result<(), Vec<BuildError>>
where
    D: Into<Doc> + Send,
    F: FnOnce(&mut dyn Write) -> io::Result<()> + Send,
{
    let out = folder_of(out);
    let docs: Vec<Doc> = docs.into_iter().map(Into::into).collect();
    let staging = match staging {
        Some(staging) => staging,
        None => {
            let held = docs.iter().filter_map(|doc| match doc {
                Doc::Held(file) => Some(file),
                Doc::Put(_) => None,
            });
            let errors = preflight(out, held.clone(), last.as_ref().map(|l| l.file));
            if !errors.is_empty() {
                return Err(errors);
            }
            let folders: Vec<&'static str> = held.filter_map(|f| f.folder).collect();
            Staging::open(out, &folders, last.as_ref().map(|l| l.file))?
        }
    };
    // Taken folder by folder: a file's creation locks its folder, so the
    // cores, each given a contiguous half of this order, mostly work in
    // different folders instead of waiting on one.
    let mut order: Vec<(usize, Doc)> = docs.into_iter().enumerate().collect();
    order.sort_by_key(|(_, doc)| match doc {
        Doc::Held(file) => file.folder,
        Doc::Put(_) => None,
    });
    let put_all = || {
        let mut puts: Vec<(usize, Put)> = order
            .into_par_iter()
            .map(|(i, doc)| match doc {
                Doc::Held(file) => (i, staging.put(&file)),
                Doc::Put(put) => (i, put),
            })
            .collect();
        puts.sort_unstable_by_key(|(i, _)| *i);
        puts
    };
    // The last file is written on one core while the files are written on
    // the others (the manifest of 4,000 documents is 1.7 MB of JSON: made
    // alone it left the other core idle).
    let (puts, last) = match last {
        Some(Last { file, write }) => {
            let (puts, last) = rayon::join(put_all, || staging.put_written(file, write));
            (puts, Some(last))
        }
        None => (put_all(), None),
    };
    let mut refused = Vec::new();
    let mut failed = None;
    let mut places = Vec::with_capacity(puts.len() + 1);
    for put in puts.into_iter().map(|(_, put)| put).chain(last) {
        match put {
            Ok(place) => places.push(place),
            Err(PutError::Refused(path, why)) => refused.push(io_error(&path, why)),
            Err(PutError::Failed(path, why)) => {
                failed.get_or_insert_with(|| io_error(&path, why));
            }
        }
    }
    if refused.is_empty()
        && let Some(error) = failed
    {
        refused.push(error);
    }
    if !refused.is_empty() {
        // The staged files go before the staging (which removes the folders
        // it created only when they are empty).
        drop(places);
        drop(staging);
        return Err(refused);
    }
    staging
        .commit(places)
        .map_err(|(path, why)| vec![io_error(&path, why)])
}

mod checks;
#[cfg(test)]
mod tests;
