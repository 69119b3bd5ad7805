//! Profile suggestion: from the column names of files whose layout reversa does not know,
//! propose a profile mapping each file to the dataset its columns look like.
//!
//! Names are compared after [normalisation](normalize): lower case, French accents removed,
//! words split (`dateNaissance`, `DATE_NAISSANCE`, « Date de naissance » all give
//! `date_naissance`), French short words (`de`, `du`, `l'`…) ignored, a few usual abbreviations
//! expanded (`n°`, `no` → `numero`, `dt` → `date`, `cp` → `code postal`). A field is known
//! under its name, its French title and every column name a built-in profile maps to it.
//! Between a column and a known name the similarity is 1 when equal; otherwise words are
//! paired — equal or singular/plural (1), one a prefix of the other (`num`/`numero`, 0.9), an
//! abbreviation keeping the first letter and the order (`evt`/`evenement`, 0.75) — and scored
//! like a Dice coefficient (at most 0.95); the dataset's own word (`acte` in `type_acte`) may
//! be missing from the column (`TYPE`). A column matches a field from [`MATCH_THRESHOLD`];
//! the best pairs are taken first, a column serving one field at most.
//!
//! A dataset's score is (matched fields, required ones counting double) / (its required
//! fields + matched fields): 1 when every required field is found, whatever else. Among the
//! datasets with a score of at least [`MIN_SCORE`] and at least [`MIN_MATCHED`] matched
//! columns, the file goes to the one whose score times the share of the file's columns it
//! explains is highest (so a 3-field dataset fully covered does not take a 27-column file).
//!
//! The result is a starting point to review: value transforms (dates, code lists) are never
//! guessed; [`render_toml`] says where they are likely needed.

use super::profile::{self, FieldRule, Mapping, PROFILE_VERSION, Profile};
use super::read::{ReaderKind, ReaderOptions};
use super::schema::{self, Dataset, Field, Registry};
use super::tableschema::fields_in_schema_order;

/// Similarity from which a column matches a field.
pub const MATCH_THRESHOLD: f64 = 0.7;

/// Score from which a dataset is proposed for a file.
pub const MIN_SCORE: f64 = 0.5;

/// Matched columns needed for a dataset to be proposed.
pub const MIN_MATCHED: usize = 2;

/// The weight of a column that a built-in profile joins with others into a field: the part
/// alone is not the field (`CodeCommune` is half of an INSEE code in e-listelec).
const JOIN_PART_WEIGHT: f64 = 0.8;

/// The title of every suggested profile.
pub const SUGGESTED_TITLE: &str = "Profil proposé par reversa profile suggest — à relire";

/// One file's columns, as read from its header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileColumns {
    /// The file's path inside the export.
    pub path: String,
    /// The reader that reads it.
    pub reader: ReaderKind,
    /// Its column names, in file order.
    pub columns: Vec<String>,
    /// The CSV delimiter, when known (written to the mapping's options for the CSV reader only:
    /// other readers refuse it).
    pub delimiter: Option<char>,
}

/// A suggested profile, with how each file was matched.
#[derive(Debug, Clone, PartialEq)]
pub struct Suggestion {
    /// The profile: one mapping per file that matched a dataset.
    pub profile: Profile,
    /// Every file given, in the order given.
    pub matches: Vec<FileMatch>,
}

/// How one file was matched.
#[derive(Debug, Clone, PartialEq)]
pub struct FileMatch {
    /// The file's path inside the export.
    pub path: String,
    /// The dataset proposed, if any.
    pub dataset: Option<String>,
    /// The proposed dataset's score (0 to 1); with no dataset, the best score found.
    pub score: f64,
    /// `(field, column)` pairs, in the dataset's field order (empty with no dataset).
    pub mapped: Vec<(String, String)>,
    /// The columns mapped to no field, in file order (every column with no dataset).
    pub unmatched_columns: Vec<String>,
}

