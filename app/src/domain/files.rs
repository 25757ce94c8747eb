//! Files kept with a ticket's messages, whoever sent them (a customer's email, an agent's
//! reply): how large, how many, and the name a file is stored and offered under.

/// The largest file kept.
pub const MAX_ATTACHMENT_BYTES: usize = 10 * 1024 * 1024;
/// The most files kept with one message.
pub const MAX_ATTACHMENTS: usize = 20;
/// The most an agent's reply may carry in all: what the common mail providers still take
/// in one email (Gmail, Outlook, QQ Mail: 20–25 MB, counted before base64).
pub const MAX_REPLY_FILES_BYTES: usize = 20 * 1024 * 1024;

/// "{max}" in MB, for the messages about sizes.
pub fn megabytes(bytes: usize) -> usize {
    bytes / (1024 * 1024)
}

/// The name a file is kept under: without path separators or control characters (so
/// `../../etc/x` cannot name a place), at most 200 characters, or `attachment-{n}` when
/// nothing is left (`n` counts from 1).
pub fn safe_file_name(given: Option<&str>, n: usize) -> String {
    given
        .map(|name| {
            name.chars()
                .filter(|c| !c.is_control() && !matches!(c, '/' | '\\'))
                .take(200)
                .collect::<String>()
                .trim()
                .to_string()
        })
        .filter(|name| !name.is_empty() && name != "." && name != "..")
        .unwrap_or_else(|| format!("attachment-{n}"))
}

/// A media type as kept: lower case, `application/octet-stream` when none was given or it
/// is not one (`type/subtype` of visible ASCII).
pub fn safe_content_type(given: Option<&str>) -> String {
    let t = given.unwrap_or_default().trim().to_ascii_lowercase();
    let t = t.split(';').next().unwrap_or_default().trim().to_string();
    let valid = t.split_once('/').is_some_and(|(a, b)| {
        !a.is_empty()
            && !b.is_empty()
            && t.chars()
                .all(|c| c.is_ascii_graphic() && !matches!(c, '"' | ',' | ';' | '\\'))
    });
    if valid {
        t
    } else {
        "application/octet-stream".into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_lose_their_path_and_control_characters() {
        assert_eq!(
            safe_file_name(Some("../../etc/报表.csv"), 1),
            "....etc报表.csv"
        );
        assert_eq!(safe_file_name(Some("a\u{0}b\r\n.txt"), 1), "ab.txt");
        assert_eq!(safe_file_name(Some(" .. "), 2), "attachment-2");
        assert_eq!(safe_file_name(None, 3), "attachment-3");
        assert_eq!(safe_file_name(Some(&"x".repeat(300)), 1).len(), 200);
    }

    #[test]
    fn content_types_are_kept_only_when_they_are_one() {
        assert_eq!(safe_content_type(Some("Image/PNG")), "image/png");
        assert_eq!(
            safe_content_type(Some("text/plain; charset=utf-8")),
            "text/plain"
        );
        assert_eq!(
            safe_content_type(Some("nonsense")),
            "application/octet-stream"
        );
        assert_eq!(safe_content_type(None), "application/octet-stream");
        assert_eq!(
            safe_content_type(Some("text/html\r\nX: y")),
            "application/octet-stream"
        );
    }
}
