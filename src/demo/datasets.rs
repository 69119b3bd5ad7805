//! The datasets of a sample export, generated row by row in three families that each draw from
//! their own random stream: civil status (actes, mentions, pièces and their scans), the CCAS's
//! social files (foyers, personnes, demandes, décisions, paiements) and the electoral roll
//! (bureaux, électeurs, mouvements). Child rows are written while their parent is generated, so
//! references resolve by construction and nothing but a few counters is kept in memory.

use super::blobs::{Scan, scan_pdf};
use super::common::{CsvOut, Rand, Spreader, add_years, date_string, days};
use super::stage::{Hashes, Stage, Staged};
use super::words::*;
use std::fmt::Write as _;
use std::io;
use std::path::Path;

/// Last day of the data: the export is dated 2026-01-01.
const END: i32 = days(2025, 12, 31);
/// Electors must be 18 on this day: the last day of the data, so that they are of age on any
/// list date after the export.
const ROLL_DAY: i32 = END;

/// How many rows each dataset gets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Plan {
    pub(crate) actes: u64,
    pub(crate) mentions: u64,
    pub(crate) pieces: u64,
    pub(crate) foyers: u64,
    pub(crate) personnes: u64,
    pub(crate) demandes: u64,
    pub(crate) decisions: u64,
    pub(crate) accords: u64,
    pub(crate) paiements: u64,
    pub(crate) electeurs: u64,
    pub(crate) bureaux: u64,
    pub(crate) mouvements: u64,
}

impl Plan {
    /// Splits about `records` records over the datasets, at most `max_scans` scans.
    pub(crate) fn new(records: usize, max_scans: usize) -> Plan {
        let n = records as u64;
        let share = |pct: u64, min: u64| (n * pct / 100).max(min);
        let actes = share(20, 2);
        let demandes = share(8, 2);
        let decisions = share(7, 1).min(demandes);
        let foyers = share(6, 2);
        let electeurs = share(22, 2);
        Plan {
            actes,
            mentions: share(8, 1),
            pieces: share(2, 1).min(max_scans as u64).min(actes),
            foyers,
            personnes: share(14, 2).max(foyers),
            demandes,
            decisions,
            accords: (decisions * 4 / 5).max(1),
            paiements: share(10, 1),
            electeurs,
            bureaux: (electeurs / 800).max(2),
            mouvements: share(3, 1).min(electeurs),
        }
    }
}

/// What the generator needs to know.
pub(crate) struct Ctx<'a> {
    /// The seed.
    pub(crate) seed: u64,
    /// The commune's INSEE code.
    pub(crate) code: &'a str,
    /// The commune's name.
    pub(crate) name: &'a str,
    /// Prefix of payload paths inside the archive (`""`, `"data/"`, `"Content/"`).
    pub(crate) prefix: &'a str,
    /// Folder for temporary files.
    pub(crate) dir: &'a Path,
    /// Digests to compute.
    pub(crate) hashes: Hashes,
    /// Write `electeurs.csv` in Windows-1252.
    pub(crate) electeurs_cp1252: bool,
    /// Record defects to inject.
    pub(crate) records: RecordDefects,
}

/// Defects injected into the records themselves (each found by the records stage).
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct RecordDefects {
    /// Acte 2's event date is not a date (`2021-02-30`).
    pub(crate) invalid_date: bool,
    /// Personne 2 gets personne 1's id.
    pub(crate) duplicate_key: bool,
    /// Paiement 1 refers to a décision that does not exist.
    pub(crate) dangling_reference: bool,
    /// One acte number is skipped (acte 3's number is one higher).
    pub(crate) acte_gap: bool,
    /// Pièce 1 names a scan that is not in the export.
    pub(crate) missing_scan: bool,
    /// Électeur 1 is born in 2015.
    pub(crate) under_age: bool,
}

