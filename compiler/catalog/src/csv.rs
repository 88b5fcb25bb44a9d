//! A small CSV reader (RFC 4180: `,` separates, `"` quotes, `""` is a quote
//! inside quotes, quoted cells may hold commas and line breaks) that keeps
//! the byte range of every cell for diagnostics. The `csv` crate would read
//! the same files, but its positions are per record, not per cell.

use std::ops::Range;

/// One cell: its value (unquoted) and where it is written, quotes included.
#[derive(Clone, Debug, PartialEq)]
pub struct Cell {
    pub value: String,
    pub range: Range<usize>,
    /// Written in quotes: the value starts one byte after `range.start`.
    pub quoted: bool,
}

/// One line of cells (a quoted cell may span several lines of text).
#[derive(Clone, Debug, PartialEq)]
pub struct Record {
    pub cells: Vec<Cell>,
    pub range: Range<usize>,
}

/// A problem in the text: where, and what.
#[derive(Clone, Debug, PartialEq)]
pub struct Error {
    pub range: Range<usize>,
    pub message: String,
}

/// Splits `text` into records. Blank lines are skipped; a byte-order mark
/// at the start is ignored. Errors do not stop the reading: an unclosed
/// quote runs to the end of the text, stray text after a closing quote is
/// kept in the cell.
pub fn read(text: &str) -> (Vec<Record>, Vec<Error>) {
    let bytes = text.as_bytes();
    let mut records = Vec::new();
    let mut errors = Vec::new();
    let mut i = if text.starts_with('\u{feff}') { '\u{feff}'.len_utf8() } else { 0 };
    while i < bytes.len() {
        let record_start = i;
        let mut cells = Vec::new();
        loop {
            let (cell, next) = cell(text, i, &mut errors);
            cells.push(cell);
            i = next;
            match bytes.get(i) {
                Some(b',') => i += 1,
                Some(b'\r') if bytes.get(i + 1) == Some(&b'\n') => {
                    i += 2;
                    break;
                }
                Some(b'\n' | b'\r') => {
                    i += 1;
                    break;
                }
                _ => break,
            }
        }
        let blank = matches!(cells.as_slice(), [only] if only.value.trim().is_empty() && only.range.is_empty());
        if !blank {
            let end = cells.last().map_or(record_start, |c| c.range.end);
            records.push(Record { cells, range: record_start..end });
        }
    }
    (records, errors)
}

/// Reads one cell starting at `start`; returns it and the offset just after
/// it (at a `,`, a line break or the end).
fn cell(text: &str, start: usize, errors: &mut Vec<Error>) -> (Cell, usize) {
    let bytes = text.as_bytes();
    let is_end = |b: Option<&u8>| matches!(b, None | Some(b',' | b'\n' | b'\r'));
    if bytes.get(start) != Some(&b'"') {
        let mut i = start;
        while !is_end(bytes.get(i)) {
            i += 1;
        }
        let value = text.get(start..i).unwrap_or("").to_string();
        return (Cell { value, range: start..i, quoted: false }, i);
    }
    let mut value = String::new();
    let mut i = start + 1;
    let mut piece = i;
    loop {
        match bytes.get(i) {
            None => {
                errors.push(Error {
                    range: start..start + 1,
                    message: "this quoted cell is never closed: a `\"` is missing".into(),
                });
                value.push_str(text.get(piece..i).unwrap_or(""));
                return (Cell { value, range: start..i, quoted: true }, i);
            }
            Some(b'"') if bytes.get(i + 1) == Some(&b'"') => {
                value.push_str(text.get(piece..=i).unwrap_or(""));
                i += 2;
                piece = i;
            }
            Some(b'"') => {
                value.push_str(text.get(piece..i).unwrap_or(""));
                i += 1;
                break;
            }
            Some(_) => i += 1,
        }
    }
    if !is_end(bytes.get(i)) {
        let stray = i;
        while !is_end(bytes.get(i)) {
            i += 1;
        }
        errors.push(Error {
            range: stray..i,
            message: "text after the closing quote of a cell (write a quote inside a quoted cell as `\"\"`)".into(),
        });
        value.push_str(text.get(stray..i).unwrap_or(""));
    }
    (Cell { value, range: start..i, quoted: true }, i)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values(text: &str) -> Vec<Vec<String>> {
        let (records, errors) = read(text);
        assert_eq!(errors, vec![]);
        records.into_iter().map(|r| r.cells.into_iter().map(|c| c.value).collect()).collect()
    }

    #[test]
    fn reads_quoted_cells() {
        assert_eq!(
            values("a,b,c\r\n1,\"x, \"\"y\"\"\nz\",\n\n\"\",2,3"),
            vec![vec!["a", "b", "c"], vec!["1", "x, \"y\"\nz", ""], vec!["", "2", "3"]]
        );
        assert_eq!(values("\u{feff}a\n"), vec![vec!["a"]]);
        assert_eq!(values(""), Vec::<Vec<String>>::new());
    }

    #[test]
    fn keeps_cell_ranges() {
        let (records, _) = read("ab,\"c,d\"\nxyz");
        let ranges: Vec<_> = records.iter().flat_map(|r| r.cells.iter().map(|c| c.range.clone())).collect();
        assert_eq!(ranges, vec![0..2, 3..8, 9..12]);
        assert_eq!(records[1].range, 9..12);
    }

    #[test]
    fn reports_unclosed_quotes_and_stray_text() {
        let (records, errors) = read("a,\"bc\nd");
        assert_eq!(errors[0].range, 2..3);
        assert_eq!(records[0].cells[1].value, "bc\nd");
        let (_, errors) = read("\"a\"b,c");
        assert_eq!(errors[0].range, 3..4);
    }
}
