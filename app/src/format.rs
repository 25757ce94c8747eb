//! Showing times and money to people.
use crate::domain::time::DEFAULT_UTC_OFFSET_MINUTES;
use crate::i18n::Lang;
use chrono::{DateTime, Datelike, FixedOffset, Offset, Timelike, Utc};

fn local(t: DateTime<Utc>) -> DateTime<FixedOffset> {
    let offset =
        FixedOffset::east_opt(DEFAULT_UTC_OFFSET_MINUTES * 60).unwrap_or_else(|| Utc.fix());
    t.with_timezone(&offset)
}

// Written with the fields rather than chrono's `format("%…")`: its pattern parser and
// formatter made `short_time` alone 9.5 KB of the phone's main WebAssembly, for two
// fixed patterns.

/// "11-22 14:05" in the user's time zone.
pub fn short_time(t: DateTime<Utc>) -> String {
    let t = local(t);
    format!(
        "{:02}-{:02} {:02}:{:02}",
        t.month(),
        t.day(),
        t.hour(),
        t.minute()
    )
}

/// "2026-11-22" in the user's time zone.
pub fn date(t: DateTime<Utc>) -> String {
    let t = local(t);
    format!("{:04}-{:02}-{:02}", t.year(), t.month(), t.day())
}

/// "¥1,250,000" from minor units (fen), whole yuan.
pub fn money(minor: i64) -> String {
    let yuan = minor / 100;
    let digits = yuan.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    format!("{}¥{out}", if yuan < 0 { "-" } else { "" })
}

/// "3 h 20 min overdue" / "in 45 min" relative to now.
/// A file's size as people read it: 812 B, 14 KB, 3.2 MB.
pub fn file_size(bytes: i64) -> String {
    const KB: i64 = 1024;
    if bytes < KB {
        format!("{bytes} B")
    } else if bytes < KB * KB {
        format!("{} KB", (bytes + KB / 2) / KB)
    } else {
        format!("{:.1} MB", bytes as f64 / (KB * KB) as f64)
    }
}

pub fn relative(lang: Lang, t: DateTime<Utc>, now: DateTime<Utc>) -> String {
    let mins = (t - now).num_minutes();
    let abs = mins.unsigned_abs();
    let span = if abs >= 48 * 60 {
        format!("{} {}", abs / (24 * 60), lang.t("d", "天"))
    } else if abs >= 60 {
        format!(
            "{} {} {} {}",
            abs / 60,
            lang.t("h", "小时"),
            abs % 60,
            lang.t("min", "分钟")
        )
    } else {
        format!("{} {}", abs, lang.t("min", "分钟"))
    };
    if mins < 0 {
        match lang {
            Lang::En => format!("{span} overdue"),
            Lang::ZhCn => format!("已逾期 {span}"),
        }
    } else {
        match lang {
            Lang::En => format!("in {span}"),
            Lang::ZhCn => format!("{span}后"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Duration;

    #[test]
    fn money_has_separators() {
        assert_eq!(money(125_000_000), "¥1,250,000");
        assert_eq!(money(99), "¥0");
        assert_eq!(money(-100_000), "-¥1,000");
    }

    #[test]
    fn times_and_dates_are_shown_in_china_time_with_leading_zeros() {
        let t = "2026-01-04T17:05:00Z".parse::<DateTime<Utc>>().unwrap();
        assert_eq!(short_time(t), "01-05 01:05");
        assert_eq!(date(t), "2026-01-05");
        let t = "2026-11-22T06:30:00Z".parse::<DateTime<Utc>>().unwrap();
        assert_eq!(short_time(t), "11-22 14:30");
        assert_eq!(date(t), "2026-11-22");
    }

    #[test]
    fn file_sizes_read_as_people_say_them() {
        assert_eq!(file_size(812), "812 B");
        assert_eq!(file_size(14 * 1024 + 100), "14 KB");
        assert_eq!(file_size(3 * 1024 * 1024 + 200 * 1024), "3.2 MB");
    }

    #[test]
    fn relative_times_read_naturally() {
        let now = Utc::now();
        assert_eq!(
            relative(Lang::En, now - Duration::minutes(200), now),
            "3 h 20 min overdue"
        );
        assert_eq!(
            relative(Lang::ZhCn, now + Duration::minutes(45), now),
            "45 分钟后"
        );
        assert_eq!(relative(Lang::En, now + Duration::days(3), now), "in 3 d");
    }
}

/// Escapes text for HTML content and quoted attributes. Leptos escapes what views render;
/// this is for the few places where text reaches HTML another way (the `<title>`, the
/// dashboard's charts).
pub fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod escape_tests {
    use super::escape_html;

    #[test]
    fn markup_in_text_stays_text() {
        assert_eq!(
            escape_html("X</title><script>alert(3)</script> & \"Ltd\" 'a'"),
            "X&lt;/title&gt;&lt;script&gt;alert(3)&lt;/script&gt; &amp; &quot;Ltd&quot; &#39;a&#39;"
        );
        assert_eq!(escape_html("杭州恒远科技"), "杭州恒远科技");
    }
}

/// A KPI's value as a tile shows it: "66.7%", "¥1,250,000", "2 h 5 min", "15.0 days";
/// "—" when there is nothing to count.
pub fn kpi_value(lang: Lang, unit: crate::model::KpiUnit, value: Option<f64>) -> String {
    use crate::model::KpiUnit;
    let Some(v) = value else {
        return "—".to_string();
    };
    match unit {
        KpiUnit::Count => format!("{}", v.round() as i64),
        KpiUnit::Percent => format!("{v:.1}%"),
        KpiUnit::MoneyMinor => money(v.round() as i64),
        KpiUnit::Minutes => {
            let m = v.round() as i64;
            match (m / 60, m % 60, lang) {
                (0, m, Lang::En) => format!("{m} min"),
                (0, m, Lang::ZhCn) => format!("{m} 分钟"),
                (h, m, Lang::En) => format!("{h} h {m} min"),
                (h, m, Lang::ZhCn) => format!("{h} 小时 {m} 分"),
            }
        }
        KpiUnit::Days => match lang {
            Lang::En => format!("{v:.1} days"),
            Lang::ZhCn => format!("{v:.1} 天"),
        },
        KpiUnit::Score => format!("{v:.1}"),
    }
}

/// The change from the previous period as a tile says it ("+12.5%", "−3.0 pts" for a
/// rate); None when either value is missing or the previous one was zero.
pub fn kpi_change(
    lang: Lang,
    unit: crate::model::KpiUnit,
    value: Option<f64>,
    previous: Option<f64>,
) -> Option<String> {
    use crate::model::KpiUnit;
    let (v, p) = (value?, previous?);
    let sign = |d: f64| if d >= 0.0 { "+" } else { "−" };
    match unit {
        KpiUnit::Percent => {
            let d = v - p;
            Some(format!(
                "{}{:.1}{}",
                sign(d),
                d.abs(),
                lang.t(" pts", " 个百分点")
            ))
        }
        _ if p == 0.0 => None,
        _ => {
            let d = (v - p) * 100.0 / p.abs();
            Some(format!("{}{:.1}%", sign(d), d.abs()))
        }
    }
}
