//! Email into the service desk: the inbound endpoint and `tandem mail-in`, one parser.
use crate::helpers::*;
use reqwest::{Client, StatusCode};
use serde_json::Value;

fn mail(from: &str, subject: &str, extra_headers: &str, body: &str) -> String {
    format!(
        "From: {from}\r\nTo: support@desk.example\r\nSubject: {subject}\r\n{extra_headers}\
         Message-ID: <{}@mail.example>\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n{body}\r\n",
        rand_id()
    )
}

fn rand_id() -> u64 {
    use std::time::{SystemTime, UNIX_EPOCH};
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_nanos() as u64)
        .unwrap_or(0)
}

async fn ticket(app: &TestApp, c: &Client, id: &Value) -> Value {
    json(
        c.get(app.url(&format!("/api/v1/tickets/{id}")))
            .send()
            .await
            .unwrap(),
    )
    .await
}

#[tokio::test]
async fn mail_opens_tickets_for_known_and_new_senders_and_a_reply_reopens_its_ticket() {
    for b in backends() {
        let app = spawn_app(b).await;
        let agent = app.login("agent1@demo.tandem").await;

        // A stranger: a new customer (tagged for review) and contact with their address.
        let tickets_before = app.count("SELECT COUNT(*) FROM tickets").await;
        let r = post_mail(
            &app,
            &agent,
            mail(
                "王磊 <Wang.Lei@NewCo.example>",
                "无法导出报表",
                "",
                "导出一直转圈。",
            ),
        )
        .await;
        assert_eq!(r.status(), StatusCode::OK, "{b:?}");
        let got = json(r).await;
        assert_eq!(got["outcome"], "opened");
        let d = ticket(&app, &agent, &got["ticket_id"]).await;
        assert_eq!(d["ticket"]["channel"], "email");
        assert_eq!(d["ticket"]["subject"], "无法导出报表");
        assert_eq!(d["messages"][0]["body"], "导出一直转圈。");
        assert!(d["messages"][0]["author_id"].is_null());
        let customer = d["ticket"]["customer_id"].as_i64().unwrap();
        let c = json(
            agent
                .get(app.url(&format!("/api/v1/customers/{customer}")))
                .send()
                .await
                .unwrap(),
        )
        .await;
        assert_eq!(c["name"], "newco.example");
        assert!(
            c["tags"]
                .as_array()
                .unwrap()
                .iter()
                .any(|t| t == "email: review"),
            "{c}"
        );
        assert_eq!(
            app.count(&format!(
                "SELECT COUNT(*) FROM contacts WHERE customer_id = {customer} AND email = 'wang.lei@newco.example'"
            ))
            .await,
            1
        );

        // The same sender again: the same contact, no second customer.
        let r = post_mail(
            &app,
            &agent,
            mail(
                "wang.lei@newco.example",
                "还有一个问题",
                "",
                "另外发票也不对。",
            ),
        )
        .await;
        let second = json(r).await;
        let d2 = ticket(&app, &agent, &second["ticket_id"]).await;
        assert_eq!(d2["ticket"]["customer_id"], customer);
        assert_eq!(
            app.count("SELECT COUNT(*) FROM customers WHERE name = 'newco.example'")
                .await,
            1
        );

        // A known contact of a rep's customer: the ticket is on that customer.
        let (known_email, known_customer): (String, i64) = sqlx::query_as(
            "SELECT email, customer_id FROM contacts WHERE email IS NOT NULL AND deleted_at IS NULL ORDER BY id LIMIT 1",
        )
        .fetch_one(&app.state.app.db.read)
        .await
        .unwrap();
        let r = post_mail(
            &app,
            &agent,
            mail(&known_email, "合同续费", "", "想了解续费价格。"),
        )
        .await;
        let known = json(r).await;
        let d3 = ticket(&app, &agent, &known["ticket_id"]).await;
        assert_eq!(d3["ticket"]["customer_id"], known_customer);

        // The agent resolves the first; the customer's reply (ticket number in the
        // subject) joins it and reopens it.
        let t = &d["ticket"];
        let r = agent
            .patch(app.url(&format!("/api/v1/tickets/{}", t["id"])))
            .json(&serde_json::json!({"version": t["version"], "status": "resolved"}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK);
        let reply = mail(
            "wang.lei@newco.example",
            &format!("Re: [#{}] 无法导出报表", t["id"]),
            "",
            "还是不行。",
        );
        let got = json(post_mail(&app, &agent, reply).await).await;
        assert_eq!(got["outcome"], "replied", "{b:?}");
        assert_eq!(got["ticket_id"], t["id"]);
        let d = ticket(&app, &agent, &t["id"]).await;
        assert_eq!(d["ticket"]["status"], "open");
        assert!(d["ticket"]["resolved_at"].is_null());
        assert_eq!(
            d["messages"].as_array().unwrap().last().unwrap()["body"],
            "还是不行。"
        );
        // Threaded by Tandem's Message-ID alone (a subject the customer rewrote).
        let threaded = mail(
            "wang.lei@newco.example",
            "新的主题",
            &format!("In-Reply-To: <ticket-{}.1@desk.example>\r\n", t["id"]),
            "补充截图说明。",
        );
        let got = json(post_mail(&app, &agent, threaded).await).await;
        assert_eq!(got["outcome"], "replied");
        assert_eq!(got["ticket_id"], t["id"]);

        // Someone else quoting the ticket's number does not write into it.
        let quoted = mail(
            "outsider@elsewhere.example",
            &format!("Re: [#{}] 无法导出报表", t["id"]),
            "",
            "我也遇到了。",
        );
        let got = json(post_mail(&app, &agent, quoted).await).await;
        assert_eq!(got["outcome"], "opened", "{b:?}");
        assert_ne!(got["ticket_id"], t["id"]);

        // Auto-replies and bounces open nothing.
        for (from, headers) in [
            ("wang.lei@newco.example", "Auto-Submitted: auto-replied\r\n"),
            ("wang.lei@newco.example", "Precedence: bulk\r\n"),
            ("MAILER-DAEMON@newco.example", ""),
        ] {
            let got =
                json(post_mail(&app, &agent, mail(from, "Out of office", headers, "Away.")).await)
                    .await;
            assert_eq!(got["outcome"], "ignored", "{from} {headers}");
        }
        assert_eq!(
            app.count("SELECT COUNT(*) FROM tickets").await,
            tickets_before + 4
        );

        // Not a message: a 422 naming it. A rep has no mailbox to feed.
        let r = post_mail(&app, &agent, "hello").await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let rep = app.login("rep1@demo.tandem").await;
        let r = post_mail(&app, &rep, mail("x@y.example", "hi", "", "hi")).await;
        assert_eq!(r.status(), StatusCode::FORBIDDEN);
    }
}

#[tokio::test]
async fn tandem_mail_in_takes_a_message_from_stdin() {
    use std::io::Write;
    use std::process::{Command, Stdio};
    for b in backends() {
        let app = spawn_app(b).await;
        let before = app
            .count("SELECT COUNT(*) FROM tickets WHERE channel = 'email'")
            .await;
        let mut child = Command::new(env!("CARGO_BIN_EXE_tandem"))
            .args(["--database-url", &app.db_url, "mail-in"])
            .env("RUST_LOG", "warn")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start tandem mail-in");
        child
            .stdin
            .take()
            .unwrap()
            .write_all(
                mail(
                    "李娜 <li.na@piped.example>",
                    "打印机无法连接",
                    "",
                    "急，谢谢。",
                )
                .as_bytes(),
            )
            .unwrap();
        let out = child.wait_with_output().unwrap();
        assert!(
            out.status.success(),
            "{b:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(String::from_utf8_lossy(&out.stdout).starts_with("opened ticket "));
        assert_eq!(
            app.count("SELECT COUNT(*) FROM tickets WHERE channel = 'email'")
                .await,
            before + 1
        );
        // What cannot be read fails, so the MTA keeps the message.
        let mut child = Command::new(env!("CARGO_BIN_EXE_tandem"))
            .args(["--database-url", &app.db_url, "mail-in"])
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        child.stdin.take().unwrap().write_all(b"garbage").unwrap();
        assert!(!child.wait_with_output().unwrap().status.success());
    }
}

#[tokio::test]
async fn an_email_with_a_large_attachment_is_taken_in_through_the_gateway() {
    let b = backends()[0];
    let app = spawn_app(b).await;
    let agent = app.login("agent1@demo.tandem").await;
    // 3 MB of file (over axum's default 2 MB body limit once base64-encoded).
    let file: Vec<u8> = (0..3 * 1024 * 1024).map(|i| (i % 251) as u8).collect();
    use base64::Engine;
    let encoded = base64::engine::general_purpose::STANDARD.encode(&file);
    let raw = format!(
        "From: Li Lei <lilei@bigfiles.example>\r\nTo: support@desk.example\r\nSubject: 日志文件\r\n\
Message-ID: <big-{}@bigfiles.example>\r\nMIME-Version: 1.0\r\n\
Content-Type: multipart/mixed; boundary=\"z\"\r\n\r\n--z\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n\
日志见附件。\r\n--z\r\nContent-Type: application/zip\r\nContent-Disposition: attachment; filename=logs.zip\r\n\
Content-Transfer-Encoding: base64\r\n\r\n{encoded}\r\n--z--\r\n",
        rand_id()
    );
    let r = post_mail(&app, &agent, raw).await;
    assert_eq!(r.status(), StatusCode::OK);
    let got = json(r).await;
    let d = ticket(&app, &agent, &got["ticket_id"]).await;
    let a = &d["messages"][0]["attachments"][0];
    assert_eq!(a["file_name"], "logs.zip", "{d}");
    assert_eq!(a["size_bytes"], file.len());
    let bytes = agent
        .get(app.url(&format!(
            "/api/v1/tickets/{}/attachments/{}",
            got["ticket_id"], a["id"]
        )))
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    assert!(
        bytes.as_ref() == file.as_slice(),
        "the file came back whole"
    );
}
