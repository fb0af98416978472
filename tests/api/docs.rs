use crate::both_backends;
use crate::helpers::TestApp;
use actix_web::test::TestRequest;

both_backends! {
    async fn openapi_json_is_the_committed_document(app: TestApp) {
        let served = app.call(TestRequest::get().uri("/openapi.json")).await.expect(200);
        let generated: serde_json::Value =
            serde_json::from_str(&shortlist::startup::openapi_document_json()).unwrap();
        assert_eq!(served.body, generated);
    }

    async fn docs_page_and_all_its_assets_are_served_locally(app: TestApp) {
        let page = app.call(TestRequest::get().uri("/docs/")).await.expect(200);
        assert!(page.text.contains("swagger-ui"), "{}", page.text);
        // Every script and stylesheet the page names must come from this server.
        for attr in ["src=\"", "href=\""] {
            for part in page.text.split(attr).skip(1) {
                let target = part.split('"').next().unwrap();
                assert!(!target.starts_with("http") && !target.starts_with("//"), "external asset {target}");
                if target.ends_with(".js") || target.ends_with(".css") {
                    let uri = if target.starts_with('/') { target.to_string() } else { format!("/docs/{}", target.trim_start_matches("./")) };
                    app.call(TestRequest::get().uri(&uri)).await.expect(200);
                }
            }
        }
        let init = app.call(TestRequest::get().uri("/docs/swagger-initializer.js")).await.expect(200);
        assert!(init.text.contains("/openapi.json"));
        assert!(!init.text.contains("https://"), "initializer points off-box: {}", init.text);
    }
}
