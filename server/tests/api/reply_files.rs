//! An agent's reply with files, through both doors (REST's multipart body and the ticket
//! page's server function): the files are kept with the reply, offered on the ticket, and
//! reach the customer attached to the email through a real SMTP server; a note's files
//! stay inside; a file too large, too many files or a field Tandem does not read are
//! refused, naming the field, and nothing is written.
use crate::helpers::*;
use crate::mail_out::{customer_mail, json_of, mail_in};
use app::ssr::services::mail_out::{deliver_due, Sent};
use mail_parser::{MessageParser, MimeHeaders};
use reqwest::multipart::{Form, Part};
use reqwest::{Client, StatusCode};
use serde_json::Value;

fn file(name: &str, content_type: &str, bytes: Vec<u8>) -> Part {
    Part::bytes(bytes)
        .file_name(name.to_string())
        .mime_str(content_type)
        .unwrap()
}

async fn send_reply(app: &TestApp, agent: &Client, id: i64, form: Form) -> reqwest::Response {
    agent
        .post(app.url(&format!("/api/v1/tickets/{id}/messages")))
        .multipart(form)
        .send()
        .await
        .unwrap()
}

fn last_message(d: &Value) -> Value {
    d["messages"].as_array().unwrap().last().unwrap().clone()
}

async fn message_count(app: &TestApp, id: i64) -> i64 {
    app.count(&format!(
        "SELECT COUNT(*) FROM ticket_messages WHERE ticket_id = {id}"
    ))
    .await
}

#[tokio::test]
async fn a_reply_with_files_reaches_the_customer_with_them_attached() {
    for b in backends() {
        let (smtp, app) = spawn_app_with_smtp(b).await;
        let agent = app.login("agent1@demo.tandem").await;
        let got = mail_in(
            &app,
            &agent,
            customer_mail("<f1@customer.example>", "要一份报价单", "", "请发报价单。"),
        )
        .await;
        let id = got["ticket_id"].as_i64().unwrap();
        let pdf: Vec<u8> = (0..=255u8).cycle().take(300_000).collect();

        // A note with a file: kept on the ticket, mailed to nobody.
        let note = Form::new()
            .text("body", "内部：报价依据见附件")
            .text("internal", "true")
            .part("files", file("依据.txt", "text/plain", "成本 100".into()));
        let r = send_reply(&app, &agent, id, note).await;
        assert_eq!(r.status(), StatusCode::CREATED, "{b:?}");
        let d = json_of(r).await;
        assert_eq!(last_message(&d)["attachments"][0]["file_name"], "依据.txt");

        // A reply with two files: both kept with it, in order, and offered as downloads.
        let form = Form::new()
            .text("body", "报价单和说明见附件。")
            .part(
                "files",
                file("报价单 2026.pdf", "application/pdf", pdf.clone()),
            )
            .part(
                "files",
                file("../说明.csv", "text/csv", "a,b\n1,2\n".into()),
            );
        let r = send_reply(&app, &agent, id, form).await;
        assert_eq!(r.status(), StatusCode::CREATED, "{b:?}");
        let d = json_of(r).await;
        let reply = last_message(&d);
        assert_eq!(reply["internal"], false);
        let files = reply["attachments"].as_array().unwrap();
        let names: Vec<_> = files
            .iter()
            .map(|f| f["file_name"].as_str().unwrap())
            .collect();
        assert_eq!(
            names,
            ["报价单 2026.pdf", "..说明.csv"],
            "{b:?}: safe names"
        );
        assert_eq!(files[0]["size_bytes"], 300_000);
        assert_eq!(files[0]["content_type"], "application/pdf");
        let href = format!("/api/v1/tickets/{id}/attachments/{}", files[0]["id"]);
        let got = agent.get(app.url(&href)).send().await.unwrap();
        assert_eq!(got.status(), StatusCode::OK);
        assert_eq!(got.bytes().await.unwrap().to_vec(), pdf, "{b:?}");

        // The customer gets the reply with both files attached, and not the note's.
        assert_eq!(
            deliver_due(&app.state.app).await.unwrap(),
            Sent { sent: 1, failed: 0 },
            "{b:?}"
        );
        let received = smtp.received();
        assert_eq!(received.len(), 1, "{b:?}");
        let m = MessageParser::default().parse(&received[0]).unwrap();
        assert!(m.body_text(0).unwrap().contains("报价单和说明见附件。"));
        let attached: Vec<_> = m
            .attachments()
            .map(|a| {
                (
                    a.attachment_name().unwrap_or_default().to_string(),
                    a.contents().to_vec(),
                )
            })
            .collect();
        assert_eq!(attached.len(), 2, "{b:?}: {attached:?}");
        assert_eq!(attached[0].0, "报价单 2026.pdf");
        assert_eq!(attached[0].1, pdf, "{b:?}: the bytes arrive whole");
        assert_eq!(attached[1].1, b"a,b\n1,2\n");

        // The page's door takes the same form (with the ticket's id as a field).
        let page_form = Form::new()
            .text("id", id.to_string())
            .text("body", "补充一张截图。")
            .part(
                "files",
                file("截图.png", "image/png", vec![137, 80, 78, 71]),
            )
            // A file input left empty sends an empty, nameless part: not a file.
            .part("files", Part::bytes(Vec::new()).file_name(""));
        let r = agent
            .post(app.url("/sfn/answer_ticket"))
            .header("accept", "application/json")
            .multipart(page_form)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK, "{b:?}");
        let d = json_of(r).await;
        let files = last_message(&d)["attachments"].as_array().unwrap().clone();
        assert_eq!(files.len(), 1, "{b:?}: {files:?}");
        assert_eq!(files[0]["file_name"], "截图.png");
    }
}

