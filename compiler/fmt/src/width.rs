//! Display widths, for columns of trailing comments and SQL indentation.

/// Tab stops are every 4 columns (as in the lexer's recovery).
const TAB: usize = 4;

/// The column reached after writing `s` from column `col`.
pub(crate) fn advance(col: usize, s: &str) -> usize {
    s.chars().fold(col, |col, c| if c == '\t' { (col / TAB + 1) * TAB } else { col + char_width(c) })
}

/// The width of `s` written from the start of a line.
pub(crate) fn width(s: &str) -> usize {
    advance(0, s)
}

/// 0 for combining and zero-width characters, 2 for East Asian wide and
/// full-width ones, 1 otherwise. An approximation of Unicode's tables that
/// covers what appears in practice (Japanese, Chinese, Korean, emoji).
fn char_width(c: char) -> usize {
    match u32::from(c) {
        0x0300..=0x036F | 0x200B..=0x200F | 0xFE00..=0xFE0F | 0xFEFF => 0,
        0x1100..=0x115F
        | 0x2E80..=0x303E
        | 0x3040..=0xA4CF
        | 0xAC00..=0xD7A3
        | 0xF900..=0xFAFF
        | 0xFE30..=0xFE4F
        | 0xFF00..=0xFF60
        | 0xFFE0..=0xFFE6
        | 0x1F300..=0x1F64F
        | 0x1F900..=0x1F9FF
        | 0x20000..=0x3FFFD => 2,
        _ => 1,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tabs_stop_every_four_columns() {
        assert_eq!(width("\t"), 4);
        assert_eq!(width("ab\tc"), 5);
        assert_eq!(advance(3, "\t"), 4);
    }

    #[test]
    fn wide_characters_take_two_columns() {
        assert_eq!(width("会員"), 4);
        assert_eq!(width("e\u{301}"), 1);
    }
}
