//! The hostile corpus, generated here rather than committed: bombs, traversal, special entries,
//! corrupt containers, malicious XML, CSV, spreadsheets, JSON and manifests. Each case runs the
//! binary under a wall-clock bound with its peak memory measured, and asserts a named finding,
//! no panic, nothing written outside `--out`, and the input untouched (digest and mtime).

use serde_json::Value;
use std::ffi::OsStr;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// What a bounded run gave.
pub(crate) struct Bounded {
    pub(crate) code: i32,
    pub(crate) stdout: String,
    pub(crate) stderr: String,
    pub(crate) report: Option<Value>,
    pub(crate) secs: f64,
    pub(crate) rss_mb: u64,
}

impl Bounded {
    pub(crate) fn codes(&self) -> Vec<String> {
        let Some(r) = &self.report else { return Vec::new() };
        r["findings"].as_array().unwrap().iter().map(|f| f["code"].as_str().unwrap().to_string()).collect()
    }
}

/// Each case's bounds (a debug build: generous, but a hang or a blow-up fails).
const MAX_SECS: u64 = 60;
const MAX_RSS_MB: u64 = 512;

/// Runs `reversa verify INPUT --out OUT` with a wall-clock bound, measuring its peak RSS.
pub(crate) fn run_bounded(input: &Path, out: &Path, extra: &[&str]) -> Bounded {
    run_bounded_as(&[], input, out, extra, None)
}

/// [`run_bounded`], the binary run under `prefix` (`setpriv …`), and `stdin` (when given)
/// written to it through a pipe.
// The child is reaped by `wait4` (which gives its rusage), not by `Child::wait`.
#[allow(clippy::zombie_processes)]
pub(crate) fn run_bounded_as(
    prefix: &[&str],
    input: &Path,
    out: &Path,
    extra: &[&str],
    stdin: Option<Vec<u8>>,
) -> Bounded {
    let mut args: Vec<&OsStr> =
        vec!["verify".as_ref(), input.as_ref(), "--out".as_ref(), out.as_ref(), "--quiet".as_ref()];
    args.extend(extra.iter().map(OsStr::new));
    run_core(prefix, &args, out, stdin)
}

/// Runs `reversa ARGS` with a wall-clock bound, measuring its peak RSS; the report is read
/// from `out`.
pub(crate) fn run_bounded_args(args: &[&OsStr], out: &Path) -> Bounded {
    run_core(&[], args, out, None)
}

/// Runs `PREFIX reversa ARGS` (stdin through a pipe when given) under the bounds.
#[allow(clippy::zombie_processes)]
fn run_core(prefix: &[&str], args: &[&OsStr], out: &Path, stdin: Option<Vec<u8>>) -> Bounded {
    let input = Path::new(args.get(1).copied().unwrap_or_default());
    let logs = tempfile::tempdir().unwrap();
    let err_path = logs.path().join("stderr");
    let start = Instant::now();
    let bin = assert_cmd::cargo::cargo_bin("reversa");
    let mut cmd = match prefix.split_first() {
        Some((first, rest)) => {
            let mut c = std::process::Command::new(first);
            c.args(rest).arg(&bin);
            c
        }
        None => std::process::Command::new(&bin),
    };
    let mut child = cmd
        .args(args)
        .env("SOURCE_DATE_EPOCH", "1767225600")
        .stdin(if stdin.is_some() { std::process::Stdio::piped() } else { std::process::Stdio::null() })
        .stdout(std::fs::File::create(logs.path().join("stdout")).unwrap())
        .stderr(std::fs::File::create(&err_path).unwrap())
        .spawn()
        .unwrap();
    // The bytes flow through a pipe, as from `cat export.tar | reversa verify /dev/stdin`.
    let feeder = child.stdin.take().zip(stdin).map(|(mut pipe, bytes)| {
        std::thread::spawn(move || {
            let _ = pipe.write_all(&bytes);
        })
    });
    let pid = child.id() as libc::pid_t;
    // The peak is the process's own high-water mark (VmHWM), polled until it exits: wait4's
    // ru_maxrss would count this test process's memory at the fork too.
    let mut hwm_kb = 0u64;
    let (status, _) = loop {
        if let Ok(s) = std::fs::read_to_string(format!("/proc/{pid}/status"))
            && let Some(kb) = s
                .lines()
                .find_map(|l| l.strip_prefix("VmHWM:"))
                .and_then(|v| v.trim().trim_end_matches(" kB").parse().ok())
        {
            hwm_kb = hwm_kb.max(kb);
        }
        let mut status = 0;
        // SAFETY: a zeroed rusage is a valid value for wait4 to fill.
        let mut rusage: libc::rusage = unsafe { std::mem::zeroed() };
        // SAFETY: pid is our child, not yet reaped; the pointers are to live locals.
        let r = unsafe { libc::wait4(pid, &mut status, libc::WNOHANG, &mut rusage) };
        if r == pid {
            break (status, rusage);
        }
        assert_eq!(r, 0, "wait4 failed");
        if start.elapsed() > Duration::from_secs(MAX_SECS) {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{}: still running after {MAX_SECS} s", input.display());
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    if let Some(f) = feeder {
        f.join().unwrap();
    }
    let code = if libc::WIFEXITED(status) { libc::WEXITSTATUS(status) } else { -libc::WTERMSIG(status) };
    let report =
        std::fs::read_to_string(out.join("report.json")).ok().map(|s| serde_json::from_str(&s).unwrap());
    Bounded {
        code,
        stdout: std::fs::read_to_string(logs.path().join("stdout")).unwrap_or_default(),
        stderr: std::fs::read_to_string(&err_path).unwrap_or_default(),
        report,
        secs: start.elapsed().as_secs_f64(),
        rss_mb: hwm_kb / 1024,
    }
}

/// Every file under `dir` with its size and mtime, `out/` left aside.
pub(crate) fn snapshot(dir: &Path) -> Vec<(PathBuf, u64, std::time::SystemTime, String)> {
    use sha2::Digest;
    let mut all = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        // A folder the test locked or made too deep to name is compared by its entry alone.
        let Ok(entries) = std::fs::read_dir(&d) else { continue };
        for e in entries {
            let e = e.unwrap();
            let p = e.path();
            if p == dir.join("out") {
                continue;
            }
            // Past PATH_MAX only the name is compared.
            let Ok(m) = std::fs::symlink_metadata(&p) else {
                all.push((p, 0, std::time::SystemTime::UNIX_EPOCH, String::new()));
                continue;
            };
            if m.is_dir() {
                stack.push(p.clone());
            }
            let digest = if m.is_file() {
                std::fs::read(&p).map(|b| hex::encode(sha2::Sha256::digest(b))).unwrap_or_default()
            } else {
                String::new()
            };
            all.push((p, m.len(), m.modified().unwrap(), digest));
        }
    }
    all.sort();
    all
}

/// One hostile input: its name, the bytes or folder it is made of, and the findings that
/// name what is wrong with it (at least one of them must be reported).
struct Case {
    name: &'static str,
    /// Writes the input under `dir` and returns its path.
    make: fn(&Path) -> PathBuf,
    expect: &'static [&'static str],
    /// Peak memory allowed, MB.
    max_rss_mb: u64,
}

