//! Digests computed while bytes flow: SHA-256 always, the others only when a manifest asks.
//!
//! The algorithms are those packages use: BagIt tools (bagit-python writes hashlib's names,
//! `sha3_256`, `blake2b`; bagit-java `sha3256`), SEDA and Vitam (`SHA-384`, `SHA-512`…) and
//! reversa's own manifest. Each is a RustCrypto implementation of the `digest` 0.11 traits.

use serde::de::{Deserializer, MapAccess, Visitor};
use serde::ser::{SerializeMap, Serializer};
use serde::{Deserialize, Serialize};
use sha2::Digest;
use std::fmt;

/// A digest algorithm reversa computes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Algorithm {
    /// MD5: accepted for checking, flagged as weak.
    #[serde(rename = "md5")]
    Md5,
    /// SHA-1: accepted for checking, flagged as weak.
    #[serde(rename = "sha1")]
    Sha1,
    /// SHA-224.
    #[serde(rename = "sha224")]
    Sha224,
    /// SHA-256: always computed.
    #[serde(rename = "sha256")]
    Sha256,
    /// SHA-384.
    #[serde(rename = "sha384")]
    Sha384,
    /// SHA-512.
    #[serde(rename = "sha512")]
    Sha512,
    /// SHA3-256.
    #[serde(rename = "sha3-256")]
    Sha3_256,
    /// SHA3-384.
    #[serde(rename = "sha3-384")]
    Sha3_384,
    /// SHA3-512.
    #[serde(rename = "sha3-512")]
    Sha3_512,
    /// BLAKE2b with a 256-bit output.
    #[serde(rename = "blake2b-256")]
    Blake2b256,
    /// BLAKE2b with a 384-bit output.
    #[serde(rename = "blake2b-384")]
    Blake2b384,
    /// BLAKE2b with a 512-bit output (hashlib's and bagit-python's `blake2b`).
    #[serde(rename = "blake2b-512")]
    Blake2b512,
}

impl Algorithm {
    /// Every algorithm: the weak ones first, then SHA-2, SHA-3 and BLAKE2b.
    pub const ALL: [Algorithm; 12] = [
        Algorithm::Md5,
        Algorithm::Sha1,
        Algorithm::Sha224,
        Algorithm::Sha256,
        Algorithm::Sha384,
        Algorithm::Sha512,
        Algorithm::Sha3_256,
        Algorithm::Sha3_384,
        Algorithm::Sha3_512,
        Algorithm::Blake2b256,
        Algorithm::Blake2b384,
        Algorithm::Blake2b512,
    ];

