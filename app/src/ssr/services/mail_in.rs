//! Email into tickets: one parser for every way a message arrives (`tandem mail-in` on
//! stdin from an MTA's pipe, `POST /api/v1/inbound/email`, and the IMAP poller when it
//! comes). A reply to one of Tandem's tickets (the ticket number in the subject, `[#123]`,
//! or Tandem's Message-ID in In-Reply-To / References) from a contact of its customer
//! joins that ticket and reopens it;
//! anything else opens a ticket for the contact with the sender's address, making the
//! contact and its customer (tagged for review) when nobody has it. Bounces and
//! auto-replies never open a ticket, so two systems cannot mail each other forever.
use crate::domain::files::{
    safe_content_type, safe_file_name, MAX_ATTACHMENTS, MAX_ATTACHMENT_BYTES,
};
use crate::domain::mail::{ticket_in_message_id, ticket_in_subject};
use crate::domain::validate::normalize_email;
use crate::error::{AppError, AppResult};
use crate::model::*;
use crate::ssr::auth::Viewer;
use crate::ssr::context::AppState;
use crate::ssr::store::attachments::NewAttachment;
use mail_parser::{MessageParser, MimeHeaders};
use serde::Serialize;

/// The tag on a customer made from an unknown sender, for someone to check.
pub const REVIEW_TAG: &str = "email: review";

/// A message as the desk reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Inbound {
    pub from_email: String,
    pub from_name: Option<String>,
    pub subject: String,
    pub body: String,
    /// Its Message-ID, which Tandem's answer threads under.
    pub message_id: Option<String>,
    /// The ticket the message answers, if it names one.
    pub ticket: Option<i64>,
    /// Why no person wrote it (a bounce, an auto-reply, a list), if so.
    pub automatic: Option<&'static str>,
    /// The files it carried, up to [`MAX_ATTACHMENTS`] of at most [`MAX_ATTACHMENT_BYTES`].
    pub attachments: Vec<NewAttachment>,
    /// The files it carried that are not kept (too large, too many), named for the body.
    pub not_kept: Vec<String>,
}

/// What became of a message.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Received {
    /// opened | replied | ignored
    pub outcome: String,
    pub ticket_id: Option<i64>,
    /// Why it was ignored.
    pub reason: Option<String>,
}

/// Reads a raw message; Err names what is wrong with it.
pub fn read(raw: &[u8]) -> Result<Inbound, &'static str> {
    let msg = MessageParser::default()
        .parse(raw)
        .ok_or("this is not an email message")?;
    let from = msg
        .from()
        .and_then(|a| a.first())
        .ok_or("the message has no sender")?;
    let from_email = from
        .address()
        .and_then(|a| normalize_email(a).ok())
        .ok_or("the sender's address is not an email address")?;
    let header = |name: &str| msg.header_raw(name).map(|v| v.trim().to_ascii_lowercase());
    let local = from_email.split('@').next().unwrap_or_default();
    let automatic = if header("auto-submitted").is_some_and(|v| v != "no") {
        Some("auto-submitted")
    } else if header("precedence").is_some_and(|v| matches!(v.as_str(), "bulk" | "junk" | "list")) {
        Some("bulk")
    } else if header("x-autoreply").is_some() || header("x-autorespond").is_some() {
        Some("auto-reply")
    } else if header("content-type").is_some_and(|v| v.contains("multipart/report"))
        || matches!(local, "mailer-daemon" | "postmaster")
    {
        Some("bounce")
    } else {
        None
    };
    let subject = msg
        .subject()
        .unwrap_or_default()
        .replace('\0', "")
        .trim()
        .to_string();
    let mut ids: Vec<String> = Vec::new();
    for h in [msg.in_reply_to(), msg.references()] {
        if let Some(list) = h.as_text_list() {
            ids.extend(list.iter().map(|s| s.to_string()));
        } else if let Some(one) = h.as_text() {
            ids.push(one.to_string());
        }
    }
    let ticket = ids
        .iter()
        .find_map(|id| ticket_in_message_id(id))
        .or_else(|| ticket_in_subject(&subject));
    // Mail keeps its lines; other control characters (NUL, which no database stores in
    // text, form feeds) go.
    let body = msg
        .body_text(0)
        .map(|b| {
            b.replace("\r\n", "\n")
                .chars()
                .filter(|c| !c.is_control() || *c == '\n' || *c == '\t')
                .collect::<String>()
                .trim()
                .to_string()
        })
        .unwrap_or_default();
    let (attachments, not_kept) = attachments_of(&msg);
    Ok(Inbound {
        from_email,
        from_name: from
            .name()
            .map(|n| n.replace('\0', "").trim().to_string())
            .filter(|n| !n.is_empty()),
        subject,
        body,
        message_id: msg
            .message_id()
            .map(|id| format!("<{}>", id.trim_matches(['<', '>']))),
        ticket,
        automatic,
        attachments,
        not_kept,
    })
}

