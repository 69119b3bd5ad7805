//! The containers people deliver: tar compressed with gzip, bzip2, xz or zstd (one stream, or
//! several concatenated as parallel compressors write them), recognised by content; archives
//! reversa recognises but cannot read (a report, verdict undetermined); files that are no archive
//! at all (exit 2). Every input is generated here with Rust crates; the system's compressors are
//! used in addition when they are installed.

use crate::hostile::run_bounded;
use crate::workdir::Workdir;
use std::io::Write;
use std::path::{Path, PathBuf};

/// The compressed tar containers, by report name, with their file suffix.
const CODECS: &[(&str, &str)] =
    &[("tar-gz", "tgz"), ("tar-bz2", "tbz2"), ("tar-xz", "txz"), ("tar-zst", "tzst")];

/// `data` compressed as one stream of `codec`.
fn compress(codec: &str, data: &[u8]) -> Vec<u8> {
    match codec {
        "tar-gz" => {
            let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
            e.write_all(data).unwrap();
            e.finish().unwrap()
        }
        "tar-bz2" => {
            let mut e = bzip2::write::BzEncoder::new(Vec::new(), bzip2::Compression::best());
            e.write_all(data).unwrap();
            e.finish().unwrap()
        }
        "tar-xz" => xz(data, None),
        "tar-zst" => zstd::stream::encode_all(data, 3).unwrap(),
        other => panic!("no codec {other}"),
    }
}

/// `data` as one xz stream, in blocks of `block` bytes when given (as `xz -T` writes them).
fn xz(data: &[u8], block: Option<u64>) -> Vec<u8> {
    let mut options = lzma_rust2::XzOptions::with_preset(6);
    options.set_block_size(block.and_then(std::num::NonZeroU64::new));
    let mut w = lzma_rust2::XzWriter::new(Vec::new(), options).unwrap();
    w.write_all(data).unwrap();
    w.finish().unwrap()
}

/// `data` cut in `parts` pieces, each compressed on its own and the streams concatenated:
/// what `pigz`, `pbzip2`, `zstd -T` (frames) and `cat a.xz b.xz` produce.
fn compress_multi(codec: &str, data: &[u8], parts: usize) -> Vec<u8> {
    let mut out = Vec::new();
    for chunk in data.chunks(data.len().div_ceil(parts)) {
        out.extend(compress(codec, chunk));
    }
    out
}

/// The demo export as a bare tar, and as the same files in a zip (same seed: same bytes).
fn demo_tar_and_zip(w: &Workdir) -> (Vec<u8>, PathBuf) {
    let tar = w.demo(&["--container", "tar"]);
    let bytes = std::fs::read(&tar).unwrap();
    std::fs::remove_dir_all(w.path().join("demo")).unwrap();
    let zip = w.demo(&["--container", "zip"]);
    let kept = w.path().join("export.zip");
    std::fs::rename(&zip, &kept).unwrap();
    (bytes, kept)
}

/// Sorted, distinct finding codes, and the (path, sha256) of every file.
fn outcome(run: &crate::workdir::Run) -> (String, Vec<String>, Vec<(String, String)>) {
    let mut codes = run.codes();
    codes.sort();
    codes.dedup();
    let mut files: Vec<(String, String)> = run.report()["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (f["path"].as_str().unwrap().to_string(), f["digests"]["sha256"].as_str().unwrap_or("").into())
        })
        .collect();
    files.sort();
    (run.verdict().to_string(), codes, files)
}

fn sha256_hex(path: &Path) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(std::fs::read(path).unwrap()))
}

#[test]
fn compressed_tars_verify_exactly_like_the_zip() {
    let w = Workdir::new();
    let (tar, zip) = demo_tar_and_zip(&w);
    let reference = outcome(&w.verify(&zip, &[]));
    assert_eq!(reference.0, "satisfiable", "{:?}", reference.1);
    for &(codec, suffix) in CODECS {
        // One stream, and several concatenated (the way parallel compressors write them).
        for (label, bytes) in [("single", compress(codec, &tar)), ("multi", compress_multi(codec, &tar, 3))] {
            // A misleading name: the container is told by its content.
            let path = w.path().join(format!("{codec}-{label}.{suffix}.bin"));
            std::fs::write(&path, &bytes).unwrap();
            let run = w.verify(&path, &[]);
            assert_eq!(run.report()["archive"]["container"], codec, "{label}");
            assert_eq!(
                run.report()["archive"]["sha256"],
                sha256_hex(&path),
                "{codec} {label}: the file's own digest"
            );
            assert_eq!(outcome(&run), reference, "{codec} {label}");
            assert_eq!(run.code, 0);
        }
    }
    // xz -T writes one stream of independent blocks.
    let path = w.path().join("blocks.tar.xz");
    std::fs::write(&path, xz(&tar, Some(64 * 1024))).unwrap();
    assert_eq!(outcome(&w.verify(&path, &[])), reference, "xz in blocks");
}