    /// The lowercase name used in reports and clauses (`md5`, `sha256`, `sha3-256`,
    /// `blake2b-512`…).
    pub fn as_str(self) -> &'static str {
        match self {
            Algorithm::Md5 => "md5",
            Algorithm::Sha1 => "sha1",
            Algorithm::Sha224 => "sha224",
            Algorithm::Sha256 => "sha256",
            Algorithm::Sha384 => "sha384",
            Algorithm::Sha512 => "sha512",
            Algorithm::Sha3_256 => "sha3-256",
            Algorithm::Sha3_384 => "sha3-384",
            Algorithm::Sha3_512 => "sha3-512",
            Algorithm::Blake2b256 => "blake2b-256",
            Algorithm::Blake2b384 => "blake2b-384",
            Algorithm::Blake2b512 => "blake2b-512",
        }
    }

    /// Parses the names BagIt tools, SEDA, Vitam and reversa use, ignoring case, `-` and `_`:
    /// `md5`, `SHA-1`, `sha256`, `SHA-384`, `sha3_256` (hashlib), `sha3256` (bagit-java),
    /// `SHA3-512`, `blake2b` (hashlib: 512 bits), `BLAKE2b512` (OpenSSL), `blake2b-256`…
    pub fn parse(name: &str) -> Option<Algorithm> {
        if name.len() > 32 {
            return None;
        }
        let n: String =
            name.chars().filter(|c| *c != '-' && *c != '_').collect::<String>().to_ascii_lowercase();
        Some(match n.as_str() {
            "md5" => Algorithm::Md5,
            "sha1" => Algorithm::Sha1,
            "sha224" => Algorithm::Sha224,
            "sha256" => Algorithm::Sha256,
            "sha384" => Algorithm::Sha384,
            "sha512" => Algorithm::Sha512,
            "sha3256" => Algorithm::Sha3_256,
            "sha3384" => Algorithm::Sha3_384,
            "sha3512" => Algorithm::Sha3_512,
            "blake2b256" => Algorithm::Blake2b256,
            "blake2b384" => Algorithm::Blake2b384,
            "blake2b" | "blake2b512" => Algorithm::Blake2b512,
            _ => return None,
        })
    }

    /// Length of the digest in bytes.
    pub fn digest_len(self) -> usize {
        match self {
            Algorithm::Md5 => 16,
            Algorithm::Sha1 => 20,
            Algorithm::Sha224 => 28,
            Algorithm::Sha256 | Algorithm::Sha3_256 | Algorithm::Blake2b256 => 32,
            Algorithm::Sha384 | Algorithm::Sha3_384 | Algorithm::Blake2b384 => 48,
            Algorithm::Sha512 | Algorithm::Sha3_512 | Algorithm::Blake2b512 => 64,
        }
    }

    /// MD5 and SHA-1 are weak: collisions can be made.
    pub fn is_weak(self) -> bool {
        matches!(self, Algorithm::Md5 | Algorithm::Sha1)
    }

    /// Its bit in an [`AlgorithmSet`].
    fn bit(self) -> u16 {
        1 << (self as u16)
    }
}

impl fmt::Display for Algorithm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A small set of algorithms.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct AlgorithmSet(u16);

impl AlgorithmSet {
    /// Every bit an algorithm can have.
    const MASK: u16 = (1 << Algorithm::ALL.len()) - 1;

    /// SHA-256 alone, the default.
    pub fn sha256() -> Self {
        let mut s = AlgorithmSet::default();
        s.insert(Algorithm::Sha256);
        s
    }

    /// The set as bits (one per algorithm), for sharing through an `AtomicU16`.
    pub fn bits(self) -> u16 {
        self.0
    }

    /// The set from [`AlgorithmSet::bits`].
    pub fn from_bits(bits: u16) -> Self {
        AlgorithmSet(bits & Self::MASK)
    }

    /// The algorithms a manifest file names, guessed from its name and content: used while a tar
    /// stream flows, so that files after the manifest get every digest it may ask for. A BagIt
    /// manifest names its algorithm in its file name; in `manifest.xml` (`algorithm="SHA-384"`)
    /// and `manifest.json` (`"sha3-256": …`) every short quoted word that is an algorithm's name
    /// counts (computing one digest too many costs time, never a wrong result).
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
            for i in memchr::memchr2_iter(b'"', b'\'', bytes) {
                let quote = bytes[i];
                let rest = &bytes[i + 1..bytes.len().min(i + 1 + 16)];
                if let Some(end) = memchr::memchr(quote, rest)
                    && let Ok(word) = std::str::from_utf8(&rest[..end])
                    && let Some(alg) = Algorithm::parse(word)
                {
                    set.insert(alg);
                }
            }
        }
        set
    }

    /// Adds an algorithm.
    pub fn insert(&mut self, a: Algorithm) {
        self.0 |= a.bit();
    }

    /// Whether the set holds `a`.
    pub fn contains(self, a: Algorithm) -> bool {
        self.0 & a.bit() != 0
    }

    /// Whether every algorithm of `other` is in `self`.
    pub fn covers(self, other: AlgorithmSet) -> bool {
        self.0 & other.0 == other.0
    }

    /// The union of two sets.
    pub fn union(self, other: AlgorithmSet) -> AlgorithmSet {
        AlgorithmSet(self.0 | other.0)
    }

    /// The algorithms in the set, in [`Algorithm::ALL`]'s order.
    pub fn iter(self) -> impl Iterator<Item = Algorithm> {
        Algorithm::ALL.into_iter().filter(move |a| self.contains(*a))
    }
}

