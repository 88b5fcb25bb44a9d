//! "Did you mean …?" suggestions.

/// The candidate closest to `name`, when it is close enough to be a likely
/// typo (normalised Damerau–Levenshtein similarity of at least 0.6, or the
/// same word in a different case).
pub fn nearest<'a, I>(name: &str, candidates: I) -> Option<&'a str>
where
    I: IntoIterator<Item = &'a str>,
{
    let lower = name.to_ascii_lowercase();
    let mut best: Option<(f64, &'a str)> = None;
    for cand in candidates {
        if cand == name {
            continue;
        }
        let score = if cand.eq_ignore_ascii_case(name) {
            1.0
        } else {
            strsim::normalized_damerau_levenshtein(&lower, &cand.to_ascii_lowercase())
        };
        // Ties go to the alphabetically first candidate so output is stable.
        let better = match best {
            None => true,
            Some((s, c)) => score > s || (score == s && cand < c),
        };
        if score >= 0.6 && better {
            best = Some((score, cand));
        }
    }
    best.map(|(_, c)| c)
}

/// `Some("did you mean `x`?")` when a near candidate exists.
pub fn did_you_mean<'a, I>(name: &str, candidates: I) -> Option<String>
where
    I: IntoIterator<Item = &'a str>,
{
    nearest(name, candidates).map(|c| format!("did you mean `{c}`?"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_close_names_only() {
        let keys = ["materialized", "target", "schema"];
        assert_eq!(nearest("materialised", keys), Some("materialized"));
        assert_eq!(nearest("Target", keys), Some("target"));
        assert_eq!(nearest("zzz", keys), None);
        assert_eq!(nearest("target", keys), None);
    }
}
