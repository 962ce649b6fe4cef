//! Backups: a consistent copy of the live database in one file, sealed with a key when one
//! is given, readable by its owner only; and putting one back into an empty database.
//!
//! The file starts with one line, `NAZORG-BACKUP/1 <backend> <plain|aes-256-gcm>`. A sealed
//! file then holds a 32-byte salt and a 7-byte nonce prefix, and the copy in chunks of
//! 64 KiB, each sealed with AES-256-GCM in the STREAM construction (a chunk left out,
//! moved or cut off is found), under a key derived from the backup key and the salt
//! (HMAC-SHA-256), so no two files share a key.

use crate::error::invalid;
use crate::{App, Error, Result};
use aes_gcm::Aes256Gcm;
use aes_gcm::aead::stream::{DecryptorBE32, EncryptorBE32};
use aes_gcm::aead::{KeyInit, Payload};
use hmac::{Hmac, Mac};
use nazorg_store::backup;
pub use nazorg_store::backup::BackupKind;
use sha2::Sha256;
use std::fs::{File, OpenOptions};
use std::io::{BufRead, BufReader, Read, Write};
use std::path::Path;

const MAGIC: &str = "NAZORG-BACKUP/1";
const CHUNK: usize = 64 * 1024;
const TAG: usize = 16;
const SALT: usize = 32;
const NONCE_PREFIX: usize = 7;

/// The key backups are sealed with: 32 bytes, given as 64 hexadecimal characters.
#[derive(Clone)]
pub struct BackupKey([u8; 32]);

impl std::fmt::Debug for BackupKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("BackupKey(…)")
    }
}

impl BackupKey {
    pub fn parse(hex_key: &str) -> Result<BackupKey> {
        let bytes = hex::decode(hex_key.trim()).ok().filter(|b| b.len() == 32);
        let bytes = bytes.ok_or_else(|| {
            invalid("De sleutel van de kopie moet 64 hexadecimale tekens zijn (32 bytes), bijvoorbeeld uit `openssl rand -hex 32`.")
        })?;
        let mut key = [0; 32];
        key.copy_from_slice(&bytes);
        Ok(BackupKey(key))
    }

    /// The key of one file, from its salt.
    fn cipher(&self, salt: &[u8]) -> Result<Aes256Gcm> {
        // HMAC takes a key of any length; this cannot fail.
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&self.0)
            .map_err(|_| invalid("ongeldige sleutel"))?;
        mac.update(b"nazorg-backup/1");
        mac.update(salt);
        let derived = mac.finalize().into_bytes();
        Ok(Aes256Gcm::new(&derived))
    }
}

/// What a backup wrote.
#[derive(Debug, Clone)]
pub struct BackupMade {
    pub kind: BackupKind,
    pub sealed: bool,
    pub bytes: u64,
}

fn io(what: &str, path: &Path, e: std::io::Error) -> Error {
    invalid(format!("{what} {}: {e}", path.display()))
}

impl App {
    /// Writes a consistent copy of the live database at `url` to `output` (a new file, mode
    /// 0600), sealed with `key` when one is given. Writers may go on meanwhile: what was
    /// committed before the copy began is in it.
    pub async fn backup(
        &self,
        url: &str,
        output: &Path,
        key: Option<&BackupKey>,
    ) -> Result<BackupMade> {
        if output.exists() {
            return Err(invalid(format!(
                "{} bestaat al; kies een nieuwe naam, zodat geen eerdere kopie wordt overschreven.",
                output.display()
            )));
        }
        let dir = output
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        // The raw copy waits in a directory only its owner may enter.
        let work = tempfile::Builder::new()
            .prefix(".nazorg-backup-")
            .tempdir_in(dir)
            .map_err(|e| io("tijdelijke map in", dir, e))?;
        let raw = work.path().join("copy");
        let kind = self.db.snapshot(url, &raw).await?;
        let sealed = key.is_some();
        let (output, key) = (output.to_path_buf(), key.cloned());
        let bytes = tokio::task::spawn_blocking(move || seal(&raw, &output, kind, key.as_ref()))
            .await
            .map_err(|e| invalid(e.to_string()))??;
        Ok(BackupMade {
            kind,
            sealed,
            bytes,
        })
    }
}

/// Puts the copy in `input` back into the empty database at `url` (see
/// [`backup::restore`]); a sealed copy needs its `key`. Returns the backend it was of.
pub async fn restore(url: &str, input: &Path, key: Option<&BackupKey>) -> Result<BackupKind> {
    let work = tempfile::tempdir().map_err(|e| io("tijdelijke map", Path::new("."), e))?;
    let raw = work.path().join("copy");
    let (from, to, key) = (input.to_path_buf(), raw.clone(), key.cloned());
    let kind = tokio::task::spawn_blocking(move || unseal(&from, &to, key.as_ref()))
        .await
        .map_err(|e| invalid(e.to_string()))??;
    backup::restore(url, kind, &raw).await?;
    Ok(kind)
}

/// A new file only its owner may read.
fn private_file(path: &Path) -> Result<File> {
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options
        .open(path)
        .map_err(|e| io("schrijven naar", path, e))
}

/// Reads until `buf` is full or the input ends; how much was read.
fn read_full(input: &mut impl Read, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut filled = 0;
    while filled < buf.len() {
        match input.read(&mut buf[filled..])? {
            0 => break,
            n => filled += n,
        }
    }
    Ok(filled)
}

