//! Small building blocks of the generator: a seeded random source, civil dates as day numbers,
//! an exact "spread N items over P parents" helper, a row-at-a-time CSV writer and the
//! Windows-1252 encoder used by the non-UTF-8 defect.

use super::stage::{Stage, Staged};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::io::{self, Write};

/// The deterministic random source: ChaCha8 seeded from the options' seed, one stream per family
/// of datasets so that each family's rows do not depend on the others'.
pub(crate) struct Rand(ChaCha8Rng);

impl Rand {
    /// The generator for `seed`, on stream `stream`.
    pub(crate) fn new(seed: u64, stream: u64) -> Self {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        rng.set_stream(stream);
        Rand(rng)
    }

    /// A number in `0..n` (`n > 0`), by widening multiplication (bias below 2⁻⁴⁰ for our `n`).
    #[inline]
    pub(crate) fn below(&mut self, n: u64) -> u64 {
        debug_assert!(n > 0);
        ((u128::from(self.0.next_u64()) * u128::from(n)) >> 64) as u64
    }

    /// A number in `lo..=hi`.
    #[inline]
    pub(crate) fn range(&mut self, lo: i64, hi: i64) -> i64 {
        if hi <= lo {
            return lo;
        }
        lo + self.below((hi - lo + 1) as u64) as i64
    }

    /// True with probability `p` percent.
    #[inline]
    pub(crate) fn pct(&mut self, p: u64) -> bool {
        self.below(100) < p
    }

    /// One element of a non-empty slice.
    #[inline]
    pub(crate) fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }

    /// An index drawn with the given integer weights.
    pub(crate) fn weighted(&mut self, weights: &[u64]) -> usize {
        let total: u64 = weights.iter().sum();
        let mut x = self.below(total);
        for (i, w) in weights.iter().enumerate() {
            if x < *w {
                return i;
            }
            x -= w;
        }
        weights.len() - 1
    }

    /// A day in `lo..=hi` (day numbers).
    #[inline]
    pub(crate) fn day(&mut self, lo: i32, hi: i32) -> i32 {
        self.range(i64::from(lo), i64::from(hi)) as i32
    }
}

/// Days since 1970-01-01 of a civil date (proleptic Gregorian).
pub(crate) const fn days(y: i32, m: u32, d: u32) -> i32 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = (y - era * 400) as u32;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe as i32 - 719_468
}