/// Proposes a profile for `files` from their column names (see the module documentation).
pub fn suggest(files: &[FileColumns], registry: &Registry) -> Suggestion {
    let known = Known::build(registry);
    let mut matches = Vec::with_capacity(files.len());
    let mut mapping = Vec::new();
    for file in files {
        let m = match_file(file, &known);
        if let Some(dataset) = &m.dataset {
            let options = ReaderOptions {
                delimiter: if file.reader == ReaderKind::Csv { file.delimiter } else { None },
                ..ReaderOptions::default()
            };
            mapping.push(Mapping {
                dataset: dataset.clone(),
                files: vec![glob_escape(&file.path)],
                reader: Some(file.reader),
                require_columns: Vec::new(),
                options,
                fields: m.mapped.iter().map(|(f, c)| (f.clone(), FieldRule::Column(c.clone()))).collect(),
            });
        }
        matches.push(m);
    }
    let matched = mapping.len();
    let profile = Profile {
        reversa_profile: PROFILE_VERSION.to_string(),
        name: "suggested".to_string(),
        title: SUGGESTED_TITLE.to_string(),
        description: format!(
            "Profil proposé automatiquement d'après les noms de colonnes : {matched} fichier(s) sur {} \
             rattaché(s) à un jeu de données. Chaque correspondance est à vérifier, et les \
             transformations de valeurs (dates, listes de codes) à ajouter au besoin.",
            files.len()
        ),
        list_date: None,
        mapping,
    };
    Suggestion { profile, matches }
}

/// The suggested profile as TOML, preceded by comments on each file: dataset and score,
/// unmatched columns, and date columns that may need a `date = "JJ/MM/AAAA"` transform. The
/// text parses back with [`Profile::from_toml`].
pub fn render_toml(s: &Suggestion) -> String {
    let mut out = String::new();
    out.push_str(&format!("# {SUGGESTED_TITLE}\n"));
    out.push_str("# Correspondances devinées d'après les noms de colonnes : à vérifier avant usage.\n");
    out.push_str(
        "# Les dates doivent être au format ISO 8601 (AAAA-MM-JJ) ; sinon, ajouter au champ une\n\
         # transformation, p. ex. champ = { column = \"…\", date = \"JJ/MM/AAAA\" }.\n",
    );
    for m in &s.matches {
        out.push_str("#\n");
        let path = comment_safe(&m.path);
        let Some(dataset) = &m.dataset else {
            out.push_str(&format!(
                "# Fichier « {path} » : aucun jeu de données reconnu (meilleur score {:.2}) ; non repris.\n",
                m.score
            ));
            continue;
        };
        let total = m.mapped.len() + m.unmatched_columns.len();
        out.push_str(&format!(
            "# Fichier « {path} » → {dataset} (score {:.2} ; {} colonne(s) sur {total} reconnue(s)).\n",
            m.score,
            m.mapped.len()
        ));
        if m.unmatched_columns.is_empty() {
            out.push_str("#   Colonnes non reconnues : aucune.\n");
        } else {
            let cols: Vec<String> = m.unmatched_columns.iter().map(|c| toml_string(c)).collect();
            out.push_str(&format!("#   Colonnes non reconnues : {}.\n", cols.join(", ")));
        }
        let mapping =
            s.profile.mapping.iter().find(|x| x.dataset == *dataset && x.files == [glob_escape(&m.path)]);
        if mapping.is_some_and(|x| x.reader == Some(ReaderKind::Fixed)) {
            out.push_str(
                "#   Lecteur « fixed » : ajouter les positions des colonnes ([mapping.options] columns = \
                 [{ name, start, length }…]).\n",
            );
        }
        for (field, column, partial) in date_hints(m) {
            out.push_str(&format!(
                "#   {field} ← {col} : si les dates ne sont pas au format ISO, écrire\n\
                 #     {field} = {{ column = {col}, date = \"JJ/MM/AAAA\"{} }}\n",
                if partial { ", partial = true" } else { "" },
                col = toml_string(&column),
            ));
        }
    }
    out.push('\n');
    out.push_str(&s.profile.to_toml());
    out
}

