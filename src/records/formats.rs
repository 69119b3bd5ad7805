//! The custom formats that reversa's dataset schemas use, registered with the validator:
//!
//! - `partial-date`: `AAAA`, `AAAA-MM` or `AAAA-MM-JJ`, each part valid (REU birth dates, the
//!   INSEE deaths file's unknown day or month);
//! - `nir`: the French social security number (NIR), 13 characters then a 2-digit key equal
//!   to 97 − (the 13 first as a number mod 97), Corsica's `2A`/`2B` counted as 19/18
//!   (source: the NIR's public key rule, as in INSEE's "numéro d'inscription au répertoire").

/// Whether `s` is a valid full date `AAAA-MM-JJ` (Gregorian calendar).
pub fn is_date(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 10 && b[4] == b'-' && b[7] == b'-' && {
        match (num(&b[0..4]), num(&b[5..7]), num(&b[8..10])) {
            (Some(y), Some(m), Some(d)) => (1..=12).contains(&m) && d >= 1 && d <= days_in_month(y, m),
            _ => false,
        }
    }
}

/// Whether `s` is a valid partial date: `AAAA`, `AAAA-MM` or `AAAA-MM-JJ`.
pub fn is_partial_date(s: &str) -> bool {
    let b = s.as_bytes();
    match b.len() {
        4 => num(b).is_some(),
        7 => b[4] == b'-' && num(&b[0..4]).is_some() && matches!(num(&b[5..7]), Some(1..=12)),
        10 => is_date(s),
        _ => false,
    }
}

/// Whether `s` is a NIR whose key is right.
pub fn is_nir(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() != 15
        || !b
            .iter()
            .enumerate()
            .all(|(i, c)| c.is_ascii_digit() || (i == 6 && matches!(c, b'A' | b'B' | b'a' | b'b')))
    {
        return false;
    }
    let mut body = String::with_capacity(13);
    body.push_str(&s[..5]);
    match &s[5..7] {
        "2A" | "2a" => body.push_str("19"),
        "2B" | "2b" => body.push_str("18"),
        other => body.push_str(other),
    }
    body.push_str(&s[7..13]);
    match (body.parse::<u64>(), s[13..15].parse::<u64>()) {
        (Ok(n), Ok(key)) => 97 - n % 97 == key,
        _ => false,
    }
}

fn num(b: &[u8]) -> Option<u32> {
    if b.is_empty() || !b.iter().all(u8::is_ascii_digit) {
        return None;
    }
    b.iter().try_fold(0u32, |acc, &c| acc.checked_mul(10)?.checked_add(u32::from(c - b'0')))
}

fn days_in_month(y: u32, m: u32) -> u32 {
    match m {
        2 if (y.is_multiple_of(4) && !y.is_multiple_of(100)) || y.is_multiple_of(400) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_full_and_partial() {
        assert!(is_date("2024-02-29"));
        assert!(!is_date("2023-02-29"));
        assert!(!is_date("2023-13-01"));
        assert!(!is_date("2023-1-01"));
        assert!(is_partial_date("1953"));
        assert!(is_partial_date("1953-04"));
        assert!(!is_partial_date("1953-00"));
        assert!(!is_partial_date("53"));
        assert!(is_partial_date("1953-04-30"));
        assert!(!is_partial_date("1953-04-31"));
    }

    #[test]
    fn nir_key() {
        // 1 85 05 78 006 084, key 97 - (1850578006084 mod 97).
        let body = 1_850_578_006_084u64;
        let nir = format!("{body}{:02}", 97 - body % 97);
        assert!(is_nir(&nir));
        let mut wrong = nir.clone().into_bytes();
        wrong[14] = if wrong[14] == b'0' { b'1' } else { b'0' };
        assert!(!is_nir(std::str::from_utf8(&wrong).unwrap()));
        // Corsica: 2A counts as 19.
        let corse = 2_851_019_123_456u64; // as if written 2 85 10 2A 123 456 → digits with 19
        let key = 97 - corse % 97;
        assert!(is_nir(&format!("285102A123456{key:02}")));
        assert!(!is_nir("12345"));
        assert!(!is_nir("1850578006084xx"));
    }
}
