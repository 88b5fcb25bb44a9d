//! Validating five-field cron expressions (and the `@daily`-style macros
//! Airflow and Digdag accept).

/// Checks `expr`; the error says what is wrong in words.
pub fn check(expr: &str) -> Result<(), String> {
    let expr = expr.trim();
    if expr.starts_with('@') {
        return match expr {
            "@hourly" | "@daily" | "@weekly" | "@monthly" | "@yearly" => Ok(()),
            _ => Err(format!("`{expr}` is not one of @hourly, @daily, @weekly, @monthly, @yearly")),
        };
    }
    let fields: Vec<&str> = expr.split_whitespace().collect();
    if fields.len() != 5 {
        return Err(format!("expected 5 fields, found {}", fields.len()));
    }
    const SPECS: [(&str, u32, u32, &[&str]); 5] = [
        ("minute", 0, 59, &[]),
        ("hour", 0, 23, &[]),
        ("day of month", 1, 31, &[]),
        ("month", 1, 12, &["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]),
        ("day of week", 0, 7, &["sun", "mon", "tue", "wed", "thu", "fri", "sat"]),
    ];
    for (field, (name, min, max, names)) in fields.iter().zip(SPECS) {
        for part in field.split(',') {
            check_part(part, min, max, names).map_err(|e| format!("{name} field `{field}`: {e}"))?;
        }
    }
    Ok(())
}

fn check_part(part: &str, min: u32, max: u32, names: &[&str]) -> Result<(), String> {
    let (range, step) = match part.split_once('/') {
        Some((r, s)) => (r, Some(s)),
        None => (part, None),
    };
    if let Some(step) = step {
        match step.parse::<u32>() {
            Ok(s) if s >= 1 && s <= max => {}
            _ => return Err(format!("step `{step}` must be a number from 1 to {max}")),
        }
    }
    if range == "*" {
        return Ok(());
    }
    let value = |s: &str| -> Result<u32, String> {
        let lower = s.to_ascii_lowercase();
        if let Some(i) = names.iter().position(|n| *n == lower) {
            return Ok(min + i as u32);
        }
        match s.parse::<u32>() {
            Ok(v) if (min..=max).contains(&v) => Ok(v),
            _ => Err(format!("`{s}` is not a value from {min} to {max}")),
        }
    };
    match range.split_once('-') {
        Some((a, b)) => {
            let (a, b) = (value(a)?, value(b)?);
            if a > b {
                return Err(format!("range `{range}` runs backwards"));
            }
            Ok(())
        }
        None => value(range).map(|_| ()),
    }
}

#[cfg(test)]
mod tests {
    use super::check;

    #[test]
    fn accepts_common_expressions() {
        for ok in ["0 3 * * *", "*/5 * * * *", "0 9-18 * * mon-fri", "0 0 1,15 * *", "30 2 * jan-mar 0", "@daily"] {
            assert_eq!(check(ok), Ok(()), "{ok}");
        }
    }

    #[test]
    fn rejects_bad_expressions() {
        for bad in [
            "0 3 * *",
            "60 * * * *",
            "0 24 * * *",
            "0 0 0 * *",
            "* * * * 8",
            "*/0 * * * *",
            "5-1 * * * *",
            "@sometimes",
            "a b c d e",
        ] {
            assert!(check(bad).is_err(), "{bad}");
        }
    }
}