/// The system's own compressors, when installed: their output reads like the crates'.
#[test]
fn system_compressors_output_reads_when_present() {
    let w = Workdir::new();
    let (tar, zip) = demo_tar_and_zip(&w);
    let reference = outcome(&w.verify(&zip, &[]));
    let tar_path = w.path().join("export.tar");
    std::fs::write(&tar_path, &tar).unwrap();
    let tools: &[(&str, &[&str], &str)] = &[
        ("gzip", &["-c"], "tar-gz"),
        ("pigz", &["-c", "-b", "32"], "tar-gz"),
        ("bzip2", &["-c"], "tar-bz2"),
        ("pbzip2", &["-c", "-b1"], "tar-bz2"),
        ("xz", &["-c", "-T2", "--block-size=65536"], "tar-xz"),
        ("zstd", &["-c", "-q", "-T2", "--long"], "tar-zst"),
    ];
    for &(tool, args, container) in tools {
        let Ok(out) = std::process::Command::new(tool).args(args).arg(&tar_path).output() else { continue };
        if !out.status.success() {
            continue;
        }
        let path = w.path().join(format!("by-{tool}"));
        std::fs::write(&path, &out.stdout).unwrap();
        let run = w.verify(&path, &[]);
        assert_eq!(run.report()["archive"]["container"], container, "{tool}");
        assert_eq!(outcome(&run), reference, "{tool}");
    }
}

/// A tar holding one file of `size` zeros, compressed as pieces of 1 MiB of zeros each its own
/// stream (so that making it costs little): 200 MiB expands from a few kilobytes.
fn bomb(codec: &str, size: usize) -> Vec<u8> {
    const PIECE: usize = 1 << 20;
    let mut h = tar::Header::new_gnu();
    h.set_path("donnees/zeros.csv").unwrap();
    h.set_size(size as u64);
    h.set_mode(0o644);
    h.set_cksum();
    let zeros = compress(codec, &vec![0u8; PIECE]);
    let mut first = h.as_bytes().to_vec();
    first.resize(512 + PIECE, 0);
    let mut out = compress(codec, &first);
    for _ in 1..size / PIECE {
        out.extend_from_slice(&zeros);
    }
    // The end of the tar: two zero blocks.
    out.extend(compress(codec, &[0u8; 1024]));
    out
}

#[test]
fn bombs_in_every_codec_are_stopped_by_the_limits() {
    let dir = tempfile::tempdir().unwrap();
    for &(codec, suffix) in CODECS {
        let input = dir.path().join(format!("bomb.{suffix}"));
        std::fs::write(&input, bomb(codec, 200 << 20)).unwrap();
        assert!(std::fs::metadata(&input).unwrap().len() < 1 << 20, "{codec}: a small file");
        // The ratio, measured on the stream while the entry flows.
        let out = dir.path().join(format!("out-ratio-{codec}"));
        let run = run_bounded(&input, &out, &["--max-ratio", "100"]);
        assert_eq!(run.code, 3, "{codec}: {}", run.stderr);
        let report = run.report.as_ref().unwrap();
        assert!(run.codes().contains(&"archive.ratio-exceeded".to_string()), "{codec}: {:?}", run.codes());
        assert!(report["archive"]["bytes_read"].as_u64().unwrap() < 64 << 20, "{codec}: stopped early");
        assert!(run.rss_mb < 512, "{codec}: {} MB", run.rss_mb);
        assert_eq!(report["verdict"], "undetermined", "{codec}: a limit is not the vendor's fault");
        // The total expanded size.
        let out = dir.path().join(format!("out-total-{codec}"));
        let run = run_bounded(&input, &out, &["--max-ratio", "100000000", "--max-total-size", "20000000"]);
        assert_eq!(run.code, 3, "{codec}: {}", run.stderr);
        assert!(
            run.codes().contains(&"archive.total-size-exceeded".to_string()),
            "{codec}: {:?}",
            run.codes()
        );
        assert!(run.rss_mb < 512, "{codec}: {} MB", run.rss_mb);
        assert!(run.secs < 60.0);
    }
    // With the default limits, bzip2, xz and zstd zeros expand far past 1000:1.
    for &(codec, suffix) in &CODECS[1..] {
        let input = dir.path().join(format!("bomb.{suffix}"));
        let out = dir.path().join(format!("out-default-{codec}"));
        let run = run_bounded(&input, &out, &[]);
        assert!(run.codes().contains(&"archive.ratio-exceeded".to_string()), "{codec}: {:?}", run.codes());
    }
}

