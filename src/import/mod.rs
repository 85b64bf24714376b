//! Plans started from what a team already has. `bia` reads a business
//! impact analysis spreadsheet (processes, entities, owners, criticality,
//! DMIA, PDMA, supporting applications) into a plan file that the
//! hand-written plan includes.
//!
//! An imported file is generated: it says so in its first line, every entry
//! carries its `origin` (`bia:etat-civil`), and the same source gives the
//! same bytes. What the source does not know stays in the hand-written
//! files, which a re-import never touches.

pub mod bia;
pub mod table;

/// Text as headers and names are compared: lower case, accents dropped,
/// every run of other characters one space (`Criticité (1-4)` →
/// `criticite 1 4`).
pub fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut space = false;
    for c in text.chars().flat_map(char::to_lowercase) {
        let letters = match c {
            'œ' => "oe",
            'æ' => "ae",
            _ => "",
        };
        let c = unaccent(c);
        if !letters.is_empty() || c.is_ascii_alphanumeric() {
            if space && !out.is_empty() {
                out.push(' ');
            }
            space = false;
            if letters.is_empty() {
                out.push(c);
            } else {
                out.push_str(letters);
            }
        } else {
            space = true;
        }
    }
    out
}

/// An id made from a name: `État civil — Mairie` → `etat-civil-mairie`.
pub fn slug(name: &str) -> String {
    fold(name).replace(' ', "-")
}

/// The letter a French or English text writes without its accent (`é` →
/// `e`, `ç` → `c`); other characters as they are.
fn unaccent(c: char) -> char {
    match c {
        'à' | 'â' | 'ä' | 'á' | 'ã' | 'å' => 'a',
        'é' | 'è' | 'ê' | 'ë' => 'e',
        'î' | 'ï' | 'í' | 'ì' => 'i',
        'ô' | 'ö' | 'ó' | 'ò' | 'õ' => 'o',
        'ù' | 'û' | 'ü' | 'ú' => 'u',
        'ç' => 'c',
        'ÿ' | 'ý' => 'y',
        'ñ' => 'n',
        c => c,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_accents_case_and_punctuation() {
        assert_eq!(fold("  Criticité (1-4) "), "criticite 1 4");
        assert_eq!(fold("DMIA / MTPD"), "dmia mtpd");
        assert_eq!(
            fold("Durée maximale d'interruption admissible"),
            "duree maximale d interruption admissible"
        );
        assert_eq!(slug("État civil — Mairie"), "etat-civil-mairie");
        assert_eq!(slug("Œuvres sociales"), "oeuvres-sociales");
    }
}
