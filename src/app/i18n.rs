//! The two interface languages. Strings live beside the code that shows them as `(zh, en)`
//! pairs; this picks one.

use serde::{Deserialize, Serialize};

/// The interface language.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum Lang {
    /// 简体中文 (the default).
    #[default]
    Zh,
    /// English.
    En,
}

impl Lang {
    /// Pick the string for this language.
    #[inline]
    pub fn t<'a>(self, zh: &'a str, en: &'a str) -> &'a str {
        match self {
            Lang::Zh => zh,
            Lang::En => en,
        }
    }

    /// Whether it is English.
    pub fn english(self) -> bool {
        self == Lang::En
    }
}
