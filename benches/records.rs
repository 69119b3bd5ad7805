//! Inner loops of the records stage, each timed apart from set-up (compiled schemas, profiles):
//! CSV reading, mapping a raw record to JSON, schema validation, the whole per-file sink
//! (map + validate + keys, batched over the cores), key hashing and record fingerprints.
//!
//! `cargo bench --bench records`. The data is the demo's `actes.csv` (24 fields, French text),
//! generated at start-up: 40,000 records.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use reversa::records::aggregate::{DatasetAgg, digest};
use reversa::records::map::Mapper;
use reversa::records::process::{Dates, FileSink, key_hash};
use reversa::records::read::{self, Columns, RawRecord, ReaderKind, ReaderOptions, RecordSink};
use reversa::records::{Registry, profile};
use serde_json::{Map, Value};
use std::hint::black_box;

/// The demo's actes.csv, about 40,000 records.
fn actes_csv() -> Vec<u8> {
    let dir = tempfile::tempdir().unwrap();
    let opts = reversa::demo::DemoOptions {
        records: 200_000,
        container: reversa::demo::DemoContainer::Folder,
        package: reversa::demo::Package::Bare,
        ..Default::default()
    };
    let export = reversa::demo::write_demo(dir.path(), &opts).unwrap();
    std::fs::read(export.path.join("donnees/actes.csv")).unwrap()
}

/// Collects raw records.
#[derive(Default)]
struct Collect {
    columns: Columns,
    rows: Vec<RawRecord>,
}

impl RecordSink for Collect {
    fn record(&mut self, columns: &Columns, record: &RawRecord) -> bool {
        if self.columns.len() != columns.len() {
            self.columns = columns.clone();
        }
        self.rows.push(record.clone());
        true
    }
}

/// Counts records.
struct Count(u64);

impl RecordSink for Count {
    fn record(&mut self, _: &Columns, _: &RawRecord) -> bool {
        self.0 += 1;
        true
    }
}

fn bench(c: &mut Criterion) {
    let csv = actes_csv();
    let reg = Registry::built_in().unwrap();
    let actes = reg.get("actes").unwrap();
    let v1 = profile::built_in("reversa-v1").unwrap().unwrap();
    let mapping = v1.mapping.iter().find(|m| m.dataset == "actes").unwrap();
    let mut collect = Collect::default();
    read::read(ReaderKind::Csv, &ReaderOptions::default(), "actes", &mut &csv[..], &mut collect).unwrap();
    let n = collect.rows.len() as u64;
    let mut mapper = Mapper::compile(mapping, actes).unwrap();
    mapper.resolve(&collect.columns);
    let values: Vec<Value> = collect
        .rows
        .iter()
        .map(|r| {
            let mut m = Map::new();
            mapper.map(r, &mut m);
            Value::Object(m)
        })
        .collect();
    let dates = Dates { today: "2026-01-01".into(), list_date: "2026-01-01".into() };

    let mut g = c.benchmark_group("records");
    g.sample_size(10);
    g.throughput(Throughput::Bytes(csv.len() as u64));
    g.bench_function("csv-read", |b| {
        b.iter(|| {
            let mut count = Count(0);
            read::read(ReaderKind::Csv, &ReaderOptions::default(), "actes", &mut &csv[..], &mut count)
                .unwrap();
            black_box(count.0)
        })
    });
    g.throughput(Throughput::Elements(n));
    g.bench_function("map-to-json", |b| {
        b.iter(|| {
            let mut m = Map::new();
            for r in &collect.rows {
                mapper.map(r, &mut m);
            }
            black_box(m.len())
        })
    });
    g.bench_function("schema-is-valid", |b| {
        b.iter(|| black_box(values.iter().filter(|v| actes.validator().is_valid(v)).count()))
    });
    g.bench_function("key-hash", |b| {
        let key = vec!["id_acte".to_string()];
        b.iter(|| {
            black_box(values.iter().filter_map(|v| key_hash(v.as_object()?, &key)).fold(0u64, |a, h| a ^ h))
        })
    });
    g.bench_function("record-digest", |b| {
        b.iter(|| {
            black_box(values.iter().filter_map(|v| Some(digest(v.as_object()?)[0])).fold(0u8, |a, d| a ^ d))
        })
    });
    let agg = DatasetAgg::default();
    g.bench_function("file-sink (map + validate + keys, all cores)", |b| {
        b.iter(|| {
            let mut sink = FileSink::new(actes, &agg, Mapper::compile(mapping, actes).unwrap(), &dates);
            for r in &collect.rows {
                sink.record(&collect.columns, r);
            }
            black_box(sink.finish().0.records)
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