/// Writes the header and the copy, sealed or plain; the bytes written.
fn seal(raw: &Path, output: &Path, kind: BackupKind, key: Option<&BackupKey>) -> Result<u64> {
    let mut input = File::open(raw).map_err(|e| io("lezen van", raw, e))?;
    let mut out = private_file(output)?;
    let fail = |e: std::io::Error| io("schrijven naar", output, e);
    let header = format!(
        "{MAGIC} {} {}\n",
        kind.code(),
        if key.is_some() {
            "aes-256-gcm"
        } else {
            "plain"
        }
    );
    out.write_all(header.as_bytes()).map_err(fail)?;
    let mut written = header.len() as u64;
    match key {
        None => written += std::io::copy(&mut input, &mut out).map_err(fail)?,
        Some(key) => {
            let mut salt = [0u8; SALT];
            let mut prefix = [0u8; NONCE_PREFIX];
            getrandom::fill(&mut salt).map_err(|e| invalid(e.to_string()))?;
            getrandom::fill(&mut prefix).map_err(|e| invalid(e.to_string()))?;
            out.write_all(&salt).map_err(fail)?;
            out.write_all(&prefix).map_err(fail)?;
            written += (SALT + NONCE_PREFIX) as u64;
            let mut stream = EncryptorBE32::from_aead(key.cipher(&salt)?, (&prefix).into());
            let mut buf = vec![0u8; CHUNK];
            loop {
                let n = read_full(&mut input, &mut buf).map_err(|e| io("lezen van", raw, e))?;
                let payload = Payload {
                    msg: &buf[..n],
                    aad: header.as_bytes(),
                };
                let sealed = if n == CHUNK {
                    stream.encrypt_next(payload)
                } else {
                    // The last chunk (perhaps empty) says it is the last.
                    let last = stream_last(stream, payload)?;
                    out.write_all(&last).map_err(fail)?;
                    written += last.len() as u64;
                    break;
                }
                .map_err(|_| invalid("versleutelen mislukt"))?;
                out.write_all(&sealed).map_err(fail)?;
                written += sealed.len() as u64;
            }
        }
    }
    out.sync_all().map_err(fail)?;
    Ok(written)
}

fn stream_last(stream: EncryptorBE32<Aes256Gcm>, payload: Payload<'_, '_>) -> Result<Vec<u8>> {
    stream
        .encrypt_last(payload)
        .map_err(|_| invalid("versleutelen mislukt"))
}

/// Reads a copy's header and writes the copy itself to `raw`, unsealed with `key` where
/// it is sealed.
fn unseal(input: &Path, raw: &Path, key: Option<&BackupKey>) -> Result<BackupKind> {
    let file = File::open(input).map_err(|e| io("lezen van", input, e))?;
    let mut reader = BufReader::new(file);
    let mut header = Vec::new();
    reader
        .by_ref()
        .take(80)
        .read_until(b'\n', &mut header)
        .map_err(|e| io("lezen van", input, e))?;
    let not_ours = || {
        invalid(format!(
            "{} is geen kopie van Nazorg (de eerste regel hoort met {MAGIC} te beginnen).",
            input.display()
        ))
    };
    let line = std::str::from_utf8(&header).map_err(|_| not_ours())?;
    let mut words = line.trim_end().split(' ');
    if words.next() != Some(MAGIC) {
        return Err(not_ours());
    }
    let kind = words
        .next()
        .and_then(BackupKind::parse)
        .ok_or_else(not_ours)?;
    let sealed = match words.next() {
        Some("plain") => false,
        Some("aes-256-gcm") => true,
        _ => return Err(not_ours()),
    };
    let mut out = private_file(raw)?;
    let fail = |e: std::io::Error| io("schrijven naar", raw, e);
    if !sealed {
        std::io::copy(&mut reader, &mut out).map_err(fail)?;
        return Ok(kind);
    }
    let key = key.ok_or_else(|| {
        invalid("Deze kopie is versleuteld: geef de sleutel mee (--key of NAZORG_BACKUP_KEY).")
    })?;
    let mut salt = [0u8; SALT];
    let mut prefix = [0u8; NONCE_PREFIX];
    let damaged = || {
        invalid(
            "De kopie is beschadigd of onvolledig, of de sleutel is niet de sleutel waarmee zij werd gemaakt.",
        )
    };
    let read = |r: &mut BufReader<File>, buf: &mut [u8]| {
        read_full(r, buf).map_err(|e| io("lezen van", input, e))
    };
    if read(&mut reader, &mut salt)? != SALT || read(&mut reader, &mut prefix)? != NONCE_PREFIX {
        return Err(damaged());
    }
    let mut stream = DecryptorBE32::from_aead(key.cipher(&salt)?, (&prefix).into());
    let mut buf = vec![0u8; CHUNK + TAG];
    loop {
        let n = read(&mut reader, &mut buf)?;
        let payload = Payload {
            msg: &buf[..n],
            aad: &header,
        };
        if n == CHUNK + TAG {
            let plain = stream.decrypt_next(payload).map_err(|_| damaged())?;
            out.write_all(&plain).map_err(fail)?;
        } else {
            let plain = stream.decrypt_last(payload).map_err(|_| damaged())?;
            out.write_all(&plain).map_err(fail)?;
            break;
        }
    }
    out.sync_all().map_err(fail)?;
    Ok(kind)
}
