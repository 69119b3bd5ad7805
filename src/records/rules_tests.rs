//! Every rule of every dataset, tested: a valid record passes, and each mutation breaks exactly
//! the rule named (so removing a rule from a schema, or a check from the code, fails a test).

use super::map::Applied;
use super::process::{Dates, violations};
use super::schema::Registry;
use serde_json::{Value, json};

fn dates() -> Dates {
    Dates { today: "2026-01-01".into(), list_date: "2026-03-01".into() }
}

/// A change to a valid record: (field, new value or null to remove, expected (field, rule)).
type Mutation = (&'static str, Value, (&'static str, &'static str));

/// (dataset, a valid record, mutations).
fn cases() -> Vec<(&'static str, Value, Vec<Mutation>)> {
    vec![
        (
            "actes",
            json!({"id_acte": "AC-1", "type_acte": "deces", "numero_acte": 1, "annee": 2001,
                   "code_commune": "2A004", "date_evenement": "2001-09-21", "heure_evenement": "15:00",
                   "lieu_evenement": "Ajaccio", "nom": "Vincent", "prenoms": "Éric", "sexe": "M",
                   "date_naissance": "1961-06-17", "lieu_naissance": "Grenoble",
                   "code_lieu_naissance": "99131", "date_redaction": "2001-09-22", "officier": "N. B."}),
            vec![
                ("id_acte", Value::Null, ("id_acte", "required")),
                ("type_acte", json!("baptême"), ("type_acte", "enum")),
                ("numero_acte", json!("12a"), ("numero_acte", "type")),
                ("numero_acte", json!(0), ("numero_acte", "minimum")),
                ("code_commune", json!("2C004"), ("code_commune", "pattern")),
                ("code_lieu_naissance", json!("20131"), ("code_lieu_naissance", "pattern")),
                ("date_evenement", json!("2001-02-30"), ("date_evenement", "format:date")),
                ("heure_evenement", json!("25:00"), ("heure_evenement", "pattern")),
                ("sexe", json!("X"), ("sexe", "enum")),
                // Code civil art. 79: a death certificate names where the deceased was born.
                ("lieu_naissance", Value::Null, ("lieu_naissance", "required")),
                ("date_naissance", json!("2002-01-01"), ("date_evenement", "date-order")),
                ("date_redaction", json!("2001-09-20"), ("date_redaction", "date-order")),
                ("date_redaction", json!("2030-01-01"), ("date_redaction", "not-future")),
            ],
        ),
        (
            "mentions",
            json!({"id_mention": "MN-1", "id_acte": "AC-3", "type_mention": "rectification", "date_mention": "2015-07-04"}),
            vec![
                ("id_acte", Value::Null, ("id_acte", "required")),
                ("type_mention", json!("autre chose"), ("type_mention", "enum")),
                ("date_mention", json!("2099-01-01"), ("date_mention", "not-future")),
            ],
        ),
        (
            "pieces",
            json!({"id_piece": "PC-1", "id_acte": "AC-20", "chemin": "data/pieces/PC-1.pdf", "format": "application/pdf"}),
            vec![
                ("chemin", Value::Null, ("chemin", "required")),
                ("chemin", json!("../etc/passwd"), ("chemin", "not")),
            ],
        ),
        (
            "foyers",
            json!({"id_foyer": "FO-1", "adresse": "38 rue des Écoles", "code_postal": "38100", "commune": "Grenoble",
                   "code_commune": "38185", "nombre_personnes": 1, "quotient_familial": 480.92, "date_creation": "2014-08-09"}),
            vec![
                ("code_postal", json!("3810"), ("code_postal", "pattern")),
                ("nombre_personnes", json!(0), ("nombre_personnes", "minimum")),
                ("quotient_familial", json!(-1), ("quotient_familial", "minimum")),
            ],
        ),
        (
            "personnes",
            json!({"id_personne": "PE-1", "id_foyer": "FO-1", "nom": "Moreau", "prenoms": "Hervé", "sexe": "M",
                   "date_naissance": "2000-01-08", "lien": "demandeur", "nir": "100013856366014"}),
            vec![
                ("lien", json!("voisin"), ("lien", "enum")),
                ("nir", json!("100013856366015"), ("nir", "format:nir")),
                ("id_foyer", Value::Null, ("id_foyer", "required")),
            ],
        ),
        (
            "demandes",
            json!({"id_demande": "DE-1", "id_personne": "PE-1", "id_foyer": "FO-1", "date_demande": "2022-08-13",
                   "type_aide": "logement", "statut": "close", "date_cloture": "2022-09-20"}),
            vec![
                ("date_cloture", Value::Null, ("date_cloture", "required")),
                ("statut", json!("perdue"), ("statut", "enum")),
                ("date_cloture", json!("2022-08-01"), ("date_cloture", "date-order")),
            ],
        ),
        (
            "decisions",
            json!({"id_decision": "DC-1", "id_demande": "DE-1", "date_decision": "2022-09-16", "resultat": "accord",
                   "montant_accorde": 1151.0, "motif": "Ressources inférieures au barème"}),
            vec![
                ("montant_accorde", Value::Null, ("montant_accorde", "required")),
                ("resultat", json!("peut-être"), ("resultat", "enum")),
                ("montant_accorde", json!(-5), ("montant_accorde", "minimum")),
            ],
        ),
        (
            "paiements",
            json!({"id_paiement": "PA-1", "id_decision": "DC-1", "date_paiement": "2022-09-27", "montant": 383.66, "mode": "cheque"}),
            vec![
                ("montant", json!(0), ("montant", "exclusiveMinimum")),
                ("montant", json!("383,66"), ("montant", "type")),
                ("mode", json!("bitcoin"), ("mode", "enum")),
            ],
        ),
        (
            "electeurs",
            json!({"id_electeur": "EL-1", "type_liste": "LCE", "nom_naissance": "Rossi", "prenoms": "Giulia",
                   "sexe": "F", "date_naissance": "1961-04", "nationalite": "ITALIENNE", "code_bureau": "0002"}),
            vec![
                // Arrêté du 12 novembre 2013: nationality is mandatory on complementary lists.
                ("nationalite", Value::Null, ("nationalite", "required")),
                ("type_liste", json!("LX"), ("type_liste", "enum")),
                ("date_naissance", json!("1961-13"), ("date_naissance", "format:partial-date")),
                ("date_naissance", json!("2010-05-01"), ("date_naissance", "min-age")),
                ("code_bureau", Value::Null, ("code_bureau", "required")),
            ],
        ),
        (
            "bureaux",
            json!({"code_bureau": "0001", "libelle": "Bureau 1"}),
            vec![("libelle", Value::Null, ("libelle", "required"))],
        ),
        (
            "mouvements",
            json!({"id_mouvement": "MV-1", "id_electeur": "EL-10", "type_mouvement": "inscription", "date_mouvement": "2024-09-19"}),
            vec![
                ("type_mouvement", json!("transfert?"), ("type_mouvement", "enum")),
                ("date_mouvement", json!("2027-01-01"), ("date_mouvement", "not-future")),
            ],
        ),
        (
            "deces_insee",
            json!({"nom": "DUPONT", "prenoms": "JEAN", "sexe": "M", "date_naissance": "1945", "date_deces": "2024-01-07",
                   "code_lieu_deces": "38185", "numero_acte_deces": "123"}),
            vec![
                ("date_deces", Value::Null, ("date_deces", "required")),
                ("date_naissance", json!("1945-00"), ("date_naissance", "format:partial-date")),
            ],
        ),
    ]
}

#[test]
fn each_dataset_rule_bites_and_only_it() {
    let reg = Registry::built_in().unwrap();
    let d = dates();
    for (name, valid, mutations) in cases() {
        let ds = reg.get(name).unwrap();
        let ok = violations(ds, &d, &valid, &Applied::default());
        assert!(ok.is_empty(), "{name}: the valid record breaks {ok:?}");
        for (field, value, (efield, erule)) in mutations {
            let mut v = valid.clone();
            if value.is_null() {
                v.as_object_mut().unwrap().remove(field);
            } else {
                v[field] = value.clone();
            }
            let got = violations(ds, &d, &v, &Applied::default());
            assert!(
                got.iter().any(|(f, r)| f == efield && r == erule),
                "{name}: {field} = {value} should break ({efield}, {erule}), got {got:?}"
            );
        }
    }
}

#[test]
fn every_dataset_has_cases() {
    let reg = Registry::built_in().unwrap();
    let tested: Vec<&str> = cases().iter().map(|c| c.0).collect();
    for d in &reg.datasets {
        assert!(tested.contains(&d.name.as_str()), "no rule test for {}", d.name);
    }
}
