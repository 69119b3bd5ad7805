//! The catalogue of finding codes: one line per check outcome, with its stable code, its default
//! severity, who it is about ([`Attribution`]) and its message in French and English. Adding a
//! check outcome is one entry here.

use super::{Attribution, Lang, Severity};
use serde::{Serialize, Serializer};

macro_rules! codes {
    ($( $(#[$doc:meta])* $variant:ident = $code:literal, $sev:ident, $attr:ident, $fr:literal, $en:literal; )*) => {
        /// Stable identifier of a check outcome, written as `stage.what` in reports.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        #[non_exhaustive]
        pub enum Code {
            $( $(#[$doc])* $variant, )*
        }

        impl Code {
            /// Every code, in catalogue order.
            pub const ALL: &'static [Code] = &[ $( Code::$variant, )* ];

            /// The stable string written in reports, e.g. `fixity.digest-mismatch`.
            pub fn as_str(self) -> &'static str {
                match self { $( Code::$variant => $code, )* }
            }

            /// The severity a finding of this code has unless a check says otherwise.
            pub fn default_severity(self) -> Severity {
                match self { $( Code::$variant => Severity::$sev, )* }
            }

            /// Who a finding of this code is about: the vendor's export, reversa's own limits,
            /// or the commune's input files.
            pub fn attribution(self) -> Attribution {
                match self { $( Code::$variant => Attribution::$attr, )* }
            }

            /// The message template in `lang`; `{name}` is replaced by the finding's parameter.
            pub fn template(self, lang: Lang) -> &'static str {
                match (self, lang) {
                    $( (Code::$variant, Lang::Fr) => $fr, (Code::$variant, Lang::En) => $en, )*
                }
            }
        }
    };
}

codes! {
    // ---- archive: reading the container safely ----
    /// An entry's path climbs out of the archive with `..`.
    ArchivePathTraversal = "archive.path-traversal", Error, Export,
        "chemin d'entrée qui sort de l'archive (« .. ») : entrée ignorée",
        "entry path escapes the archive (\"..\"): entry skipped";
    /// An entry's path is absolute or carries a drive letter.
    ArchiveAbsolutePath = "archive.absolute-path", Error, Export,
        "chemin d'entrée absolu ou avec lettre de lecteur : entrée ignorée",
        "absolute entry path or drive letter: entry skipped";
    /// An entry's name is not valid UTF-8 (shown with replacement characters).
    ArchiveNameEncoding = "archive.name-encoding", Warning, Export,
        "nom d'entrée qui n'est pas en UTF-8 (affiché avec des caractères de remplacement)",
        "entry name is not UTF-8 (shown with replacement characters)";
    /// A symbolic link inside the export; never followed.
    ArchiveSymlink = "archive.symlink", Error, Export,
        "lien symbolique dans l'export : non suivi",
        "symbolic link in the export: not followed";
    /// A hard link, device, FIFO or other non-regular entry.
    ArchiveSpecialEntry = "archive.special-entry", Error, Export,
        "entrée spéciale ({kind}) dans l'export : ignorée",
        "special entry ({kind}) in the export: skipped";
    /// Two entries share a name.
    ArchiveDuplicateName = "archive.duplicate-name", Error, Export,
        "{count} entrée(s) portent un nom déjà utilisé dans l'archive",
        "{count} entr(y/ies) reuse a name already present in the archive";
    /// An encrypted entry: its content cannot be checked.
    ArchiveEncrypted = "archive.encrypted", Error, Export,
        "entrée chiffrée : contenu invérifiable",
        "encrypted entry: content cannot be checked";
    /// Reading an entry failed: CRC error, truncated or corrupt data.
    ArchiveCorrupt = "archive.corrupt", Error, Export,
        "entrée illisible ou corrompue ({error})",
        "unreadable or corrupt entry ({error})";
    /// The container itself could not be read to its end.
    ArchiveTruncated = "archive.truncated", Error, Export,
        "archive tronquée ou corrompue : lecture arrêtée ({error})",
        "truncated or corrupt archive: reading stopped ({error})";
    /// The size an entry declares differs from the bytes it holds.
    ArchiveSizeMismatch = "archive.size-mismatch", Error, Export,
        "taille déclarée {declared} octets, taille lue {actual} octets",
        "declared size {declared} bytes, read {actual} bytes";
    /// Zip entries overlap: the signature of an overlapping-entry zip bomb.
    ArchiveOverlappingEntries = "archive.overlapping-entries", Error, Export,
        "des entrées de l'archive se chevauchent (technique de « zip bomb ») : lecture refusée",
        "archive entries overlap (a zip-bomb technique): reading refused";
    /// An entry expands beyond the allowed compression ratio.
    ArchiveRatioExceeded = "archive.ratio-exceeded", Error, Tool,
        "taux de compression {ratio}:1 au-delà de la limite {limit}:1 (bombe de décompression probable) : entrée non lue, donc non vérifiée (--max-ratio relève la limite)",
        "compression ratio {ratio}:1 over the limit {limit}:1 (probable decompression bomb): entry not read, so not checked (--max-ratio raises the limit)";
    /// The export expands beyond the allowed total size.
    ArchiveTotalSizeExceeded = "archive.total-size-exceeded", Error, Tool,
        "taille décompressée totale au-delà de la limite de {limit} octets : lecture arrêtée, la suite n'est pas vérifiée (--max-total-size relève la limite)",
        "total expanded size over the limit of {limit} bytes: reading stopped, the rest is not checked (--max-total-size raises the limit)";
    /// An archive inside the export: listed, not opened.
    ArchiveNested = "archive.nested", Warning, Tool,
        "archive imbriquée ({format}) : inventoriée mais non ouverte",
        "nested archive ({format}): listed but not opened";
    /// An entry of a folder export could not be listed or read (no permission, a path longer
    /// than the system allows, a file removed or replaced by a link or a FIFO after the listing).
    ArchiveUnreadable = "archive.unreadable", Error, Tool,
        "fichier ou dossier illisible ({error})",
        "unreadable file or folder ({error})";
    /// An archive reversa recognises but cannot read (7z, RAR, CAB, cpio, ISO 9660…): no content
    /// could be checked.
    ArchiveUnsupportedContainer = "archive.unsupported-container", Error, Tool,
        "reversa ne sait pas lire ce conteneur ({format}) : contenu invérifiable",
        "reversa cannot read this container ({format}): content unverifiable";
    /// A compressed file (gzip, bzip2, xz, zstd) that holds no tar archive: reversa does not
    /// read its content.
    ArchiveCompressedNotTar = "archive.compressed-not-tar", Error, Tool,
        "fichier compressé {format} qui ne contient pas d'archive tar : reversa ne sait pas en lire le contenu, contenu invérifiable",
        "{format} compressed file that holds no tar archive: reversa cannot read its content, content unverifiable";
    /// A zip entry compressed with a method reversa does not decode (PPMd, Implode…).
    ArchiveUnsupportedMethod = "archive.unsupported-method", Error, Tool,
        "méthode de compression {method} que reversa ne sait pas décoder : entrée non lue, contenu invérifiable",
        "compression method {method} that reversa cannot decode: entry not read, content unverifiable";
    /// A compressed stream asks its decoder for more memory than reversa allows.
    ArchiveMemoryLimit = "archive.memory-limit", Error, Tool,
        "le flux compressé exige plus de {limit} octets de mémoire pour être décompressé : lecture arrêtée",
        "the compressed stream needs more than {limit} bytes of memory to decompress: reading stopped";

    /// reversa failed on this entry: a defect of the tool, caught; the file's result is missing.
    InternalError = "internal.error", Error, Tool,
        "erreur interne de reversa en lisant ce fichier ({at}) : son résultat manque et le verdict reste indéterminé ; signalez ce défaut",
        "reversa internal error while reading this file ({at}): its result is missing and the verdict stays undetermined; please report this defect";

    // ---- inventory: formats and encodings ----
    /// A file in a format classified as proprietary.
    InventoryProprietaryFormat = "inventory.proprietary-format", Warning, Export,
        "format propriétaire : {format}",
        "proprietary format: {format}";
    /// A file whose format could not be identified.
    InventoryUnknownFormat = "inventory.unknown-format", Warning, Tool,
        "format non identifié",
        "format not identified";
    /// A text file that is not UTF-8.
    InventoryNotUtf8 = "inventory.not-utf8", Warning, Export,
        "texte qui n'est pas en UTF-8 (probablement {encoding})",
        "text not in UTF-8 (probably {encoding})";
    /// The manifest declares a format (PRONOM identifier) other than the one identified.
    InventoryDeclaredFormatMismatch = "inventory.declared-format-mismatch", Warning, Export,
        "format déclaré dans le manifeste ({declared}) différent du format identifié ({identified})",
        "format declared in the manifest ({declared}) differs from the identified format ({identified})";
    /// An empty file.
    InventoryEmptyFile = "inventory.empty-file", Warning, Export,
        "fichier vide",
        "empty file";

    // ---- manifest: finding and reading it ----
    /// No manifest in the export: fixity cannot be verified.
    ManifestAbsent = "manifest.absent", Warning, Export,
        "aucun manifeste (BagIt, SEDA ou reversa) : l'intégrité des fichiers ne peut pas être vérifiée",
        "no manifest (BagIt, SEDA or reversa): file fixity cannot be verified";
    /// The manifest cannot be parsed.
    ManifestMalformed = "manifest.malformed", Error, Export,
        "manifeste illisible : {error}",
        "unreadable manifest: {error}";
    /// A manifest line or element is not understood.
    ManifestInvalidLine = "manifest.invalid-line", Error, Export,
        "ligne ou élément de manifeste invalide : {error}",
        "invalid manifest line or element: {error}";
    /// Several manifests of different kinds; the first by priority is used.
    ManifestSeveral = "manifest.several", Info, Export,
        "plusieurs manifestes trouvés ({kinds}) : {used} est utilisé",
        "several manifests found ({kinds}): {used} is used";
    /// A required BagIt tag file is missing or invalid.
    ManifestBagitDeclaration = "manifest.bagit-declaration", Error, Export,
        "déclaration BagIt (bagit.txt) absente ou invalide : {cause_fr}",
        "BagIt declaration (bagit.txt) missing or invalid: {cause_en}";
    /// A BagIt bag with no payload manifest.
    ManifestBagitNoPayloadManifest = "manifest.bagit-no-payload-manifest", Error, Export,
        "aucun manifeste de contenu (manifest-<algorithme>.txt) dans le sac BagIt",
        "no payload manifest (manifest-<algorithm>.txt) in the BagIt bag";
    /// A BagIt bag that lists files to fetch from the network.
    ManifestBagitFetch = "manifest.bagit-fetch", Warning, Tool,
        "le sac BagIt liste des fichiers à télécharger (fetch.txt) : reversa ne télécharge rien, ils sont invérifiables",
        "the BagIt bag lists files to download (fetch.txt): reversa never downloads, they cannot be verified";
    /// The tag-file encoding `bagit.txt` declares is not one reversa can decode.
    ManifestBagitEncoding = "manifest.bagit-encoding", Error, Tool,
        "encodage des fichiers d'étiquettes déclaré par bagit.txt ({encoding}) inconnu de reversa : manifestes non lus, intégrité invérifiable",
        "tag-file encoding declared by bagit.txt ({encoding}) unknown to reversa: manifests not read, fixity cannot be verified";
    /// A BagIt manifest line in a tolerated but non-conformant form (md5sum's `*`, leading blank, comment).
    ManifestBagitLineForm = "manifest.bagit-line-form", Warning, Export,
        "ligne de manifeste BagIt tolérée mais non conforme : {cause_fr} ; l'empreinte est vérifiée",
        "BagIt manifest line tolerated but not conformant: {cause_en}; the digest is checked";
    /// A `fetch.txt` line that breaks RFC 8493 §2.2.3.
    ManifestBagitFetchInvalid = "manifest.bagit-fetch-invalid", Error, Export,
        "ligne de fetch.txt invalide : {cause_fr}",
        "invalid fetch.txt line: {cause_en}";
    /// The SEDA namespace is not one of 2.1, 2.2, 2.3.
    ManifestSedaVersion = "manifest.seda-version", Error, Tool,
        "espace de noms SEDA non reconnu ({namespace})",
        "unknown SEDA namespace ({namespace})";

    // ---- fixity: manifest against content ----
    /// A file declared in the manifest is not in the export.
    FixityMissingFile = "fixity.missing-file", Error, Export,
        "fichier déclaré dans le manifeste mais absent de l'export",
        "file declared in the manifest but absent from the export";
    /// A file in the export is not declared in the manifest.
    FixityUnlistedFile = "fixity.unlisted-file", Error, Export,
        "fichier présent dans l'export mais absent du manifeste",
        "file present in the export but not declared in the manifest";
    /// The digest computed differs from the declared one.
    FixityDigestMismatch = "fixity.digest-mismatch", Error, Export,
        "empreinte {algorithm} différente de celle du manifeste (attendue {expected}, calculée {actual})",
        "{algorithm} digest differs from the manifest (expected {expected}, computed {actual})";
    /// The size computed differs from the declared one.
    FixitySizeMismatch = "fixity.size-mismatch", Error, Export,
        "taille différente de celle du manifeste (attendue {expected}, lue {actual} octets)",
        "size differs from the manifest (expected {expected}, read {actual} bytes)";
    /// A declared object has no digest.
    FixityMissingDigest = "fixity.missing-digest", Error, Export,
        "objet déclaré sans empreinte",
        "object declared without a digest";
    /// A digest algorithm reversa does not know: the entries with no other digest are left
    /// unchecked (an information only when every entry also has a known digest).
    FixityUnsupportedAlgorithm = "fixity.unsupported-algorithm", Error, Tool,
        "algorithme d'empreinte non pris en charge par reversa : {algorithm} ; fichiers sans autre empreinte, donc non vérifiés : {count}",
        "digest algorithm not supported by reversa: {algorithm}; files with no other digest, hence not checked: {count}";
    /// MD5 or SHA-1: accepted for checking, but weak.
    FixityWeakAlgorithm = "fixity.weak-algorithm", Warning, Export,
        "algorithme d'empreinte faible ({algorithm}) : accepté pour la vérification, à remplacer par SHA-256, SHA-512 ou SHA-3",
        "weak digest algorithm ({algorithm}): accepted for checking, should be SHA-256, SHA-512 or SHA-3";
    /// The same path is declared twice.
    FixityDuplicateEntry = "fixity.duplicate-entry", Error, Export,
        "fichier déclaré plusieurs fois dans le manifeste",
        "file declared more than once in the manifest";
    /// The same path listed twice in one manifest with the same digest.
    FixityDuplicateLine = "fixity.duplicate-line", Warning, Export,
        "fichier listé plusieurs fois dans le même manifeste, avec la même empreinte",
        "file listed more than once in the same manifest, with the same digest";
    /// Two paths (declared, or declared and present) differ only by Unicode normalisation.
    FixityPathNormalisation = "fixity.path-normalisation", Warning, Export,
        "chemin qui ne diffère de {other} que par la normalisation Unicode (NFC/NFD) : traités comme le même fichier",
        "path differs from {other} only by Unicode normalisation (NFC/NFD): treated as the same file";
    /// Two declared paths differ only by case.
    FixityPathCase = "fixity.path-case", Warning, Export,
        "chemin qui ne diffère de {other} que par la casse : deux fichiers distincts, confondus sous Windows et macOS",
        "path differs from {other} only by case: two distinct files, one and the same on Windows and macOS";
    /// An operating system's own file in the payload, not declared.
    FixityOsFile = "fixity.os-file", Warning, Export,
        "fichier du système d'exploitation ({kind}) présent mais absent du manifeste : ignoré",
        "operating-system file ({kind}) present but not declared in the manifest: ignored";
    /// A declared file absent from the export, listed in `fetch.txt`: never downloaded.
    FixityFetchPending = "fixity.fetch-pending", Error, Tool,
        "fichier à télécharger (fetch.txt) absent de l'export : reversa ne télécharge rien, son intégrité est invérifiable",
        "file to download (fetch.txt) absent from the export: reversa never downloads, its fixity cannot be verified";
    /// A declared object with an empty path.
    FixityEmptyUri = "fixity.empty-uri", Error, Export,
        "objet déclaré avec un chemin (Uri) vide",
        "object declared with an empty path (Uri)";
    /// A declared path that climbs out of the package.
    FixityPathEscape = "fixity.path-escape", Error, Export,
        "chemin déclaré qui sort du paquet (« .. » ou chemin absolu)",
        "declared path escapes the package (\"..\" or absolute path)";
    /// BagIt Payload-Oxum does not match the payload.
    FixityPayloadOxum = "fixity.payload-oxum", Error, Export,
        "Payload-Oxum déclaré {expected}, contenu réel {actual} (octets.fichiers)",
        "Payload-Oxum declares {expected}, actual payload {actual} (octets.files)";
    /// The digest could not be computed: the entry was not read to its end.
    FixityUnverified = "fixity.unverified", Error, Tool,
        "empreinte invérifiable : l'entrée n'a pas pu être lue",
        "digest cannot be verified: the entry could not be read";

    // ---- records: reading, mapping and validating the records ----
    /// Records break a rule of their dataset's schema.
    RecordsSchemaViolation = "records.schema-violation", Error, Export,
        "{dataset} : {count} enregistrement(s) ne respectent pas la règle « {rule} » du champ {field}",
        "{dataset}: {count} record(s) break rule \"{rule}\" of field {field}";
    /// Two dates of a record are in the wrong order.
    RecordsDateOrder = "records.date-order", Error, Export,
        "{dataset} : {count} enregistrement(s) ont une date {field} antérieure à la date qui doit la précéder",
        "{dataset}: {count} record(s) have a {field} date earlier than the date that must precede it";
    /// A date lies in the future.
    RecordsFutureDate = "records.future-date", Error, Export,
        "{dataset} : {count} enregistrement(s) ont une date {field} dans le futur",
        "{dataset}: {count} record(s) have a {field} date in the future";
    /// A voter is under age at the list date.
    RecordsUnderAge = "records.under-age", Error, Export,
        "{dataset} : {count} électeur(s) mineur(s) à la date de la liste ({field})",
        "{dataset}: {count} voter(s) under age at the list date ({field})";
    /// A value is not in the profile's strict code list.
    RecordsCodeList = "records.code-list", Error, Export,
        "{dataset} : {count} valeur(s) du champ {field} absentes de la table de codes du profil",
        "{dataset}: {count} value(s) of field {field} not in the profile's code list";
    /// A key or unique combination occurs more than once.
    RecordsDuplicateKey = "records.duplicate-key", Error, Export,
        "{dataset} : {count} doublon(s) de la clé {field}",
        "{dataset}: {count} duplicate(s) of key {field}";
    /// A reference points to no record of the other dataset.
    RecordsDanglingReference = "records.dangling-reference", Error, Export,
        "{dataset} : {count} référence(s) {field} sans enregistrement correspondant dans {target}",
        "{dataset}: {count} reference(s) {field} with no matching record in {target}";
    /// A reference cannot be checked: the dataset it points to is absent.
    RecordsReferenceUnverifiable = "records.reference-unverifiable", Warning, Export,
        "{dataset} : les références {field} ne peuvent pas être vérifiées, le jeu {target} est absent",
        "{dataset}: references {field} cannot be checked, dataset {target} is absent";
    /// A file named by a record (a scan) is not in the export.
    RecordsMissingAttachment = "records.missing-attachment", Error, Export,
        "{dataset} : {count} fichier(s) cité(s) par le champ {field} absents de l'export",
        "{dataset}: {count} file(s) named by field {field} missing from the export";
    /// Numbers are missing in a numbering that must be continuous.
    RecordsSequenceGap = "records.sequence-gap", Error, Export,
        "{dataset} : {missing} numéro(s) {field} manquant(s) pour {group} ({ranges})",
        "{dataset}: {missing} {field} number(s) missing for {group} ({ranges})";
    /// A record file could not be read to its end.
    RecordsReadError = "records.read-error", Error, Export,
        "lecture des enregistrements interrompue ({kind}) : {reason}",
        "reading records stopped ({kind}): {reason}";
    /// A record file whose reading a safety limit of reversa stopped (record, markup or sheet
    /// too large, nesting too deep), or that uses a variant reversa does not read (a declared
    /// encoding it does not know): the records past it are not checked.
    RecordsReadLimit = "records.read-limit", Error, Tool,
        "lecture des enregistrements arrêtée par une limite de sûreté de reversa ou une variante qu'il ne lit pas ({reason}) : les enregistrements suivants ne sont pas vérifiés",
        "reading records stopped by a reversa safety limit or a variant it does not read ({reason}): the records past it are not checked";
    /// A data file that maps to no dataset.
    RecordsUnmappedFile = "records.unmapped-file", Warning, Tool,
        "fichier de données rattaché à aucun jeu de données ({reason})",
        "data file mapped to no dataset ({reason})";
    /// A dataset the profile expects has no file.
    RecordsDatasetMissing = "records.dataset-missing", Warning, Export,
        "jeu de données {dataset} attendu par le profil, mais aucun fichier trouvé",
        "dataset {dataset} expected by the profile, but no file found";
    /// Rows with another field count than the header.
    RecordsRaggedRows = "records.ragged-rows", Warning, Export,
        "{count} ligne(s) dont le nombre de champs diffère de l'en-tête",
        "{count} row(s) whose field count differs from the header";
    /// Columns the mapping names are absent from the file.
    RecordsMissingColumns = "records.missing-columns", Warning, Export,
        "colonnes attendues par le profil absentes du fichier : {columns}",
        "columns expected by the profile missing from the file: {columns}";
    /// Columns of the file that no field takes.
    RecordsUnusedColumns = "records.unused-columns", Info, Export,
        "colonnes du fichier reprises par aucun champ : {columns}",
        "file columns taken by no field: {columns}";
    /// No record file was found in the export.
    RecordsNone = "records.none", Warning, Tool,
        "aucun fichier d'enregistrements reconnu dans l'export : contenu invérifiable",
        "no record file recognised in the export: content cannot be checked";

    // ---- completeness: records against the commune's counts and the manifest ----
    /// A count differs from the expected one beyond its tolerance.
    CompletenessCountMismatch = "completeness.count-mismatch", Error, Export,
        "{dataset} ({group}) : {found} enregistrement(s) trouvé(s), {expected} attendu(s) — source : {source}",
        "{dataset} ({group}): {found} record(s) found, {expected} expected — source: {source}";
    /// A control total differs from the expected one beyond its tolerance.
    CompletenessTotalMismatch = "completeness.total-mismatch", Error, Export,
        "{dataset} ({group}) : total de {field} {found}, {expected} attendu — source : {source}",
        "{dataset} ({group}): total of {field} {found}, {expected} expected — source: {source}";
    /// The records differ from those fingerprinted on the source side.
    CompletenessFingerprintMismatch = "completeness.fingerprint-mismatch", Error, Export,
        "{dataset} ({group}) : les enregistrements diffèrent de ceux de l'empreinte ({found} trouvé(s), {expected} attendu(s)) — source : {source}",
        "{dataset} ({group}): the records differ from the fingerprinted ones ({found} found, {expected} expected) — source: {source}";
    /// Years without records inside the expected period.
    CompletenessPeriodGap = "completeness.period-gap", Error, Export,
        "{dataset} : {count} année(s) sans enregistrement dans la période : {years}",
        "{dataset}: {count} year(s) without records in the period: {years}";
    /// Groups found in the records that the counts file does not list.
    CompletenessUnexpectedGroup = "completeness.unexpected-group", Warning, Export,
        "{dataset} : {count} groupe(s) ({by}) présent(s) mais non attendu(s) : {groups}",
        "{dataset}: {count} group(s) ({by}) present but not expected: {groups}";

    // ---- input: the commune's own files, refused before any work ----
    // Counts (--counts), clauses (--contract) and profile (--profile) files: a mistake in them is
    // not the vendor's fault. Never in a report: the run stops with exit 2 and this message,
    // prefixed with FILE:LINE:COLUMN and followed by "did you mean «…»?" when a near name exists.
    /// The file does not exist.
    InputNotFound = "input.not-found", Error, Input,
        "fichier introuvable",
        "file not found";
    /// The file cannot be read (permissions, device).
    InputUnreadable = "input.unreadable", Error, Input,
        "fichier illisible (droits d'accès ou support)",
        "cannot read the file ({error})";
    /// Not a regular file: a folder, a FIFO, a device, a socket (never read: nothing blocks).
    InputNotAFile = "input.not-a-file", Error, Input,
        "ce n'est pas un fichier ordinaire ({kind}) : donner le chemin d'un fichier",
        "not a regular file ({kind}): give the path of a file";
    /// Over the size limit (16 MiB for the commune's text files; read no further).
    InputTooLarge = "input.too-large", Error, Input,
        "fichier trop volumineux (plus de {limit} Mio) pour un fichier de ce type : vérifier le chemin donné",
        "file too large (over {limit} MiB) for a file of this kind: check the path given";
    /// The file is not UTF-8.
    InputNotUtf8 = "input.not-utf8", Error, Input,
        "le fichier n'est pas en UTF-8 : l'enregistrer en UTF-8",
        "the file is not UTF-8: save it as UTF-8";
    /// The file's TOML, CSV or JSON syntax is broken.
    InputSyntax = "input.syntax", Error, Input,
        "erreur de syntaxe {format} à cet endroit",
        "{format} syntax error: {detail}";
    /// The file declares a format version this build does not read.
    InputUnsupportedVersion = "input.unsupported-version", Error, Input,
        "{name} = « {found} » : cette version de reversa lit la version {version}",
        "{name} = \"{found}\": this build of reversa reads version {version}";
    /// A name the file uses is not known: key, dataset, field, clause kind, check, profile…
    InputUnknownName = "input.unknown-name", Error, Input,
        "« {name} » n'est pas un nom connu ({what})",
        "\"{name}\" is not a known name ({what})";
    /// A key the file must give is absent.
    InputMissingKey = "input.missing-key", Error, Input,
        "clé obligatoire « {name} » absente",
        "required key \"{name}\" missing";
    /// A value of the wrong type or form: a number, a date, a tolerance, a period…
    InputInvalidValue = "input.invalid-value", Error, Input,
        "valeur invalide pour « {name} » : il faut {expected}",
        "invalid value for \"{name}\": {expected} expected";
    /// A counts file groups by a field whose values are personal data.
    InputPersonalGrouping = "input.personal-grouping", Error, Input,
        "regrouper {dataset} par « {name} » montrerait des valeurs personnelles dans le rapport : regrouper par un champ codé ou par année ({allowed}), ou passer --reveal-values",
        "grouping {dataset} by \"{name}\" would show personal values in the report: group by a coded field or by year ({allowed}), or pass --reveal-values";
}

impl Code {
    /// Whether this code reports something *absent* (a file, an attachment, a referenced record,
    /// a number, a count): such a finding proves nothing when reversa could not read part of the
    /// export (a tool error in the safety stage), since the absent thing may be in that part.
    pub fn is_absence(self) -> bool {
        matches!(
            self,
            Code::FixityMissingFile
                | Code::RecordsMissingAttachment
                | Code::RecordsDanglingReference
                | Code::RecordsSequenceGap
                | Code::CompletenessCountMismatch
                | Code::CompletenessTotalMismatch
                | Code::CompletenessFingerprintMismatch
                | Code::CompletenessPeriodGap
        )
    }
}

impl Serialize for Code {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn codes_are_unique_and_shaped() {
        let mut seen = HashSet::new();
        for c in Code::ALL {
            assert!(seen.insert(c.as_str()), "duplicate code {}", c.as_str());
            let (stage, what) = c.as_str().split_once('.').expect("stage.what");
            assert!(!stage.is_empty() && !what.is_empty());
            assert!(!c.template(Lang::Fr).is_empty() && !c.template(Lang::En).is_empty());
        }
    }

    #[test]
    fn the_readme_table_shows_every_code_with_its_severity_and_attribution() {
        let readme = include_str!("../../README.md");
        for c in Code::ALL {
            let row = format!(
                "| `{}` | {} | {} |",
                c.as_str(),
                c.default_severity().as_str(),
                c.attribution().as_str()
            );
            assert!(readme.contains(&row), "README's finding codes table lacks {row}");
        }
    }

    #[test]
    fn every_code_declares_who_it_is_about() {
        for c in Code::ALL {
            let a = c.attribution();
            // internal.* and tool limits are reversa's; input.* are the commune's files.
            match c.as_str().split('.').next().unwrap() {
                "internal" => assert_eq!(a, Attribution::Tool, "{}", c.as_str()),
                "input" => assert_eq!(a, Attribution::Input, "{}", c.as_str()),
                _ => assert_ne!(
                    a,
                    Attribution::Input,
                    "{}: input problems are refused, not reported",
                    c.as_str()
                ),
            }
        }
        assert_eq!(Code::FixityDigestMismatch.attribution(), Attribution::Export);
        assert_eq!(Code::FixityUnsupportedAlgorithm.attribution(), Attribution::Tool);
    }
}