/// The files a message carries, with safe names; those not kept are named with why.
fn attachments_of(msg: &mail_parser::Message<'_>) -> (Vec<NewAttachment>, Vec<String>) {
    let mut kept = Vec::new();
    let mut not_kept = Vec::new();
    for (n, part) in msg.attachments().enumerate() {
        let file_name = safe_file_name(part.attachment_name(), n + 1);
        let content_type = safe_content_type(
            part.content_type()
                .map(|t| match t.subtype() {
                    Some(sub) => format!("{}/{}", t.ctype(), sub),
                    None => t.ctype().to_string(),
                })
                .as_deref(),
        );
        let content = part.contents();
        if content.len() > MAX_ATTACHMENT_BYTES {
            not_kept.push(format!(
                "{file_name} ({} MB, too large)",
                content.len() / 1_048_576
            ));
        } else if kept.len() >= MAX_ATTACHMENTS {
            not_kept.push(format!("{file_name} (more than {MAX_ATTACHMENTS} files)"));
        } else {
            kept.push(NewAttachment {
                file_name,
                content_type,
                content: content.to_vec(),
            });
        }
    }
    (kept, not_kept)
}

/// Takes one raw message in for `caller` (someone who works tickets: a mail gateway's
/// token, an agent), or for the operator of the machine (`None`: `tandem mail-in`).
pub async fn take_in(state: &AppState, caller: Option<&Viewer>, raw: &[u8]) -> AppResult<Received> {
    if caller.is_some_and(|v| !crate::domain::scope::can_work_tickets(v.role)) {
        return Err(AppError::Forbidden);
    }
    let desk = mailbox_viewer(state).await?;
    receive(state, &desk, raw).await
}

/// Takes one raw message in. `desk` acts for the mailbox: it makes the contact, customer
/// and ticket, so it must be someone who may (an admin).
async fn receive(state: &AppState, desk: &Viewer, raw: &[u8]) -> AppResult<Received> {
    let m = read(raw).map_err(|e| AppError::field("message", e))?;
    if let Some(why) = m.automatic {
        tracing::info!(from = %m.from_email, why, "automatic mail ignored");
        return Ok(Received {
            outcome: "ignored".into(),
            ticket_id: None,
            reason: Some(why.into()),
        });
    }
    if let Some(id) = m.message_id.as_deref() {
        if crate::ssr::store::ticket_messages::has_email(&state.db.read, id).await? {
            return Ok(Received {
                outcome: "ignored".into(),
                ticket_id: None,
                reason: Some("already received".into()),
            });
        }
    }
    let body = words_of(&m);
    // The sender's contacts, looked up once: they decide both which ticket a reply may
    // join and whose ticket a new message is.
    let known = senders_contacts(state, desk, &m.from_email).await?;
    let arrival = super::tickets::Arrival {
        client_ip: None,
        email_message_id: m.message_id.as_deref(),
        attachments: &m.attachments,
    };
    let named = match m.ticket {
        Some(id) => ticket_of_sender(state, desk, id, &known).await?,
        None => None,
    };
    if let Some(id) = named {
        match super::tickets::customer_replied(state, id, &body, arrival).await {
            Ok(t) => {
                return Ok(Received {
                    outcome: "replied".into(),
                    ticket_id: Some(t.id),
                    reason: None,
                })
            }
            // A number that names no ticket: the message opens its own.
            Err(AppError::NotFound) => {}
            Err(e) => return Err(e),
        }
    }
    let sender = (m.from_email.as_str(), m.from_name.as_deref());
    let (customer_id, contact_id) = contact_of_sender(state, desk, &known, sender, "email").await?;
    let subject: String = if m.subject.is_empty() {
        body.chars().take(80).collect()
    } else {
        m.subject.chars().take(200).collect()
    };
    let input = NewTicket {
        subject,
        body: Some(body.chars().take(20_000).collect()),
        customer_id: Some(customer_id),
        contact_id: Some(contact_id),
        channel: Some(crate::domain::Picked::of(TicketChannel::Email)),
        category: None,
        priority: None,
        assignee_id: None,
    };
    let ticket = super::tickets::create_from(state, desk, input, arrival).await?;
    Ok(Received {
        outcome: "opened".into(),
        ticket_id: Some(ticket.id),
        reason: None,
    })
}