/// `(field, column, partial)` for the matched date fields, and any field whose column name
/// speaks of a date. Formats are read from the shipped schema text (no registry at hand).
fn date_hints(m: &FileMatch) -> Vec<(String, String, bool)> {
    let schema: Option<serde_json::Value> = m
        .dataset
        .as_deref()
        .and_then(|d| schema::BUILT_IN.iter().find(|(n, _)| *n == d))
        .and_then(|(_, text)| serde_json::from_str(text).ok());
    m.mapped
        .iter()
        .filter_map(|(field, column)| {
            let format = schema.as_ref().and_then(|s| s["properties"][field.as_str()]["format"].as_str());
            let is_date = matches!(format, Some("date" | "partial-date"));
            let says_date = normalize(column).split('_').any(|w| w == "date" || w == "dt");
            (is_date || says_date).then(|| (field.clone(), column.clone(), format == Some("partial-date")))
        })
        .collect()
}

/// A TOML basic string (quoted, escaped): safe in a comment and pasteable.
fn toml_string(s: &str) -> String {
    toml::Value::String(s.to_string()).to_string()
}

/// No line break or control character in a comment.
fn comment_safe(s: &str) -> String {
    s.chars().map(|c| if c.is_control() { ' ' } else { c }).collect()
}

/// A path as a glob matching only itself: metacharacters in brackets.
fn glob_escape(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for c in path.chars() {
        match c {
            '*' | '?' | '[' | ']' | '{' | '}' | '\\' => {
                out.push('[');
                out.push(c);
                out.push(']');
            }
            _ => out.push(c),
        }
    }
    out
}

/// French short words ignored in names.
const STOP_WORDS: &[&str] = &[
    "a", "au", "aux", "d", "dans", "de", "des", "du", "en", "et", "l", "la", "le", "les", "par", "pour",
    "sur",
];

/// Usual abbreviations, expanded before comparing.
const ABBREVIATIONS: &[(&str, &[&str])] = &[
    ("n", &["numero"]),
    ("no", &["numero"]),
    ("nro", &["numero"]),
    ("dt", &["date"]),
    ("cp", &["code", "postal"]),
    ("ddn", &["date", "naissance"]),
];

/// A French accented letter (lower case) without its accent.
fn unaccent(c: char) -> Option<&'static str> {
    Some(match c {
        'à' | 'â' | 'ä' | 'á' | 'ã' | 'å' => "a",
        'ç' => "c",
        'é' | 'è' | 'ê' | 'ë' => "e",
        'î' | 'ï' | 'í' | 'ì' => "i",
        'ô' | 'ö' | 'ó' | 'ò' | 'õ' | 'ø' => "o",
        'ù' | 'û' | 'ü' | 'ú' => "u",
        'ÿ' | 'ý' => "y",
        'ñ' => "n",
        'œ' => "oe",
        'æ' => "ae",
        'ß' => "ss",
        _ => return None,
    })
}

/// A name normalised for comparison: words split at case changes (`dateNaissance`,
/// `IDActe`) and between letters and digits, lower case, accents removed, every run of
/// other characters turned into one `_`, none at the ends.
pub fn normalize(name: &str) -> String {
    let chars: Vec<char> = name.chars().collect();
    let mut out = String::with_capacity(name.len());
    let mut pending_sep = false;
    for (i, &c) in chars.iter().enumerate() {
        let prev = i.checked_sub(1).map(|j| chars[j]);
        let next = chars.get(i + 1).copied();
        let boundary = prev.is_some_and(|p| {
            (p.is_lowercase() && c.is_uppercase())
                || (p.is_uppercase() && c.is_uppercase() && next.is_some_and(char::is_lowercase))
                || (p.is_alphabetic() && c.is_ascii_digit())
                || (p.is_ascii_digit() && c.is_alphabetic())
        });
        if boundary {
            pending_sep = true;
        }
        for l in c.to_lowercase() {
            let mut push = |s: &str| {
                if pending_sep && !out.is_empty() {
                    out.push('_');
                }
                pending_sep = false;
                out.push_str(s);
            };
            if l.is_ascii_alphanumeric() {
                push(l.encode_utf8(&mut [0; 4]));
            } else if let Some(s) = unaccent(l) {
                push(s);
            } else {
                pending_sep = true;
            }
        }
    }
    out
}

