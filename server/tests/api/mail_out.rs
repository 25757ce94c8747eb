//! Email out of the service desk, through a real SMTP server (aiosmtpd): a public reply
//! reaches the customer threaded under their email with the ticket number in the subject,
//! their answer finds the ticket again, and a server that is down gets the mail when it
//! comes back.
use crate::helpers::*;
use app::ssr::services::mail_out::{deliver_due, Sent};
use mail_parser::MessageParser;
use reqwest::{Client, StatusCode};
use serde_json::{json, Value};

pub(crate) fn customer_mail(message_id: &str, subject: &str, extra: &str, body: &str) -> String {
    format!(
        "From: 李雷 <lilei@customer.example>\r\nTo: support@desk.example\r\nSubject: {subject}\r\n\
         Message-ID: {message_id}\r\n{extra}Content-Type: text/plain; charset=utf-8\r\n\r\n{body}\r\n"
    )
}

pub(crate) async fn mail_in(app: &TestApp, agent: &Client, raw: String) -> Value {
    let r = post_mail(app, agent, raw).await;
    assert_eq!(r.status(), StatusCode::OK);
    json_of(r).await
}

pub(crate) async fn json_of(r: reqwest::Response) -> Value {
    r.json().await.unwrap()
}

async fn reply(app: &TestApp, agent: &Client, id: i64, body: &str, internal: bool) -> Value {
    let r = agent
        .post(app.url(&format!("/api/v1/tickets/{id}/messages")))
        .json(&json!({"body": body, "internal": internal}))
        .send()
        .await
        .unwrap();
    let status = r.status();
    let body = json_of(r).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    body
}

async fn detail(app: &TestApp, agent: &Client, id: i64) -> Value {
    json_of(
        agent
            .get(app.url(&format!("/api/v1/tickets/{id}")))
            .send()
            .await
            .unwrap(),
    )
    .await
}

/// The delivery of the ticket's last public reply by an agent.
fn last_delivery(d: &Value) -> Value {
    d["messages"]
        .as_array()
        .unwrap()
        .iter()
        .rev()
        .find(|m| !m["author_id"].is_null() && m["internal"] == false)
        .map(|m| m["delivery"].clone())
        .unwrap_or(Value::Null)
}

#[tokio::test]
async fn a_public_reply_reaches_the_customer_threaded_and_their_answer_finds_the_ticket() {
    for b in backends() {
        let (smtp, app) = spawn_app_with_smtp(b).await;
        let agent = app.login("agent1@demo.tandem").await;
        let got = mail_in(
            &app,
            &agent,
            customer_mail(
                "<q1@customer.example>",
                "无法登录",
                "",
                "密码正确但进不去。\r\n已经试过重启。\r\n\r\n李雷",
            ),
        )
        .await;
        let id = got["ticket_id"].as_i64().unwrap();

        // A note stays inside; a reply is queued with the reply itself.
        reply(&app, &agent, id, "先查一下日志。", true).await;
        let d = reply(
            &app,
            &agent,
            id,
            "请清除浏览器缓存后再试。\n如果还不行，请直接回复此邮件。",
            false,
        )
        .await;
        let queued = last_delivery(&d);
        assert_eq!(queued["to"], "lilei@customer.example", "{b:?}");
        assert!(queued["sent_at"].is_null());
        assert_eq!(
            deliver_due(&app.state.app).await.unwrap(),
            Sent { sent: 1, failed: 0 },
            "{b:?}: one email, the note sends nothing"
        );

        let received = smtp.received();
        assert_eq!(received.len(), 1, "{b:?}");
        let m = MessageParser::default().parse(&received[0]).unwrap();
        assert_eq!(m.subject(), Some(format!("Re: 无法登录 [#{id}]").as_str()));
        assert_eq!(
            m.to().and_then(|a| a.first()).and_then(|a| a.address()),
            Some("lilei@customer.example")
        );
        assert_eq!(m.in_reply_to().as_text(), Some("q1@customer.example"));
        let ours = m.message_id().unwrap().to_string();
        assert!(ours.starts_with(&format!("ticket-{id}.")), "{ours}");
        assert!(m.body_text(0).unwrap().contains("请清除浏览器缓存后再试。"));
        let seen = detail(&app, &agent, id).await;
        let asked = &seen["messages"][0]["body"];
        assert_eq!(
            asked, "密码正确但进不去。\n已经试过重启。\n\n李雷",
            "lines kept: {seen}"
        );

        let d = detail(&app, &agent, id).await;
        assert!(last_delivery(&d)["sent_at"].is_string(), "{b:?}");
        assert_eq!(
            deliver_due(&app.state.app).await.unwrap(),
            Sent::default(),
            "{b:?}: sent once"
        );

        // The customer answers Tandem's mail (no number in the subject): it joins the ticket.
        let back = mail_in(
            &app,
            &agent,
            customer_mail(
                "<q2@customer.example>",
                "Re: 还是不行",
                &format!("In-Reply-To: <{ours}>\r\n"),
                "清了缓存，还是进不去。",
            ),
        )
        .await;
        assert_eq!(back["outcome"], "replied", "{b:?}");
        assert_eq!(back["ticket_id"], id);

        // The next answer threads under the customer's latest email.
        reply(&app, &agent, id, "我们远程看一下。", false).await;
        deliver_due(&app.state.app).await.unwrap();
        let received = smtp.received();
        assert_eq!(received.len(), 2, "{b:?}");
        let threaded = received
            .iter()
            .filter_map(|raw| MessageParser::default().parse(raw))
            .any(|m| m.in_reply_to().as_text() == Some("q2@customer.example"));
        assert!(
            threaded,
            "{b:?}: the second answer is in reply to the customer's q2"
        );
    }
}

