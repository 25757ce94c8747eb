//! Validation and normalisation of what people type: phones, emails, names.

/// Normalises a phone number to E.164, with `;ext=N` when it has an extension. Numbers
/// are read as Chinese unless they start with `+` or `00`: mainland mobiles
/// (`138 1234 5678`), landlines with their area code (`010 6552 9988`, `0571-8888 6666`,
/// `+86 10 6552 9988`), extensions (`010 6552 9988 转 123`, `… ext. 123`, `… x123`) and
/// any country's number that the numbering plan knows (`+44 20 7946 0958`). Server only:
/// the plan's metadata would weigh down the browser's WebAssembly.
#[cfg(feature = "ssr")]
pub fn normalize_phone(input: &str) -> Result<String, &'static str> {
    use phonenumber::{country, Mode};
    let trimmed = input.trim();
    if trimmed.is_empty() {
        return Err("enter a phone number");
    }
    if trimmed.chars().count() > 40 {
        return Err("a phone number has at most 40 characters");
    }
    let (main, extension) = split_extension(trimmed);
    // A `+` only leads the number, perhaps inside a bracket: `(+86) 138 …`.
    let main_ok = main.char_indices().all(|(i, c)| {
        c.is_ascii_digit()
            || matches!(c, ' ' | '-' | '(' | ')' | '.' | '/')
            || (c == '+' && main[..i].chars().all(|p| p == '(' || p == ' '))
    });
    if !main_ok {
        return Err("a phone number may contain only digits, spaces, dashes and a leading +");
    }
    let extension = match extension {
        Some(e) if e.is_empty() || e.len() > 8 || !e.bytes().all(|b| b.is_ascii_digit()) => {
            return Err("an extension has 1 to 8 digits")
        }
        other => other,
    };
    let number = phonenumber::parse(Some(country::Id::CN), main)
        .map_err(|_| "this is not a phone number: check the digits and the area code")?;
    if !phonenumber::is_valid(&number) {
        return Err(
            "this is not a valid phone number: check the area code and the number of digits",
        );
    }
    let e164 = number.format().mode(Mode::E164).to_string();
    Ok(match extension {
        Some(ext) => format!("{e164};ext={ext}"),
        None => e164,
    })
}

/// Splits `main 转 123`, `main ext. 123`, `main x123`, `main #123` into the number and its
/// extension.
#[cfg(feature = "ssr")]
fn split_extension(input: &str) -> (&str, Option<&str>) {
    let lower = input.to_ascii_lowercase();
    for marker in ["分机", "转", "ext.", "ext", "x", "#", ";ext="] {
        if let Some(at) = lower.find(marker) {
            // ASCII lower-casing keeps byte offsets, so `at` indexes `input` too.
            let ext = input[at + marker.len()..]
                .trim()
                .trim_start_matches(['.', ':'])
                .trim();
            return (input[..at].trim(), Some(ext));
        }
    }
    (input, None)
}

/// Lower-cases and checks an email address (one `@`, a dotted domain, no spaces).
pub fn normalize_email(input: &str) -> Result<String, &'static str> {
    let email = input.trim().to_lowercase();
    if email.is_empty() {
        return Err("enter an email address");
    }
    if email.len() > 254 {
        return Err("an email address has at most 254 characters");
    }
    let Some((local, domain)) = email.split_once('@') else {
        return Err("an email address looks like name@example.com");
    };
    let domain_ok = domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !domain.contains("..")
        && domain
            .chars()
            .all(|c| c.is_alphanumeric() || c == '.' || c == '-');
    if local.is_empty()
        || domain.contains('@')
        || email.chars().any(char::is_whitespace)
        || !domain_ok
    {
        return Err("an email address looks like name@example.com");
    }
    Ok(email)
}

/// A required single-line text such as a name: trimmed, non-empty, at most `max` characters.
pub fn required_text(input: &str, max: usize) -> Result<String, String> {
    let t = input.trim();
    if t.is_empty() {
        return Err("this field is required".into());
    }
    optional_text(t, max).map(|v| v.unwrap_or_default())
}