/// One running hash.
#[derive(Clone)]
enum Hasher {
    Md5(md5::Md5),
    Sha1(sha1::Sha1),
    Sha224(sha2::Sha224),
    Sha256(sha2::Sha256),
    Sha384(sha2::Sha384),
    Sha512(sha2::Sha512),
    Sha3_256(sha3::Sha3_256),
    Sha3_384(sha3::Sha3_384),
    Sha3_512(sha3::Sha3_512),
    Blake2b256(blake2::Blake2b256),
    Blake2b384(blake2::Blake2b<sha2::digest::consts::U48>),
    Blake2b512(blake2::Blake2b512),
}

impl Hasher {
    fn new(a: Algorithm) -> Self {
        match a {
            Algorithm::Md5 => Hasher::Md5(Digest::new()),
            Algorithm::Sha1 => Hasher::Sha1(Digest::new()),
            Algorithm::Sha224 => Hasher::Sha224(Digest::new()),
            Algorithm::Sha256 => Hasher::Sha256(Digest::new()),
            Algorithm::Sha384 => Hasher::Sha384(Digest::new()),
            Algorithm::Sha512 => Hasher::Sha512(Digest::new()),
            Algorithm::Sha3_256 => Hasher::Sha3_256(Digest::new()),
            Algorithm::Sha3_384 => Hasher::Sha3_384(Digest::new()),
            Algorithm::Sha3_512 => Hasher::Sha3_512(Digest::new()),
            Algorithm::Blake2b256 => Hasher::Blake2b256(Digest::new()),
            Algorithm::Blake2b384 => Hasher::Blake2b384(Digest::new()),
            Algorithm::Blake2b512 => Hasher::Blake2b512(Digest::new()),
        }
    }

    fn update(&mut self, chunk: &[u8]) {
        match self {
            Hasher::Md5(h) => h.update(chunk),
            Hasher::Sha1(h) => h.update(chunk),
            Hasher::Sha224(h) => h.update(chunk),
            Hasher::Sha256(h) => h.update(chunk),
            Hasher::Sha384(h) => h.update(chunk),
            Hasher::Sha512(h) => h.update(chunk),
            Hasher::Sha3_256(h) => h.update(chunk),
            Hasher::Sha3_384(h) => h.update(chunk),
            Hasher::Sha3_512(h) => h.update(chunk),
            Hasher::Blake2b256(h) => h.update(chunk),
            Hasher::Blake2b384(h) => h.update(chunk),
            Hasher::Blake2b512(h) => h.update(chunk),
        }
    }

    fn finish(self) -> (Algorithm, String) {
        match self {
            Hasher::Md5(h) => (Algorithm::Md5, hex::encode(h.finalize())),
            Hasher::Sha1(h) => (Algorithm::Sha1, hex::encode(h.finalize())),
            Hasher::Sha224(h) => (Algorithm::Sha224, hex::encode(h.finalize())),
            Hasher::Sha256(h) => (Algorithm::Sha256, hex::encode(h.finalize())),
            Hasher::Sha384(h) => (Algorithm::Sha384, hex::encode(h.finalize())),
            Hasher::Sha512(h) => (Algorithm::Sha512, hex::encode(h.finalize())),
            Hasher::Sha3_256(h) => (Algorithm::Sha3_256, hex::encode(h.finalize())),
            Hasher::Sha3_384(h) => (Algorithm::Sha3_384, hex::encode(h.finalize())),
            Hasher::Sha3_512(h) => (Algorithm::Sha3_512, hex::encode(h.finalize())),
            Hasher::Blake2b256(h) => (Algorithm::Blake2b256, hex::encode(h.finalize())),
            Hasher::Blake2b384(h) => (Algorithm::Blake2b384, hex::encode(h.finalize())),
            Hasher::Blake2b512(h) => (Algorithm::Blake2b512, hex::encode(h.finalize())),
        }
    }
}

