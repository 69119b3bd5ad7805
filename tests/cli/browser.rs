//! The HTML report in a real browser: Debian's chromium renders the demo's report headless;
//! the rendered page has its title, the verdict, one row per clause, and no console message;
//! a screenshot is saved under `target/browser/` (a CI artifact). Without chromium the test is
//! skipped with a message — but not in CI (`CI` set), where `.ci/run` installs it.

use crate::workdir::Workdir;
use std::path::{Path, PathBuf};
use std::process::Command;

fn chromium() -> Option<PathBuf> {
    ["/usr/bin/chromium", "/usr/bin/chromium-browser"].iter().map(PathBuf::from).find(|p| p.exists())
}

/// Flags for a closed network, as root: no sandbox, no background networking.
fn headless(profile: &Path) -> Vec<String> {
    [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-default-apps",
        "--enable-logging=stderr",
        "--v=0",
    ]
    .iter()
    .map(|s| s.to_string())
    .chain(std::iter::once(format!("--user-data-dir={}", profile.display())))
    .collect()
}

#[test]
fn the_html_report_renders_in_a_real_browser() {
    let Some(chromium) = chromium() else {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI: chromium must be installed (.ci/run installs Debian's chromium)"
        );
        eprintln!(
            "SKIPPED the_html_report_renders_in_a_real_browser: chromium not found (apt-get install chromium)"
        );
        return;
    };
    let w = Workdir::new();
    let export = w.demo(&[]);
    let clauses = w.path().join("commune.toml");
    assert_eq!(w.run(&["clauses", "init", "--template", "commune", "-o", clauses.to_str().unwrap()]).code, 0);
    let run = w.verify(&export, &["--contract", clauses.to_str().unwrap()]);
    let html = w.path().join("out/report.html");
    let url = format!("file://{}", html.display());

    let out = Command::new(&chromium)
        .args(headless(&w.path().join("chromium-profile")))
        .arg("--dump-dom")
        .arg(&url)
        .output()
        .expect("chromium runs");
    assert!(out.status.success(), "chromium: {}", String::from_utf8_lossy(&out.stderr));
    let dom = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(dom.contains("<title>Rapport reversa"), "title in {}", &dom[..dom.len().min(400)]);
    assert!(dom.contains("id=\"verdict\""), "verdict element");
    assert!(dom.contains(&format!("data-verdict=\"{}\"", run.verdict())));
    let clauses = run.report()["clauses"].as_array().unwrap();
    assert_eq!(dom.matches("class=\"clause\"").count(), clauses.len(), "one row per clause");
    let console: Vec<&str> = stderr.lines().filter(|l| l.contains(":CONSOLE")).collect();
    assert!(console.is_empty(), "console messages: {console:#?}");

    let shots = Path::new(env!("CARGO_TARGET_TMPDIR")).parent().unwrap().join("browser");
    std::fs::create_dir_all(&shots).unwrap();
    let png = shots.join("report.png");
    let shot = Command::new(&chromium)
        .args(headless(&w.path().join("chromium-profile-2")))
        .arg(format!("--screenshot={}", png.display()))
        .arg("--window-size=1280,4000")
        .arg(&url)
        .output()
        .expect("chromium runs");
    assert!(shot.status.success());
    let bytes = std::fs::read(&png).expect("a screenshot");
    assert!(bytes.starts_with(b"\x89PNG") && bytes.len() > 10_000, "a real PNG");
}
