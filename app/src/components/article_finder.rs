//! The knowledge base beside the reply box: an agent types a few words, sees the articles
//! that match (public and internal ones told apart) and puts one's answer into the reply.
use crate::api::find_articles;
use crate::model::{Article, ArticleVisibility};
use crate::use_lang;
use leptos::prelude::*;

/// `reply`: the reply box an article's text goes into (after what is typed already).
#[component]
pub fn ArticleFinder(reply: NodeRef<leptos::html::Textarea>) -> impl IntoView {
    let lang = use_lang();
    let words = RwSignal::new(String::new());
    let found = crate::page_data::page_resource(
        move || words.get(),
        |q| async move {
            if q.trim().chars().count() < 2 {
                Ok(Vec::new())
            } else {
                find_articles(q).await
            }
        },
    );
    let insert = move |a: &Article| {
        if let Some(el) = reply.get() {
            let typed = el.value();
            let text = if typed.trim().is_empty() {
                a.body.clone()
            } else {
                format!("{}\n\n{}", typed.trim_end(), a.body)
            };
            el.set_value(&text);
            let _ = el.focus();
        }
    };
    let rows = move || {
        found.get().map(|r| match r {
            Ok(list) if list.is_empty() => None,
            Ok(list) => Some(view! {
                <ul class="article-hits">
                    {list.into_iter().map(|a| {
                        let internal = a.visibility != ArticleVisibility::Public;
                        let title = a.title.clone();
                        view! {
                            <li>
                                <button type="button" on:click=move |_| insert(&a)>
                                    {lang.t("Insert: ", "插入：")}{title}
                                </button>
                                {internal.then(|| view! { " "<span class="badge">{lang.t("Internal", "内部")}</span> })}
                            </li>
                        }
                    }).collect_view()}
                </ul>
            }
            .into_any()),
            Err(e) => Some(view! { <p class="field-error">{e.to_string()}</p> }.into_any()),
        })
    };
    view! {
        <div class="article-finder">
            <label for="article-search">{lang.t("Answer from the knowledge base", "从知识库插入答案")}</label>
            <input id="article-search" type="search" autocomplete="off"
                placeholder=lang.t("A few words, e.g. invoice", "输入关键词，如 发票")
                on:input=move |e| words.set(event_target_value(&e))
                // Enter here searches; it must not send the reply the box sits in.
                on:keydown=move |e| if e.key() == "Enter" { e.prevent_default(); }/>
            <Suspense fallback=|| ()>{rows}</Suspense>
        </div>
    }
}
