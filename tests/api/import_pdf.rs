//! PDF import, on by default: seeds 000 and 001 printed to PDF
//! (`tests/fixtures/import/pdf/make.py`, reportlab) import to the same criteria as their
//! Word versions, directly and through the endpoint on both backends; a scan with no text
//! layer is a 422 saying so; hostile PDFs (decompression bombs, deep nesting, a form that
//! draws itself, too many pages, encryption) are refused quickly, before the parser can
//! exhaust memory or the stack.

use std::io::Write;
use std::time::{Duration, Instant};

use actix_web::test::TestRequest;
use serde_json::{json, Value};
use shortlist::domain::{Method, Requirement};
use shortlist::import::{import, Format, ImportError};

use crate::both_backends;
use crate::helpers::{bearer, Resp, TestApp};

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

// ---------------------------------------------------------------------------------------
// Hand-made PDFs

/// A PDF of the given objects (numbered from 1; object 1 is the catalog), with a correct
/// cross-reference table.
pub fn pdf(objects: &[Vec<u8>], trailer_extra: &str) -> Vec<u8> {
    let mut out = b"%PDF-1.7\n".to_vec();
    let mut offsets = Vec::new();
    for (i, body) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n", i + 1).as_bytes());
        out.extend_from_slice(body);
        out.extend_from_slice(b"\nendobj\n");
    }
    let xref = out.len();
    out.extend_from_slice(
        format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes(),
    );
    for offset in offsets {
        out.extend_from_slice(format!("{offset:010} 00000 n \n").as_bytes());
    }
    out.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R {trailer_extra} >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .as_bytes(),
    );
    out
}

/// A stream object.
pub fn stream(dict: &str, data: &[u8]) -> Vec<u8> {
    let mut out = format!("<< {dict} /Length {} >>\nstream\n", data.len()).into_bytes();
    out.extend_from_slice(data);
    out.extend_from_slice(b"\nendstream");
    out
}

pub fn zlib(data: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
    encoder.write_all(data).unwrap();
    encoder.finish().unwrap()
}

/// Catalog, one page tree, `pages` pages drawing `content` (object 4) with Helvetica
/// (object 5) and the form XObject `/X1` (object 6, `form`), then `extra` objects.
pub fn document(pages: usize, content: Vec<u8>, form: Vec<u8>, extra: Vec<Vec<u8>>) -> Vec<u8> {
    let first_page = 7 + extra.len();
    let kids: Vec<String> = (0..pages)
        .map(|p| format!("{} 0 R", first_page + p))
        .collect();
    let mut objects = vec![
        b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
        format!(
            "<< /Type /Pages /Kids [{}] /Count {pages} >>",
            kids.join(" ")
        )
        .into_bytes(),
        b"<< /Producer (shortlist tests) >>".to_vec(),
        content,
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_vec(),
        form,
    ];
    objects.extend(extra);
    for _ in 0..pages {
        objects.push(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R \
/Resources << /Font << /F1 5 0 R >> /XObject << /X1 6 0 R >> >> >>"
                .to_vec(),
        );
    }
    // Object 3 is a placeholder so that the numbering above stays fixed.
    pdf(&objects, "")
}

fn plain_form() -> Vec<u8> {
    stream(
        "/Type /XObject /Subtype /Form /BBox [0 0 10 10] /Resources << >>",
        b"0 0 m 1 1 l S",
    )
}

fn text_content() -> Vec<u8> {
    let mut text = String::from("BT /F1 11 Tf 72 760 Td 14 TL (Person specification) Tj\n");
    text.push_str("T* (Essential) Tj\n");
    for line in [
        "- Experience of working with children and families",
        "- Good written English",
    ] {
        text.push_str(&format!("T* ({line}) Tj\n"));
    }
    text.push_str("ET\n");
    stream("", text.as_bytes())
}