fn check(case: &Case) {
    let w = tempfile::tempdir().unwrap();
    let input = (case.make)(w.path());
    let before = snapshot(w.path());
    let out = w.path().join("out");
    let run = run_bounded(&input, &out, &[]);
    let name = case.name;
    assert!(
        !run.stderr.contains("panicked") && !run.stderr.contains("internal error"),
        "{name}: {}",
        run.stderr
    );
    assert!(
        [0, 1, 3].contains(&run.code),
        "{name}: exit {} (a named error exits 1 or 3)\n{}",
        run.code,
        run.stderr
    );
    let codes = run.codes();
    assert!(
        case.expect.iter().any(|c| codes.iter().any(|x| x == c)),
        "{name}: expected one of {:?}, got {codes:?}",
        case.expect
    );
    assert!(run.rss_mb <= case.max_rss_mb, "{name}: peak RSS {} MB", run.rss_mb);
    assert_eq!(
        before,
        snapshot(w.path()),
        "{name}: something outside --out was written or the input changed"
    );
    let written: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    let mut written = written;
    written.sort();
    assert_eq!(written, ["report.html", "report.json"], "{name}");
    eprintln!("{name}: {:.1} s, {} MB, {:?}", run.secs, run.rss_mb, case.expect);
}

// ---------------------------------------------------------------------------------------------
// Builders

fn zip_of(dir: &Path, name: &str, entries: &[(&str, &[u8])], method: zip::CompressionMethod) -> PathBuf {
    let path = dir.join(name);
    let mut z = zip::ZipWriter::new(std::fs::File::create(&path).unwrap());
    let opts = zip::write::SimpleFileOptions::default().compression_method(method).large_file(true);
    for (n, data) in entries {
        z.start_file(*n, opts).unwrap();
        z.write_all(data).unwrap();
    }
    z.finish().unwrap();
    path
}

/// A zip holding one data file at `donnees/NAME` (the reversa-v1 profile reads it).
fn data_zip(dir: &Path, name: &str, data: &[u8]) -> PathBuf {
    // Stored: big hostile files stay under the ratio limit, whatever their content.
    zip_of(dir, "export.zip", &[(&format!("donnees/{name}"), data)], zip::CompressionMethod::Stored)
}

fn crc32(data: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &b in data {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 != 0 { (crc >> 1) ^ 0xEDB8_8320 } else { crc >> 1 };
        }
    }
    !crc
}