impl Ctx<'_> {
    fn csv(&self, header: &[&str], cp1252: bool) -> io::Result<CsvOut<'_>> {
        CsvOut::new(Stage::new(self.dir, self.hashes), header, cp1252)
    }

    /// The commune's two postal codes (`38000`, `38100` for Grenoble).
    fn postal_codes(&self) -> [String; 2] {
        let dept =
            if self.code.starts_with("2A") || self.code.starts_with("2B") { "20" } else { &self.code[..2] };
        [format!("{dept}000"), format!("{dept}100")]
    }
}

/// A generated CSV dataset.
pub(crate) struct Dataset {
    /// Its name (`actes`…).
    pub(crate) name: &'static str,
    /// Its bytes.
    pub(crate) staged: Staged,
    /// Its rows, header excluded.
    pub(crate) rows: u64,
}

/// A generated scan.
pub(crate) struct ScanFile {
    /// Its path inside the archive.
    pub(crate) path: String,
    /// Its title.
    pub(crate) title: String,
    /// Its bytes.
    pub(crate) staged: Staged,
}

/// Everything generated.
pub(crate) struct Generated {
    /// The CSV files.
    pub(crate) datasets: Vec<Dataset>,
    /// The scans.
    pub(crate) scans: Vec<ScanFile>,
}

/// Generates every dataset.
pub(crate) fn generate(ctx: &Ctx<'_>, plan: &Plan) -> io::Result<Generated> {
    let mut datasets = Vec::with_capacity(11);
    let scans = etat_civil(ctx, plan, &mut datasets)?;
    ccas(ctx, plan, &mut datasets)?;
    electoral(ctx, plan, &mut datasets)?;
    datasets.sort_by_key(|d| d.name);
    Ok(Generated { datasets, scans })
}

fn push(datasets: &mut Vec<Dataset>, name: &'static str, csv: CsvOut<'_>) -> io::Result<()> {
    let (staged, rows) = csv.finish()?;
    datasets.push(Dataset { name, staged, rows });
    Ok(())
}

/// Draws a person's first names (one to three, all different) into `out`; returns how many.
fn prenoms(rng: &mut Rand, sexe: u8, out: &mut [&'static str; 3]) -> usize {
    let list = if sexe == b'M' { PRENOMS_M } else { PRENOMS_F };
    let n = 1 + rng.weighted(&[50, 35, 15]);
    for i in 0..n {
        let mut p = *rng.pick(list);
        // Avoid "Marie Marie".
        while out[..i].contains(&p) {
            p = *rng.pick(list);
        }
        out[i] = p;
    }
    n
}

fn sexe_str(sexe: u8) -> &'static str {
    if sexe == b'M' { "M" } else { "F" }
}

const TYPES_ACTE: [&str; 5] = ["naissance", "reconnaissance", "mariage", "deces", "transcription"];
const ACTE_WEIGHTS: [u64; 5] = [42, 8, 14, 30, 6];