/// Hostile PDFs, each small, each of which would exhaust memory, the stack or time in an
/// unguarded parser: (name, document).
pub fn hostile_pdfs() -> Vec<(&'static str, Vec<u8>)> {
    let mib = 1024 * 1024;
    let bomb = zlib(&vec![b' '; 17 * mib]);
    let double_bomb = zlib(&zlib(&vec![b'0'; 40 * mib]));
    let total_bomb: Vec<Vec<u8>> = (0..5)
        .map(|_| stream("/Filter /FlateDecode", &zlib(&vec![0u8; 15 * mib])))
        .collect();
    let deep_array = format!("{}{}", "[".repeat(200_000), "]".repeat(200_000)).into_bytes();
    let deep_content = zlib(format!("{} Do", "[".repeat(100_000)).as_bytes());
    let self_drawing = stream(
        "/Type /XObject /Subtype /Form /BBox [0 0 10 10] /Resources << /XObject << /X1 6 0 R >> >>",
        b"/X1 Do",
    );
    let inheriting = stream("/Type /XObject /Subtype /Form /BBox [0 0 10 10]", b"/X1 Do");
    let drawing_form = stream("", b"/X1 Do");
    vec![
        (
            "a stream inflating to 17 MiB",
            document(
                1,
                stream("/Filter /FlateDecode", &bomb),
                plain_form(),
                vec![],
            ),
        ),
        (
            "Flate inside Flate, 40 MiB",
            document(
                1,
                stream("/Filter [/FlateDecode /FlateDecode]", &double_bomb),
                plain_form(),
                vec![],
            ),
        ),
        (
            "five streams of 15 MiB each",
            document(1, text_content(), plain_form(), total_bomb),
        ),
        (
            "200,000 nested arrays",
            document(1, text_content(), plain_form(), vec![deep_array]),
        ),
        (
            "a page drawing 100,000 nested arrays",
            document(
                1,
                stream("/Filter /FlateDecode", &deep_content),
                plain_form(),
                vec![],
            ),
        ),
        (
            "a form that draws itself",
            document(1, drawing_form.clone(), self_drawing, vec![]),
        ),
        (
            "a form drawing with its caller's resources",
            document(1, drawing_form, inheriting, vec![]),
        ),
        (
            "301 pages",
            document(301, text_content(), plain_form(), vec![]),
        ),
        (
            "encrypted",
            pdf(
                &[b"<< /Type /Catalog /Pages 2 0 R >>".to_vec()],
                "/Encrypt << /Filter /Standard /V 1 /R 2 >>",
            ),
        ),
        (
            "encrypted, the name escaped",
            pdf(
                &[b"<< /Type /Catalog /Pages 2 0 R >>".to_vec()],
                "/Encr#79pt << /Filter /Standard /V 1 /R 2 >>",
            ),
        ),
        (
            "LZW",
            document(
                1,
                stream("/Filter /LZWDecode", b"\x80\x0b\x60\x50"),
                plain_form(),
                vec![],
            ),
        ),
    ]
}

#[test]
fn hostile_pdfs_are_refused_quickly() {
    for (name, body) in hostile_pdfs() {
        assert!(body.len() < 8 * 1024 * 1024, "{name}: {} bytes", body.len());
        let start = Instant::now();
        let result = import(Format::Pdf, &body);
        let elapsed = start.elapsed();
        assert!(
            matches!(result, Err(ImportError::Unreadable(_))),
            "{name}: {result:?}"
        );
        assert!(elapsed < Duration::from_secs(10), "{name}: {elapsed:?}");
    }
    // The same shapes within bounds are read.
    let fine = document(1, text_content(), plain_form(), vec![]);
    let specs = import(Format::Pdf, &fine).expect("a readable PDF");
    assert!(
        specs[0].criteria[0]
            .description
            .starts_with("Experience of working with children"),
        "{specs:?}"
    );
}

// ---------------------------------------------------------------------------------------
// Through the endpoint

async fn post(app: &TestApp, vacancy: &str, query: &str, body: &[u8]) -> Resp {
    app.call(
        TestRequest::post()
            .uri(&format!(
                "/api/v1/vacancies/{vacancy}/criteria/import{query}"
            ))
            .insert_header(bearer(&app.recruiter()))
            .insert_header(("content-type", "application/pdf"))
            .set_payload(body.to_vec()),
    )
    .await
}

/// (description, requirement, methods) of a seed's hand-checked criteria.
fn expected(file: &str) -> Vec<(String, Value, Value)> {
    let path = format!(
        "{}/tests/fixtures/import/{file}",
        env!("CARGO_MANIFEST_DIR")
    );
    let doc: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    triples(&doc["specs"][0]["criteria"])
}

fn triples(criteria: &Value) -> Vec<(String, Value, Value)> {
    criteria
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["description"].as_str().unwrap().to_string(),
                c["requirement"].clone(),
                c["methods"].clone(),
            )
        })
        .collect()
}

both_backends! {
    async fn pdf_documents_import_by_default(app: TestApp) {
        let v = app.create_vacancy(json!({})).await;
        let id = v["id"].as_str().unwrap();
        let body = post(&app, id, "?dry_run=true", PDF_000).await.expect(200).body;
        assert_eq!(triples(&body["criteria"]), expected("000_f3ecf04fbcb1fea5.expected.json"));
        // Each criterion says where in the PDF's text it was read.
        assert!(body["criteria"].as_array().unwrap().iter().all(|c| c["source"]["line"].as_u64().unwrap() > 0));
        let body = post(&app, id, "", PDF_001).await.expect(200).body;
        assert_eq!(triples(&body["criteria"]), expected("001_d864ea12738d2d80.expected.json"));
        let stored = app.get(&format!("/api/v1/vacancies/{id}/criteria"), &app.recruiter()).await.expect(200).body;
        assert_eq!(stored.as_array().unwrap().len(), 36);
    }

    async fn a_scanned_pdf_is_a_422_saying_so_and_hostile_ones_are_refused(app: TestApp) {
        let v = app.create_vacancy(json!({})).await;
        let id = v["id"].as_str().unwrap();
        let resp = post(&app, id, "", SCAN).await.expect_problem(422);
        assert_eq!(resp.body["errors"][0]["field"], "body");
        assert!(resp.text.contains("no text layer"), "{}", resp.text);
        for (name, body) in hostile_pdfs().into_iter().take(4) {
            let resp = post(&app, id, "", &body).await.expect_problem(422);
            assert!(resp.text.contains("cannot be read"), "{name}: {}", resp.text);
        }
        let stored = app.get(&format!("/api/v1/vacancies/{id}/criteria"), &app.recruiter()).await.expect(200).body;
        assert_eq!(stored, json!([]));
    }
}