/// A stored zip written byte by byte: `locals` are (name, data, flags); `centrals` are (name,
/// index of the local it points to, flags), so entries may share data or lie about their names.
fn raw_zip(locals: &[(&[u8], &[u8], u16)], centrals: &[(&[u8], usize, u16)]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut offsets = Vec::new();
    for (name, data, flags) in locals {
        offsets.push(out.len() as u32);
        out.extend_from_slice(&0x0403_4b50u32.to_le_bytes());
        out.extend_from_slice(&20u16.to_le_bytes());
        out.extend_from_slice(&flags.to_le_bytes());
        out.extend_from_slice(&[0, 0, 0, 0, 0x21, 0]); // stored, time, date
        out.extend_from_slice(&crc32(data).to_le_bytes());
        out.extend_from_slice(&(data.len() as u32).to_le_bytes());
        out.extend_from_slice(&(data.len() as u32).to_le_bytes());
        out.extend_from_slice(&(name.len() as u16).to_le_bytes());
        out.extend_from_slice(&0u16.to_le_bytes());
        out.extend_from_slice(name);
        out.extend_from_slice(data);
    }
    let crcs: Vec<u32> = locals.iter().map(|(_, data, _)| crc32(data)).collect();
    let cd_start = out.len() as u32;
    for (name, local, flags) in centrals {
        let data = locals[*local].1;
        out.extend_from_slice(&0x0201_4b50u32.to_le_bytes());
        out.extend_from_slice(&[20, 3, 20, 0]); // made by unix, needed 2.0
        out.extend_from_slice(&flags.to_le_bytes());
        out.extend_from_slice(&[0, 0, 0, 0, 0x21, 0]);
        out.extend_from_slice(&crcs[*local].to_le_bytes());
        out.extend_from_slice(&(data.len() as u32).to_le_bytes());
        out.extend_from_slice(&(data.len() as u32).to_le_bytes());
        out.extend_from_slice(&(name.len() as u16).to_le_bytes());
        out.extend_from_slice(&[0, 0, 0, 0, 0, 0, 0, 0]); // extra, comment, disk, internal attrs
        out.extend_from_slice(&(0o100644u32 << 16).to_le_bytes());
        out.extend_from_slice(&offsets[*local].to_le_bytes());
        out.extend_from_slice(name);
    }
    let cd_size = out.len() as u32 - cd_start;
    out.extend_from_slice(&0x0605_4b50u32.to_le_bytes());
    out.extend_from_slice(&[0, 0, 0, 0]);
    out.extend_from_slice(&(centrals.len() as u16).to_le_bytes());
    out.extend_from_slice(&(centrals.len() as u16).to_le_bytes());
    out.extend_from_slice(&cd_size.to_le_bytes());
    out.extend_from_slice(&cd_start.to_le_bytes());
    out.extend_from_slice(&0u16.to_le_bytes());
    out
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, bytes).unwrap();
    p
}

fn tar_with(dir: &Path, build: impl FnOnce(&mut tar::Builder<std::fs::File>)) -> PathBuf {
    let path = dir.join("export.tar");
    let mut b = tar::Builder::new(std::fs::File::create(&path).unwrap());
    build(&mut b);
    b.finish().unwrap();
    path
}

fn tar_entry(
    b: &mut tar::Builder<std::fs::File>,
    name: &str,
    kind: tar::EntryType,
    link: Option<&str>,
    data: &[u8],
) {
    let mut h = tar::Header::new_gnu();
    h.set_entry_type(kind);
    h.set_size(data.len() as u64);
    h.set_mode(0o644);
    h.set_mtime(1_767_225_600);
    if let Some(l) = link {
        h.set_link_name(l).unwrap();
    }
    if matches!(kind, tar::EntryType::Char | tar::EntryType::Block) {
        h.set_device_major(1).unwrap();
        h.set_device_minor(3).unwrap();
    }
    b.append_data(&mut h, name, data).unwrap();
}

const CSV_HEADER: &str = "id_electeur,nom,prenoms,date_naissance,commune_naissance,code_bureau\n";

// ---------------------------------------------------------------------------------------------
// The corpus