fn etat_civil(ctx: &Ctx<'_>, plan: &Plan, datasets: &mut Vec<Dataset>) -> io::Result<Vec<ScanFile>> {
    let mut rng = Rand::new(ctx.seed, 1);
    let mut actes = ctx.csv(
        &[
            "id_acte",
            "type_acte",
            "numero_acte",
            "annee",
            "code_commune",
            "date_evenement",
            "heure_evenement",
            "lieu_evenement",
            "nom",
            "prenoms",
            "sexe",
            "date_naissance",
            "lieu_naissance",
            "code_lieu_naissance",
            "nom_pere",
            "prenoms_pere",
            "nom_mere",
            "prenoms_mere",
            "nom_conjoint",
            "prenoms_conjoint",
            "profession",
            "domicile",
            "date_redaction",
            "officier",
        ],
        false,
    )?;
    let mut mentions = ctx.csv(&["id_mention", "id_acte", "type_mention", "date_mention", "texte"], false)?;
    let mut pieces = ctx.csv(&["id_piece", "id_acte", "chemin", "type_document", "format"], false)?;
    let mut scans = Vec::new();

    const FIRST_YEAR: i32 = 2000;
    const LAST_YEAR: i32 = 2025;
    let mut per_year = Spreader::new(plan.actes, (LAST_YEAR - FIRST_YEAR + 1) as u64);
    let mut mention_spread = Spreader::new(plan.mentions, plan.actes);
    let mut piece_spread = Spreader::new(plan.pieces, plan.actes);
    let (mut id_acte, mut id_mention, mut id_piece) = (0u64, 0u64, 0u64);
    let mut dates: Vec<i32> = Vec::new();
    let mut text = String::with_capacity(256);
    let mut lieu = String::with_capacity(128);
    let mut domicile = String::with_capacity(128);
    let hospital = format!("Centre hospitalier, {}", ctx.name);
    let town_hall = format!("Hôtel de ville, {}", ctx.name);

    for year in FIRST_YEAR..=LAST_YEAR {
        let n = per_year.next(&mut rng);
        dates.clear();
        dates.extend((0..n).map(|_| rng.day(days(year, 1, 1), days(year, 12, 31))));
        dates.sort_unstable();
        let mut numeros = [0u64; 5];
        for &event in &dates {
            id_acte += 1;
            let t = rng.weighted(&ACTE_WEIGHTS);
            numeros[t] += 1;
            if ctx.records.acte_gap && id_acte == 3 {
                numeros[t] += 1;
            }
            let type_acte = TYPES_ACTE[t];
            let sexe = if rng.pct(50) { b'M' } else { b'F' };
            let mut pn = [""; 3];
            let np = prenoms(&mut rng, sexe, &mut pn);
            let nom_pere = *rng.pick(NOMS);
            let nom_mere = *rng.pick(NOMS);
            let mut pp = [""; 3];
            let npp = prenoms(&mut rng, b'M', &mut pp);
            let mut pm = [""; 3];
            let npm = prenoms(&mut rng, b'F', &mut pm);
            let father_known = rng.pct(95);
            domicile.clear();
            let _ = write!(domicile, "{} {}, {}", rng.range(1, 120), rng.pick(VOIES), ctx.name);
            let officier = *rng.pick(OFFICIERS);

            // Per type: the person's surname and birth, where and when, the redaction.
            let (nom, birth, redaction, minutes): (&str, i32, i32, u32);
            let (lieu_naissance, code_naissance): (&str, &str);
            lieu.clear();
            match t {
                0 => {
                    nom = if father_known && rng.pct(85) { nom_pere } else { nom_mere };
                    birth = event;
                    lieu_naissance = ctx.name;
                    code_naissance = ctx.code;
                    lieu.push_str(&hospital);
                    redaction = (event + rng.range(0, 3) as i32).min(END);
                    minutes = rng.below(24 * 60) as u32;
                }
                1 => {
                    nom = nom_pere;
                    birth = event - rng.range(0, 2000) as i32;
                    (lieu_naissance, code_naissance) = *rng.pick(COMMUNES_NAISSANCE);
                    lieu.push_str(&town_hall);
                    redaction = event;
                    minutes = 9 * 60 + 15 * rng.below(34) as u32;
                }
                2 => {
                    nom = *rng.pick(NOMS);
                    birth = add_years(event, -(rng.range(20, 60) as i32)) - rng.range(0, 364) as i32;
                    (lieu_naissance, code_naissance) = *rng.pick(COMMUNES_NAISSANCE);
                    lieu.push_str(&town_hall);
                    redaction = event;
                    minutes = 10 * 60 + 30 * rng.below(16) as u32;
                }
                3 => {
                    nom = *rng.pick(NOMS);
                    birth = add_years(event, -(rng.range(35, 100) as i32)) - rng.range(0, 364) as i32;
                    (lieu_naissance, code_naissance) = *rng.pick(COMMUNES_NAISSANCE);
                    if rng.pct(60) {
                        lieu.push_str(&hospital);
                    } else {
                        lieu.push_str(&domicile);
                    }
                    redaction = (event + rng.range(0, 2) as i32).min(END);
                    minutes = rng.below(24 * 60) as u32;
                }
                _ => {
                    nom = if rng.pct(85) { nom_pere } else { nom_mere };
                    birth = event;
                    let pays = rng.pick(PAYS);
                    let ville = *rng.pick(pays.villes);
                    lieu_naissance = ville;
                    code_naissance = pays.code;
                    let _ = write!(lieu, "{ville} ({})", pays.nom);
                    redaction = (event + rng.range(30, 400) as i32).min(END).max(event);
                    minutes = rng.below(24 * 60) as u32;
                }
            }

            actes.id("AC-", id_acte).s(type_acte).n(numeros[t]).n(year as u64).s(ctx.code);
            if ctx.records.invalid_date && id_acte == 2 {
                actes.s("2021-02-30");
            } else {
                actes.date(event);
            }
            actes.time(minutes).s(&lieu).s(nom).join(&pn[..np], " ").s(sexe_str(sexe)).date(birth);
            actes.s(lieu_naissance).s(code_naissance);
            let parents = t != 3 || rng.pct(70);
            if parents && (father_known || t == 1) {
                actes.s(nom_pere).join(&pp[..npp], " ");
            } else {
                actes.empty().empty();
            }
            if parents {
                actes.s(nom_mere).join(&pm[..npm], " ");
            } else {
                actes.empty().empty();
            }
            if t == 2 {
                let other = if rng.pct(90) { if sexe == b'M' { b'F' } else { b'M' } } else { sexe };
                let mut pc = [""; 3];
                let npc = prenoms(&mut rng, other, &mut pc);
                actes.s(rng.pick(NOMS)).join(&pc[..npc], " ");
            } else {
                actes.empty().empty();
            }
            match t {
                2 | 3 => actes.s(rng.pick(PROFESSIONS)),
                _ => actes.empty(),
            };
            actes.s(&domicile).date(redaction).s(officier);
            actes.end()?;

            for _ in 0..mention_spread.next(&mut rng) {
                id_mention += 1;
                let adult = add_years(birth, 18);
                let grown = adult < END;
                let kinds: &[&str] = match t {
                    0 if grown => &[
                        "mariage",
                        "deces",
                        "divorce",
                        "reconnaissance",
                        "changement_nom",
                        "rectification",
                        "pacs",
                    ],
                    0 => &["reconnaissance", "changement_nom", "rectification"],
                    1 => &["rectification", "changement_nom"],
                    2 => &["divorce", "deces", "rectification"],
                    3 => &["rectification"],
                    _ if grown => &["mariage", "deces", "rectification", "pacs"],
                    _ => &["rectification", "changement_nom"],
                };
                let kind = *rng.pick(kinds);
                let lo = if matches!(kind, "mariage" | "divorce" | "pacs" | "deces") && t != 2 {
                    adult.max(event + 1)
                } else {
                    event + 1
                };
                let when = rng.day(lo.min(END), END).max(event);
                let ville = rng.pick(COMMUNES_NAISSANCE).0;
                let feminine = sexe == b'F';
                let e = if feminine { "e" } else { "" };
                let date = date_string(when);
                text.clear();
                let _ = match kind {
                    "mariage" => write!(
                        text,
                        "Marié{e} le {date} à {ville} avec {} {}.",
                        rng.pick(if feminine { PRENOMS_M } else { PRENOMS_F }),
                        rng.pick(NOMS)
                    ),
                    "deces" => write!(text, "Décédé{e} le {date} à {ville}."),
                    "divorce" => write!(
                        text,
                        "Divorcé{e} de son conjoint, par jugement du tribunal judiciaire de {} du {date}.",
                        ctx.name
                    ),
                    "reconnaissance" => {
                        write!(text, "Reconnu{e} par {} {} le {date}.", rng.pick(PRENOMS_M), rng.pick(NOMS))
                    }
                    "changement_nom" => write!(
                        text,
                        "Porte désormais le nom « {} », par décision de l'officier de l'état civil du {date}.",
                        rng.pick(NOMS)
                    ),
                    "pacs" => write!(
                        text,
                        "Pacte civil de solidarité enregistré le {date} avec {} {}.",
                        rng.pick(PRENOMS_F),
                        rng.pick(NOMS)
                    ),
                    _ => write!(
                        text,
                        "Acte rectifié sur instruction du procureur de la République, le {date}."
                    ),
                };
                mentions.id("MN-", id_mention).id("AC-", id_acte).s(kind).date(when).s(&text);
                mentions.end()?;
            }

            for _ in 0..piece_spread.next(&mut rng) {
                id_piece += 1;
                let id = format!("PC-{id_piece:08}");
                let path = format!("{}pieces/{id}.pdf", ctx.prefix);
                if ctx.records.missing_scan && id_piece == 1 {
                    pieces.s(&id).id("AC-", id_acte).s(&format!("{}pieces/PC-absent.pdf", ctx.prefix));
                } else {
                    pieces.s(&id).id("AC-", id_acte).s(&path);
                }
                pieces.s("scan_acte").s("application/pdf");
                pieces.end()?;
                let mut first_names = String::new();
                for (i, p) in pn[..np].iter().enumerate() {
                    if i > 0 {
                        first_names.push(' ');
                    }
                    first_names.push_str(p);
                }
                let id_acte_s = &format!("AC-{id_acte:08}");
                let pdf = scan_pdf(&Scan {
                    id_piece: &id,
                    id_acte: id_acte_s,
                    type_acte,
                    numero: numeros[t],
                    annee: year,
                    date_evenement: event,
                    nom,
                    prenoms: &first_names,
                    commune: ctx.name,
                    code_commune: ctx.code,
                });
                scans.push(ScanFile {
                    title: format!(
                        "Copie numérisée de l'acte {id_acte_s} ({type_acte} n° {} de {year})",
                        numeros[t]
                    ),
                    path,
                    staged: Staged::from_bytes(pdf, ctx.hashes),
                });
            }
        }
    }
    push(datasets, "actes", actes)?;
    push(datasets, "mentions", mentions)?;
    push(datasets, "pieces", pieces)?;
    Ok(scans)
}

