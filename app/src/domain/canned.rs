//! Canned replies: the desk's frequent answers, with placeholders filled in for the ticket
//! at hand so the customer reads their own name and ticket, not a template.

/// What a canned reply's placeholders stand for on one ticket.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CannedFacts {
    pub customer: String,
    pub contact: String,
    pub ticket_id: i64,
    pub subject: String,
    pub agent: String,
}

/// The placeholders a canned reply may use, as written in it.
pub const PLACEHOLDERS: [&str; 5] = [
    "{{customer}}",
    "{{contact}}",
    "{{ticket}}",
    "{{subject}}",
    "{{agent}}",
];

/// The reply with its placeholders filled in; anything else in braces is left as written.
pub fn fill(template: &str, f: &CannedFacts) -> String {
    let ticket = format!("#{}", f.ticket_id);
    let values = [
        f.customer.as_str(),
        f.contact.as_str(),
        ticket.as_str(),
        f.subject.as_str(),
        f.agent.as_str(),
    ];
    PLACEHOLDERS
        .iter()
        .zip(values)
        .fold(template.to_string(), |text, (p, v)| text.replace(p, v))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_filled_and_the_rest_is_left_alone() {
        let f = CannedFacts {
            customer: "杭州恒远科技".into(),
            contact: "李雷".into(),
            ticket_id: 42,
            subject: "无法登录".into(),
            agent: "吴芳".into(),
        };
        assert_eq!(
            fill("{{contact}}您好，关于{{ticket}}「{{subject}}」({{customer}})：{{unknown}} —{{agent}}", &f),
            "李雷您好，关于#42「无法登录」(杭州恒远科技)：{{unknown}} —吴芳"
        );
    }
}