const ARCHIVES: &[Case] = &[
    Case {
        name: "zstd bomb: 256 MiB of zeros in a few KB",
        make: |d| {
            zip_of(
                d,
                "bomb.zip",
                &[("donnees/zeros.csv", &vec![0u8; 256 << 20])],
                zip::CompressionMethod::Zstd,
            )
        },
        expect: &["archive.ratio-exceeded"],
        max_rss_mb: MAX_RSS_MB,
    },
    Case {
        name: "nested bombs, 42-style: zips of zips",
        make: |d| {
            let inner =
                zip_of(d, "inner.zip", &[("zeros", &vec![0u8; 32 << 20])], zip::CompressionMethod::Zstd);
            let inner = std::fs::read(&inner).unwrap();
            std::fs::remove_file(d.join("inner.zip")).unwrap();
            let mid_entries: Vec<(String, &[u8])> =
                (0..8).map(|i| (format!("{i}.zip"), inner.as_slice())).collect();
            let mid_entries: Vec<(&str, &[u8])> = mid_entries.iter().map(|(n, b)| (n.as_str(), *b)).collect();
            let mid = zip_of(d, "mid.zip", &mid_entries, zip::CompressionMethod::Stored);
            let mid = std::fs::read(&mid).unwrap();
            std::fs::remove_file(d.join("mid.zip")).unwrap();
            let top: Vec<(String, &[u8])> = (0..8).map(|i| (format!("lot{i}.zip"), mid.as_slice())).collect();
            let top: Vec<(&str, &[u8])> = top.iter().map(|(n, b)| (n.as_str(), *b)).collect();
            zip_of(d, "42.zip", &top, zip::CompressionMethod::Deflated)
        },
        expect: &["archive.nested"],
        max_rss_mb: MAX_RSS_MB,
    },
    Case {
        name: "overlapping entries: 2,000 names over one 1 MiB stored entry",
        make: |d| {
            let data = vec![b'a'; 1 << 20];
            let names: Vec<Vec<u8>> = (0..2000).map(|i| format!("f{i}.txt").into_bytes()).collect();
            let centrals: Vec<(&[u8], usize, u16)> = names.iter().map(|n| (n.as_slice(), 0, 0)).collect();
            write(d, "overlap.zip", &raw_zip(&[(b"f0.txt", &data, 0)], &centrals))
        },
        expect: &["archive.overlapping-entries"],
        max_rss_mb: MAX_RSS_MB,
    },
    Case {
        name: "zip-slip, absolute and drive paths",
        make: |d| {
            zip_of(
                d,
                "slip.zip",
                &[
                    ("../../../../tmp/evil.sh", b"x"),
                    ("/etc/cron.d/evil", b"x"),
                    ("C:\\Windows\\evil.dll", b"x"),
                    ("a/../../b.txt", b"x"),
                ],
                zip::CompressionMethod::Deflated,
            )
        },
        expect: &["archive.path-traversal", "archive.absolute-path"],
        max_rss_mb: MAX_RSS_MB,
    },
    Case {
        name: "symlink entry in a zip",
        make: |d| {
            let path = d.join("link.zip");
            let mut z = zip::ZipWriter::new(std::fs::File::create(&path).unwrap());
            z.add_symlink("donnees/actes.csv", "/etc/passwd", zip::write::SimpleFileOptions::default())
                .unwrap();
            z.finish().unwrap();
            path
        },
        expect: &["archive.symlink"],
        max_rss_mb: MAX_RSS_MB,
    },
    Case {
        name: "duplicate names",
        make: |d| {
            write(
                d,
                "dup.zip",
                &raw_zip(&[(b"a.csv", b"1", 0), (b"a.csv", b"2", 0)], &[(b"a.csv", 0, 0), (b"a.csv", 1, 0)]),
            )
        },
        expect: &["archive.duplicate-name"],
        max_rss_mb: MAX_RSS_MB,
    },
    Case {
        name: "encrypted entry (flag bit 0)",
        make: |d| {
            write(d, "enc.zip", &raw_zip(&[(b"secret.csv", b"0123456789ab", 1)], &[(b"secret.csv", 0, 1)]))
        },
        expect: &["archive.encrypted"],
        max_rss_mb: MAX_RSS_MB,
    },
    Case {
        name: "CRC-corrupted entry",
        make: |d| {
            let mut z = raw_zip(&[(b"data.csv", b"a,b\n1,2\n", 0)], &[(b"data.csv", 0, 0)]);
            z[30 + 8 + 2] ^= 0xff; // a byte of the data, after the local header and name
            write(d, "crc.zip", &z)
        },
        expect: &["archive.corrupt"],
        max_rss_mb: MAX_RSS_MB,
    },
    Case {
        name: "truncated tar.gz",
        make: |d| {
            let tar = tar_with(d, |b| {
                tar_entry(b, "donnees/a.csv", tar::EntryType::Regular, None, &vec![b'x'; 200_000])
            });
            let bytes = std::fs::read(&tar).unwrap();
            std::fs::remove_file(&tar).unwrap();
            let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
            gz.write_all(&bytes).unwrap();
            let gz = gz.finish().unwrap();
            write(d, "cut.tar.gz", &gz[..gz.len() / 2])
        },
        expect: &["archive.truncated", "archive.corrupt"],
        max_rss_mb: MAX_RSS_MB,
    },
    Case {
        name: "names that are not UTF-8",
        make: |d| {
            write(
                d,
                "names.zip",
                &raw_zip(
                    &[(b"donnees/\xff\xfe\x80.csv", b"a\n", 0x0800)],
                    &[(b"donnees/\xff\xfe\x80.csv", 0, 0x0800)],
                ),
            )
        },
        expect: &["archive.name-encoding"],
        max_rss_mb: MAX_RSS_MB,
    },
    Case {
        name: "tar with devices, FIFO, hard link and symlink",
        make: |d| {
            tar_with(d, |b| {
                tar_entry(b, "ok.csv", tar::EntryType::Regular, None, b"a\n");
                tar_entry(b, "dev/null", tar::EntryType::Char, None, b"");
                tar_entry(b, "dev/sda", tar::EntryType::Block, None, b"");
                tar_entry(b, "fifo", tar::EntryType::Fifo, None, b"");
                tar_entry(b, "hard", tar::EntryType::Link, Some("/etc/shadow"), b"");
                tar_entry(b, "soft", tar::EntryType::Symlink, Some("../../etc/passwd"), b"");
            })
        },
        expect: &["archive.special-entry"],
        max_rss_mb: MAX_RSS_MB,
    },
];