/// The check-key of a French social security number (NIR): 97 − (first 13 digits mod 97).
pub(crate) fn nir_key(first13: u64) -> u64 {
    97 - first13 % 97
}

/// Writes a NIR for someone of sex `sexe` born on `birth` at `place` (INSEE code or 99xxx).
fn nir(buf: &mut String, rng: &mut Rand, sexe: u8, birth: i32, place: &str) {
    let (y, m, _) = super::common::civil(birth);
    let place: u64 = place.parse().unwrap_or(99_999);
    let ordre = rng.range(1, 999) as u64;
    let first13 = u64::from(if sexe == b'M' { 1u8 } else { 2 }) * 1_000_000_000_000
        + (y as u64 % 100) * 10_000_000_000
        + u64::from(m) * 100_000_000
        + place * 1000
        + ordre;
    buf.clear();
    let _ = write!(buf, "{first13:013}{:02}", nir_key(first13));
}

const TYPES_AIDE: [&str; 5] = ["aide_alimentaire", "energie", "transport", "secours", "logement"];
/// Range of an aid's amount, in cents, per type.
const MONTANTS: [(i64, i64); 5] =
    [(3_000, 20_000), (10_000, 60_000), (2_000, 15_000), (5_000, 40_000), (20_000, 150_000)];
