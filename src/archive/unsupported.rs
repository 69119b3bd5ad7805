//! Archives reversa recognises by their first bytes but does not read: the export gets a report
//! that names the format and says its content could not be checked, rather than a refusal.

/// Bytes of the file's start needed to recognise every format below (ISO 9660 puts its volume
/// descriptors at 32 KiB).
pub(super) const HEAD_LEN: usize = 40 * 1024;

/// The name of the archive format `head` starts, among those reversa does not read.
pub(super) fn sniff(head: &[u8]) -> Option<&'static str> {
    const MAGICS: &[(&[u8], &str)] = &[
        (b"7z\xBC\xAF\x27\x1C", "7z"),
        (b"Rar!\x1A\x07\x01\x00", "RAR 5"),
        (b"Rar!\x1A\x07\x00", "RAR"),
        (b"RE~^", "RAR"),
        (b"MSCF\0\0\0\0", "CAB"),
        (b"xar!", "XAR"),
        (b"!<arch>\n", "ar"),
        (b"070707", "cpio"),
        (b"070701", "cpio"),
        (b"070702", "cpio"),
        (b"\xC7\x71", "cpio"),
        (b"\x71\xC7", "cpio"),
        (b"LZIP", "lzip"),
        (b"\x04\x22\x4D\x18", "LZ4"),
        (b"\x1F\x9D", "compress (.Z)"),
    ];
    if let Some((_, name)) = MAGICS.iter().find(|(m, _)| head.starts_with(m)) {
        return Some(name);
    }
    // ARJ: its magic, then a basic header of at most 2600 bytes.
    if head.starts_with(b"\x60\xEA")
        && head.len() >= 34
        && (1..=2600).contains(&u16::from_le_bytes([head[2], head[3]]))
    {
        return Some("ARJ");
    }
    // LZH / LHA: the method `-lh?-` or `-lz?-` after the header size and checksum.
    if let Some(m) = head.get(2..7)
        && m[0] == b'-'
        && m[1] == b'l'
        && (m[2] == b'h' || m[2] == b'z')
        && m[4] == b'-'
    {
        return Some("LZH");
    }
    // ISO 9660 and UDF: a volume descriptor in one of the sectors 16 to 18.
    for at in [0x8001, 0x8801, 0x9001] {
        match head.get(at..at + 5) {
            Some(b"CD001") => return Some("ISO 9660"),
            Some(b"BEA01" | b"NSR02" | b"NSR03") => return Some("UDF"),
            _ => {}
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_archives_and_nothing_else() {
        assert_eq!(sniff(b"7z\xBC\xAF\x27\x1C\0\x04"), Some("7z"));
        assert_eq!(sniff(b"Rar!\x1A\x07\x01\x00rest"), Some("RAR 5"));
        assert_eq!(sniff(b"Rar!\x1A\x07\x00rest"), Some("RAR"));
        assert_eq!(sniff(b"MSCF\0\0\0\0\x10"), Some("CAB"));
        assert_eq!(sniff(b"!<arch>\ndebian-binary"), Some("ar"));
        assert_eq!(sniff(b"070701000000"), Some("cpio"));
        assert_eq!(sniff(b"xar!\0\x1c"), Some("XAR"));
        let mut lzh = b"\x25\x00-lh5-".to_vec();
        lzh.resize(40, 0);
        assert_eq!(sniff(&lzh), Some("LZH"));
        let mut arj = b"\x60\xEA\x28\x00".to_vec();
        arj.resize(40, 0);
        assert_eq!(sniff(&arj), Some("ARJ"));
        let mut iso = vec![0u8; HEAD_LEN];
        iso[0x8001..0x8006].copy_from_slice(b"CD001");
        assert_eq!(sniff(&iso), Some("ISO 9660"));
        assert_eq!(sniff(b"%PDF-1.7\n"), None);
        assert_eq!(sniff(b"id;nom\n1;a\n"), None);
        assert_eq!(sniff(&[0u8; 100]), None);
    }

    #[test]
    fn unreadable_containers_are_reversa_s_limit_not_the_vendor_s_fault() {
        use crate::finding::{Attribution, Code, Severity};
        for c in [
            Code::ArchiveUnsupportedContainer,
            Code::ArchiveCompressedNotTar,
            Code::ArchiveUnsupportedMethod,
            Code::ArchiveMemoryLimit,
        ] {
            assert_eq!(
                (c.attribution(), c.default_severity()),
                (Attribution::Tool, Severity::Error),
                "{c:?}"
            );
            assert_eq!(crate::checks::check_of(c.as_str()), "safety");
        }
    }
}