const RECORDS: &[Case] = &[
    Case {
        name: "XML billion laughs",
        make: |d| {
            let mut x = String::from("<?xml version=\"1.0\"?>\n<!DOCTYPE actes [\n<!ENTITY lol \"lol\">\n");
            for i in 1..10 {
                let prev = if i == 1 { "lol".to_string() } else { format!("lol{}", i - 1) };
                x.push_str(&format!("<!ENTITY lol{i} \"{}\">\n", format!("&{prev};").repeat(10)));
            }
            x.push_str("]>\n<actes><acte><nom>&lol9;</nom></acte></actes>\n");
            data_zip(d, "actes.xml", x.as_bytes())
        },
        expect: &["records.read-error"],
        max_rss_mb: MAX_RSS_MB,
    },
    Case {
        name: "XML external entity and DTD fetch",
        make: |d| {
            let x = "<?xml version=\"1.0\"?>\n<!DOCTYPE actes SYSTEM \"http://example.invalid/evil.dtd\" [\n<!ENTITY xxe SYSTEM \"file:///etc/passwd\">\n]>\n<actes><acte><nom>&xxe;</nom></acte></actes>\n";
            data_zip(d, "actes.xml", x.as_bytes())
        },
        expect: &["records.read-error"],
        max_rss_mb: MAX_RSS_MB,
    },
    Case {
        name: "XML nested 100,000 deep",
        make: |d| {
            let x =
                format!("<actes><acte>{}{}</acte></actes>", "<a>".repeat(100_000), "</a>".repeat(100_000));
            data_zip(d, "actes.xml", x.as_bytes())
        },
        expect: &["records.read-limit"],
        max_rss_mb: MAX_RSS_MB,
    },
    Case {
        name: "CSV with a 40 MiB field",
        make: |d| {
            let mut c = CSV_HEADER.as_bytes().to_vec();
            let mut x = 0x2545_f491_4f6c_dd1du64;
            c.extend((0..40 << 20).map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                b'a' + (x % 26) as u8
            }));
            c.extend_from_slice(b",a,b,1990-01-01,38185,0001\n");
            data_zip(d, "electeurs.csv", &c)
        },
        expect: &["records.read-error"],
        max_rss_mb: MAX_RSS_MB,
    },
    Case {
        name: "CSV with NUL bytes, ragged rows and mixed encodings",
        make: |d| {
            let mut c = CSV_HEADER.as_bytes().to_vec();
            c.extend_from_slice(
                b"1,DUP\0NT,L\xe9a,1990-01-01,38185,0001\n2,only,three\n3,Z\xc3\xa9,a,b,c,d,e,f,g\n",
            );
            data_zip(d, "electeurs.csv", &c)
        },
        expect: &["records.ragged-rows"],
        max_rss_mb: MAX_RSS_MB,
    },
    Case {
        name: "CSV with an unclosed quote over 40 MiB",
        make: |d| {
            let mut c = CSV_HEADER.as_bytes().to_vec();
            c.extend_from_slice(b"1,\"never closed");
            for _ in 0..(40 << 20) / 32 {
                c.extend_from_slice(b"\n2,b,c,1990-01-01,38185,0001,xx");
            }
            data_zip(d, "electeurs.csv", &c)
        },
        expect: &["records.read-error"],
        max_rss_mb: MAX_RSS_MB,
    },
    Case {
        // Read through (the claimed count is not trusted): its one record lacks the acte's fields.
        name: "XLSX whose shared-string table claims 4 billion strings and holds 500,000",
        make: |d| {
            let mut ss = String::from(
                "<?xml version=\"1.0\"?><sst xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" count=\"4000000000\" uniqueCount=\"4000000000\">",
            );
            ss.push_str("<si><t>numero_acte</t></si>");
            for i in 1..500_000 {
                ss.push_str(&format!("<si><t>s{i}</t></si>"));
            }
            ss.push_str("</sst>");
            let sheet = "<?xml version=\"1.0\"?><worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><sheetData><row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c></row><row r=\"2\"><c r=\"A2\"><v>1</v></c></row></sheetData></worksheet>";
            let xlsx = xlsx_with(&ss, sheet);
            data_zip(d, "actes.xlsx", &xlsx)
        },
        expect: &["records.schema-violation"],
        max_rss_mb: MAX_RSS_MB,
    },
    Case {
        name: "XLSX whose shared-string table unpacks to 200 MiB of one-letter strings",
        make: |d| {
            let table = format!("<sst>{}</sst>", "<si><t>a</t></si>".repeat((200 << 20) / 17));
            let sheet = "<?xml version=\"1.0\"?><worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><sheetData/></worksheet>";
            let xlsx = xlsx_with(&table, sheet);
            data_zip(d, "actes.xlsx", &xlsx)
        },
        expect: &["records.read-limit"],
        max_rss_mb: MAX_RSS_MB,
    },
    Case {
        name: "XLSX that is not a zip inside",
        make: |d| data_zip(d, "actes.xlsx", b"PK\x03\x04 this is not a workbook at all"),
        expect: &["records.read-error"],
        max_rss_mb: MAX_RSS_MB,
    },
    Case {
        name: "ODS with a malformed content.xml",
        make: |d| {
            let ods = zip_bytes(&[
                ("mimetype", b"application/vnd.oasis.opendocument.spreadsheet".as_slice()),
                (
                    "content.xml",
                    b"<office:document-content><office:body><table:table><table:table-row>".as_slice(),
                ),
            ]);
            data_zip(d, "actes.ods", &ods)
        },
        expect: &["records.read-error"],
        max_rss_mb: MAX_RSS_MB,
    },
    Case {
        name: "ODS whose repeat attributes span 99 million cells in a few bytes",
        make: |d| {
            let ns = "xmlns:office=\"urn:oasis:names:tc:opendocument:xmlns:office:1.0\" xmlns:table=\"urn:oasis:names:tc:opendocument:xmlns:table:1.0\" xmlns:text=\"urn:oasis:names:tc:opendocument:xmlns:text:1.0\"";
            let content = format!(
                "<?xml version=\"1.0\"?><office:document-content {ns} office:version=\"1.2\"><office:body><office:spreadsheet><table:table table:name=\"actes\"><table:table-row table:number-rows-repeated=\"999999\"><table:table-cell table:number-columns-repeated=\"99\" office:value-type=\"string\"><text:p>x</text:p></table:table-cell></table:table-row></table:table></office:spreadsheet></office:body></office:document-content>"
            );
            let manifest = "<?xml version=\"1.0\"?><manifest:manifest xmlns:manifest=\"urn:oasis:names:tc:opendocument:xmlns:manifest:1.0\"><manifest:file-entry manifest:full-path=\"/\" manifest:media-type=\"application/vnd.oasis.opendocument.spreadsheet\"/></manifest:manifest>";
            let ods = zip_bytes(&[
                ("mimetype", b"application/vnd.oasis.opendocument.spreadsheet".as_slice()),
                ("META-INF/manifest.xml", manifest.as_bytes()),
                ("content.xml", content.as_bytes()),
            ]);
            data_zip(d, "actes.ods", &ods)
        },
        expect: &["records.read-limit"],
        max_rss_mb: MAX_RSS_MB,
    },
    Case {
        name: "JSON nested 100,000 deep",
        make: |d| {
            let j = format!("[{{\"nom\": {}{}}}]", "[".repeat(100_000), "]".repeat(100_000));
            data_zip(d, "actes.json", j.as_bytes())
        },
        expect: &["records.read-limit"],
        max_rss_mb: MAX_RSS_MB,
    },
];