/// An optional text: blank becomes `None`; longer than `max` characters is an error.
pub fn optional_text(input: &str, max: usize) -> Result<Option<String>, String> {
    let t = input.trim();
    if t.is_empty() {
        return Ok(None);
    }
    if t.chars().count() > max {
        return Err(format!("at most {max} characters"));
    }
    if t.chars().any(|c| c.is_control()) {
        return Err("must not contain control characters".into());
    }
    Ok(Some(t.to_string()))
}

/// A text of several lines (a ticket's message, an article, a comment): trimmed, line
/// breaks kept (`\r\n` as `\n`) and tabs allowed, other control characters refused; blank
/// becomes `None`; at most `max` characters.
pub fn optional_long_text(input: &str, max: usize) -> Result<Option<String>, String> {
    let t = input.replace("\r\n", "\n");
    let t = t.trim();
    if t.is_empty() {
        return Ok(None);
    }
    if t.chars().count() > max {
        return Err(format!("at most {max} characters"));
    }
    if t.chars().any(|c| c.is_control() && c != '\n' && c != '\t') {
        return Err("must not contain control characters".into());
    }
    Ok(Some(t.to_string()))
}

/// A required text of several lines (see [`optional_long_text`]).
pub fn required_long_text(input: &str, max: usize) -> Result<String, String> {
    optional_long_text(input, max)?.ok_or_else(|| "this field is required".into())
}

/// Passwords (ASVS 6.2): at least 10 characters and at most 256, and not guessable:
/// zxcvbn's estimate must reach 3 of 4 ("safely unguessable"), which refuses common and
/// breached-list passwords (`password12`, `1234567890`), keyboard walks, repeats (ten
/// spaces) and the person's own name or email (`user_inputs`). No composition rules: a
/// long passphrase passes. Server only: the dictionaries are large.
#[cfg(feature = "ssr")]
pub fn check_password(input: &str, user_inputs: &[&str]) -> Result<(), &'static str> {
    let n = input.chars().count();
    if n < 10 {
        return Err("use at least 10 characters");
    }
    if n > 256 {
        return Err("use at most 256 characters");
    }
    if input.trim().is_empty() {
        return Err("a password of spaces is easy to guess; use words you will remember");
    }
    if (zxcvbn::zxcvbn(input, user_inputs).score() as u8) < 3 {
        return Err("this password is common or easy to guess; try a few unrelated words");
    }
    Ok(())
}

