//! Search terms for the full-text index, the same on SQLite (FTS5) and PostgreSQL
//! (tsvector). Chinese has no spaces, so runs of CJK characters are indexed as overlapping
//! bigrams and searched as a phrase of bigrams: "恒远科技" matches "杭州恒远科技有限公司".
//! Latin words and numbers are indexed whole and searched by prefix; phone numbers also by
//! their last four digits and without the country code.

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum QueryPart {
    /// Consecutive tokens, all required, in order.
    Phrase(Vec<String>),
    /// A token prefix.
    Prefix(String),
}

#[derive(Debug, PartialEq, Eq)]
enum Run {
    Ascii(String),
    Cjk(Vec<char>),
}

fn runs(text: &str) -> Vec<Run> {
    let mut out = Vec::new();
    let mut ascii = String::new();
    let mut cjk: Vec<char> = Vec::new();
    for c in text.chars().flat_map(char::to_lowercase) {
        if c.is_ascii_alphanumeric() {
            if !cjk.is_empty() {
                out.push(Run::Cjk(std::mem::take(&mut cjk)));
            }
            ascii.push(c);
        } else if !c.is_ascii() && c.is_alphanumeric() {
            if !ascii.is_empty() {
                out.push(Run::Ascii(std::mem::take(&mut ascii)));
            }
            cjk.push(c);
        } else {
            if !ascii.is_empty() {
                out.push(Run::Ascii(std::mem::take(&mut ascii)));
            }
            if !cjk.is_empty() {
                out.push(Run::Cjk(std::mem::take(&mut cjk)));
            }
        }
    }
    if !ascii.is_empty() {
        out.push(Run::Ascii(ascii));
    }
    if !cjk.is_empty() {
        out.push(Run::Cjk(cjk));
    }
    out
}

fn bigrams(chars: &[char]) -> Vec<String> {
    if chars.len() == 1 {
        return vec![chars[0].to_string()];
    }
    chars.windows(2).map(|w| w.iter().collect()).collect()
}

/// The indexed body: space-separated tokens.
pub fn index_body<'a>(texts: impl IntoIterator<Item = &'a str>) -> String {
    let mut tokens: Vec<String> = Vec::new();
    for text in texts {
        for run in runs(text) {
            match run {
                Run::Ascii(word) => {
                    if word.len() >= 7 && word.bytes().all(|b| b.is_ascii_digit()) {
                        if let Some(national) = word.strip_prefix("86").filter(|n| n.len() == 11) {
                            tokens.push(national.to_string());
                        }
                        tokens.push(word[word.len() - 4..].to_string());
                    }
                    tokens.push(word);
                }
                Run::Cjk(chars) => tokens.extend(bigrams(&chars)),
            }
        }
    }
    tokens.join(" ")
}

/// What a person typed, as index query parts. A phone typed with spaces or dashes is one
/// number.
pub fn query_parts(needle: &str) -> Vec<QueryPart> {
    let trimmed = needle.trim();
    let phone_like = !trimmed.is_empty()
        && trimmed.chars().any(|c| c.is_ascii_digit())
        && trimmed
            .chars()
            .all(|c| c.is_ascii_digit() || " -+()".contains(c));
    if phone_like {
        let digits: String = trimmed.chars().filter(char::is_ascii_digit).collect();
        return vec![QueryPart::Prefix(digits)];
    }
    runs(trimmed)
        .into_iter()
        .map(|run| match run {
            Run::Ascii(word) => QueryPart::Prefix(word),
            Run::Cjk(chars) if chars.len() == 1 => QueryPart::Prefix(chars[0].to_string()),
            Run::Cjk(chars) => QueryPart::Phrase(bigrams(&chars)),
        })
        .collect()
}

/// An FTS5 MATCH expression. Tokens hold only letters and digits, so quoting is enough.
pub fn fts5_query(parts: &[QueryPart]) -> String {
    parts
        .iter()
        .map(|p| match p {
            QueryPart::Phrase(tokens) => format!("\"{}\"", tokens.join(" ")),
            QueryPart::Prefix(t) => format!("\"{t}\"*"),
        })
        .collect::<Vec<_>>()
        .join(" AND ")
}

/// A PostgreSQL `to_tsquery('simple', …)` expression.
pub fn tsquery(parts: &[QueryPart]) -> String {
    parts
        .iter()
        .map(|p| match p {
            QueryPart::Phrase(tokens) if tokens.len() == 1 => tokens[0].clone(),
            QueryPart::Phrase(tokens) => format!("({})", tokens.join(" <-> ")),
            QueryPart::Prefix(t) => format!("{t}:*"),
        })
        .collect::<Vec<_>>()
        .join(" & ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_is_indexed_as_bigrams_and_latin_as_words() {
        let body = index_body([
            "杭州恒远科技",
            "张伟",
            "+8613812345678",
            "Zhang.Wei@Example.cn",
        ]);
        assert_eq!(
            body,
            "杭州 州恒 恒远 远科 科技 张伟 13812345678 5678 8613812345678 zhang wei example cn"
        );
    }

    #[test]
    fn queries_become_phrases_and_prefixes() {
        assert_eq!(
            query_parts("恒远科技"),
            vec![QueryPart::Phrase(vec![
                "恒远".into(),
                "远科".into(),
                "科技".into()
            ])]
        );
        assert_eq!(
            query_parts("恒远 Acme"),
            vec![
                QueryPart::Phrase(vec!["恒远".into()]),
                QueryPart::Prefix("acme".into())
            ]
        );
        assert_eq!(
            query_parts("138-1234 5678"),
            vec![QueryPart::Prefix("13812345678".into())]
        );
        assert_eq!(query_parts("恒"), vec![QueryPart::Prefix("恒".into())]);
        assert!(query_parts(" %% ").is_empty());
    }

    #[test]
    fn query_strings_for_both_databases() {
        let parts = query_parts("恒远科技 zhang");
        assert_eq!(fts5_query(&parts), "\"恒远 远科 科技\" AND \"zhang\"*");
        assert_eq!(tsquery(&parts), "(恒远 <-> 远科 <-> 科技) & zhang:*");
        assert_eq!(tsquery(&query_parts("恒远")), "恒远");
    }
}
