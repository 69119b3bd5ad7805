//! Profile TOML: parsed, then each mapping compiled against the built-in dataset schemas.
#![no_main]

use libfuzzer_sys::fuzz_target;
use reversa::records::Profile;
use reversa::records::Registry;
use reversa::records::map::Mapper;
use std::sync::OnceLock;

static REGISTRY: OnceLock<Registry> = OnceLock::new();

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let Ok(profile) = Profile::from_toml(text, "fuzz") else { return };
    let registry = REGISTRY.get_or_init(|| Registry::built_in().expect("built-in schemas"));
    for mapping in &profile.mapping {
        if let Some(dataset) = registry.get(&mapping.dataset) {
            let _ = Mapper::compile(mapping, dataset);
        }
    }
    let _ = profile.to_toml();
});