/// Normalises a company name for duplicate detection: case, spaces, punctuation and
/// common legal suffixes do not make two companies different.
pub fn normalize_company(input: &str) -> String {
    let mut s: String = input
        .to_lowercase()
        .chars()
        .filter(|c| c.is_alphanumeric())
        .collect();
    for suffix in [
        "有限责任公司",
        "股份有限公司",
        "有限公司",
        "公司",
        "coltd",
        "ltd",
        "inc",
        "llc",
        "gmbh",
    ] {
        if let Some(stripped) = s.strip_suffix(suffix) {
            if !stripped.is_empty() {
                s = stripped.to_string();
                break;
            }
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_texts_keep_their_lines_and_refuse_other_control_characters() {
        assert_eq!(
            required_long_text("  第一行\r\n第二行\n\n\t- 第三行 ", 100),
            Ok("第一行\n第二行\n\n\t- 第三行".to_string())
        );
        assert!(required_long_text("a\u{7}b", 100).is_err());
        assert!(required_long_text(" \n ", 100).is_err());
        assert_eq!(optional_long_text("", 100), Ok(None));
        assert!(required_long_text("ab\ncd", 4).is_err());
        // Single-line fields still refuse a line break.
        assert!(required_text("a\nb", 100).is_err());
    }

    #[cfg(feature = "ssr")]
    #[test]
    fn mainland_mobiles_in_common_spellings_normalise_to_e164() {
        for input in [
            "13812345678",
            "138 1234 5678",
            "138-1234-5678",
            "+86 138 1234 5678",
            "0086 13812345678",
            "(+86) 138 1234 5678",
        ] {
            assert_eq!(
                normalize_phone(input),
                Ok("+8613812345678".to_string()),
                "{input}"
            );
        }
    }

    #[cfg(feature = "ssr")]
    #[test]
    fn landlines_with_area_codes_normalise_to_e164() {
        for (input, want) in [
            ("010 6552 9988", "+861065529988"),
            ("010-65529988", "+861065529988"),
            ("+86 10 6552 9988", "+861065529988"),
            ("0571-8888 6666", "+8657188886666"),
            ("(0571) 8888 6666", "+8657188886666"),
            ("021 5055 1234", "+862150551234"),
        ] {
            assert_eq!(normalize_phone(input), Ok(want.to_string()), "{input}");
        }
    }

    #[cfg(feature = "ssr")]
    #[test]
    fn extensions_are_kept_after_the_number() {
        for input in [
            "010 6552 9988 转 123",
            "010-65529988转123",
            "010 6552 9988 ext. 123",
            "010 6552 9988 x123",
            "+86 10 6552 9988 #123",
        ] {
            assert_eq!(
                normalize_phone(input),
                Ok("+861065529988;ext=123".to_string()),
                "{input}"
            );
        }
        assert!(normalize_phone("010 6552 9988 转").is_err());
        assert!(normalize_phone("010 6552 9988 ext 12a").is_err());
    }

    #[cfg(feature = "ssr")]
    #[test]
    fn international_numbers_are_kept() {
        for (input, want) in [
            ("+44 20 7946 0958", "+442079460958"),
            ("+1 415 555 2671", "+14155552671"),
            ("0049 30 901820", "+4930901820"),
            ("+852 2123 4567", "+85221234567"),
        ] {
            assert_eq!(normalize_phone(input), Ok(want.to_string()), "{input}");
        }
    }

    #[cfg(feature = "ssr")]
    #[test]
    fn bad_phones_are_refused() {
        for input in [
            "",
            "12345",
            "12812345678",
            "+86 138 1234 567",
            "138abc45678",
            "+0123456789",
            "+1234567890123456",
            "010 123",
            "call me",
            "<script>alert(1)</script>",
            "=HYPERLINK(\"http://x\")",
            "138\n1234 5678",
        ] {
            assert!(normalize_phone(input).is_err(), "{input}");
        }
    }

    #[cfg(feature = "ssr")]
    #[test]
    fn weak_passwords_are_refused_and_passphrases_accepted() {
        for weak in [
            "          ",
            "1234567890",
            "password12",
            "qwertyuiop",
            "aaaaaaaaaaaa",
            "iloveyou123",
            "short",
        ] {
            assert!(check_password(weak, &[]).is_err(), "{weak:?}");
        }
        // The person's own name is no secret.
        assert!(check_password("zhangwei2026", &["zhangwei", "zhang.wei@example.com"]).is_err());
        for strong in [
            "correct horse battery staple",
            "Lotus-Harbor-Quiet-81",
            "tandem 客户 跟进 2026 春",
        ] {
            assert!(check_password(strong, &[]).is_ok(), "{strong:?}");
        }
    }

    #[test]
    fn emails_are_lowercased_and_checked() {
        assert_eq!(
            normalize_email(" Zhang.Wei@Example.COM "),
            Ok("zhang.wei@example.com".to_string())
        );
        for bad in [
            "", "a", "a@", "@b.cn", "a@b", "a b@c.cn", "a@@b.cn", "a@b..cn", "a@.b.cn",
        ] {
            assert!(normalize_email(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn text_limits() {
        assert!(required_text("  ", 10).is_err());
        assert_eq!(required_text(" 华为 ", 10), Ok("华为".to_string()));
        assert!(required_text("abcdefghijk", 10).is_err());
        assert_eq!(optional_text("   ", 10), Ok(None));
        assert!(optional_text("a\u{0007}b", 10).is_err());
    }

    #[test]
    fn company_names_compare_without_suffixes_and_punctuation() {
        assert_eq!(
            normalize_company("上海星辰科技有限公司"),
            normalize_company("上海星辰科技")
        );
        assert_eq!(normalize_company("Acme, Inc."), normalize_company("ACME"));
        assert_ne!(normalize_company("Acme"), normalize_company("Acne"));
    }
}