/// What the customer said: the body (the subject when there is none), and a line naming
/// the files that were not kept.
fn words_of(m: &Inbound) -> String {
    let mut body = if m.body.is_empty() {
        m.subject.clone()
    } else {
        m.body.clone()
    };
    if !m.not_kept.is_empty() {
        body.push_str("\n\n[not kept: ");
        body.push_str(&m.not_kept.join(", "));
        body.push(']');
    }
    body
}

/// The ticket a message names, when its sender is one of that ticket's customer's
/// contacts: anyone else quoting a ticket number opens a ticket of their own instead of
/// writing into someone else's conversation.
async fn ticket_of_sender(
    state: &AppState,
    desk: &Viewer,
    id: i64,
    senders: &[Contact],
) -> AppResult<Option<i64>> {
    let Some(customer) = super::tickets::customer_of(state, desk, id).await? else {
        return Ok(None);
    };
    Ok(senders
        .iter()
        .any(|c| c.customer_id == customer)
        .then_some(id))
}

/// The contacts with this email address.
pub(super) async fn senders_contacts(
    state: &AppState,
    desk: &Viewer,
    email: &str,
) -> AppResult<Vec<Contact>> {
    let c = crate::ssr::store::contacts::same_phone_or_email;
    Ok(c(&state.db.read, desk, None, Some(email), None).await?)
}

/// The (customer, contact) a sender writes as: the first contact with their address, or
/// for a sender nobody has, a new contact with it and a new customer for it (from
/// `source`), tagged for review.
pub(super) async fn contact_of_sender(
    state: &AppState,
    desk: &Viewer,
    known: &[Contact],
    (email, name): (&str, Option<&str>),
    source: &str,
) -> AppResult<(i64, i64)> {
    if let Some(c) = known.first() {
        return Ok((c.customer_id, c.id));
    }
    let person = name
        .map(str::to_string)
        .unwrap_or_else(|| email.split('@').next().unwrap_or_default().to_string());
    let company = email
        .split('@')
        .nth(1)
        .map(str::to_string)
        .unwrap_or_else(|| person.clone());
    let customer = super::customers::create(
        state,
        desk,
        NewCustomer {
            name: company,
            industry: None,
            region: None,
            size: None,
            source: Some(source.into()),
            level: None,
            status: None,
            tags: vec![REVIEW_TAG.to_string()],
            owner_id: None,
            next_follow_up_at: None,
            contact: Some(FirstContact {
                name: person.chars().take(100).collect(),
                phone: None,
                email: Some(email.to_string()),
                title: None,
            }),
            allow_duplicate: true,
        },
    )
    .await?;
    let contact = senders_contacts(state, desk, email)
        .await?
        .into_iter()
        .find(|c| c.customer_id == customer.id)
        .ok_or(AppError::Internal)?;
    Ok((customer.id, contact.id))
}

