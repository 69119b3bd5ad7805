//! Inner loops of the inventory stage: hashing, format sniffing and encoding probing per byte,
//! and one whole entry through the `Inspector` (what every byte of an export goes through).
//!
//! `cargo bench --bench inventory`

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use reversa::archive::{EntryHandler, EntryKind, EntryMeta};
use reversa::inventory::{AlgorithmSet, CHUNK, Inspector, MultiHasher, Sniffer, TextProbe};
use std::hint::black_box;

/// 16 MiB of CSV-like French text.
fn sample() -> Vec<u8> {
    let line = "AC-00000001,naissance,12,2024,38185,2024-03-02,08:15,Grenoble,Lefèvre,Hélène Zoé,F\n";
    line.as_bytes().iter().copied().cycle().take(16 << 20).collect()
}

fn bench(c: &mut Criterion) {
    let data = sample();
    let mut g = c.benchmark_group("inventory");
    g.throughput(Throughput::Bytes(data.len() as u64));
    g.sample_size(10);
    g.bench_function("sha256", |b| {
        b.iter(|| {
            let mut h = MultiHasher::new(AlgorithmSet::sha256());
            data.chunks(CHUNK).for_each(|c| h.update(c));
            black_box(h.finish())
        })
    });
    g.bench_function("text-probe", |b| {
        b.iter(|| {
            let mut p = TextProbe::new();
            data.chunks(CHUNK).for_each(|c| p.update(c));
            black_box(p.finish())
        })
    });
    g.bench_function("sniffer", |b| {
        b.iter(|| {
            let mut s = Sniffer::new();
            data.chunks(CHUNK).for_each(|c| s.update(c));
            black_box(s.finish("a.csv", reversa::inventory::Encoding::Utf8))
        })
    });
    let meta = EntryMeta {
        index: 0,
        path: "donnees/actes.csv".into(),
        kind: EntryKind::File,
        declared_size: None,
        compressed_size: None,
        encrypted: false,
        name_utf8: true,
        path_problem: None,
    };
    let no_capture = |_: &EntryMeta| None;
    let inspector = Inspector { algorithms: AlgorithmSet::sha256(), capture: &no_capture, learnt: None };
    g.bench_function("inspector-entry", |b| {
        b.iter(|| black_box(inspector.handle(&meta, &mut &data[..]).unwrap().size))
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
