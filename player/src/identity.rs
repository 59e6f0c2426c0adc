//! The screen's identity: which server paired it and the device token, kept in
//! `<data-dir>/device.json` with mode 0600 (the token is the screen's only credential).

use std::io::Write;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Identity {
    /// The server it was paired with; another URL means pairing again.
    pub server: String,
    pub screen_id: i64,
    pub token: String,
    /// The server keys this screen trusts (paired with a pin, or rotated since); empty when
    /// it trusts CAs.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub pins: Vec<vitrin_shared::pin::Pin>,
}

fn path(data_dir: &Path) -> PathBuf {
    data_dir.join("device.json")
}

impl Identity {
    /// The stored identity, if any and readable.
    pub fn load(data_dir: &Path) -> Option<Identity> {
        let text = std::fs::read_to_string(path(data_dir)).ok()?;
        serde_json::from_str(&text).ok()
    }

    pub fn save(&self, data_dir: &Path) -> std::io::Result<()> {
        write_atomically(&path(data_dir), &serde_json::to_vec(self)?, true)
    }

    pub fn forget(data_dir: &Path) -> std::io::Result<()> {
        match std::fs::remove_file(path(data_dir)) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e),
            _ => Ok(()),
        }
    }
}

/// Writes `bytes` to a temporary file, syncs it and renames it over `target`, so a crash
/// leaves either the old file or the new one, never half of one. `private` makes it 0600.
pub fn write_atomically(target: &Path, bytes: &[u8], private: bool) -> std::io::Result<()> {
    let dir = target.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)?;
    let tmp = target.with_extension("tmp");
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    if private {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    #[cfg(not(unix))]
    let _ = private;
    let mut file = options.open(&tmp)?;
    file.write_all(bytes)?;
    file.sync_all()?;
    std::fs::rename(&tmp, target)?;
    // The rename itself is durable only once the directory is synced.
    std::fs::File::open(dir)?.sync_all()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_privately() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(Identity::load(dir.path()), None);
        let identity = Identity {
            server: "http://127.0.0.1:8080".into(),
            screen_id: 7,
            token: "vd_secret".into(),
            pins: vec![vitrin_shared::pin::Pin::of_public_key(b"key")],
        };
        identity.save(dir.path()).unwrap();
        assert_eq!(Identity::load(dir.path()), Some(identity));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(path(dir.path()))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        Identity::forget(dir.path()).unwrap();
        assert_eq!(Identity::load(dir.path()), None);
    }
}