/// The first active admin, who acts for the mailbox: mail makes contacts and customers,
/// which only someone who may edit customers does.
pub(super) async fn mailbox_viewer(state: &AppState) -> AppResult<Viewer> {
    crate::ssr::store::sessions::first_active_admin(&state.db.read)
        .await?
        .ok_or(AppError::BadRequest(
            "Tandem has no active admin to take mail in".into(),
        ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_body_keeps_its_lines_and_loses_other_control_characters() {
        let raw =
            "From: a@b.example\r\nSubject: x\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n\
第一行\r\n第二行\u{c}\r\n\r\n署名\r\n";
        let m = read(raw.as_bytes()).unwrap();
        assert_eq!(m.body, "第一行\n第二行\n\n署名");
        let raw = "From: 李雷 <lilei@customer.example>\r\nTo: support@desk.example\r\nSubject: 无法登录\r\n\
Message-ID: <q1@customer.example>\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n\
密码正确但进不去。\r\n已经试过重启。\r\n\r\n李雷\r\n";
        assert_eq!(
            read(raw.as_bytes()).unwrap().body,
            "密码正确但进不去。\n已经试过重启。\n\n李雷"
        );
    }

    #[test]
    fn gbk_subjects_and_html_only_bodies_read_as_text_and_auto_replies_are_known() {
        // "无法登录" in GBK, base64 in an encoded word; an HTML-only body.
        let raw = b"From: =?GBK?B?1cXOsA==?= <Zhang.Wei@Example.CN>\r\n\
Subject: =?GBK?B?zt63qLXHwrw=?=\r\n\
Content-Type: text/html; charset=utf-8\r\n\r\n\
<p>Hello <b>desk</b></p>\r\n";
        let m = read(raw).unwrap();
        assert_eq!(m.from_email, "zhang.wei@example.cn");
        assert_eq!(m.from_name.as_deref(), Some("张伟"));
        assert_eq!(m.subject, "无法登录");
        assert!(m.body.contains("Hello") && m.body.contains("desk") && !m.body.contains("<p>"));
        assert_eq!(m.automatic, None);

        let auto = b"From: a@b.cn\r\nAuto-Submitted: auto-replied\r\nSubject: Out of office\r\n\r\nAway.\r\n";
        assert_eq!(read(auto).unwrap().automatic, Some("auto-submitted"));
        let bounce = b"From: MAILER-DAEMON@b.cn\r\nSubject: Undelivered\r\n\r\nx\r\n";
        assert_eq!(read(bounce).unwrap().automatic, Some("bounce"));
        assert!(read(b"not a message").is_err());
    }

    #[test]
    fn attachments_are_kept_with_safe_names_and_oversized_ones_are_named_in_the_body() {
        let big = "A".repeat(MAX_ATTACHMENT_BYTES / 3 * 4 + 400);
        let raw = format!(
            "From: a@b.cn\r\nSubject: files\r\nMIME-Version: 1.0\r\n\
Content-Type: multipart/mixed; boundary=\"x\"\r\n\r\n\
--x\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n见附件\r\n\
--x\r\nContent-Type: text/csv\r\nContent-Disposition: attachment; filename=\"../../etc/报表.csv\"\r\n\r\na,b\r\n\
--x\r\nContent-Type: application/octet-stream\r\nContent-Disposition: attachment\r\nContent-Transfer-Encoding: base64\r\n\r\nAAEC\r\n\
--x\r\nContent-Type: image/png\r\nContent-Disposition: attachment; filename=huge.png\r\nContent-Transfer-Encoding: base64\r\n\r\n{big}\r\n\
--x--\r\n"
        );
        let m = read(raw.as_bytes()).unwrap();
        let names: Vec<_> = m.attachments.iter().map(|a| a.file_name.as_str()).collect();
        assert_eq!(names, ["....etc报表.csv", "attachment-2"]);
        assert_eq!(m.attachments[0].content_type, "text/csv");
        assert_eq!(m.attachments[1].content, vec![0, 1, 2]);
        assert_eq!(m.not_kept.len(), 1);
        assert!(m.not_kept[0].starts_with("huge.png"), "{:?}", m.not_kept);
        assert!(words_of(&m).contains("[not kept: huge.png"));
    }
}