const MANIFESTS: &[Case] = &[
    Case {
        name: "BagIt manifest of a million lines, duplicates and hostile paths",
        make: |d| {
            let bag = d.join("bag");
            std::fs::create_dir_all(bag.join("data")).unwrap();
            std::fs::write(bag.join("bagit.txt"), "BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n")
                .unwrap();
            std::fs::write(bag.join("data/a.csv"), "a\n").unwrap();
            let mut m = String::with_capacity(90 << 20);
            let h = "0".repeat(64);
            for i in 0..1_000_000 {
                m.push_str(&format!("{h}  data/f{i}.csv\n"));
            }
            m.push_str(&format!("{h}  data/f1.csv\n{h}  ../../etc/passwd\n{h}  /etc/shadow\n"));
            std::fs::write(bag.join("manifest-sha256.txt"), m).unwrap();
            bag
        },
        expect: &["fixity.missing-file"],
        // The parsed manifest is held whole: ≈ 9 bytes per byte of manifest (README, Safety).
        max_rss_mb: 1536,
    },
    Case {
        name: "reversa manifest with hostile paths and duplicates",
        make: |d| {
            let m = r#"{"reversa_manifest": "1", "files": [
                {"path": "../../etc/passwd", "size": 1, "sha256": "00"},
                {"path": "/etc/shadow", "size": 1, "sha256": "00"},
                {"path": "a.csv", "size": 2, "sha256": "00"},
                {"path": "a.csv", "size": 2, "sha256": "00"}]}"#;
            zip_of(
                d,
                "m.zip",
                &[("manifest.json", m.as_bytes()), ("a.csv", b"a\n")],
                zip::CompressionMethod::Deflated,
            )
        },
        expect: &["fixity.path-escape", "manifest.malformed", "manifest.invalid-line"],
        max_rss_mb: MAX_RSS_MB,
    },
];

fn zip_bytes(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let mut z = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    // zstd: quick to write in a debug build, and read by the workbook readers.
    let opts = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Zstd);
    for (n, data) in entries {
        z.start_file(*n, opts).unwrap();
        z.write_all(data).unwrap();
    }
    z.finish().unwrap().into_inner()
}

fn xlsx_with(shared_strings: &str, sheet: &str) -> Vec<u8> {
    zip_bytes(&[
        ("[Content_Types].xml", b"<?xml version=\"1.0\"?><Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\"><Override PartName=\"/xl/workbook.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml\"/></Types>".as_slice()),
        ("_rels/.rels", b"<?xml version=\"1.0\"?><Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\"><Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" Target=\"xl/workbook.xml\"/></Relationships>".as_slice()),
        ("xl/workbook.xml", b"<?xml version=\"1.0\"?><workbook xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\"><sheets><sheet name=\"actes\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>".as_slice()),
        ("xl/_rels/workbook.xml.rels", b"<?xml version=\"1.0\"?><Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\"><Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet\" Target=\"worksheets/sheet1.xml\"/><Relationship Id=\"rId2\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings\" Target=\"sharedStrings.xml\"/></Relationships>".as_slice()),
        ("xl/sharedStrings.xml", shared_strings.as_bytes()),
        ("xl/worksheets/sheet1.xml", sheet.as_bytes()),
    ])
}

#[test]
fn hostile_archives_give_named_findings_within_bounds() {
    ARCHIVES.iter().for_each(check);
}

#[test]
fn hostile_records_give_named_findings_within_bounds() {
    RECORDS.iter().for_each(check);
}

#[test]
fn hostile_manifests_give_named_findings_within_bounds() {
    MANIFESTS.iter().for_each(check);
}

