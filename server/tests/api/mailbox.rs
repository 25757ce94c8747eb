//! The support mailbox over IMAP, against a real Dovecot: STARTTLS with a certificate Tandem
//! checks, a GBK-encoded email with an attachment, an auto-reply that opens nothing, each
//! message taken in once (marked seen, never deleted; a message read twice is known), a
//! server that is down and comes back, and new mail taken the moment it arrives (IDLE).
use crate::dovecot;
use crate::helpers::*;
use app::ssr::services::mailbox::{self, Round};
use reqwest::StatusCode;
use std::time::Duration;

fn unique() -> u128 {
    use std::time::{SystemTime, UNIX_EPOCH};
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0)
}

/// Zhao Min writes in GBK (subject, name and body) about an invoice, with it attached.
fn gbk_invoice(tag: u128) -> Vec<u8> {
    format!(
        "From: =?GBK?B?1dTD9A==?= <zhao.min@invoices.example>\r\n\
To: support@desk.example\r\n\
Subject: =?GBK?B?t6LGsb3wtu6yu7bU?=\r\n\
Message-ID: <invoice-{tag}@invoices.example>\r\n\
MIME-Version: 1.0\r\n\
Content-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n\
--b1\r\n\
Content-Type: text/plain; charset=GBK\r\n\
Content-Transfer-Encoding: base64\r\n\r\n\
xPq6w6OsyP3UwrXEt6LGsb3wtu6yu7bUo6zH67+0uL28/qGjDQrV1MP0DQo=\r\n\
--b1\r\n\
Content-Type: application/pdf\r\n\
Content-Disposition: attachment; filename=\"=?UTF-8?B?5Y+R56WoLnBkZg==?=\"\r\n\
Content-Transfer-Encoding: base64\r\n\r\n\
JVBERi0xLjQgVGFuZGVtIHRlc3QgaW52b2ljZQ==\r\n\
--b1--\r\n"
    )
    .into_bytes()
}

fn auto_reply(tag: u128) -> Vec<u8> {
    format!(
        "From: Li Lei <lilei@customer.example>\r\nTo: support@desk.example\r\n\
Subject: Out of office\r\nAuto-Submitted: auto-replied\r\nMessage-ID: <ooo-{tag}@customer.example>\r\n\r\n\
I am away until Monday.\r\n"
    )
    .into_bytes()
}

fn plain(tag: u128, subject: &str) -> Vec<u8> {
    format!(
        "From: Wang Fang <wang.fang@newco.example>\r\nTo: support@desk.example\r\n\
Subject: {subject}\r\nMessage-ID: <plain-{tag}@newco.example>\r\n\
Content-Type: text/plain; charset=utf-8\r\n\r\n请帮忙看一下。\r\n"
    )
    .into_bytes()
}

async fn ticket_with_subject(app: &TestApp, subject: &str) -> i64 {
    app.count(&format!(
        "SELECT COALESCE(MAX(id), 0) FROM tickets WHERE subject = '{subject}'"
    ))
    .await
}

