//! PDF import (`shortlist::import::Format::Pdf`): seeds 000 and 001 printed to PDF
//! (`tests/fixtures/import/pdf/make.py`, reportlab) import to the same criteria as their
//! Word versions, and a scan with no text layer is refused as such.

use shortlist::domain::{Method, Requirement};
use shortlist::import::{import, Format, ImportError};

const DOCX_000: &[u8] =
    include_bytes!("../fixtures/import/docx/000_alternatively_qualified_worker.docx");
const DOCX_001: &[u8] = include_bytes!("../fixtures/import/docx/001_social_worker_level4.docx");
const PDF_000: &[u8] =
    include_bytes!("../fixtures/import/pdf/000_alternatively_qualified_worker.pdf");
const PDF_001: &[u8] = include_bytes!("../fixtures/import/pdf/001_social_worker_level4.pdf");
const SCAN: &[u8] = include_bytes!("../fixtures/import/pdf/scan.pdf");

fn criteria(format: Format, body: &[u8]) -> Vec<(String, Requirement, Vec<Method>)> {
    let specs = import(format, body).expect("a specification");
    specs
        .iter()
        .flat_map(|s| s.criteria.iter())
        .map(|c| (c.description.clone(), c.requirement, c.methods.clone()))
        .collect()
}

#[test]
fn seed_pdfs_import_as_their_word_versions() {
    for (docx, pdf) in [(DOCX_000, PDF_000), (DOCX_001, PDF_001)] {
        let word = criteria(Format::Docx, docx);
        let printed = criteria(Format::Pdf, pdf);
        assert!(!word.is_empty());
        assert_eq!(printed, word);
    }
}

#[test]
fn a_scan_with_no_text_layer_is_refused_as_such() {
    assert_eq!(import(Format::Pdf, SCAN), Err(ImportError::NoTextLayer));
    assert_eq!(
        ImportError::NoTextLayer.to_string(),
        "the PDF has no text layer (a scan?)"
    );
    assert!(matches!(
        import(Format::Pdf, b"%PDF-1.7"),
        Err(ImportError::Unreadable(_))
    ));
}