#[test]
fn zip64_entries_are_read_like_any_other() {
    let w = tempfile::tempdir().unwrap();
    let input = data_zip(w.path(), "bureaux.csv", b"code_bureau,libelle\n0001,Mairie\n0002,\xc3\x89cole\n");
    assert!(std::fs::read(&input).unwrap().windows(2).any(|b| b == [1, 0]), "a zip64 extra field");
    let run = run_bounded(&input, &w.path().join("out"), &[]);
    let codes = run.codes();
    assert!(!codes.iter().any(|c| c.starts_with("archive.")), "{codes:?}");
    let bureaux = run.report.as_ref().unwrap()["datasets"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["name"] == "bureaux")
        .cloned()
        .unwrap();
    assert_eq!((bureaux["records"].as_u64(), bureaux["valid"].as_u64()), (Some(2), Some(2)));
}

// ---------------------------------------------------------------------------------------------
// Folders seen whole, and exports that are not files

/// Whether this test runs as root (which reads a mode-000 folder: the binary runs as nobody).
fn is_root() -> bool {
    std::fs::metadata("/proc/self").map(|m| std::os::unix::fs::MetadataExt::uid(&m) == 0).unwrap_or(false)
}

fn mkfifo(p: &Path) {
    assert!(std::process::Command::new("mkfifo").arg(p).status().unwrap().success());
}

/// The bounds every case of this section keeps: no panic, time, memory, `--out` alone written.
fn assert_bounded(name: &str, run: &Bounded, out: &Path) {
    assert!(!run.stderr.contains("panicked"), "{name}: {}", run.stderr);
    assert!(run.secs < MAX_SECS as f64, "{name}: {:.1} s", run.secs);
    assert!(run.rss_mb <= MAX_RSS_MB, "{name}: peak RSS {} MB", run.rss_mb);
    if run.code != 2 {
        let mut written: Vec<String> = std::fs::read_dir(out)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        written.sort();
        assert_eq!(written, ["report.html", "report.json"], "{name}");
    }
    eprintln!("{name}: exit {}, {:.1} s, {} MB", run.code, run.secs, run.rss_mb);
}

fn findings_of<'a>(run: &'a Bounded, code: &str) -> Vec<&'a Value> {
    let Some(r) = &run.report else { return Vec::new() };
    r["findings"].as_array().unwrap().iter().filter(|f| f["code"] == code).collect()
}