#[tokio::test]
async fn the_support_mailbox_is_read_over_imap_and_each_message_taken_in_once() {
    let Some(mut imap) = dovecot::start().await else {
        return;
    };
    for b in backends() {
        let app = spawn_app(b).await;
        let agent = app.login("agent1@demo.tandem").await;
        let tag = unique();
        imap.deliver(&gbk_invoice(tag));
        imap.deliver(&auto_reply(tag));
        let tickets = app.count("SELECT COUNT(*) FROM tickets").await;

        let round = mailbox::read_once(&app.state.app, &imap.config())
            .await
            .unwrap();
        assert_eq!(
            round,
            Round {
                taken: 1,
                set_aside: 1
            },
            "{b:?}"
        );
        assert_eq!(app.count("SELECT COUNT(*) FROM tickets").await, tickets + 1);

        // The GBK mail reads as Chinese, from a new contact, with its file kept.
        let id = ticket_with_subject(&app, "发票金额不对").await;
        assert!(id > 0, "{b:?}: the GBK subject was decoded");
        let t = json(
            agent
                .get(app.url(&format!("/api/v1/tickets/{id}")))
                .send()
                .await
                .unwrap(),
        )
        .await;
        let first = &t["messages"][0];
        assert!(
            first["body"]
                .as_str()
                .unwrap()
                .contains("三月的发票金额不对"),
            "{t}"
        );
        let file = &first["attachments"][0];
        assert_eq!(file["file_name"], "发票.pdf", "{t}");
        assert_eq!(file["content_type"], "application/pdf");
        let r = agent
            .get(app.url(&format!("/api/v1/tickets/{id}/attachments/{}", file["id"])))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK);
        let disposition = r.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .to_string();
        assert!(disposition.starts_with("attachment;"), "{disposition}");
        assert_eq!(r.headers()["x-content-type-options"], "nosniff");
        assert_eq!(
            r.bytes().await.unwrap().as_ref(),
            b"%PDF-1.4 Tandem test invoice"
        );
        // Another ticket's number, or a file of another ticket, is 404.
        let other = agent
            .get(app.url(&format!(
                "/api/v1/tickets/{}/attachments/{}",
                id + 1,
                file["id"]
            )))
            .send()
            .await
            .unwrap();
        assert_eq!(other.status(), StatusCode::NOT_FOUND);

        // Both were marked seen: a second look takes nothing in.
        let again = mailbox::read_once(&app.state.app, &imap.config())
            .await
            .unwrap();
        assert_eq!(again, Round::default(), "{b:?}");

        // Taken in by another door first (or before a crash kept it unseen): read once.
        let twice = plain(tag, "同一封信");
        imap.deliver(&twice);
        let admin = app.login("admin@demo.tandem").await;
        let r = post_mail(&app, &admin, twice.clone()).await;
        assert_eq!(r.status(), StatusCode::OK);
        let round = mailbox::read_once(&app.state.app, &imap.config())
            .await
            .unwrap();
        assert_eq!(
            round,
            Round {
                taken: 0,
                set_aside: 1
            },
            "{b:?}"
        );
        assert_eq!(
            app.count("SELECT COUNT(*) FROM tickets WHERE subject = '同一封信'")
                .await,
            1
        );

        // The mail server down: nothing is lost, the mail waits; back up, it comes in.
        imap.deliver(&plain(tag + 1, "服务器恢复以后"));
        imap.down().await;
        let down = mailbox::read_once(&app.state.app, &imap.config()).await;
        assert!(down.is_err(), "{b:?}: {down:?}");
        imap.up().await;
        let round = mailbox::read_once(&app.state.app, &imap.config())
            .await
            .unwrap();
        assert_eq!(
            round,
            Round {
                taken: 1,
                set_aside: 0
            },
            "{b:?}"
        );

        // A server whose certificate the configured authority did not sign is refused.
        imap.deliver(&plain(tag + 2, "证书不对"));
        let refused = mailbox::read_once(&app.state.app, &imap.config_trusting_another_ca()).await;
        assert!(refused.is_err(), "{b:?}");
        assert_eq!(ticket_with_subject(&app, "证书不对").await, 0);
        mailbox::read_once(&app.state.app, &imap.config())
            .await
            .unwrap();
        assert!(ticket_with_subject(&app, "证书不对").await > 0);
    }
}

#[tokio::test]
async fn new_mail_becomes_a_ticket_the_moment_it_arrives() {
    let Some(imap) = dovecot::start().await else {
        return;
    };
    for b in backends() {
        let app = spawn_app(b).await;
        let reader = tokio::spawn(mailbox::run(app.state.app.clone(), imap.config()));
        // The first mail shows the reader is connected; each next one is sent the moment the
        // last became a ticket, so it often arrives while the reader is still marking the last
        // one read (the server then says so in that command's reply, and never again in IDLE).
        for n in 0..4 {
            let tag = unique();
            let subject = format!("IDLE {tag} {n}");
            imap.deliver(&plain(tag, &subject));
            let mut id = 0;
            // Well under the reader's 30 s poll: only IDLE brings it this soon.
            for _ in 0..4000 {
                id = ticket_with_subject(&app, &subject).await;
                if id > 0 {
                    break;
                }
                tokio::time::sleep(Duration::from_millis(5)).await;
            }
            assert!(
                id > 0,
                "{b:?}: mail {n} taken in within 20 s (the poll is 30 s)"
            );
        }
        reader.abort();
    }
}