const MODES: [&str; 3] = ["virement", "cheque", "bon"];

fn ccas(ctx: &Ctx<'_>, plan: &Plan, datasets: &mut Vec<Dataset>) -> io::Result<()> {
    let mut rng = Rand::new(ctx.seed, 2);
    let mut foyers = ctx.csv(
        &[
            "id_foyer",
            "adresse",
            "code_postal",
            "commune",
            "code_commune",
            "nombre_personnes",
            "quotient_familial",
            "date_creation",
        ],
        false,
    )?;
    let mut personnes = ctx.csv(
        &["id_personne", "id_foyer", "nom", "prenoms", "sexe", "date_naissance", "lien", "nir"],
        false,
    )?;
    let mut demandes = ctx.csv(
        &["id_demande", "id_personne", "id_foyer", "date_demande", "type_aide", "statut", "date_cloture"],
        false,
    )?;
    let mut decisions = ctx.csv(
        &["id_decision", "id_demande", "date_decision", "resultat", "montant_accorde", "motif"],
        false,
    )?;
    let mut paiements =
        ctx.csv(&["id_paiement", "id_decision", "date_paiement", "montant", "mode"], false)?;

    let postal = ctx.postal_codes();
    let mut person_spread = Spreader::new(plan.personnes, plan.foyers);
    let mut demande_spread = Spreader::new(plan.demandes, plan.foyers);
    let mut decision_spread = Spreader::new(plan.decisions, plan.demandes);
    let mut accord_spread = Spreader::new(plan.accords, plan.decisions);
    let mut paiement_spread = Spreader::new(plan.paiements, plan.accords);
    let (mut id_personne, mut id_demande, mut id_decision, mut id_paiement) = (0u64, 0u64, 0u64, 0u64);
    let mut buf = String::with_capacity(64);

    for id_foyer in 1..=plan.foyers {
        let k = person_spread.next(&mut rng);
        let created = rng.day(days(2008, 1, 1), days(2025, 6, 30));
        buf.clear();
        let _ = write!(buf, "{} {}", rng.range(1, 150), rng.pick(VOIES));
        foyers.id("FO-", id_foyer).s(&buf).s(rng.pick(&postal)).s(ctx.name).s(ctx.code).n(k);
        foyers.money(rng.range(0, 150_000) as u64).date(created);
        foyers.end()?;

        let family = *rng.pick(NOMS);
        let head_birth = rng.day(days(1940, 1, 1), days(2006, 12, 31));
        let first = id_personne + 1;
        let mut conjoint = false;
        for j in 0..k {
            id_personne += 1;
            let (lien, birth, nom) = match j {
                0 => ("demandeur", head_birth, family),
                1 if rng.pct(55) => {
                    conjoint = true;
                    let nom = if rng.pct(60) { family } else { *rng.pick(NOMS) };
                    ("conjoint", (head_birth + rng.range(-2500, 2500) as i32).min(days(2007, 12, 31)), nom)
                }
                _ if rng.pct(85) => {
                    let lo = add_years(head_birth, 18);
                    let hi = add_years(head_birth, 45).min(END);
                    ("enfant", rng.day(lo.min(END), hi), family)
                }
                _ => ("autre", rng.day(days(1935, 1, 1), days(2000, 12, 31)), *rng.pick(NOMS)),
            };
            let sexe = if rng.pct(50) { b'M' } else { b'F' };
            let mut pn = [""; 3];
            let np = prenoms(&mut rng, sexe, &mut pn);
            let written_id = if ctx.records.duplicate_key && id_personne == 2 { 1 } else { id_personne };
            personnes.id("PE-", written_id).id("FO-", id_foyer).s(nom).join(&pn[..np], " ");
            personnes.s(sexe_str(sexe)).date(birth).s(lien);
            if rng.pct(70) {
                let place = if rng.pct(85) { rng.pick(COMMUNES_NAISSANCE).1 } else { rng.pick(PAYS).code };
                nir(&mut buf, &mut rng, sexe, birth, place);
                personnes.s(&buf);
            } else {
                personnes.empty();
            }
            personnes.end()?;
        }

        for _ in 0..demande_spread.next(&mut rng) {
            id_demande += 1;
            let who = if conjoint && rng.pct(20) { first + 1 } else { first };
            let asked = rng.day(created.max(days(2019, 1, 1)), END);
            let aide = rng.below(5) as usize;
            let decided = decision_spread.next(&mut rng) == 1;
            let close = decided && rng.pct(60);
            let decision_day = (asked + rng.range(3, 60) as i32).min(END);
            let closed_day = (decision_day + rng.range(0, 90) as i32).min(END);
            demandes.id("DE-", id_demande).id("PE-", who).id("FO-", id_foyer).date(asked).s(TYPES_AIDE[aide]);
            demandes.s(if !decided {
                "en_cours"
            } else if close {
                "close"
            } else {
                "instruite"
            });
            if close {
                demandes.date(closed_day);
            } else {
                demandes.empty();
            }
            demandes.end()?;
            if !decided {
                continue;
            }

            id_decision += 1;
            let accord = accord_spread.next(&mut rng) == 1;
            let (lo, hi) = MONTANTS[aide];
            let montant = if accord { (rng.range(lo, hi) / 100 * 100) as u64 } else { 0 };
            decisions.id("DC-", id_decision).id("DE-", id_demande).date(decision_day);
            decisions.s(if accord { "accord" } else { "refus" }).money(montant);
            decisions.s(rng.pick(if accord { MOTIFS_ACCORD } else { MOTIFS_REFUS }));
            decisions.end()?;
            if !accord {
                continue;
            }

            let count = paiement_spread.next(&mut rng);
            let mode = *rng.pick(&MODES);
            let mut paid = 0;
            let mut day = decision_day;
            for i in 0..count {
                id_paiement += 1;
                let part = if i + 1 == count { montant - paid } else { montant / count };
                paid += part;
                day = (day + rng.range(1, 30) as i32).min(END).max(decision_day);
                let to =
                    if ctx.records.dangling_reference && id_paiement == 1 { 99_999_999 } else { id_decision };
                paiements.id("PA-", id_paiement).id("DC-", to).date(day).money(part).s(mode);
                paiements.end()?;
            }
        }
    }
    push(datasets, "foyers", foyers)?;
    push(datasets, "personnes", personnes)?;
    push(datasets, "demandes", demandes)?;
    push(datasets, "decisions", decisions)?;
    push(datasets, "paiements", paiements)?;
    Ok(())
}