/// A name ready for comparison.
#[derive(Debug, Clone)]
struct Name {
    /// Normalised.
    norm: String,
    /// Normalised without separators (`nomdenaissance`).
    compact: String,
    /// Words, short words dropped, abbreviations expanded.
    words: Vec<String>,
    /// Similarities to this name are multiplied by it: below 1 for a column that is only one
    /// part of a field (`columns = [...]` joined in a profile).
    weight: f64,
}

impl Name {
    fn new(raw: &str) -> Name {
        let norm = normalize(raw);
        let compact = norm.replace('_', "");
        let mut words = Vec::new();
        for w in norm.split('_').filter(|w| !w.is_empty() && !STOP_WORDS.contains(w)) {
            match ABBREVIATIONS.iter().find(|(a, _)| *a == w) {
                Some((_, expanded)) => words.extend(expanded.iter().map(|e| e.to_string())),
                None => words.push(w.to_string()),
            }
        }
        Name { norm, compact, words, weight: 1.0 }
    }
}

/// A word without its plural mark.
fn singular(w: &str) -> &str {
    if w.len() > 3 { w.strip_suffix('s').or_else(|| w.strip_suffix('x')).unwrap_or(w) } else { w }
}

/// How alike two words are (0 to 1).
fn word_similarity(a: &str, b: &str) -> f64 {
    if a == b || singular(a) == singular(b) {
        return 1.0;
    }
    let (short, long) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    if short.len() >= 3 && long.starts_with(short) {
        return 0.9;
    }
    if short.len() >= 2 && long.len() >= short.len() + 2 && short.chars().next() == long.chars().next() {
        let mut rest = long.chars();
        if short.chars().all(|c| rest.any(|l| l == c)) {
            return 0.75;
        }
    }
    0.0
}

/// How alike a column and a known name are (0 to 1); `stem` is the dataset's own word, which
/// the column may leave out.
fn similarity(col: &Name, known: &Name, stem: &str) -> f64 {
    if col.words.is_empty() || known.words.is_empty() {
        return if !col.norm.is_empty() && col.norm == known.norm { 1.0 } else { 0.0 };
    }
    if col.norm == known.norm {
        return 1.0;
    }
    if col.compact == known.compact {
        return 0.97;
    }
    let mut used = vec![false; known.words.len()];
    let mut sum = 0.0;
    for w in &col.words {
        let best = known
            .words
            .iter()
            .enumerate()
            .filter(|(i, _)| !used[*i])
            .map(|(i, k)| (i, word_similarity(w, k)))
            .fold(
                None,
                |best: Option<(usize, f64)>, x| if best.is_none_or(|b| x.1 > b.1) { Some(x) } else { best },
            );
        if let Some((i, s)) = best
            && s > 0.0
        {
            used[i] = true;
            sum += s;
        }
    }
    let dropped = known.words.iter().zip(&used).filter(|(w, u)| !**u && singular(w) == stem).count();
    let denominator = col.words.len() + known.words.len() - dropped;
    if denominator == 0 {
        return 0.0;
    }
    let mut sim = 2.0 * sum / denominator as f64;
    if dropped > 0 {
        sim *= 0.95;
    }
    sim.min(0.95)
}

/// What reversa knows of each dataset's fields.
struct Known<'a> {
    datasets: Vec<KnownDataset<'a>>,
}

struct KnownDataset<'a> {
    dataset: &'a Dataset,
    /// The dataset's own word (`acte` for `actes`).
    stem: String,
    /// Fields in schema order, each with the names it is known under.
    fields: Vec<(&'a Field, Vec<Name>)>,
}

