//! Validation and normalisation of what people type: phones, emails, names.

/// Normalises a phone number to E.164. Accepts mainland mobile numbers written the way
/// people write them (`138 1234 5678`, `138-1234-5678`, `+86 13812345678`, `0086…`) and
/// any E.164 number (`+44 20 7946 0958`).
pub fn normalize_phone(input: &str) -> Result<String, &'static str> {
    let trimmed = input.trim();
    if trimmed.is_empty() {
        return Err("enter a phone number");
    }
    let plus = trimmed.starts_with('+');
    let mut digits = String::with_capacity(trimmed.len());
    for (i, c) in trimmed.chars().enumerate() {
        match c {
            '0'..='9' => digits.push(c),
            ' ' | '-' | '(' | ')' | '.' => {}
            '+' if i == 0 => {}
            _ => {
                return Err(
                    "a phone number may contain only digits, spaces, dashes and a leading +",
                )
            }
        }
    }
    let international = if plus {
        digits
    } else if let Some(rest) = digits.strip_prefix("00") {
        rest.to_string()
    } else if is_mainland_mobile(&digits) {
        format!("86{digits}")
    } else {
        return Err(
            "enter an 11-digit mainland mobile number or an international number starting with +",
        );
    };
    if let Some(national) = international.strip_prefix("86") {
        if national.starts_with('1') && !is_mainland_mobile(national) {
            return Err("a mainland mobile number has 11 digits and starts with 13–19");
        }
    }
    if !(8..=15).contains(&international.len()) || international.starts_with('0') {
        return Err("an international number has 8 to 15 digits after the +");
    }
    Ok(format!("+{international}"))
}

fn is_mainland_mobile(digits: &str) -> bool {
    let b = digits.as_bytes();
    b.len() == 11
        && b[0] == b'1'
        && (b'3'..=b'9').contains(&b[1])
        && b.iter().all(u8::is_ascii_digit)
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

/// Passwords: at least 10 characters (a passphrase beats complexity rules), at most 256.
pub fn check_password(input: &str) -> Result<(), &'static str> {
    let n = input.chars().count();
    if n < 10 {
        return Err("use at least 10 characters");
    }
    if n > 256 {
        return Err("use at most 256 characters");
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
    fn mainland_mobiles_in_common_spellings_normalise_to_e164() {
        for input in [
            "13812345678",
            "138 1234 5678",
            "138-1234-5678",
            "+86 138 1234 5678",
            "0086 13812345678",
        ] {
            assert_eq!(
                normalize_phone(input),
                Ok("+8613812345678".to_string()),
                "{input}"
            );
        }
    }

    #[test]
    fn international_numbers_are_kept() {
        assert_eq!(
            normalize_phone("+44 20 7946 0958"),
            Ok("+442079460958".to_string())
        );
    }

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
        ] {
            assert!(normalize_phone(input).is_err(), "{input}");
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

    #[test]
    fn passwords_need_ten_characters() {
        assert!(check_password("short").is_err());
        assert!(check_password("tandem-demo").is_ok());
    }
}
