//! Where reports go: the checked list of outputs, and writing each one
//! atomically (a file) or as it is (standard output, a device, a pipe).

use std::io::Write;
use std::path::{Path, PathBuf};

use conform::error::{Error, OutputError};
use conform::report::json::CopySink;
use conform::report::{self, Format, ReportInput};

use super::args::OutputSpec;

/// Renders every report of `outputs`: to its file, else to `output`, else
/// to standard output.
pub(super) fn write_reports(
    outputs: &[OutputSpec],
    output: Option<&PathBuf>,
    input: &ReportInput<'_>,
) -> Result<(), Error> {
    for spec in outputs {
        if spec.format == Format::Json {
            // Streamed: a large report is never held whole (and holds no
            // ANSI styles to strip).
            let write = |out: &mut dyn CopySink| report::json::write(input, out);
            match spec.path.as_ref().or(output) {
                Some(path) => write_atomically_with(path, write)?,
                None => {
                    let mut stdout =
                        std::io::BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
                    // A closed pipe is not an error worth reporting.
                    let _ = write(&mut stdout).and_then(|()| stdout.flush());
                }
            }
            continue;
        }
        let rendered = report::render(spec.format, input);
        match spec.path.as_ref().or(output) {
            Some(path) => {
                // Only the text report carries colours; the others are
                // written as they are (no second copy of a large report).
                if spec.format == Format::Text {
                    let plain = anstream::adapter::strip_str(&rendered).to_string();
                    write_atomically(path, plain.as_bytes())?;
                } else {
                    write_atomically(path, rendered.as_bytes())?;
                }
            }
            None => {
                let mut stdout = anstream::stdout().lock();
                // A closed pipe (`conform scan | head`) is not an error
                // worth reporting.
                let _ = stdout.write_all(rendered.as_bytes());
                let _ = stdout.flush();
            }
        }
    }
    Ok(())
}

/// The reports to write: checked before any work, so that a conflicting
/// request fails fast.
pub(super) fn output_plan(
    formats: &[OutputSpec],
    output: Option<&PathBuf>,
) -> Result<Vec<OutputSpec>, Error> {
    let mut outputs = formats.to_vec();
    if outputs.is_empty() {
        outputs.push(OutputSpec {
            format: Format::Text,
            path: None,
        });
    }
    let unnamed = outputs.iter().filter(|o| o.path.is_none()).count();
    if unnamed > 1 {
        return Err(Error::Usage(
            "only one --format may go to standard output or --output; give the others a file (FORMAT=FILE)".into(),
        ));
    }
    let mut paths: Vec<&PathBuf> = outputs.iter().filter_map(|o| o.path.as_ref()).collect();
    if unnamed == 1 {
        paths.extend(output);
    }
    paths.sort();
    if paths.windows(2).any(|w| w[0] == w[1]) {
        return Err(Error::Usage(
            "two reports would be written to the same file".into(),
        ));
    }
    Ok(outputs)
}

/// The terminal's width, when the text report goes to a terminal.
pub(super) fn terminal_width(outputs: &[OutputSpec], output: Option<&PathBuf>) -> Option<usize> {
    use std::io::IsTerminal;
    let to_terminal = output.is_none()
        && outputs
            .iter()
            .any(|o| o.format == Format::Text && o.path.is_none());
    if !to_terminal || !std::io::stdout().is_terminal() {
        return None;
    }
    terminal_size::terminal_size().map(|(w, _)| usize::from(w.0))
}

/// Writes a file through a temporary file in the same directory and a
/// rename, so that readers never see half a file.
///
/// What is already at `path` is respected: a symbolic link stays a link
/// (the file it names is replaced), a file keeps its permissions (a new
/// one gets 0644), and anything that is not a regular file (`/dev/null`,
/// `/dev/stdout`, a named pipe) is written into, never replaced.
pub(super) fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), Error> {
    write_atomically_with(path, |out| out.write_all(bytes))
}

/// [`write_atomically`], with what is written given by `write` (through a
/// buffer), so that a large report can be streamed to its file.
pub(super) fn write_atomically_with(
    path: &Path,
    write: impl FnOnce(&mut dyn CopySink) -> std::io::Result<()>,
) -> Result<(), Error> {
    let fail = |source: std::io::Error| OutputError {
        path: path.to_path_buf(),
        source,
    };
    let target = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
    let existing = std::fs::metadata(&target).ok();
    if let Some(meta) = &existing
        && !meta.is_file()
    {
        let out = std::fs::OpenOptions::new()
            .write(true)
            .open(&target)
            .map_err(fail)?;
        let mut out = std::io::BufWriter::with_capacity(1 << 16, out);
        write(&mut out).and_then(|()| out.flush()).map_err(fail)?;
        return Ok(());
    }
    let dir = match target.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let mut tmp = tempfile::NamedTempFile::new_in(dir).map_err(fail)?;
    {
        let mut out = std::io::BufWriter::with_capacity(1 << 16, tmp.as_file_mut());
        write(&mut out).and_then(|()| out.flush()).map_err(fail)?;
    }
    let permissions = match existing {
        Some(meta) => meta.permissions(),
        None => new_file_permissions(tmp.as_file()).map_err(fail)?,
    };
    std::fs::set_permissions(tmp.path(), permissions).map_err(fail)?;
    tmp.as_file().sync_all().map_err(fail)?;
    tmp.persist(&target).map_err(|e| fail(e.error))?;
    Ok(())
}

/// The permissions of a report file conform creates: readable by all,
/// like any file a shell redirection would create (the temporary file
/// starts private).
fn new_file_permissions(file: &std::fs::File) -> std::io::Result<std::fs::Permissions> {
    #[allow(unused_mut)]
    let mut permissions = file.metadata()?.permissions();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        permissions.set_mode(0o644);
    }
    Ok(permissions)
}

/// Checks, before any work, that a report can be written to `path` the way
/// [`write_atomically`] will write it, so that a scan does not run for an
/// hour only to fail at its last step: a temporary file is created (and
/// removed) beside the file, a directory is refused with the error writing
/// into it gives. A device or a pipe (`/dev/stdout`) is not opened now:
/// opening a pipe would wait for its reader.
pub(super) fn check_writable(path: &Path) -> Result<(), Error> {
    let fail = |source: std::io::Error| OutputError {
        path: path.to_path_buf(),
        source,
    };
    let target = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
    match std::fs::metadata(&target) {
        Ok(meta) if meta.is_dir() => {
            std::fs::OpenOptions::new()
                .write(true)
                .open(&target)
                .map_err(fail)?;
            return Ok(());
        }
        Ok(meta) if !meta.is_file() => return Ok(()),
        _ => {}
    }
    let dir = match target.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    tempfile::NamedTempFile::new_in(dir).map_err(fail)?;
    Ok(())
}
