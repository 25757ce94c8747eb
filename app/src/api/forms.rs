//! What people type into forms, parsed into values with errors that name the field;
//! shared by every door that takes a form.
use crate::error::AppError;

/// Parses a whole number typed into a form field.
#[cfg(feature = "ssr")]
pub fn form_int(field: &str, s: &str) -> Result<i64, AppError> {
    s.trim()
        .parse()
        .map_err(|_| AppError::field(field, "enter a whole number"))
}

/// Parses every (field, text) pair, naming each field that is not a whole number.
#[cfg(feature = "ssr")]
pub fn form_ints<const N: usize>(fields: [(&str, &str); N]) -> Result<[i64; N], AppError> {
    let mut check = crate::ssr::services::Check::new();
    let out = fields.map(|(field, text)| {
        check.field(
            field,
            form_int(field, text).map_err(|_| "enter a whole number"),
        )
    });
    check.finish().map(|()| out)
}

/// The settings version a form was rendered with (a hidden field).
#[cfg(feature = "ssr")]
pub fn form_version(s: &str) -> Result<i64, AppError> {
    form_int("version", s)
}

/// Reads a value picked from a fixed list (a stage, a role, a kind), naming the field when
/// it is not one of them.
pub fn form_choice<T: crate::domain::Choice>(field: &str, s: &str) -> Result<T, AppError> {
    crate::domain::parse_choice(s).map_err(|m| AppError::field(field, m))
}

/// An optional choice: empty text means none.
pub fn form_optional_choice<T: crate::domain::Choice>(
    field: &str,
    s: Option<&str>,
) -> Result<Option<T>, AppError> {
    match s.map(str::trim) {
        None | Some("") => Ok(None),
        Some(t) => form_choice(field, t).map(Some),
    }
}

/// Parses an optional id typed into a form ("" means none).
pub fn form_id(field: &str, s: &str) -> Result<Option<i64>, AppError> {
    let s = s.trim();
    if s.is_empty() {
        return Ok(None);
    }
    s.parse()
        .map(Some)
        .map_err(|_| AppError::field(field, "choose one from the list"))
}

/// Yuan typed by a person ("12,000.50") to fen.
pub fn yuan_to_minor(field: &str, s: &str) -> Result<Option<i64>, AppError> {
    let cleaned: String = s
        .trim()
        .chars()
        .filter(|c| *c != ',' && *c != '¥' && !c.is_whitespace())
        .collect();
    if cleaned.is_empty() {
        return Ok(None);
    }
    let (whole, frac) = cleaned.split_once('.').unwrap_or((&cleaned, ""));
    let bad = || AppError::field(field, "an amount in yuan, e.g. 120000 or 120000.50");
    if frac.len() > 2
        || whole.is_empty()
        || !whole.chars().all(|c| c.is_ascii_digit())
        || !frac.chars().all(|c| c.is_ascii_digit())
    {
        return Err(bad());
    }
    let whole: i64 = whole.parse().map_err(|_| bad())?;
    let frac: i64 = format!("{frac:0<2}").parse().map_err(|_| bad())?;
    whole
        .checked_mul(100)
        .and_then(|w| w.checked_add(frac))
        .map(Some)
        .ok_or_else(bad)
}

#[cfg(test)]
mod tests {
    use super::yuan_to_minor;

    #[test]
    fn yuan_as_people_type_it() {
        assert_eq!(yuan_to_minor("a", "120000"), Ok(Some(12_000_000)));
        assert_eq!(yuan_to_minor("a", "¥1,200.5"), Ok(Some(120_050)));
        assert_eq!(yuan_to_minor("a", " "), Ok(None));
        assert!(yuan_to_minor("a", "12.345").is_err());
        assert!(yuan_to_minor("a", "-5").is_err());
        assert!(yuan_to_minor("a", "99999999999999999999").is_err());
    }
}