#[tokio::test]
async fn files_too_large_too_many_or_unknown_fields_are_refused_and_nothing_is_written() {
    for b in backends() {
        let app = spawn_app(b).await;
        let agent = app.login("agent1@demo.tandem").await;
        let customer = app.customer_of("rep1@demo.tandem").await;
        let r = agent
            .post(app.url("/api/v1/tickets"))
            .json(&serde_json::json!({"customer_id": customer, "subject": "附件测试"}))
            .send()
            .await
            .unwrap();
        let id = json_of(r).await["id"].as_i64().unwrap();
        let before = message_count(&app, id).await;
        let refused = |r: Value, field: &str| {
            assert!(r["errors"][field].is_string(), "{b:?}: {r}");
        };

        let big = Form::new().text("body", "大文件").part(
            "files",
            file(
                "big.bin",
                "application/octet-stream",
                vec![0; 10 * 1024 * 1024 + 1],
            ),
        );
        let r = send_reply(&app, &agent, id, big).await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "{b:?}");
        refused(json_of(r).await, "files");

        let mut many = Form::new().text("body", "很多文件");
        for n in 0..21 {
            many = many.part(
                "files",
                file(&format!("{n}.txt"), "text/plain", b"x".to_vec()),
            );
        }
        let r = send_reply(&app, &agent, id, many).await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "{b:?}");
        refused(json_of(r).await, "files");

        let unknown = Form::new()
            .text("body", "你好")
            .text("cc", "boss@example.com");
        let r = send_reply(&app, &agent, id, unknown).await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "{b:?}");
        refused(json_of(r).await, "cc");

        let empty = Form::new().part("files", file("a.txt", "text/plain", b"x".to_vec()));
        let r = send_reply(&app, &agent, id, empty).await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "{b:?}");
        refused(json_of(r).await, "body");

        // The page's door refuses a body that is not a multipart form (never a 5xx).
        let r = agent
            .post(app.url("/sfn/answer_ticket"))
            .header("accept", "application/json")
            .form(&[("id", id.to_string()), ("body", "x".into())])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::BAD_REQUEST, "{b:?}");

        assert_eq!(
            message_count(&app, id).await,
            before,
            "{b:?}: nothing written"
        );
        assert_eq!(
            app.count(&format!(
                "SELECT COUNT(*) FROM ticket_attachments WHERE ticket_id = {id}"
            ))
            .await,
            0
        );
    }
}
