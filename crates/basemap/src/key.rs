//! The Tianditu key (`tk`): from the `TIANDITU_KEY` environment variable (which wins) or a file
//! in the user's config folder (`tianditu_key`, readable by the user only). Never in
//! workspaces, the app's saved state, logs or images.

use std::path::{Path, PathBuf};

use kuiwen_core::Bilingual;
use kuiwen_core::i18n::io_error_zh;

/// The environment variable that overrides the stored key.
pub const ENV_VAR: &str = "TIANDITU_KEY";
/// The file name in the config folder.
pub const FILE_NAME: &str = "tianditu_key";

/// Why a key cannot be stored.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum KeyError {
    /// Not a plausible key (Tianditu keys are 32 hexadecimal characters).
    #[error("a Tianditu key is 32 letters and digits; this one has {0} characters or other symbols")]
    Malformed(usize),
    /// No config folder for this user.
    #[error("no configuration folder for this user")]
    NoConfigDir,
    /// Writing or deleting the file failed.
    #[error("{path}: {source}")]
    Io {
        /// The file (or the config folder, when creating it failed).
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
}

impl Bilingual for KeyError {
    fn zh(&self) -> String {
        match self {
            KeyError::Malformed(n) => format!("天地图密钥应为 32 位字母数字，输入的是 {n} 个字符或含其他符号"),
            KeyError::NoConfigDir => "找不到本机用户的配置文件夹".into(),
            KeyError::Io { path, source } => format!("读写 {} 失败：{}", path.display(), io_error_zh(source)),
        }
    }
}

/// Where the key in use comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeySource {
    /// The `TIANDITU_KEY` environment variable.
    Env,
    /// The file in the config folder.
    File,
    /// No key.
    None,
}

/// The user's config folder: `KUIWEN_CONFIG_DIR` if set, else the platform's
/// (e.g. `~/.config/kuiwen-atlas`).
pub fn config_dir() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os("KUIWEN_CONFIG_DIR").filter(|d| !d.is_empty()) {
        return Some(PathBuf::from(dir));
    }
    directories::ProjectDirs::from("cn", "Kuiwen", "kuiwen-atlas").map(|d| d.config_dir().to_owned())
}

/// Clean a pasted key: keys copied from a web page often carry spaces or line breaks.
pub fn sanitize(key: &str) -> Result<String, KeyError> {
    let k: String = key.chars().filter(|c| !c.is_whitespace()).collect();
    if k.len() < 16 || k.len() > 64 || !k.chars().all(|c| c.is_ascii_alphanumeric()) {
        return Err(KeyError::Malformed(k.chars().count()));
    }
    Ok(k)
}

/// The key in use and where it comes from: `env` (the environment variable's value) wins over
/// the file in `config_dir`.
pub fn load(config_dir: Option<&Path>, env: Option<String>) -> (Option<String>, KeySource) {
    if let Some(k) = env.and_then(|k| sanitize(&k).ok()) {
        return (Some(k), KeySource::Env);
    }
    let stored =
        config_dir.and_then(|d| std::fs::read_to_string(d.join(FILE_NAME)).ok()).and_then(|k| sanitize(&k).ok());
    match stored {
        Some(k) => (Some(k), KeySource::File),
        None => (None, KeySource::None),
    }
}

/// The key from the environment and the default config folder.
pub fn load_default(config_dir: Option<&Path>) -> (Option<String>, KeySource) {
    load(config_dir, std::env::var(ENV_VAR).ok())
}

/// Store a key in `config_dir` (created if needed), readable and writable by the user only.
/// Returns the file's path.
pub fn save(config_dir: Option<&Path>, key: &str) -> Result<PathBuf, KeyError> {
    let key = sanitize(key)?;
    let dir = config_dir.ok_or(KeyError::NoConfigDir)?;
    let io = |path: &Path| {
        let path = path.to_owned();
        move |source| KeyError::Io { path, source }
    };
    std::fs::create_dir_all(dir).map_err(io(dir))?;
    let path = dir.join(FILE_NAME);
    let tmp = dir.join(format!("{FILE_NAME}.tmp"));
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    {
        use std::io::Write;
        let mut f = options.open(&tmp).map_err(io(&tmp))?;
        // The mode only applies to new files: make sure an old file is private too.
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            f.set_permissions(std::fs::Permissions::from_mode(0o600)).map_err(io(&tmp))?;
        }
        f.write_all(key.as_bytes()).map_err(io(&tmp))?;
    }
    std::fs::rename(&tmp, &path).map_err(io(&path))?;
    Ok(path)
}

/// Delete the stored key (not an error when there is none).
pub fn remove(config_dir: Option<&Path>) -> Result<(), KeyError> {
    let Some(dir) = config_dir else { return Ok(()) };
    let path = dir.join(FILE_NAME);
    match std::fs::remove_file(&path) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(source) => Err(KeyError::Io { path, source }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &str = "0123456789abcdef0123456789ABCDEF";

    #[test]
    fn stores_privately_and_env_wins() {
        let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let dir = tmp.path().join("cfg");
        assert_eq!(load(Some(&dir), None), (None, KeySource::None));
        let path = save(Some(&dir), &format!(" {KEY}\n")).unwrap_or_else(|e| panic!("{e}"));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).map(|m| m.permissions().mode()).unwrap_or(0);
            assert_eq!(mode & 0o777, 0o600);
        }
        assert_eq!(load(Some(&dir), None), (Some(KEY.to_owned()), KeySource::File));
        let other = "ffffffffffffffffffffffffffffffff".to_owned();
        assert_eq!(load(Some(&dir), Some(other.clone())), (Some(other), KeySource::Env));
        assert!(matches!(save(Some(&dir), "short"), Err(KeyError::Malformed(5))));
        assert!(matches!(save(Some(&dir), "0123456789abcdef0123456789abcde!"), Err(KeyError::Malformed(_))));
        remove(Some(&dir)).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(load(Some(&dir), None), (None, KeySource::None));
        remove(Some(&dir)).unwrap_or_else(|e| panic!("{e}"));
    }

    #[test]
    fn errors_speak_chinese_and_english() {
        let e = KeyError::Malformed(5);
        assert!(e.zh().contains("密钥应为 32 位字母数字") && e.zh().contains('5'), "{}", e.zh());
        assert_eq!(e.en(), e.to_string());
        let e = KeyError::NoConfigDir;
        assert!(e.zh().contains("配置文件夹"), "{}", e.zh());
        assert_eq!(e.en(), e.to_string());
        let path = PathBuf::from("/cfg/kuiwen-atlas/tianditu_key");
        let e = KeyError::Io { path, source: std::io::Error::from(std::io::ErrorKind::PermissionDenied) };
        assert!(e.zh().contains("/cfg/kuiwen-atlas/tianditu_key") && e.zh().contains("没有权限"), "{}", e.zh());
        assert!(e.zh().contains("读写"), "{}", e.zh());
        assert_eq!(e.en(), e.to_string());
        assert!(e.to_string().starts_with("/cfg/kuiwen-atlas/tianditu_key: "), "{e}");
        assert_eq!(e.message(false), e.zh());
    }
}
