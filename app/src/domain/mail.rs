//! How Tandem's mail about a ticket is named, so that answers find their way back: the
//! ticket number in the subject (`[#123]`) and a Message-ID that carries it
//! (`<ticket-123.…@domain>`), both read again when the customer replies; and how long a
//! refused email waits before it is tried again.

/// How long to wait before trying an email a mail server refused (or could not be reached
/// for) again: 1, 2, 4 … minutes after the first, second, third failure, at most an hour.
/// Mail is never given up: a server that is down for a day gets it when it returns.
pub fn retry_after_minutes(failures: i64) -> i64 {
    let doubling = failures.clamp(1, 7) - 1;
    (1_i64 << doubling).min(60)
}

/// The subject of Tandem's answer on a ticket: `Re: {subject} [#{id}]`, without saying
/// `Re:` or the number twice.
pub fn reply_subject(subject: &str, ticket_id: i64) -> String {
    let subject = subject.trim();
    let tag = format!("[#{ticket_id}]");
    let with_re = if subject.to_ascii_lowercase().starts_with("re:") {
        subject.to_string()
    } else {
        format!("Re: {subject}")
    };
    if ticket_in_subject(subject) == Some(ticket_id) {
        with_re
    } else {
        format!("{with_re} {tag}")
    }
}

/// Tandem's Message-ID for an email about a ticket (`unique` makes each one its own).
pub fn ticket_message_id(ticket_id: i64, unique: &str, domain: &str) -> String {
    format!("<ticket-{ticket_id}.{unique}@{domain}>")
}

/// `[#123]` in a subject.
pub fn ticket_in_subject(subject: &str) -> Option<i64> {
    let mut rest = subject;
    while let Some(at) = rest.find("[#") {
        let after = &rest[at + 2..];
        let digits: String = after.chars().take_while(char::is_ascii_digit).collect();
        if !digits.is_empty() && after[digits.len()..].starts_with(']') {
            return digits.parse().ok();
        }
        rest = after;
    }
    None
}

/// The ticket named by one of Tandem's Message-IDs (`ticket-123.…@…`).
pub fn ticket_in_message_id(id: &str) -> Option<i64> {
    let id = id.trim().trim_start_matches('<');
    let rest = id.strip_prefix("ticket-")?;
    let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
    digits.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_ticket_is_named_by_its_number_in_the_subject_or_by_tandems_message_id() {
        assert_eq!(ticket_in_subject("Re: [#123] 无法登录"), Some(123));
        assert_eq!(ticket_in_subject("Re: [#12a] x [#7]"), Some(7));
        assert_eq!(ticket_in_subject("invoice #123"), None);
        assert_eq!(
            ticket_in_message_id("<ticket-42.9f3@desk.example>"),
            Some(42)
        );
        assert_eq!(ticket_in_message_id("<CAF123@mail.gmail.com>"), None);
        let id = ticket_message_id(42, "9f3", "desk.example");
        assert_eq!(ticket_in_message_id(&id), Some(42));
    }

    #[test]
    fn an_answer_says_re_and_the_ticket_number_once() {
        assert_eq!(reply_subject("无法登录", 7), "Re: 无法登录 [#7]");
        assert_eq!(reply_subject("Re: 无法登录 [#7]", 7), "Re: 无法登录 [#7]");
        assert_eq!(reply_subject("RE: invoice", 7), "RE: invoice [#7]");
        assert_eq!(reply_subject("[#7] invoice", 7), "Re: [#7] invoice");
    }

    #[test]
    fn refused_mail_waits_longer_each_time_but_never_more_than_an_hour() {
        let waits: Vec<i64> = (1..=9).map(retry_after_minutes).collect();
        assert_eq!(waits, vec![1, 2, 4, 8, 16, 32, 60, 60, 60]);
        assert_eq!(retry_after_minutes(0), 1);
    }
}
