//! Offset ↔ line/column conversion, shared by the CLI (1-based, characters)
//! and the language server (0-based, UTF-16 code units).

/// A zero-based line and column.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug)]
pub struct LineCol {
    pub line: u32,
    pub col: u32,
}

/// The start offset of every line of one text, and marks to count its
/// characters from: a column is found in time bounded by [`MARK_EVERY`],
/// whatever the line's length (a file of one long line with thousands of
/// errors must not take quadratic time to report).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LineIndex {
    line_starts: Vec<u32>,
    len: u32,
    marks: Vec<Mark>,
}

/// How many characters (Unicode scalar values, UTF-16 units) come before
/// a character boundary of the text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Mark {
    offset: u32,
    chars: u32,
    utf16: u32,
}

/// Bytes between two marks (about).
const MARK_EVERY: usize = 1024;

impl LineIndex {
    pub fn new(text: &str) -> Self {
        let mut line_starts = vec![0];
        for (i, b) in text.bytes().enumerate() {
            if b == b'\n' {
                line_starts.push(u32::try_from(i + 1).unwrap_or(u32::MAX));
            }
        }
        let mut marks = vec![Mark { offset: 0, chars: 0, utf16: 0 }];
        let mut at = 0;
        while at < text.len() {
            let mut next = (at + MARK_EVERY).min(text.len());
            while !text.is_char_boundary(next) {
                next += 1;
            }
            let piece = text.get(at..next).unwrap_or("");
            let last = marks.last().copied().unwrap_or(Mark { offset: 0, chars: 0, utf16: 0 });
            marks.push(Mark {
                offset: u32::try_from(next).unwrap_or(u32::MAX),
                chars: last.chars.saturating_add(u32::try_from(piece.chars().count()).unwrap_or(u32::MAX)),
                utf16: last.utf16.saturating_add(u32::try_from(piece.encode_utf16().count()).unwrap_or(u32::MAX)),
            });
            at = next;
        }
        LineIndex { line_starts, len: u32::try_from(text.len()).unwrap_or(u32::MAX), marks }
    }

    pub fn line_count(&self) -> usize {
        self.line_starts.len()
    }

    /// Zero-based line of `offset` (clamped to the text).
    pub fn line_of(&self, offset: u32) -> u32 {
        let offset = offset.min(self.len);
        let line = self.line_starts.partition_point(|&s| s <= offset).saturating_sub(1);
        u32::try_from(line).unwrap_or(u32::MAX)
    }

    /// Start offset of a zero-based line, if the text has it.
    pub fn line_start(&self, line: u32) -> Option<u32> {
        self.line_starts.get(line as usize).copied()
    }

    /// End offset of a line, excluding its line break.
    pub fn line_end(&self, line: u32, text: &str) -> u32 {
        let next = self.line_start(line + 1).unwrap_or(self.len);
        let mut end = next;
        let bytes = text.as_bytes();
        while end > self.line_start(line).unwrap_or(0) && matches!(bytes.get(end as usize - 1), Some(b'\n' | b'\r')) {
            end -= 1;
        }
        end
    }

    /// Zero-based line and column counted in Unicode scalar values.
    pub fn line_col(&self, text: &str, offset: u32) -> LineCol {
        self.line_col_with(text, offset, |m| m.chars, |s| s.chars().count())
    }

    /// Zero-based line and column counted in UTF-16 code units (LSP).
    pub fn line_col_utf16(&self, text: &str, offset: u32) -> LineCol {
        self.line_col_with(text, offset, |m| m.utf16, |s| s.encode_utf16().count())
    }

    /// The byte offset of a zero-based line and UTF-16 column (LSP), clamped
    /// to the line's end.
    pub fn offset_utf16(&self, text: &str, pos: LineCol) -> u32 {
        let Some(start) = self.line_start(pos.line) else { return self.len };
        let end = self.line_end(pos.line, text);
        let line = text.get(start as usize..end as usize).unwrap_or("");
        let mut units = 0u32;
        for (i, c) in line.char_indices() {
            if units >= pos.col {
                return start + i as u32;
            }
            units += c.len_utf16() as u32;
        }
        end
    }

    fn line_col_with(
        &self,
        text: &str,
        offset: u32,
        marked: impl Fn(&Mark) -> u32,
        count: impl Fn(&str) -> usize,
    ) -> LineCol {
        let offset = offset.min(self.len);
        let line = self.line_of(offset);
        let start = self.line_start(line).unwrap_or(0);
        // Step back to a character boundary so that a stray offset cannot panic.
        let mut end = offset as usize;
        while end > start as usize && !text.is_char_boundary(end) {
            end -= 1;
        }
        // Characters before `at`: from the nearest mark at or before it.
        let before = |at: usize| -> u64 {
            let i = self.marks.partition_point(|m| m.offset as usize <= at).saturating_sub(1);
            let mark = self.marks.get(i).copied().unwrap_or(Mark { offset: 0, chars: 0, utf16: 0 });
            let rest = text.get(mark.offset as usize..at).map_or(0, &count);
            u64::from(marked(&mark)) + rest as u64
        };
        let col = before(end).saturating_sub(before(start as usize));
        LineCol { line, col: u32::try_from(col).unwrap_or(u32::MAX) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_and_columns() {
        let text = "ab\nçd\r\n\nx";
        let idx = LineIndex::new(text);
        assert_eq!(idx.line_count(), 4);
        assert_eq!(idx.line_col(text, 0), LineCol { line: 0, col: 0 });
        assert_eq!(idx.line_col(text, 5), LineCol { line: 1, col: 1 });
        assert_eq!(idx.line_col(text, 9), LineCol { line: 3, col: 0 });
        assert_eq!(idx.line_end(1, text), 6);
        // An offset inside a multi-byte character does not panic.
        assert_eq!(idx.line_col(text, 4), LineCol { line: 1, col: 0 });
        assert_eq!(idx.line_col(text, 100), LineCol { line: 3, col: 1 });
    }

    #[test]
    fn columns_on_long_lines_count_from_marks() {
        // Lines longer than the distance between marks, with characters
        // of every width around the marks.
        let text = format!("{}\n{}x", "é😀a".repeat(700), "ab".repeat(1500));
        let idx = LineIndex::new(&text);
        for offset in (0..text.len()).step_by(7) {
            if !text.is_char_boundary(offset) {
                continue;
            }
            let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
            let want = text[line_start..offset].chars().count() as u32;
            let want16 = text[line_start..offset].encode_utf16().count() as u32;
            assert_eq!(idx.line_col(&text, offset as u32).col, want, "offset {offset}");
            assert_eq!(idx.line_col_utf16(&text, offset as u32).col, want16, "offset {offset}");
        }
    }

    #[test]
    fn utf16_round_trip() {
        let text = "a😀b\nc";
        let idx = LineIndex::new(text);
        let pos = idx.line_col_utf16(text, 5);
        assert_eq!(pos, LineCol { line: 0, col: 3 });
        assert_eq!(idx.offset_utf16(text, pos), 5);
        assert_eq!(idx.offset_utf16(text, LineCol { line: 0, col: 99 }), 6);
        assert_eq!(idx.offset_utf16(text, LineCol { line: 9, col: 0 }), 8);
    }
}
