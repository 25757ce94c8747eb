//! Satisfaction surveys: CSAT (1–5) after a ticket is resolved, NPS (0–10) when an admin
//! asks. A survey is answered once, through a link that expires.
use crate::i18n::Lang;

named_enum! {
    /// Which question a survey asks.
    SurveyKind {
        Csat => "csat",
        Nps => "nps",
    }
}

impl SurveyKind {
    /// The scores a person may give.
    pub fn scale(self) -> std::ops::RangeInclusive<i64> {
        match self {
            SurveyKind::Csat => 1..=5,
            SurveyKind::Nps => 0..=10,
        }
    }

    /// The question, as the survey page asks it.
    pub fn question(self, lang: Lang) -> &'static str {
        match self {
            SurveyKind::Csat => lang.t(
                "How satisfied are you with how we handled your request?",
                "您对我们处理此次请求的满意度如何？",
            ),
            SurveyKind::Nps => lang.t(
                "How likely are you to recommend us to a friend or colleague?",
                "您向朋友或同事推荐我们的可能性有多大？",
            ),
        }
    }

    /// What the ends of the scale mean.
    pub fn ends(self, lang: Lang) -> (&'static str, &'static str) {
        match self {
            SurveyKind::Csat => (
                lang.t("Very dissatisfied", "非常不满意"),
                lang.t("Very satisfied", "非常满意"),
            ),
            SurveyKind::Nps => (
                lang.t("Not at all likely", "完全不可能"),
                lang.t("Extremely likely", "极有可能"),
            ),
        }
    }

    /// A score as a form sends it: a whole number on the scale, or the message saying
    /// what the scale is.
    pub fn read_score(self, text: &str) -> Result<i64, String> {
        let scale = self.scale();
        match text.trim().parse::<i64>() {
            Ok(score) if scale.contains(&score) => Ok(score),
            _ => Err(format!(
                "must be between {} and {}",
                scale.start(),
                scale.end()
            )),
        }
    }
}

/// A CSAT this low tells the assignee, the customer's owner and their managers at once.
pub fn is_low_csat(score: i64) -> bool {
    score <= 2
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scores_are_checked_against_their_scale() {
        assert_eq!(SurveyKind::Csat.read_score(" 5 "), Ok(5));
        assert!(SurveyKind::Csat.read_score("0").is_err());
        assert!(SurveyKind::Csat.read_score("6").is_err());
        assert_eq!(
            SurveyKind::Csat.read_score("five"),
            Err("must be between 1 and 5".into())
        );
        assert_eq!(SurveyKind::Nps.read_score("0"), Ok(0));
        assert!(SurveyKind::Nps.read_score("11").is_err());
    }

    #[test]
    fn one_and_two_are_low() {
        assert!(is_low_csat(1) && is_low_csat(2));
        assert!(!is_low_csat(3));
    }
}