/// Computes the digests of one set of algorithms over a stream of chunks, in one pass.
pub struct MultiHasher {
    hashers: Vec<Hasher>,
}

impl MultiHasher {
    /// A hasher for the given algorithms.
    pub fn new(set: AlgorithmSet) -> Self {
        MultiHasher { hashers: set.iter().map(Hasher::new).collect() }
    }

    /// Feeds one chunk to every hasher.
    pub fn update(&mut self, chunk: &[u8]) {
        for h in &mut self.hashers {
            h.update(chunk);
        }
    }

    /// The digests, as lowercase hex.
    pub fn finish(self) -> Digests {
        let mut d = Digests::default();
        for h in self.hashers {
            let (a, hex) = h.finish();
            d.set(a, hex);
        }
        d
    }
}

/// The digests of one file, lowercase hex. Written in reports as an object keyed by algorithm
/// name (`{"sha256": "…", "sha3-256": "…"}`), SHA-256 first.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Digests {
    /// SHA-256, always present for a file read to its end.
    pub sha256: Option<String>,
    /// The others a manifest asked for, in [`Algorithm::ALL`]'s order (usually none: kept
    /// small, one per file of the export).
    others: Vec<(Algorithm, String)>,
}

impl Digests {
    /// Drops the digests of algorithms outside `keep` (SHA-256 is always kept).
    pub fn retain(&mut self, keep: AlgorithmSet) {
        self.others.retain(|(a, _)| keep.contains(*a));
    }

    /// The digest for `a`, if computed.
    pub fn get(&self, a: Algorithm) -> Option<&str> {
        if a == Algorithm::Sha256 {
            return self.sha256.as_deref();
        }
        self.others.iter().find(|(x, _)| *x == a).map(|(_, h)| h.as_str())
    }

    /// Sets the digest for `a`.
    pub fn set(&mut self, a: Algorithm, hex: String) {
        if a == Algorithm::Sha256 {
            self.sha256 = Some(hex);
            return;
        }
        match self.others.binary_search_by_key(&a, |(x, _)| *x) {
            Ok(i) => self.others[i].1 = hex,
            Err(i) => self.others.insert(i, (a, hex)),
        }
    }

    /// Every digest computed, SHA-256 first.
    pub fn iter(&self) -> impl Iterator<Item = (Algorithm, &str)> {
        self.sha256
            .as_deref()
            .map(|h| (Algorithm::Sha256, h))
            .into_iter()
            .chain(self.others.iter().map(|(a, h)| (*a, h.as_str())))
    }

    /// Fills in the digests `other` has and `self` lacks.
    pub fn merge(&mut self, other: Digests) {
        if let Some(h) = other.sha256
            && self.sha256.is_none()
        {
            self.sha256 = Some(h);
        }
        for (a, h) in other.others {
            if self.get(a).is_none() {
                self.set(a, h);
            }
        }
    }
}

impl Serialize for Digests {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map =
            serializer.serialize_map(Some(self.others.len() + usize::from(self.sha256.is_some())))?;
        for (a, h) in self.iter() {
            map.serialize_entry(a.as_str(), h)?;
        }
        map.end()
    }
}