#[test]
fn folder_parts_that_cannot_be_read_are_named_not_dropped() {
    use std::os::unix::fs::PermissionsExt;
    let w = tempfile::tempdir().unwrap();
    let export = w.path().join("export");
    std::fs::create_dir_all(export.join("donnees")).unwrap();
    std::fs::write(export.join("donnees/bureaux.csv"), "code_bureau,libelle\n0001,Mairie\n").unwrap();
    // A subfolder nobody may list.
    std::fs::create_dir(export.join("verrou")).unwrap();
    std::fs::write(export.join("verrou/actes.csv"), "secret\n").unwrap();
    // A path longer than PATH_MAX (4096 bytes): 20 folders of 250-byte names, made one at a time.
    {
        use rustix::fs::{Mode, OFlags};
        let name = "p".repeat(250);
        let mut dir = rustix::fs::open(&export, OFlags::DIRECTORY, Mode::empty()).unwrap();
        for _ in 0..20 {
            rustix::fs::mkdirat(&dir, name.as_str(), Mode::from_raw_mode(0o755)).unwrap();
            dir = rustix::fs::openat(&dir, name.as_str(), OFlags::DIRECTORY, Mode::empty()).unwrap();
        }
        let f =
            rustix::fs::openat(&dir, "f.csv", OFlags::WRONLY | OFlags::CREATE, Mode::from_raw_mode(0o644))
                .unwrap();
        rustix::io::write(&f, b"a,b\n").unwrap();
    }
    std::fs::set_permissions(export.join("verrou"), std::fs::Permissions::from_mode(0o000)).unwrap();
    for d in [w.path(), &export, &export.join("donnees")] {
        std::fs::set_permissions(d, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    let out = w.path().join("out");
    std::fs::create_dir(&out).unwrap();
    std::fs::set_permissions(&out, std::fs::Permissions::from_mode(0o777)).unwrap();
    let before = snapshot(w.path());
    let prefix: &[&str] =
        if is_root() { &["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"] } else { &[] };
    let run = run_bounded_as(prefix, &export, &out, &[], None);
    std::fs::set_permissions(export.join("verrou"), std::fs::Permissions::from_mode(0o755)).unwrap();
    assert_bounded("unlistable folder and path over PATH_MAX", &run, &out);
    let unreadable = findings_of(&run, "archive.unreadable");
    let paths: Vec<&str> = unreadable.iter().map(|f| f["path"].as_str().unwrap()).collect();
    assert!(paths.contains(&"verrou"), "{paths:?}");
    assert!(paths.iter().any(|p| p.len() > 4000 && p.starts_with("pppp")), "{paths:?}");
    assert!(unreadable.iter().all(|f| f["attribution"] == "tool"), "{unreadable:?}");
    // Parts reversa could not read: undetermined, never the vendor's fault.
    assert_eq!(run.code, 3, "{}", run.stderr);
    assert_eq!(before, snapshot(w.path()), "the input changed or something was written outside --out");
}

#[test]
fn a_fifo_and_a_link_planted_in_a_folder_are_named_never_read() {
    let w = tempfile::tempdir().unwrap();
    let export = w.path().join("export");
    std::fs::create_dir_all(export.join("donnees")).unwrap();
    std::fs::write(export.join("donnees/bureaux.csv"), "code_bureau,libelle\n0001,Mairie\n").unwrap();
    mkfifo(&export.join("donnees/actes.csv"));
    std::os::unix::fs::symlink("/etc/passwd", export.join("donnees/electeurs.csv")).unwrap();
    let before = snapshot(w.path());
    let out = w.path().join("out");
    let run = run_bounded(&export, &out, &[]);
    assert_bounded("FIFO and symlink in a folder", &run, &out);
    let special = findings_of(&run, "archive.special-entry");
    assert_eq!(special.len(), 1, "{:?}", run.codes());
    assert_eq!(special[0]["path"], "donnees/actes.csv");
    let link = findings_of(&run, "archive.symlink");
    assert_eq!(link.len(), 1, "{:?}", run.codes());
    assert_eq!(link[0]["path"], "donnees/electeurs.csv");
    let electeurs = run.report.as_ref().unwrap()["datasets"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["name"] == "electeurs")
        .cloned()
        .unwrap();
    assert!(electeurs["records"].as_u64().unwrap_or(0) == 0, "/etc/passwd was read: {electeurs}");
    assert_eq!(run.code, 1, "links and FIFOs in a delivery are the vendor's: {}", run.stderr);
    assert_eq!(before, snapshot(w.path()));
}

/// A small export as `tar` and `gzip` write it.
fn system_tar(dir: &Path, gz: bool) -> PathBuf {
    let src = dir.join("src");
    std::fs::create_dir_all(src.join("donnees")).unwrap();
    let mut csv = String::from("code_bureau,libelle\n");
    for i in 0..2000 {
        csv.push_str(&format!("{:04},Bureau {i}\n", i % 10000));
    }
    std::fs::write(src.join("donnees/bureaux.csv"), csv).unwrap();
    std::fs::write(src.join("LISEZMOI.txt"), "Export de test\n").unwrap();
    let name = if gz { "export.tar.gz" } else { "export.tar" };
    let flag = if gz { "czf" } else { "cf" };
    let st = std::process::Command::new("tar")
        .arg(flag)
        .arg(dir.join(name))
        .arg("-C")
        .arg(&src)
        .arg(".")
        .status()
        .unwrap();
    assert!(st.success());
    dir.join(name)
}

#[test]
fn a_tar_from_a_pipe_gives_the_report_its_file_gives() {
    use sha2::Digest;
    for gz in [false, true] {
        let w = tempfile::tempdir().unwrap();
        let file = system_tar(w.path(), gz);
        let bytes = std::fs::read(&file).unwrap();
        let from_file = run_bounded(&file, &w.path().join("out-file"), &[]);
        let piped = run_bounded_as(
            &[],
            Path::new("/dev/stdin"),
            &w.path().join("out-pipe"),
            &[],
            Some(bytes.clone()),
        );
        let name = if gz { "tar.gz from a pipe" } else { "tar from a pipe" };
        assert_bounded(name, &piped, &w.path().join("out-pipe"));
        let (f, p) = (from_file.report.as_ref().unwrap(), piped.report.as_ref().unwrap());
        let sha = hex::encode(sha2::Sha256::digest(&bytes));
        assert_eq!(p["archive"]["sha256"], sha.as_str(), "{name}: every byte hashed, none lost to detection");
        assert_eq!(f["archive"]["sha256"], p["archive"]["sha256"]);
        assert_eq!(p["archive"]["size"], bytes.len() as u64);
        assert_eq!(p["archive"]["container"], if gz { "tar-gz" } else { "tar" });
        assert_eq!(from_file.codes(), piped.codes(), "{name}");
        assert_eq!((from_file.code, f["verdict"].clone()), (piped.code, p["verdict"].clone()), "{name}");
        assert_eq!(f["datasets"], p["datasets"], "{name}");
        assert_eq!(std::fs::read(&file).unwrap(), bytes);
    }
}

#[test]
fn a_zip_from_a_pipe_is_refused() {
    let w = tempfile::tempdir().unwrap();
    let zip = data_zip(w.path(), "bureaux.csv", b"code_bureau,libelle\n0001,Mairie\n");
    let out = w.path().join("out");
    let run = run_bounded_as(&[], Path::new("/dev/stdin"), &out, &[], Some(std::fs::read(&zip).unwrap()));
    assert_bounded("zip from a pipe", &run, &out);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("zip needs a file; save it first"), "{}", run.stderr);
    assert!(!out.join("report.json").exists());
}

#[test]
fn a_fifo_with_no_writer_is_refused_not_waited_on() {
    let w = tempfile::tempdir().unwrap();
    let fifo = w.path().join("export.tar");
    mkfifo(&fifo);
    let out = w.path().join("out");
    let run = run_bounded(&fifo, &out, &[]);
    assert_bounded("FIFO with no writer", &run, &out);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("no program writes to this pipe"), "{}", run.stderr);
    assert!(run.secs < 15.0, "{:.1} s", run.secs);
}