impl<'a> Known<'a> {
    fn build(registry: &'a Registry) -> Known<'a> {
        let profiles: Vec<Profile> = profile::BUILT_IN
            .iter()
            .filter_map(|(n, text)| Profile::from_toml(text, &format!("built-in {n}")).ok())
            .collect();
        let datasets = registry
            .datasets
            .iter()
            .map(|d| {
                let stem = d.name.split('_').next().map(|w| singular(w).to_string()).unwrap_or_default();
                let fields = fields_in_schema_order(d)
                    .into_iter()
                    .map(|f| {
                        // (name, weight): a part of a joined field is weaker than a whole name.
                        let mut raw: Vec<(&str, f64)> = vec![(&f.name, 1.0), (&f.title, 1.0)];
                        for m in profiles.iter().flat_map(|p| &p.mapping).filter(|m| m.dataset == d.name) {
                            match m.fields.get(&f.name) {
                                Some(FieldRule::Column(c)) => raw.push((c, 1.0)),
                                Some(FieldRule::Rule(r)) => {
                                    raw.extend(r.column.as_deref().map(|c| (c, 1.0)));
                                    raw.extend(r.alternatives.iter().map(|c| (c.as_str(), 1.0)));
                                    raw.extend(r.columns.iter().map(|c| (c.as_str(), JOIN_PART_WEIGHT)));
                                }
                                None => {}
                            }
                        }
                        let mut names: Vec<Name> = Vec::new();
                        for (r, weight) in raw {
                            let n = Name { weight, ..Name::new(r) };
                            if !n.norm.is_empty() && !names.iter().any(|x| x.norm == n.norm) {
                                names.push(n);
                            }
                        }
                        (f, names)
                    })
                    .collect();
                KnownDataset { dataset: d, stem, fields }
            })
            .collect();
        Known { datasets }
    }
}

/// The fields of one dataset matched to a file's columns: `(field index, column index)`.
fn assign(kd: &KnownDataset<'_>, columns: &[Name]) -> Vec<(usize, usize)> {
    let mut pairs: Vec<(f64, usize, usize)> = Vec::new();
    for (fi, (_, names)) in kd.fields.iter().enumerate() {
        for (ci, col) in columns.iter().enumerate() {
            let best = names.iter().map(|n| n.weight * similarity(col, n, &kd.stem)).fold(0.0, f64::max);
            if best >= MATCH_THRESHOLD {
                pairs.push((best, fi, ci));
            }
        }
    }
    // Best pairs first; ties in field order, then column order.
    pairs.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2)));
    let mut field_used = vec![false; kd.fields.len()];
    let mut column_used = vec![false; columns.len()];
    let mut out = Vec::new();
    for (_, fi, ci) in pairs {
        if !field_used[fi] && !column_used[ci] {
            field_used[fi] = true;
            column_used[ci] = true;
            out.push((fi, ci));
        }
    }
    out.sort_unstable();
    out
}

/// (matched fields, required counting double) / (required fields + matched fields).
fn score(kd: &KnownDataset<'_>, assigned: &[(usize, usize)]) -> f64 {
    let required = kd.fields.iter().filter(|(f, _)| f.required).count();
    let weight: usize = assigned.iter().map(|&(fi, _)| if kd.fields[fi].0.required { 2 } else { 1 }).sum();
    let denominator = required + assigned.len();
    if denominator == 0 { 0.0 } else { weight as f64 / denominator as f64 }
}

/// A dataset eligible for a file.
struct Candidate {
    /// Score × share of the file's columns matched: the best is chosen.
    rank: f64,
    score: f64,
    dataset: usize,
    /// `(field index, column index)`.
    assigned: Vec<(usize, usize)>,
}

