//! A light scanner over raw JSON text that finds where each element of the top-level
//! `features` array starts, so errors can name the line of the feature they concern
//! (`serde_json::Value` keeps no positions).

/// Byte offsets of the elements of the top-level object's `features` array, in order.
/// Returns an empty list when the text has no such array (the caller then names no line).
pub fn feature_offsets(text: &[u8]) -> Vec<usize> {
    feature_offsets_and_array(text).0
}

/// [`feature_offsets`], plus the offsets of the array's `[` and `]` when it is complete: the
/// streaming scanner fed the whole text as one block.
pub fn feature_offsets_and_array(text: &[u8]) -> (Vec<usize>, Option<(usize, usize)>) {
    let mut scanner = StreamScanner::default();
    let mut offsets = Vec::new();
    scanner.feed(text, &mut offsets);
    (offsets, scanner.open.zip(scanner.close))
}

/// Line starts of a text, for turning many byte offsets into lines without rescanning.
pub struct LineIndex {
    newlines: Vec<usize>,
}

impl LineIndex {
    /// Index the newlines of `text`.
    pub fn new(text: &[u8]) -> Self {
        Self { newlines: text.iter().enumerate().filter(|(_, b)| **b == b'\n').map(|(i, _)| i).collect() }
    }

    /// 1-based line and column of a byte offset (column in bytes).
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let line0 = self.newlines.partition_point(|&nl| nl < offset);
        let line_start = if line0 == 0 { 0 } else { self.newlines[line0 - 1] + 1 };
        (line0 + 1, offset - line_start + 1)
    }
}

/// 1-based line and column of a byte offset.
pub fn line_col(text: &[u8], offset: usize) -> (usize, usize) {
    let upto = &text[..offset.min(text.len())];
    let line = upto.iter().filter(|&&b| b == b'\n').count() + 1;
    let col = upto.iter().rev().take_while(|&&b| b != b'\n').count() + 1;
    (line, col)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_feature_starts_and_skips_strings_with_brackets() {
        let text = br#"{"type":"FeatureCollection","name":"a [b] {c}",
"features":[
 {"type":"Feature","properties":{"n":"x]"},"geometry":null},
 {"type":"Feature","properties":{"features":[1,2]},"geometry":null}
]}"#;
        let offs = feature_offsets(text);
        assert_eq!(offs.len(), 2);
        assert_eq!(line_col(text, offs[0]), (3, 2));
        assert_eq!(line_col(text, offs[1]), (4, 2));
    }

    #[test]
    fn line_index_agrees_with_the_direct_count() {
        let text = b"ab\ncd\n\nefg\nh";
        let idx = LineIndex::new(text);
        for off in 0..text.len() {
            assert_eq!(idx.line_col(off), line_col(text, off), "offset {off}");
        }
    }

    #[test]
    fn no_features_array_gives_nothing() {
        assert!(feature_offsets(br#"{"type":"Point","coordinates":[1,2]}"#).is_empty());
        assert!(feature_offsets(b"").is_empty());
    }
}

/// The scanner behind [`feature_offsets`], fed block by block, so a big file never has to be in
/// memory whole. Offsets are from the start of the stream.
#[derive(Debug, Default)]
pub struct StreamScanner {
    /// Offset of the next byte fed.
    pos: usize,
    depth: usize,
    in_string: bool,
    escape: bool,
    /// The first bytes of the string being read at depth 1 (enough to tell `features`).
    key: Vec<u8>,
    last_key_is_features: bool,
    features_depth: Option<usize>,
    expect_element: bool,
    /// The `[` of the features array, once seen.
    pub open: Option<usize>,
    /// Its `]`, once seen (the scanner then ignores the rest).
    pub close: Option<usize>,
}

impl StreamScanner {
    /// Scan the next block, pushing the offsets of the array elements that start in it.
    pub fn feed(&mut self, block: &[u8], offsets: &mut Vec<usize>) {
        const KEY: &[u8] = b"features";
        if self.close.is_some() {
            return;
        }
        // The state in locals for the loop (a third faster than going through `self` per byte).
        let (mut depth, mut in_string, mut escape) = (self.depth, self.in_string, self.escape);
        let (mut expect_element, mut features_depth) = (self.expect_element, self.features_depth);
        let mut k = 0usize;
        while k < block.len() {
            let c = block[k];
            if in_string {
                if depth != 1 {
                    // Inside a string below the top level: only its end matters, so run to it.
                    while k < block.len() {
                        let c = block[k];
                        if escape {
                            escape = false;
                        } else if c == b'\\' {
                            escape = true;
                        } else if c == b'"' {
                            in_string = false;
                            break;
                        }
                        k += 1;
                    }
                    k += 1;
                    continue;
                }
                if escape {
                    escape = false;
                } else if c == b'"' {
                    in_string = false;
                    self.last_key_is_features = self.key == KEY;
                    k += 1;
                    continue;
                } else if c == b'\\' {
                    escape = true;
                }
                if self.key.len() <= KEY.len() {
                    self.key.push(c);
                }
                k += 1;
                continue;
            }
            let i = self.pos + k;
            match c {
                b'"' => {
                    in_string = true;
                    self.key.clear();
                    if expect_element {
                        offsets.push(i);
                        expect_element = false;
                    }
                }
                b'{' | b'[' => {
                    if expect_element {
                        offsets.push(i);
                        expect_element = false;
                    }
                    depth += 1;
                    if c == b'[' && depth == 2 && features_depth.is_none() && self.last_key_is_features {
                        features_depth = Some(depth);
                        expect_element = true;
                        self.open = Some(i);
                    }
                }
                b'}' | b']' => {
                    if features_depth == Some(depth) && c == b']' {
                        self.close = Some(i);
                        break;
                    }
                    depth = depth.saturating_sub(1);
                    expect_element = false;
                }
                b',' => {
                    if features_depth == Some(depth) {
                        expect_element = true;
                    }
                }
                b' ' | b'\t' | b'\r' | b'\n' | b':' => {}
                _ => {
                    if expect_element {
                        offsets.push(i);
                        expect_element = false;
                    }
                }
            }
            k += 1;
        }
        (self.depth, self.in_string, self.escape) = (depth, in_string, escape);
        (self.expect_element, self.features_depth) = (expect_element, features_depth);
        self.pos += block.len();
    }
}

#[cfg(test)]
mod stream_tests {
    use super::*;

    #[test]
    fn streaming_scan_agrees_with_the_whole_text_scan_for_any_block_size() {
        let text = br#"{"type":"FeatureCollection","na\"me":"x","crs":{"features":[9]},"features":[
 {"type":"Feature","properties":{"n":"x]\"}"},"geometry":null}, "s",[1,[2]] ,3,
 {"type":"Feature","properties":{"features":[1,2]},"geometry":null}
], "tail": {"features": [1]}}"#;
        let (expected, array) = feature_offsets_and_array(text);
        assert_eq!(expected.len(), 5);
        for block in [1, 2, 3, 7, 64, text.len()] {
            let mut s = StreamScanner::default();
            let mut offsets = Vec::new();
            for part in text.chunks(block) {
                s.feed(part, &mut offsets);
            }
            assert_eq!(offsets, expected, "block {block}");
            assert_eq!(s.open.zip(s.close), array, "block {block}");
        }
    }
}
