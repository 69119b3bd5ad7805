//! Digests computed while bytes flow: SHA-256 always, the others only when a manifest asks.

use serde::{Deserialize, Serialize};
use sha2::Digest;
use std::fmt;

/// A digest algorithm reversa computes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Algorithm {
    /// MD5: accepted for checking, flagged as weak.
    Md5,
    /// SHA-1: accepted for checking, flagged as weak.
    Sha1,
    /// SHA-256: always computed.
    Sha256,
    /// SHA-512.
    Sha512,
}

impl Algorithm {
    /// Every algorithm, weakest first.
    pub const ALL: [Algorithm; 4] = [Algorithm::Md5, Algorithm::Sha1, Algorithm::Sha256, Algorithm::Sha512];

    /// The lowercase name used by BagIt and reports (`md5`, `sha1`, `sha256`, `sha512`).
    pub fn as_str(self) -> &'static str {
        match self {
            Algorithm::Md5 => "md5",
            Algorithm::Sha1 => "sha1",
            Algorithm::Sha256 => "sha256",
            Algorithm::Sha512 => "sha512",
        }
    }

    /// Parses the names BagIt, SEDA and reversa use: `md5`, `SHA-1`, `sha256`, `SHA-512`…
    pub fn parse(name: &str) -> Option<Algorithm> {
        let n: String =
            name.chars().filter(|c| *c != '-' && *c != '_').collect::<String>().to_ascii_lowercase();
        match n.as_str() {
            "md5" => Some(Algorithm::Md5),
            "sha1" => Some(Algorithm::Sha1),
            "sha256" => Some(Algorithm::Sha256),
            "sha512" => Some(Algorithm::Sha512),
            _ => None,
        }
    }

    /// Length of the digest in bytes.
    pub fn digest_len(self) -> usize {
        match self {
            Algorithm::Md5 => 16,
            Algorithm::Sha1 => 20,
            Algorithm::Sha256 => 32,
            Algorithm::Sha512 => 64,
        }
    }

    /// MD5 and SHA-1 are weak: collisions can be made.
    pub fn is_weak(self) -> bool {
        matches!(self, Algorithm::Md5 | Algorithm::Sha1)
    }
}

impl fmt::Display for Algorithm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A small set of algorithms.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct AlgorithmSet(u8);

impl AlgorithmSet {
    /// SHA-256 alone, the default.
    pub fn sha256() -> Self {
        let mut s = AlgorithmSet::default();
        s.insert(Algorithm::Sha256);
        s
    }

    /// The set as bits (one per algorithm), for sharing through an atomic.
    pub fn bits(self) -> u8 {
        self.0
    }

    /// The set from [`AlgorithmSet::bits`].
    pub fn from_bits(bits: u8) -> Self {
        AlgorithmSet(bits & 0b1111)
    }

    /// The algorithms a manifest file names, guessed from its name and content: used while a tar
    /// stream flows, so that files after the manifest get every digest it may ask for.
    pub fn named_in(path: &str, bytes: &[u8]) -> Self {
        let mut set = AlgorithmSet::default();
        let name = path.rsplit('/').next().unwrap_or(path);
        if let Some(alg) = name
            .strip_suffix(".txt")
            .and_then(|n| n.strip_prefix("manifest-").or_else(|| n.strip_prefix("tagmanifest-")))
            .and_then(Algorithm::parse)
        {
            set.insert(alg);
        }
        if name == "manifest.xml" || name == "manifest.json" {
            for (alg, needles) in [
                (Algorithm::Md5, &["\"MD5\"", "\"md5\""][..]),
                (Algorithm::Sha1, &["\"SHA-1\"", "\"SHA1\"", "\"sha1\""][..]),
                (Algorithm::Sha512, &["\"SHA-512\"", "\"SHA512\"", "\"sha512\""][..]),
            ] {
                if needles.iter().any(|n| memchr::memmem::find(bytes, n.as_bytes()).is_some()) {
                    set.insert(alg);
                }
            }
        }
        set
    }

    /// Adds an algorithm.
    pub fn insert(&mut self, a: Algorithm) {
        self.0 |= 1 << (a as u8);
    }

    /// Whether the set holds `a`.
    pub fn contains(self, a: Algorithm) -> bool {
        self.0 & (1 << (a as u8)) != 0
    }

    /// Whether every algorithm of `other` is in `self`.
    pub fn covers(self, other: AlgorithmSet) -> bool {
        self.0 & other.0 == other.0
    }

    /// The union of two sets.
    pub fn union(self, other: AlgorithmSet) -> AlgorithmSet {
        AlgorithmSet(self.0 | other.0)
    }

