//! The store: the only place that writes SQL. Every function reading customer data takes
//! the viewer and applies their data scope inside the query.
pub mod activities;
pub mod alerts;
pub mod articles;
pub mod attachments;
pub mod audit;
pub mod canned;
pub mod contacts;
pub mod contracts;
pub mod customer_list;
pub mod customers;
pub mod db;
pub mod deals;
pub mod due;
pub mod duplicates;
pub mod forecast;
pub mod health;
pub mod home;
pub mod kept_plan;
pub mod kpi_cells;
pub mod kpi_kinds;
pub mod kpi_retention;
pub mod kpi_rollups;
pub mod kpi_slots;
pub mod kpis;
pub mod leads;
pub mod mail_out;
pub mod outbox;
pub mod pool;
pub mod receivables;
pub mod scope;
pub mod search;
pub mod seed;
pub mod sessions;
pub mod settings;
pub mod sla;
pub mod stored_enums;
pub mod surveys;
pub mod tasks;
pub mod ticket_messages;
pub mod ticket_routing;
pub mod tickets;
pub mod timeline;
pub mod users;

use base64::Engine;

/// Keyset cursors are opaque to clients: base64 of the last row's sort key.
pub fn encode_cursor(id: i64) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(format!("id:{id}"))
}

/// A cursor for lists ordered by a key and then the id (tickets by their next deadline).
pub fn encode_key_cursor(key: i64, id: i64) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(format!("key:{key}:{id}"))
}

pub fn decode_key_cursor(cursor: &str) -> Option<(i64, i64)> {
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(cursor)
        .ok()?;
    let text = String::from_utf8(bytes).ok()?;
    let (key, id) = text.strip_prefix("key:")?.split_once(':')?;
    Some((key.parse().ok()?, id.parse().ok()?))
}

pub fn decode_cursor(cursor: &str) -> Option<i64> {
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(cursor)
        .ok()?;
    let text = String::from_utf8(bytes).ok()?;
    text.strip_prefix("id:")?.parse().ok()
}

/// A cursor over a two-part sort key `(value, id)`, tagged by the list it belongs to.
pub fn encode_pair(tag: &str, value: i64, id: i64) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(format!("{tag}:{value}:{id}"))
}

pub fn decode_pair(tag: &str, cursor: &str) -> Option<(i64, i64)> {
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(cursor)
        .ok()?;
    let text = String::from_utf8(bytes).ok()?;
    let mut parts = text.strip_prefix(tag)?.strip_prefix(':')?.split(':');
    Some((parts.next()?.parse().ok()?, parts.next()?.parse().ok()?))
}

/// Escapes `%`, `_` and `\` for a LIKE pattern with `ESCAPE '\'`.
pub fn like_pattern(needle: &str) -> String {
    let mut p = String::with_capacity(needle.len() + 2);
    p.push('%');
    for c in needle.to_lowercase().chars() {
        if matches!(c, '%' | '_' | '\\') {
            p.push('\\');
        }
        p.push(c);
    }
    p.push('%');
    p
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_reject_garbage() {
        assert_eq!(decode_cursor(&encode_cursor(42)), Some(42));
        assert_eq!(decode_cursor("not-a-cursor"), None);
        assert_eq!(decode_cursor(""), None);
    }

    #[test]
    fn pair_cursors_round_trip_only_for_their_list() {
        let c = encode_pair("due", -5, 42);
        assert_eq!(decode_pair("due", &c), Some((-5, 42)));
        assert_eq!(decode_pair("al", &c), None);
        assert_eq!(decode_pair("due", "bogus"), None);
    }

    #[test]
    fn like_patterns_escape_wildcards() {
        assert_eq!(like_pattern("50%_A"), "%50\\%\\_a%");
    }
}