fn electoral(ctx: &Ctx<'_>, plan: &Plan, datasets: &mut Vec<Dataset>) -> io::Result<()> {
    let mut rng = Rand::new(ctx.seed, 3);
    let mut bureaux = ctx.csv(
        &["code_bureau", "libelle", "adresse", "code_commune", "code_canton", "code_circonscription"],
        false,
    )?;
    let mut electeurs = ctx.csv(
        &[
            "id_electeur",
            "type_liste",
            "nom_naissance",
            "nom_usage",
            "prenoms",
            "sexe",
            "date_naissance",
            "code_commune_naissance",
            "commune_naissance",
            "pays_naissance",
            "nationalite",
            "numero_voie",
            "libelle_voie",
            "code_postal",
            "commune",
            "code_bureau",
        ],
        ctx.electeurs_cp1252,
    )?;
    let mut mouvements =
        ctx.csv(&["id_mouvement", "id_electeur", "type_mouvement", "date_mouvement", "motif"], false)?;

    let dept = &ctx.code[..2];
    let mut buf = String::with_capacity(128);
    for b in 1..=plan.bureaux {
        let place = LIEUX_VOTE[((b - 1) % LIEUX_VOTE.len() as u64) as usize];
        buf.clear();
        let _ = write!(buf, "Bureau {b} — {place}");
        bureaux.padded(b, 4).s(&buf);
        buf.clear();
        let _ = write!(buf, "{} {}", rng.range(1, 80), rng.pick(VOIES));
        bureaux.s(&buf).s(ctx.code);
        buf.clear();
        let _ = write!(buf, "{dept}{:02}", 1 + (b - 1) * 7 / plan.bureaux.max(1));
        bureaux.s(&buf);
        buf.clear();
        let _ = write!(buf, "{dept}{:02}", 1 + (b - 1) * 3 / plan.bureaux.max(1));
        bureaux.s(&buf);
        bureaux.end()?;
    }

    let postal = ctx.postal_codes();
    let eu: Vec<&Pays> = PAYS.iter().filter(|p| p.ue).collect();
    let mut mouvement_spread = Spreader::new(plan.mouvements, plan.electeurs);
    let mut id_mouvement = 0u64;
    for id in 1..=plan.electeurs {
        let liste = match rng.weighted(&[94, 4, 2]) {
            0 => "LP",
            1 => "LCM",
            _ => "LCE",
        };
        let sexe = if rng.pct(52) { b'F' } else { b'M' };
        let mut pn = [""; 3];
        let np = prenoms(&mut rng, sexe, &mut pn);
        if id == 1 {
            // At least one accented letter, whatever the seed: the Windows-1252 defect shows.
            pn[0] = if sexe == b'F' { "Hélène" } else { "Jérôme" };
            if np > 1 && pn[1..np].contains(&pn[0]) {
                pn[1] = "Zoé";
            }
        }
        let nom = *rng.pick(NOMS);
        let married = rng.pct(if sexe == b'F' { 40 } else { 3 });
        let mut birth = rng.day(days(1926, 1, 1), add_years(ROLL_DAY, -18));
        if ctx.records.under_age && id == 1 {
            birth = days(2015, 6, 1);
        }
        electeurs.id("EL-", id).s(liste).s(nom);
        if married {
            electeurs.s(rng.pick(NOMS));
        } else {
            electeurs.empty();
        }
        electeurs.join(&pn[..np], " ").s(sexe_str(sexe)).date(birth);
        if liste == "LP" {
            if rng.pct(88) {
                let (ville, code) = *rng.pick(COMMUNES_NAISSANCE);
                electeurs.s(code).s(ville).s("FRANCE");
            } else {
                let pays = rng.pick(PAYS);
                electeurs.s(pays.code).s(rng.pick(pays.villes)).s(pays.nom);
            }
            electeurs.s("FRANCAISE");
        } else {
            let pays = *rng.pick(&eu);
            electeurs.s(pays.code).s(rng.pick(pays.villes)).s(pays.nom).s(pays.nationalite);
        }
        electeurs.n(rng.range(1, 160) as u64).s(rng.pick(VOIES)).s(rng.pick(&postal)).s(ctx.name);
        electeurs.padded(1 + rng.below(plan.bureaux), 4);
        electeurs.end()?;

        for _ in 0..mouvement_spread.next(&mut rng) {
            id_mouvement += 1;
            let inscription = rng.pct(75);
            let lo = add_years(birth, 18).max(days(2015, 1, 1)).min(END);
            let when = rng.day(lo, END);
            mouvements.id("MV-", id_mouvement).id("EL-", id);
            mouvements.s(if inscription { "inscription" } else { "radiation" }).date(when);
            mouvements.s(rng.pick(if inscription { MOTIFS_INSCRIPTION } else { MOTIFS_RADIATION }));
            mouvements.end()?;
        }
    }
    debug_assert_eq!(electeurs.rows(), plan.electeurs);
    push(datasets, "bureaux", bureaux)?;
    push(datasets, "electeurs", electeurs)?;
    push(datasets, "mouvements", mouvements)?;
    Ok(())
}