    /// The algorithms in the set, weakest first.
    pub fn iter(self) -> impl Iterator<Item = Algorithm> {
        Algorithm::ALL.into_iter().filter(move |a| self.contains(*a))
    }
}

/// Computes the digests of one set of algorithms over a stream of chunks.
pub struct MultiHasher {
    md5: Option<md5::Md5>,
    sha1: Option<sha1::Sha1>,
    sha256: Option<sha2::Sha256>,
    sha512: Option<sha2::Sha512>,
}

impl MultiHasher {
    /// A hasher for the given algorithms.
    pub fn new(set: AlgorithmSet) -> Self {
        MultiHasher {
            md5: set.contains(Algorithm::Md5).then(md5::Md5::new),
            sha1: set.contains(Algorithm::Sha1).then(sha1::Sha1::new),
            sha256: set.contains(Algorithm::Sha256).then(sha2::Sha256::new),
            sha512: set.contains(Algorithm::Sha512).then(sha2::Sha512::new),
        }
    }

    /// Feeds one chunk to every hasher.
    pub fn update(&mut self, chunk: &[u8]) {
        if let Some(h) = &mut self.md5 {
            h.update(chunk);
        }
        if let Some(h) = &mut self.sha1 {
            h.update(chunk);
        }
        if let Some(h) = &mut self.sha256 {
            h.update(chunk);
        }
        if let Some(h) = &mut self.sha512 {
            h.update(chunk);
        }
    }

    /// The digests, as lowercase hex, weakest algorithm first.
    pub fn finish(self) -> Digests {
        let mut d = Digests::default();
        if let Some(h) = self.md5 {
            d.md5 = Some(hex::encode(h.finalize()));
        }
        if let Some(h) = self.sha1 {
            d.sha1 = Some(hex::encode(h.finalize()));
        }
        if let Some(h) = self.sha256 {
            d.sha256 = Some(hex::encode(h.finalize()));
        }
        if let Some(h) = self.sha512 {
            d.sha512 = Some(hex::encode(h.finalize()));
        }
        d
    }
}

/// The digests of one file, lowercase hex.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Digests {
    /// SHA-256, always present for a file read to its end.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sha256: Option<String>,
    /// SHA-512, when a manifest asks for it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sha512: Option<String>,
    /// SHA-1, when a manifest asks for it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sha1: Option<String>,
    /// MD5, when a manifest asks for it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub md5: Option<String>,
}

impl Digests {
    /// The digest for `a`, if computed.
    pub fn get(&self, a: Algorithm) -> Option<&str> {
        match a {
            Algorithm::Md5 => self.md5.as_deref(),
            Algorithm::Sha1 => self.sha1.as_deref(),
            Algorithm::Sha256 => self.sha256.as_deref(),
            Algorithm::Sha512 => self.sha512.as_deref(),
        }
    }

    /// Fills in the digests `other` has and `self` lacks.
    pub fn merge(&mut self, other: Digests) {
        self.md5 = self.md5.take().or(other.md5);
        self.sha1 = self.sha1.take().or(other.sha1);
        self.sha256 = self.sha256.take().or(other.sha256);
        self.sha512 = self.sha512.take().or(other.sha512);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_vectors() {
        let mut set = AlgorithmSet::default();
        for a in Algorithm::ALL {
            set.insert(a);
        }
        let mut h = MultiHasher::new(set);
        h.update(b"ab");
        h.update(b"c");
        let d = h.finish();
        assert_eq!(d.md5.as_deref(), Some("900150983cd24fb0d6963f7d28e17f72"));
        assert_eq!(d.sha1.as_deref(), Some("a9993e364706816aba3e25717850c26c9cd0d89d"));
        assert_eq!(
            d.sha256.as_deref(),
            Some("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        );
        assert!(d.sha512.unwrap().starts_with("ddaf35a193617aba"));
    }

    #[test]
    fn only_requested_algorithms_are_computed() {
        let d = MultiHasher::new(AlgorithmSet::sha256()).finish();
        assert!(d.sha256.is_some() && d.md5.is_none() && d.sha1.is_none() && d.sha512.is_none());
    }

    #[test]
    fn parses_names() {
        assert_eq!(Algorithm::parse("SHA-256"), Some(Algorithm::Sha256));
        assert_eq!(Algorithm::parse("sha512"), Some(Algorithm::Sha512));
        assert_eq!(Algorithm::parse("MD5"), Some(Algorithm::Md5));
        assert_eq!(Algorithm::parse("SHA1"), Some(Algorithm::Sha1));
        assert_eq!(Algorithm::parse("crc32"), None);
    }
}
