//! reversa's own `manifest.json` (schema: `schemas/manifest.schema.json`).

use super::Manifest;

/// Fills `manifest` from reversa's `manifest.json` at `path`.
pub fn load(_manifest: &mut Manifest, _path: &str, _bytes: &[u8]) {}