impl<'de> Deserialize<'de> for Digests {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Digests;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an object of digests keyed by algorithm")
            }
            fn visit_map<M: MapAccess<'de>>(self, mut map: M) -> Result<Digests, M::Error> {
                let mut d = Digests::default();
                while let Some((k, v)) = map.next_entry::<String, String>()? {
                    // Names of later versions are skipped, not refused.
                    if let Some(a) = Algorithm::parse(&k) {
                        d.set(a, v);
                    }
                }
                Ok(d)
            }
        }
        deserializer.deserialize_map(V)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// "abc" in every algorithm: FIPS 180-4 and FIPS 202 examples, RFC 1321, RFC 7693
    /// (BLAKE2b-512), and the BLAKE2b reference for the shorter outputs.
    const ABC: [(Algorithm, &str); 12] = [
        (Algorithm::Md5, "900150983cd24fb0d6963f7d28e17f72"),
        (Algorithm::Sha1, "a9993e364706816aba3e25717850c26c9cd0d89d"),
        (Algorithm::Sha224, "23097d223405d8228642a477bda255b32aadbce4bda0b3f7e36c9da7"),
        (Algorithm::Sha256, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        (
            Algorithm::Sha384,
            "cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed8086072ba1e7cc2358baeca134c825a7",
        ),
        (
            Algorithm::Sha512,
            "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a\
             2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f",
        ),
        (Algorithm::Sha3_256, "3a985da74fe225b2045c172d6bd390bd855f086e3e9d525b46bfe24511431532"),
        (
            Algorithm::Sha3_384,
            "ec01498288516fc926459f58e2c6ad8df9b473cb0fc08c2596da7cf0e49be4b298d88cea927ac7f539f1edf228376d25",
        ),
        (
            Algorithm::Sha3_512,
            "b751850b1a57168a5693cd924b6b096e08f621827444f70d884f5d0240d2712e\
             10e116e9192af3c91a7ec57647e3934057340b4cf408d5a56592f8274eec53f0",
        ),
        (Algorithm::Blake2b256, "bddd813c634239723171ef3fee98579b94964e3bb1cb3e427262c8c068d52319"),
        (
            Algorithm::Blake2b384,
            "6f56a82c8e7ef526dfe182eb5212f7db9df1317e57815dbda46083fc30f54ee6c66ba83be64b302d7cba6ce15bb556f4",
        ),
        (
            Algorithm::Blake2b512,
            "ba80a53f981c4d0d6a2797b69f12f6e94c212f14685ac4b74b12bb6fdbffa2d1\
             7d87c5392aab792dc252d5de4533cc9518d38aa8dbf1925ab92386edd4009923",
        ),
    ];

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
        for (a, expected) in ABC {
            assert_eq!(d.get(a), Some(expected), "{a}");
            assert_eq!(expected.len(), a.digest_len() * 2, "{a}");
        }
        assert_eq!(d.iter().count(), 12);
        // Each algorithm alone gives the same digest.
        for (a, expected) in ABC {
            let mut s = AlgorithmSet::default();
            s.insert(a);
            let mut h = MultiHasher::new(s);
            h.update(b"abc");
            assert_eq!(h.finish().get(a), Some(expected));
        }
    }

    #[test]
    fn only_requested_algorithms_are_computed() {
        let d = MultiHasher::new(AlgorithmSet::sha256()).finish();
        assert!(d.sha256.is_some());
        assert_eq!(d.iter().count(), 1);
        for a in Algorithm::ALL.into_iter().filter(|a| *a != Algorithm::Sha256) {
            assert_eq!(d.get(a), None);
        }
    }

    #[test]
    fn parses_names() {
        for (name, a) in [
            ("SHA-256", Algorithm::Sha256),
            ("sha512", Algorithm::Sha512),
            ("MD5", Algorithm::Md5),
            ("SHA1", Algorithm::Sha1),
            ("SHA-224", Algorithm::Sha224),
            ("SHA-384", Algorithm::Sha384),
            ("sha384", Algorithm::Sha384),
            ("sha3_256", Algorithm::Sha3_256),
            ("sha3256", Algorithm::Sha3_256),
            ("SHA3-256", Algorithm::Sha3_256),
            ("sha3_384", Algorithm::Sha3_384),
            ("SHA3-512", Algorithm::Sha3_512),
            ("blake2b", Algorithm::Blake2b512),
            ("BLAKE2b512", Algorithm::Blake2b512),
            ("blake2b-512", Algorithm::Blake2b512),
            ("blake2b_256", Algorithm::Blake2b256),
            ("blake2b-384", Algorithm::Blake2b384),
        ] {
            assert_eq!(Algorithm::parse(name), Some(a), "{name}");
        }
        for name in
            ["crc32", "sha3", "sha3_224", "blake2s", "blake3", "shake_128", "sha512/256", "whirlpool", ""]
        {
            assert_eq!(Algorithm::parse(name), None, "{name}");
        }
        for a in Algorithm::ALL {
            assert_eq!(Algorithm::parse(a.as_str()), Some(a));
        }
    }

    #[test]
    fn sets_hold_every_algorithm_through_bits() {
        let mut set = AlgorithmSet::default();
        for a in Algorithm::ALL {
            set.insert(a);
        }
        assert_eq!(AlgorithmSet::from_bits(set.bits()), set);
        assert_eq!(set.iter().collect::<Vec<_>>(), Algorithm::ALL.to_vec());
        assert_eq!(AlgorithmSet::from_bits(u16::MAX), set);
        let only = AlgorithmSet::from_bits(AlgorithmSet::sha256().bits());
        assert_eq!(only.iter().collect::<Vec<_>>(), vec![Algorithm::Sha256]);
    }

    #[test]
    fn names_learnt_from_manifests() {
        let algs = |path: &str, bytes: &str| {
            AlgorithmSet::named_in(path, bytes.as_bytes()).iter().collect::<Vec<_>>()
        };
        assert_eq!(algs("bag/manifest-sha3_256.txt", ""), vec![Algorithm::Sha3_256]);
        assert_eq!(algs("tagmanifest-blake2b.txt", ""), vec![Algorithm::Blake2b512]);
        assert_eq!(algs("manifest-sha384.txt", ""), vec![Algorithm::Sha384]);
        assert_eq!(algs("manifest-crc32.txt", ""), vec![]);
        assert_eq!(
            algs(
                "sip/manifest.xml",
                "<MessageDigest algorithm=\"SHA-384\">x</MessageDigest><MessageDigest algorithm='SHA3-512'>y</MessageDigest>\
                 <Title>\"md5 is not quoted alone\"</Title>"
            ),
            vec![Algorithm::Sha384, Algorithm::Sha3_512]
        );
        assert_eq!(
            algs("manifest.json", r#"{"files":[{"path":"a","blake2b-256":"00","sha1":"11"}]}"#),
            vec![Algorithm::Sha1, Algorithm::Blake2b256]
        );
        assert_eq!(algs("data/manifest.csv", "\"SHA-384\""), vec![]);
    }

    #[test]
    fn digests_serialize_keyed_by_name_and_merge() {
        let mut set = AlgorithmSet::sha256();
        set.insert(Algorithm::Sha3_256);
        set.insert(Algorithm::Md5);
        let mut h = MultiHasher::new(set);
        h.update(b"abc");
        let d = h.finish();
        let json = serde_json::to_string(&d).unwrap();
        assert_eq!(
            json,
            format!("{{\"sha256\":\"{}\",\"md5\":\"{}\",\"sha3-256\":\"{}\"}}", ABC[3].1, ABC[0].1, ABC[6].1)
        );
        let back: Digests = serde_json::from_str(&json).unwrap();
        assert_eq!(back, d);
        let mut a = MultiHasher::new(AlgorithmSet::sha256()).finish();
        a.merge(d.clone());
        assert_eq!(a.get(Algorithm::Sha3_256), d.get(Algorithm::Sha3_256));
        assert_ne!(a.sha256, d.sha256);
    }
}