/// The civil date `(year, month, day)` of a day number.
pub(crate) const fn civil(z: i32) -> (i32, u32, u32) {
    let z = z + 719_468;
    let era = if z >= 0 { z } else { z - 146_096 } / 146_097;
    let doe = (z - era * 146_097) as u32;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe as i32 + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// The same day `years` later (29 February becomes 1 March when needed).
pub(crate) fn add_years(day: i32, years: i32) -> i32 {
    let (y, m, d) = civil(day);
    if m == 2 && d == 29 {
        days(y + years, 3, 1) - if is_leap(y + years) { 1 } else { 0 }
    } else {
        days(y + years, m, d)
    }
}

fn is_leap(y: i32) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

/// Appends a number in decimal.
#[inline]
pub(crate) fn push_num(buf: &mut Vec<u8>, n: u64) {
    push_padded(buf, n, 1);
}

/// Appends a number in decimal, left-padded with zeros to `width` digits.
#[inline]
pub(crate) fn push_padded(buf: &mut Vec<u8>, mut n: u64, width: usize) {
    let mut digits = [b'0'; 20];
    let mut i = digits.len();
    loop {
        i -= 1;
        digits[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    let len = digits.len() - i;
    for _ in len..width {
        buf.push(b'0');
    }
    buf.extend_from_slice(&digits[i..]);
}

/// Appends a day number as `YYYY-MM-DD`.
#[inline]
pub(crate) fn push_date(buf: &mut Vec<u8>, day: i32) {
    let (y, m, d) = civil(day);
    push_padded(buf, y as u64, 4);
    buf.push(b'-');
    push_padded(buf, u64::from(m), 2);
    buf.push(b'-');
    push_padded(buf, u64::from(d), 2);
}

/// A day number as `YYYY-MM-DD`.
pub(crate) fn date_string(day: i32) -> String {
    let mut b = Vec::with_capacity(10);
    push_date(&mut b, day);
    String::from_utf8(b).unwrap_or_default()
}

/// Spreads exactly `total` items over `parents` parents, one parent at a time, with some
/// variety: when there are fewer items than parents each parent gets 0 or 1 (selection
/// sampling, Knuth's algorithm S); otherwise each gets at least one, around the average.
pub(crate) struct Spreader {
    total: u64,
    parents: u64,
    done: u64,
    given: u64,
}

impl Spreader {
    /// Spreads `total` items over `parents` parents.
    pub(crate) fn new(total: u64, parents: u64) -> Self {
        Spreader { total, parents, done: 0, given: 0 }
    }

    /// How many items the next parent gets.
    pub(crate) fn next(&mut self, rng: &mut Rand) -> u64 {
        if self.done >= self.parents {
            return 0;
        }
        let left_parents = self.parents - self.done;
        let left = self.total - self.given;
        self.done += 1;
        let n = if left_parents == 1 {
            left
        } else if self.total <= self.parents {
            u64::from(rng.below(left_parents) < left)
        } else {
            let ideal = (u128::from(self.done) * u128::from(self.total) / u128::from(self.parents)) as u64;
            let avg = self.total / self.parents;
            let jittered = (ideal + rng.below(avg + 1)).saturating_sub(avg / 2 + avg % 2);
            let bound = jittered.clamp(self.given + 1, self.total - (left_parents - 1));
            bound - self.given
        };
        self.given += n;
        n
    }
}

/// Writes one CSV file row by row: fields are appended to a line buffer (quoted per RFC 4180
/// when needed), the line goes to the stage at [`CsvOut::end`], re-encoded to Windows-1252 when
/// asked.
pub(crate) struct CsvOut<'d> {
    out: Stage<'d>,
    line: Vec<u8>,
    encoded: Vec<u8>,
    cp1252: bool,
    first: bool,
    rows: u64,
}

impl<'d> CsvOut<'d> {
    /// A CSV file with `header`, written to `out`.
    pub(crate) fn new(out: Stage<'d>, header: &[&str], cp1252: bool) -> io::Result<Self> {
        let mut csv =
            CsvOut { out, line: Vec::with_capacity(512), encoded: Vec::new(), cp1252, first: true, rows: 0 };
        for h in header {
            csv.s(*h);
        }
        csv.end()?;
        csv.rows = 0;
        Ok(csv)
    }

    #[inline]
    fn sep(&mut self) {
        if self.first {
            self.first = false;
        } else {
            self.line.push(b',');
        }
    }

    /// A text field.
    #[inline]
    pub(crate) fn s<S: AsRef<str> + ?Sized>(&mut self, v: &S) -> &mut Self {
        self.join(&[v.as_ref()], "")
    }

    /// A text field made of `parts` joined by `sep`.
    pub(crate) fn join(&mut self, parts: &[&str], sep: &str) -> &mut Self {
        self.sep();
        // No short-circuit: the loop over these short fields stays branch-free.
        let special = |s: &str| {
            s.bytes().fold(false, |acc, b| acc | (b == b',') | (b == b'"') | (b == b'\n') | (b == b'\r'))
        };
        let quote = special(sep) || parts.iter().any(|p| special(p));
        if quote {
            self.line.push(b'"');
        }
        for (i, p) in parts.iter().enumerate() {
            if i > 0 {
                self.push_text(sep, quote);
            }
            self.push_text(p, quote);
        }
        if quote {
            self.line.push(b'"');
        }
        self
    }

    #[inline]
    fn push_text(&mut self, s: &str, quoted: bool) {
        if quoted {
            for b in s.bytes() {
                if b == b'"' {
                    self.line.push(b'"');
                }
                self.line.push(b);
            }
        } else {
            self.line.extend_from_slice(s.as_bytes());
        }
    }

    /// An empty field.
    #[inline]
    pub(crate) fn empty(&mut self) -> &mut Self {
        self.sep();
        self
    }

    /// A number.
    #[inline]
    pub(crate) fn n(&mut self, v: u64) -> &mut Self {
        self.sep();
        push_num(&mut self.line, v);
        self
    }

    /// A zero-padded number.
    #[inline]
    pub(crate) fn padded(&mut self, v: u64, width: usize) -> &mut Self {
        self.sep();
        push_padded(&mut self.line, v, width);
        self
    }

    /// An identifier: `prefix` and the number on 8 digits.
    #[inline]
    pub(crate) fn id(&mut self, prefix: &str, v: u64) -> &mut Self {
        self.sep();
        self.line.extend_from_slice(prefix.as_bytes());
        push_padded(&mut self.line, v, 8);
        self
    }

    /// A date, `YYYY-MM-DD`.
    #[inline]
    pub(crate) fn date(&mut self, day: i32) -> &mut Self {
        self.sep();
        push_date(&mut self.line, day);
        self
    }

    /// An amount in cents, written with a dot and two decimals.
    #[inline]
    pub(crate) fn money(&mut self, cents: u64) -> &mut Self {
        self.sep();
        push_num(&mut self.line, cents / 100);
        self.line.push(b'.');
        push_padded(&mut self.line, cents % 100, 2);
        self
    }

    /// A time of day, `HH:MM`, from minutes after midnight.
    #[inline]
    pub(crate) fn time(&mut self, minutes: u32) -> &mut Self {
        self.sep();
        push_padded(&mut self.line, u64::from(minutes / 60 % 24), 2);
        self.line.push(b':');
        push_padded(&mut self.line, u64::from(minutes % 60), 2);
        self
    }

    /// Ends the row.
    #[inline]
    pub(crate) fn end(&mut self) -> io::Result<()> {
        self.line.push(b'\n');
        if self.cp1252 {
            self.encoded.clear();
            // The line is built from `&str` pieces and ASCII, so it is valid UTF-8.
            let text = std::str::from_utf8(&self.line).map_err(io::Error::other)?;
            encode_cp1252(text, &mut self.encoded);
            self.out.write_all(&self.encoded)?;
        } else {
            self.out.write_all(&self.line)?;
        }
        self.line.clear();
        self.first = true;
        self.rows += 1;
        Ok(())
    }

    /// The rows written so far (header excluded).
    pub(crate) fn rows(&self) -> u64 {
        self.rows
    }

    /// Finishes the file: its staged bytes and its row count.
    pub(crate) fn finish(self) -> io::Result<(Staged, u64)> {
        Ok((self.out.finish()?, self.rows))
    }
}

/// Windows-1252 bytes of the characters outside Latin-1 that the word lists may use. Every other
/// character the generator writes is ASCII or in U+00A0–U+00FF, where Windows-1252 and Unicode
/// agree byte for byte.
const CP1252_EXTRA: &[(char, u8)] = &[
    ('€', 0x80),
    ('‚', 0x82),
    ('…', 0x85),
    ('Œ', 0x8C),
    ('‘', 0x91),
    ('’', 0x92),
    ('“', 0x93),
    ('”', 0x94),
    ('–', 0x96),
    ('—', 0x97),
    ('œ', 0x9C),
    ('Ÿ', 0x9F),
];

/// The Windows-1252 byte of `c`, if it has one.
pub(crate) fn cp1252_byte(c: char) -> Option<u8> {
    match c as u32 {
        0..=0x7F | 0xA0..=0xFF => Some(c as u8),
        _ => CP1252_EXTRA.iter().find(|(k, _)| *k == c).map(|(_, b)| *b),
    }
}

/// Appends `text` in Windows-1252 (`?` for characters it lacks).
pub(crate) fn encode_cp1252(text: &str, out: &mut Vec<u8>) {
    if text.is_ascii() {
        out.extend_from_slice(text.as_bytes());
        return;
    }
    out.extend(text.chars().map(|c| cp1252_byte(c).unwrap_or(b'?')));
}

/// Decodes Windows-1252 bytes produced by [`encode_cp1252`].
#[cfg(test)]
pub(crate) fn decode_cp1252(bytes: &[u8]) -> String {
    bytes
        .iter()
        .map(|&b| match b {
            0..=0x7F | 0xA0..=0xFF => char::from(b),
            _ => CP1252_EXTRA.iter().find(|(_, k)| *k == b).map(|(c, _)| *c).unwrap_or('\u{FFFD}'),
        })
        .collect()
}