fn match_file(file: &FileColumns, known: &Known<'_>) -> FileMatch {
    let columns: Vec<Name> = file.columns.iter().map(|c| Name::new(c)).collect();
    let mut best_score = 0.0f64;
    let mut chosen: Option<Candidate> = None;
    for (di, kd) in known.datasets.iter().enumerate() {
        let assigned = assign(kd, &columns);
        let s = score(kd, &assigned);
        best_score = best_score.max(s);
        if s < MIN_SCORE || assigned.len() < MIN_MATCHED {
            continue;
        }
        let rank = s * assigned.len() as f64 / columns.len().max(1) as f64;
        if chosen.as_ref().is_none_or(|c| rank > c.rank) {
            chosen = Some(Candidate { rank, score: s, dataset: di, assigned });
        }
    }
    let Some(Candidate { score: s, dataset: di, assigned, .. }) = chosen else {
        return FileMatch {
            path: file.path.clone(),
            dataset: None,
            score: best_score,
            mapped: Vec::new(),
            unmatched_columns: file.columns.clone(),
        };
    };
    let kd = &known.datasets[di];
    let mapped =
        assigned.iter().map(|&(fi, ci)| (kd.fields[fi].0.name.clone(), file.columns[ci].clone())).collect();
    let unmatched_columns = file
        .columns
        .iter()
        .enumerate()
        .filter(|(ci, _)| !assigned.iter().any(|&(_, c)| c == *ci))
        .map(|(_, c)| c.clone())
        .collect();
    FileMatch {
        path: file.path.clone(),
        dataset: Some(kd.dataset.name.clone()),
        score: s,
        mapped,
        unmatched_columns,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const REU_HEADER: &str = "\"code du l'ugle\";\"libellé de l'ugle\";\"libellé du type de liste\";\"nom de naissance\";\"nom d'usage\";\"prénoms\";\"sexe\";\"date de naissance\";\"code commune de naissance\";\"libellé commune de naissance\";\"code département de naissance\";\"pays de naissance\";\"libellé nationalité\";\"numéro de voie\";\"libellé de voie\";\"complément 1\";\"complément 2\";\"lieu-dit\";\"code postal\";\"commune\";\"pays\";\"code du bureau de vote\";\"libellé du bureau de vote\";\"code circonscription législative du bureau de vote\";\"libellé canton du bureau de vote\";\"libellé circonscription métropolitaine du bureau de vote\";\"numéro d'ordre dans le bureau de vote\"";

    const ACTES_HEADER: &str = "id_acte,type_acte,numero_acte,annee,code_commune,date_evenement,heure_evenement,lieu_evenement,nom,prenoms,sexe,date_naissance,lieu_naissance,code_lieu_naissance,nom_pere,prenoms_pere,nom_mere,prenoms_mere,nom_conjoint,prenoms_conjoint,profession,domicile,date_redaction,officier";

    const VENDOR_HEADER: &str = "NUM_ACTE;TYPE;ANNEE;CODE_INSEE;DATE_EVT;HEURE_EVT;LIEU_EVT;NOM_NAISS;PRENOM;SEXE;DATE_NAISS;LIEU_NAISS;NOM_PERE;PRENOM_PERE;NOM_MERE;PRENOM_MERE;DATE_ACTE;OFFICIER;OBSERVATIONS";

    fn file(path: &str, header: &str, delimiter: char, reader: ReaderKind) -> FileColumns {
        FileColumns {
            path: path.to_string(),
            reader,
            columns: header.split(delimiter).map(|c| c.trim_matches('"').to_string()).collect(),
            delimiter: Some(delimiter),
        }
    }

    fn registry() -> Registry {
        Registry::built_in().expect("built-in schemas compile")
    }

    fn mapped<'a>(m: &'a FileMatch, field: &str) -> Option<&'a str> {
        m.mapped.iter().find(|(f, _)| f == field).map(|(_, c)| c.as_str())
    }

    #[test]
    fn normalisation() {
        assert_eq!(normalize("Libellé de l'UGLE"), "libelle_de_l_ugle");
        assert_eq!(normalize("  Numéro d’ordre  "), "numero_d_ordre");
        assert_eq!(normalize("DateDeNaissance"), "date_de_naissance");
        assert_eq!(normalize("IDActe"), "id_acte");
        assert_eq!(normalize("NUM_ACTE"), "num_acte");
        assert_eq!(normalize("ComplementDeLocalisation1"), "complement_de_localisation_1");
        assert_eq!(normalize("Œuvre ÇA"), "oeuvre_ca");
        assert_eq!(normalize("N°"), "n");
        assert_eq!(normalize("€€"), "");
        assert_eq!(normalize(""), "");
    }

    #[test]
    fn reu_header_maps_to_electeurs() {
        let f = file("com38185-LP-01-03-2026.csv", REU_HEADER, ';', ReaderKind::Csv);
        assert_eq!(f.columns.len(), 27);
        let s = suggest(&[f], &registry());
        let m = &s.matches[0];
        assert_eq!(m.dataset.as_deref(), Some("electeurs"));
        assert_eq!(m.score, 1.0);
        assert_eq!(mapped(m, "nom_naissance"), Some("nom de naissance"));
        assert_eq!(mapped(m, "code_commune"), Some("code du l'ugle"));
        assert_eq!(mapped(m, "numero_ordre"), Some("numéro d'ordre dans le bureau de vote"));
        assert!(m.unmatched_columns.is_empty(), "{:?}", m.unmatched_columns);
        let p = &s.profile.mapping[0];
        assert_eq!(p.dataset, "electeurs");
        assert_eq!(p.files, ["com38185-LP-01-03-2026.csv"]);
        assert_eq!(p.reader, Some(ReaderKind::Csv));
        assert_eq!(p.options.delimiter, Some(';'));
        assert_eq!(p.fields.get("sexe"), Some(&FieldRule::Column("sexe".into())));
    }

    #[test]
    fn e_listelec_header_maps_to_electeurs_without_taking_a_join_part_for_the_field() {
        const HEADER: &str = "TypeListe;InfoListe;DateCreationListe;CodeDepartement;CodeCommune;NomCommune;NoElecteurGeneral;Sexe;NomdeNaissance;NomDusage;Prenoms;DateDeNaissance;NomComNaissance;DeptNaissance;PaysNaissance;Nationalite;NomBureauDeVote;NoBureauDeVote;CodeCanton;CodeCirconscription;ComplementDeLocalisation1;ComplementDeLocalisation2;NumeroVoie;TypeVoie;LibelleVoie;LieuDit;CodePostal;VilleLocalite;Pays";
        let s = suggest(&[file("liste-38185.csv", HEADER, ';', ReaderKind::Csv)], &registry());
        let m = &s.matches[0];
        assert_eq!(m.dataset.as_deref(), Some("electeurs"));
        assert_eq!(m.score, 1.0);
        assert_eq!(mapped(m, "code_commune"), Some("CodeCommune"));
        assert_eq!(mapped(m, "code_bureau"), Some("NoBureauDeVote"));
        assert_eq!(mapped(m, "code_commune_naissance"), None);
        assert_eq!(m.unmatched_columns, ["InfoListe", "DateCreationListe", "CodeDepartement"]);
    }

    #[test]
    fn demo_actes_header_maps_to_actes_fully() {
        let s = suggest(&[file("export/actes.csv", ACTES_HEADER, ',', ReaderKind::Csv)], &registry());
        let m = &s.matches[0];
        assert_eq!(m.dataset.as_deref(), Some("actes"));
        assert_eq!(m.score, 1.0);
        assert_eq!(m.mapped.len(), 24);
        assert!(m.mapped.iter().all(|(f, c)| f == c), "{:?}", m.mapped);
        assert!(m.unmatched_columns.is_empty());
        assert_eq!(m.mapped[0].0, "id_acte", "schema order");
    }

    #[test]
    fn vendor_header_gets_a_partial_match() {
        let s =
            suggest(&[file("ETATCIVIL/ACTES_2024.CSV", VENDOR_HEADER, ';', ReaderKind::Csv)], &registry());
        let m = &s.matches[0];
        assert_eq!(m.dataset.as_deref(), Some("actes"), "{m:?}");
        assert!(m.score > 0.5 && m.score < 1.0, "{}", m.score);
        assert_eq!(mapped(m, "numero_acte"), Some("NUM_ACTE"));
        assert_eq!(mapped(m, "type_acte"), Some("TYPE"));
        assert_eq!(mapped(m, "date_evenement"), Some("DATE_EVT"));
        assert_eq!(mapped(m, "code_commune"), Some("CODE_INSEE"));
        assert_eq!(mapped(m, "prenoms"), Some("PRENOM"));
        assert_eq!(mapped(m, "sexe"), Some("SEXE"));
        assert_eq!(mapped(m, "date_naissance"), Some("DATE_NAISS"));
        assert_eq!(mapped(m, "date_redaction"), Some("DATE_ACTE"));
        assert_eq!(mapped(m, "prenoms_mere"), Some("PRENOM_MERE"));
        assert_eq!(mapped(m, "id_acte"), None);
        assert!(m.unmatched_columns.contains(&"OBSERVATIONS".to_string()));
        let columns: Vec<&str> = m.mapped.iter().map(|(_, c)| c.as_str()).collect();
        let mut unique = columns.clone();
        unique.sort_unstable();
        unique.dedup();
        assert_eq!(unique.len(), columns.len(), "a column maps to one field at most");
    }

    #[test]
    fn unrelated_header_maps_to_nothing() {
        let files = [
            file("misc/foo.csv", "foo,bar", ',', ReaderKind::Csv),
            file("misc/empty.csv", "", ',', ReaderKind::Csv),
            FileColumns { path: "x.json".into(), reader: ReaderKind::Json, columns: vec![], delimiter: None },
            file("misc/odd.csv", "€;;\u{0};sexe;SEXE", ';', ReaderKind::Csv),
        ];
        let s = suggest(&files, &registry());
        assert!(s.matches.iter().all(|m| m.dataset.is_none() && m.mapped.is_empty()), "{:?}", s.matches);
        assert_eq!(s.matches[0].unmatched_columns, ["foo", "bar"]);
        assert!(s.profile.mapping.is_empty());
        let text = render_toml(&s);
        assert!(text.contains("aucun jeu de données reconnu"));
        assert!(Profile::from_toml(&text, "test").is_ok());
    }

    #[test]
    fn render_toml_round_trips() {
        let files = [
            file("com38185-LP-01-03-2026.csv", REU_HEADER, ';', ReaderKind::Csv),
            file("ETATCIVIL/ACTES [2024]*.csv", VENDOR_HEADER, ';', ReaderKind::Csv),
            file("demo/actes.xlsx", ACTES_HEADER, ',', ReaderKind::Xlsx),
            file("misc/foo.csv", "foo,bar", ',', ReaderKind::Csv),
        ];
        let s = suggest(&files, &registry());
        let text = render_toml(&s);
        let back = Profile::from_toml(&text, "suggested").expect("parses back");
        assert_eq!(back, s.profile);
        assert_eq!(back.reversa_profile, "1");
        assert_eq!(back.name, "suggested");
        assert_eq!(back.title, SUGGESTED_TITLE);
        assert_eq!(back.mapping.len(), 3);
        assert_eq!(back.mapping[2].options.delimiter, None, "no delimiter for a workbook");
        assert!(text.contains("→ electeurs (score 1.00"), "{text}");
        assert!(text.contains("Colonnes non reconnues : \"NOM_NAISS\", \"OBSERVATIONS\"."), "{text}");
        assert!(text.contains(
            "date_naissance = { column = \"date de naissance\", date = \"JJ/MM/AAAA\", partial = true }"
        ));
        assert!(text.contains("date_evenement = { column = \"DATE_EVT\", date = \"JJ/MM/AAAA\" }"), "{text}");
        assert!(
            text.lines()
                .take_while(|l| !l.starts_with("reversa_profile"))
                .all(|l| l.is_empty() || l.starts_with('#'))
        );
    }

    #[test]
    fn escaped_paths_match_only_themselves() {
        for path in
            ["ETATCIVIL/ACTES [2024]*.csv", "a/b{c,d}?.csv", "plain/actes.csv", r"odd\name].csv", "x/[!a]-**"]
        {
            let glob = globset::GlobBuilder::new(&glob_escape(path))
                .case_insensitive(true)
                .literal_separator(true)
                .build()
                .expect("valid glob")
                .compile_matcher();
            assert!(glob.is_match(path), "{path}");
            assert!(!glob.is_match(format!("{path}x")), "{path}");
        }
        let glob = globset::Glob::new(&glob_escape("a*.csv")).unwrap().compile_matcher();
        assert!(!glob.is_match("abc.csv"));
    }

    #[test]
    fn suggested_profile_compiles() {
        let files = [
            file("com38185-LP-01-03-2026.csv", REU_HEADER, ';', ReaderKind::Csv),
            file("ETATCIVIL/ACTES_2024.CSV", VENDOR_HEADER, ';', ReaderKind::Csv),
        ];
        let reg = registry();
        let s = suggest(&files, &reg);
        for m in &s.profile.mapping {
            let d = reg.get(&m.dataset).expect("dataset");
            crate::records::map::Mapper::compile(m, d).expect("mapping compiles");
        }
    }
}