#[tokio::test]
async fn a_mail_server_that_is_down_gets_the_reply_when_it_comes_back() {
    for b in backends() {
        let port = free_port();
        let app = spawn_app_mailing_to(b, port).await;
        let agent = app.login("agent1@demo.tandem").await;
        let got = mail_in(
            &app,
            &agent,
            customer_mail("<d1@customer.example>", "发票抬头错了", "", "请重开发票。"),
        )
        .await;
        let id = got["ticket_id"].as_i64().unwrap();
        reply(&app, &agent, id, "好的，今天重开。", false).await;

        // Nothing listens: the try fails, is recorded and shown, and waits a minute.
        assert_eq!(
            deliver_due(&app.state.app).await.unwrap(),
            Sent { sent: 0, failed: 1 },
            "{b:?}"
        );
        let failed = last_delivery(&detail(&app, &agent, id).await);
        assert_eq!(failed["attempts"], 1, "{b:?}");
        assert!(failed["sent_at"].is_null());
        assert!(failed["last_error"].is_string(), "{failed}");
        assert_eq!(
            deliver_due(&app.state.app).await.unwrap(),
            Sent::default(),
            "{b:?}: not tried again before its time"
        );

        // Down again a minute later: the next wait is two minutes.
        app.clock.advance(chrono::Duration::seconds(61));
        assert_eq!(
            deliver_due(&app.state.app).await.unwrap(),
            Sent { sent: 0, failed: 1 }
        );
        app.clock.advance(chrono::Duration::seconds(61));
        assert_eq!(deliver_due(&app.state.app).await.unwrap(), Sent::default());

        // The server comes back: the reply goes, once.
        let smtp = SmtpSink::start(port).await;
        app.clock.advance(chrono::Duration::seconds(61));
        assert_eq!(
            deliver_due(&app.state.app).await.unwrap(),
            Sent { sent: 1, failed: 0 },
            "{b:?}"
        );
        assert_eq!(smtp.received().len(), 1, "{b:?}");
        let sent = last_delivery(&detail(&app, &agent, id).await);
        assert_eq!(sent["attempts"], 3);
        assert!(sent["sent_at"].is_string());
        assert!(sent["last_error"].is_null());
        app.clock.advance(chrono::Duration::hours(2));
        assert_eq!(deliver_due(&app.state.app).await.unwrap(), Sent::default());
    }
}

#[tokio::test]
async fn without_a_mail_server_replies_wait_in_the_queue() {
    for b in backends() {
        let app = spawn_app(b).await;
        let agent = app.login("agent1@demo.tandem").await;
        let got = mail_in(
            &app,
            &agent,
            customer_mail("<w1@customer.example>", "咨询", "", "你们周末上班吗？"),
        )
        .await;
        let id = got["ticket_id"].as_i64().unwrap();
        reply(&app, &agent, id, "周六上午有人值班。", false).await;
        assert_eq!(deliver_due(&app.state.app).await.unwrap(), Sent::default());
        let waiting = last_delivery(&detail(&app, &agent, id).await);
        assert_eq!(waiting["to"], "lilei@customer.example", "{b:?}");
        assert_eq!(waiting["attempts"], 0);
        assert_eq!(
            app.count("SELECT COUNT(*) FROM mail_out WHERE sent_at IS NULL")
                .await,
            1
        );
    }
}