/// Minimal files of archive formats reversa recognises but does not read.
fn unsupported_inputs() -> Vec<(&'static str, &'static str, Vec<u8>)> {
    let mut seven = b"7z\xBC\xAF\x27\x1C\x00\x04".to_vec();
    seven.resize(64, 0);
    let mut rar5 = b"Rar!\x1A\x07\x01\x00".to_vec();
    rar5.resize(64, 0);
    let mut rar4 = b"Rar!\x1A\x07\x00".to_vec();
    rar4.resize(64, 0);
    rar4[44] = 0x1D;
    let mut cab = b"MSCF\0\0\0\0".to_vec();
    cab.resize(64, 0);
    // cpio "newc", as `find . | cpio -o -H newc` writes it.
    let mut cpio = Vec::new();
    let name = b"a.csv\0";
    let data = b"id;nom\n1;a\n";
    write!(cpio, "070701{:08X}{:08X}{:08X}{:08X}{:08X}{:08X}{:08X}", 1, 0o100644, 0, 0, 1, 0, data.len())
        .unwrap();
    write!(cpio, "{:08X}{:08X}{:08X}{:08X}{:08X}{:08X}", 0, 0, 0, 0, name.len(), 0).unwrap();
    cpio.extend_from_slice(name);
    while cpio.len() % 4 != 0 {
        cpio.push(0);
    }
    cpio.extend_from_slice(data);
    let mut ar = b"!<arch>\n".to_vec();
    writeln!(ar, "{:<16}{:<12}{:<6}{:<6}{:<8}{:<10}`", "a.csv/", 0, 0, 0, 644, data.len()).unwrap();
    ar.extend_from_slice(data);
    let mut iso = vec![0u8; 40 * 1024];
    iso[0x8000] = 1;
    iso[0x8001..0x8006].copy_from_slice(b"CD001");
    vec![
        ("export.7z", "7z", seven),
        ("export.rar", "RAR 5", rar5),
        ("old.rar", "RAR", rar4),
        ("export.cab", "CAB", cab),
        ("export.cpio", "cpio", cpio),
        ("export.a", "ar", ar),
        ("export.iso", "ISO 9660", iso),
    ]
}

#[test]
fn an_unsupported_archive_gets_a_report_that_says_so() {
    let w = Workdir::new();
    for (name, format, bytes) in unsupported_inputs() {
        let path = w.path().join(name);
        std::fs::write(&path, &bytes).unwrap();
        let run = w.verify(&path, &[]);
        assert_eq!(run.code, 3, "{name}: {}", run.stderr);
        assert_eq!(run.verdict(), "undetermined", "{name}");
        let found = run.findings("archive.unsupported-container");
        assert_eq!(found.len(), 1, "{name}: {:?}", run.codes());
        assert!(found[0]["message"].as_str().unwrap().contains(format), "{name}: {}", found[0]["message"]);
        let report = run.report();
        assert_eq!(report["archive"]["container"], "unsupported");
        assert_eq!(report["archive"]["sha256"], sha256_hex(&path), "{name}: the archive's digest");
        assert!(report["tool"]["version"].as_str().is_some_and(|v| !v.is_empty()));
        // Nothing read: no check passes, no clause is met or violated.
        for check in report["checks"].as_array().unwrap() {
            assert_eq!(check["status"], "unverifiable", "{name}: {check}");
        }
        for clause in report["clauses"].as_array().unwrap() {
            assert_eq!(clause["verdict"], "unverifiable", "{name}: {clause}");
        }
        // Only the container's finding: no "no manifest" or "no record file" about content unseen.
        assert_eq!(run.codes(), ["archive.unsupported-container"], "{name}");
    }
}

