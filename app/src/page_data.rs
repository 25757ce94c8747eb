//! How a page's data travels from the server's first render into the browser's hydration.
//!
//! Leptos writes every resource a page loaded into the HTML as a JavaScript string literal,
//! through Rust's `{:?}`. That formatting looks each character beyond ASCII up in Unicode's
//! tables to decide whether it prints, which on a Chinese page is a tenth of the server's
//! time for the page; runs of ASCII take its fast path. So a page's data is JSON with every
//! character beyond ASCII written as a `\u` escape: the same JSON to any parser, read by
//! the browser with the same serde_json, at no cost there.
use leptos::prelude::*;
use leptos::server::codee::{Decoder, Encoder};
use serde::de::DeserializeOwned;
use serde::Serialize;
use std::future::Future;
use std::io;

/// The codec of a page's data: JSON in ASCII (see the module's note).
pub struct AsciiJson;

impl<T: Serialize> Encoder<T> for AsciiJson {
    type Error = serde_json::Error;
    type Encoded = String;

    fn encode(val: &T) -> Result<String, serde_json::Error> {
        to_ascii_json(val)
    }
}

impl<T: DeserializeOwned> Decoder<T> for AsciiJson {
    type Error = serde_json::Error;
    type Encoded = str;

    fn decode(val: &str) -> Result<T, serde_json::Error> {
        serde_json::from_str(val)
    }
}

/// A resource a page reads on the server and hands to the browser in ASCII JSON.
pub type PageResource<T> = Resource<T, AsciiJson>;

/// `Resource::new` for a page's data: reruns `fetcher` when `source` changes.
#[track_caller]
pub fn page_resource<S, T, Fut>(
    source: impl Fn() -> S + Send + Sync + 'static,
    fetcher: impl Fn(S) -> Fut + Send + Sync + 'static,
) -> PageResource<T>
where
    S: PartialEq + Clone + Send + Sync + 'static,
    T: Serialize + DeserializeOwned + Send + Sync + 'static,
    Fut: Future<Output = T> + Send + 'static,
{
    Resource::new_with_options(source, fetcher, false)
}

/// `value` as JSON whose every character beyond ASCII is a `\u` escape (a pair of them
/// beyond the Basic Multilingual Plane, as JSON spells UTF-16).
pub fn to_ascii_json<T: Serialize + ?Sized>(value: &T) -> Result<String, serde_json::Error> {
    let mut out = Vec::with_capacity(256);
    let mut ser = serde_json::Serializer::with_formatter(&mut out, AsciiFormatter);
    value.serialize(&mut ser)?;
    // Only ASCII was written.
    Ok(String::from_utf8(out).unwrap_or_default())
}

struct AsciiFormatter;

impl serde_json::ser::Formatter for AsciiFormatter {
    fn write_string_fragment<W: ?Sized + io::Write>(
        &mut self,
        writer: &mut W,
        fragment: &str,
    ) -> io::Result<()> {
        let mut plain = 0;
        for (at, c) in fragment.char_indices() {
            if c.is_ascii() {
                continue;
            }
            writer.write_all(&fragment.as_bytes()[plain..at])?;
            let mut units = [0u16; 2];
            for unit in c.encode_utf16(&mut units) {
                writer.write_all(&escape(*unit))?;
            }
            plain = at + c.len_utf8();
        }
        writer.write_all(&fragment.as_bytes()[plain..])
    }
}

/// `\uXXXX` for one UTF-16 unit, in lower-case hex as serde_json writes its own escapes
/// (on every character beyond ASCII of a page's data: no formatting machinery).
fn escape(unit: u16) -> [u8; 6] {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let digit = |shift: u16| HEX[usize::from((unit >> shift) & 0xf)];
    [b'\\', b'u', digit(12), digit(8), digit(4), digit(0)]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ascii_json_escapes_beyond_ascii_and_reads_back() {
        let v = serde_json::json!({"name": "吴芳 Wu \"Fang\"", "emoji": "ok 🎉", "n": 3});
        let s = to_ascii_json(&v).unwrap();
        assert!(s.is_ascii(), "{s}");
        assert!(s.contains("\\u5434\\u82b3 Wu \\\"Fang\\\""), "{s}");
        assert!(s.contains("\\ud83c\\udf89"), "{s}");
        let back: serde_json::Value = serde_json::from_str(&s).unwrap();
        assert_eq!(back, v);
        let decoded: serde_json::Value = <AsciiJson as Decoder<_>>::decode(&s).unwrap();
        assert_eq!(decoded, v);
    }
}
