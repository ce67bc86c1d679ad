//! Messages in the two languages of the interface. Every error a planner can see says what went
//! wrong and where in Chinese and in English; the English text is also what the log and the
//! command line print (the error's `Display`).

/// An error or message a user may read, in Chinese and in English.
pub trait Bilingual: std::fmt::Display {
    /// The message in Chinese.
    fn zh(&self) -> String;

    /// The message in English (the `Display` text unless the type says otherwise).
    fn en(&self) -> String {
        self.to_string()
    }

    /// The message in the interface's language.
    fn message(&self, english: bool) -> String {
        if english { self.en() } else { self.zh() }
    }
}

/// Both at once, "中文 / English", for places that cannot know the reader's language (the
/// command line's stderr, the log).
pub fn both(e: &dyn Bilingual) -> String {
    format!("{} / {}", e.zh(), e.en())
}