#[test]
fn a_compressed_file_without_a_tar_is_reported_not_refused() {
    let w = Workdir::new();
    let csv = b"id;nom\n1;a\n2;b\n".repeat(100);
    for (&(codec, _), format) in CODECS.iter().zip(["gzip", "bzip2", "xz", "zstd"]) {
        let path = w.path().join(format!("donnees-{codec}.csv.z"));
        std::fs::write(&path, compress(codec, &csv)).unwrap();
        let run = w.verify(&path, &[]);
        assert_eq!(run.code, 3, "{codec}");
        assert_eq!(run.codes(), ["archive.compressed-not-tar"], "{codec}");
        let message = run.findings("archive.compressed-not-tar")[0]["message"].clone();
        assert!(message.as_str().unwrap().contains(format), "{message}");
        assert_eq!(run.report()["archive"]["container"], "unsupported");
    }
}

#[test]
fn a_file_that_is_no_archive_is_a_usage_error() {
    let w = Workdir::new();
    for (name, bytes) in [
        ("notes.txt", b"not an archive at all\n".to_vec()),
        ("contrat.pdf", b"%PDF-1.7\n%\xE2\xE3\xCF\xD3\n1 0 obj\n<<>>\nendobj\n".to_vec()),
    ] {
        std::fs::write(w.path().join(name), &bytes).unwrap();
        let run = w.run(&["verify", name, "--out", "out"]);
        assert_eq!(run.code, 2, "{name}");
        assert!(run.report.is_none(), "{name}: no report");
        assert!(run.stderr.contains("not an archive"), "{name}: {}", run.stderr);
    }
}

#[test]
fn compressed_tars_and_other_archives_inside_an_export_are_listed_not_opened() {
    let w = Workdir::new();
    let mut t = tar::Builder::new(Vec::new());
    let mut h = tar::Header::new_gnu();
    h.set_size(3);
    h.set_mode(0o644);
    h.set_cksum();
    t.append_data(&mut h, "a.csv", &b"a\n\n"[..]).unwrap();
    let inner = t.into_inner().unwrap();
    let mut nested: Vec<(String, Vec<u8>)> = CODECS
        .iter()
        .map(|&(codec, suffix)| (format!("annexes/inner.{suffix}"), compress(codec, &inner)))
        .collect();
    for (name, _, bytes) in unsupported_inputs().into_iter().take(2) {
        nested.push((format!("annexes/{name}"), bytes));
    }
    let path = w.path().join("export.zip");
    let mut z = zip::ZipWriter::new(std::fs::File::create(&path).unwrap());
    let opts = zip::write::SimpleFileOptions::default();
    for (name, bytes) in &nested {
        z.start_file(name.as_str(), opts).unwrap();
        z.write_all(bytes).unwrap();
    }
    z.finish().unwrap();
    let run = w.verify(&path, &[]);
    let listed: Vec<String> =
        run.findings("archive.nested").iter().map(|f| f["path"].as_str().unwrap().to_string()).collect();
    for (name, _) in &nested {
        assert!(listed.contains(name), "{name} not listed as nested: {listed:?}");
    }
    // Listed, not opened: the inner a.csv is no file of the export.
    assert!(
        run.report()["files"]
            .as_array()
            .unwrap()
            .iter()
            .all(|f| !f["path"].as_str().unwrap().ends_with("a.csv"))
    );
}

/// `data` as one zstd frame of raw blocks, written by hand with the window descriptor
/// `window` (exponent << 3): what any encoder may legally produce.
fn zstd_raw_frame(data: &[u8], window: u8) -> Vec<u8> {
    let mut out = vec![0x28, 0xB5, 0x2F, 0xFD, 0x00, window];
    let chunks: Vec<&[u8]> = data.chunks(64 * 1024).collect();
    for (i, chunk) in chunks.iter().enumerate() {
        let last = u32::from(i + 1 == chunks.len());
        let header = last | (chunk.len() as u32) << 3; // block type 0: raw
        out.extend_from_slice(&header.to_le_bytes()[..3]);
        out.extend_from_slice(chunk);
    }
    out
}

