//! BagIt (RFC 8493, versions 0.97 and 1.0): `bagit.txt`, payload and tag manifests, `bag-info.txt`.

use super::Manifest;

/// Whether a file name at a bag's root is a BagIt tag file reversa reads.
pub fn is_tag_file_name(name: &str) -> bool {
    name == "bag-info.txt"
        || name == "fetch.txt"
        || (name.starts_with("manifest-") && name.ends_with(".txt"))
        || (name.starts_with("tagmanifest-") && name.ends_with(".txt"))
}

/// Fills `manifest` from `bagit.txt` (`bytes`) and the tag files listed in `manifest.files`.
pub fn load(_manifest: &mut Manifest, _bytes: &[u8], _read: &dyn Fn(&str) -> Option<Result<Vec<u8>, String>>) {}
