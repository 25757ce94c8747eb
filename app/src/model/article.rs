//! Knowledge-base articles: answers written once and found by agents, reps and, when
//! public, by customers on the help page.
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

named_enum! {
    /// Who may read an article: draft (those who write articles), internal (everyone
    /// signed in), public (anyone, on /help).
    ArticleVisibility {
        Draft => "draft",
        Internal => "internal",
        Public => "public",
    }
}

impl ArticleVisibility {
    pub fn label(self, lang: crate::i18n::Lang) -> &'static str {
        match self {
            ArticleVisibility::Draft => lang.t("Draft", "草稿"),
            ArticleVisibility::Internal => lang.t("Internal", "内部"),
            ArticleVisibility::Public => lang.t("Public", "公开"),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Article {
    pub id: i64,
    pub title: String,
    pub body: String,
    pub category: Option<String>,
    pub tags: Vec<String>,
    pub visibility: ArticleVisibility,
    /// The resolved ticket it was written from.
    pub source_ticket_id: Option<i64>,
    pub author_id: Option<i64>,
    pub author_name: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct NewArticle {
    pub title: String,
    pub body: String,
    #[serde(default)]
    pub category: Option<String>,
    #[serde(default)]
    pub tags: Vec<String>,
    /// draft (default), internal or public.
    #[serde(default)]
    pub visibility: Option<ArticleVisibility>,
}

/// Changes an article; `version` is the one read (a stale one is 409).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ArticlePatch {
    pub version: i64,
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default)]
    pub body: Option<String>,
    #[serde(default)]
    pub category: Option<String>,
    #[serde(default)]
    pub tags: Option<Vec<String>>,
    #[serde(default)]
    pub visibility: Option<ArticleVisibility>,
}