/// The xz stream of `data` whose first block declares an LZMA2 dictionary of 4 GiB (its header
/// checksum fixed): a decoder that trusted it would allocate that much.
fn xz_with_huge_dictionary(data: &[u8]) -> Vec<u8> {
    let mut x = xz(data, None);
    let size = (usize::from(x[12]) + 1) * 4;
    let flags = x[13];
    let mut pos = 14;
    for present in [flags & 0x40 != 0, flags & 0x80 != 0] {
        if present {
            while x[pos] & 0x80 != 0 {
                pos += 1;
            }
            pos += 1;
        }
    }
    assert_eq!(&x[pos..pos + 2], &[0x21, 0x01], "one LZMA2 filter with one property byte");
    x[pos + 2] = 40;
    let mut crc = flate2::Crc::new();
    crc.update(&x[12..12 + size - 4]);
    x[12 + size - 4..12 + size].copy_from_slice(&crc.sum().to_le_bytes());
    x
}

#[test]
fn a_stream_that_asks_for_too_much_memory_is_refused_without_blaming_the_vendor() {
    let w = Workdir::new();
    let tar = w.demo(&["--container", "tar"]);
    let tar = std::fs::read(&tar).unwrap();
    // A zstd frame written by hand with a 1 MiB window reads like any other.
    let path = w.path().join("raw.tar.zst");
    std::fs::write(&path, zstd_raw_frame(&tar, 10 << 3)).unwrap();
    let run = w.verify(&path, &[]);
    assert_eq!(
        (run.verdict(), run.report()["archive"]["container"].as_str()),
        ("satisfiable", Some("tar-zst"))
    );
    let dir = tempfile::tempdir().unwrap();
    for (name, bytes) in
        [("window.tar.zst", zstd_raw_frame(&tar, 21 << 3)), ("dict.tar.xz", xz_with_huge_dictionary(&tar))]
    {
        let input = dir.path().join(name);
        std::fs::write(&input, bytes).unwrap();
        let run = run_bounded(&input, &dir.path().join(format!("out-{name}")), &[]);
        assert_eq!(run.code, 3, "{name}: {}", run.stderr);
        let codes = run.codes();
        assert!(codes.contains(&"archive.memory-limit".to_string()), "{name}: {codes:?}");
        assert!(
            !codes.iter().any(|c| c == "archive.truncated" || c == "archive.corrupt"),
            "{name}: {codes:?}"
        );
        assert!(run.rss_mb < 512, "{name}: {} MB", run.rss_mb);
    }
}

#[test]
fn a_zip_entry_in_a_method_reversa_cannot_decode_is_not_blamed_on_the_vendor() {
    let w = Workdir::new();
    let path = w.path().join("export.zip");
    let mut z = zip::ZipWriter::new(std::fs::File::create(&path).unwrap());
    let stored = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    for name in ["donnees/a.csv", "donnees/b.csv"] {
        z.start_file(name, stored).unwrap();
        z.write_all(b"id;nom\n1;a\n").unwrap();
    }
    z.finish().unwrap();
    // b.csv says PPMd (98), as 7-Zip writes it with -mm=PPMd, in its local and central headers.
    let mut bytes = std::fs::read(&path).unwrap();
    let name = b"donnees/b.csv";
    for (sig, method_at, name_at) in [(&b"PK\x03\x04"[..], 8, 30), (&b"PK\x01\x02"[..], 10, 46)] {
        let at = (0..bytes.len() - 4)
            .find(|&i| bytes[i..].starts_with(sig) && bytes[i + name_at..].starts_with(name))
            .unwrap();
        bytes[at + method_at..at + method_at + 2].copy_from_slice(&98u16.to_le_bytes());
    }
    std::fs::write(&path, &bytes).unwrap();
    let run = w.verify(&path, &[]);
    let found = run.findings("archive.unsupported-method");
    assert_eq!(found.len(), 1, "{:?}", run.codes());
    assert_eq!(found[0]["path"], "donnees/b.csv");
    assert!(found[0]["message"].as_str().unwrap().contains("PPMd"));
    assert!(!run.codes().iter().any(|c| c == "archive.corrupt"), "{:?}", run.codes());
    assert_ne!(run.verdict(), "not-satisfiable", "{:?}", run.codes());
}
