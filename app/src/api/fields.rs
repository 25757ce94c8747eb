//! What each server function reads from a form, so a field it does not know is refused
//! with a 422 naming it instead of being dropped without a word (the server-function
//! macro gives no way to put `deny_unknown_fields` on the structs it generates).
//!
//! The names come from each function's own argument struct, read through serde: nothing
//! here is typed twice. A test checks that every registered server function is listed.
use serde::de::{self, DeserializeOwned, Deserializer, Visitor};
use server_fn::ServerFn;
use std::collections::HashMap;
use std::sync::OnceLock;

/// A deserializer that answers nothing and remembers the field names a struct asks for.
struct FieldNames(&'static [&'static str]);

impl<'de> Deserializer<'de> for &mut FieldNames {
    type Error = de::value::Error;

    fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Self::Error> {
        Err(de::Error::custom("field names only"))
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        fields: &'static [&'static str],
        _: V,
    ) -> Result<V::Value, Self::Error> {
        self.0 = fields;
        Err(de::Error::custom("field names only"))
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes
        byte_buf option unit unit_struct newtype_struct seq tuple tuple_struct map enum
        identifier ignored_any
    }
}

/// The form fields a server function's arguments are named by.
fn names_of<T: DeserializeOwned>() -> &'static [&'static str] {
    let mut names = FieldNames(&[]);
    let _ = T::deserialize(&mut names);
    names.0
}

macro_rules! server_functions {
    ($($t:ident),* $(,)?) => {
        fn all() -> HashMap<&'static str, &'static [&'static str]> {
            let mut all = HashMap::from([$((<super::$t as ServerFn>::PATH, names_of::<super::$t>())),*]);
            all.extend(MULTIPART);
            all
        }
    };
}

/// Server functions that read a `multipart/form-data` form (files), with the fields they
/// read: they take the form whole, so their names are not in an argument struct. Their
/// own reader refuses any other field; the door refuses any other kind of body.
const MULTIPART: [(&str, &[&str]); 1] = [(
    <super::AnswerTicket as ServerFn>::PATH,
    &["id", "body", "internal", "files"],
)];

/// Whether the server function at `path` reads a `multipart/form-data` form.
pub fn is_multipart(path: &str) -> bool {
    MULTIPART.iter().any(|(p, _)| *p == path)
}

server_functions![
    GetMe,
    GetToday,
    GetQueue,
    GetTicket,
    LogTicket,
    WorkTicket,
    MergeTicket,
    SetAvailability,
    FindArticles,
    GetDashboard,
    GetKpiDashboard,
    GetKpiRecords,
    SetForecast,
    RecordPayment,
    RenewContract,
    ListCustomers,
    GetCustomer,
    GetAdmin,
    GetSettings,
    SavePoolRules,
    SaveLeadRules,
    SaveAlertRules,
    SaveHealthWeights,
    SavePipelineRules,
    SaveRoutingRule,
    RemoveRoutingRule,
    CreateUser,
    UpdateUser,
    SetUserActive,
    CreateTeam,
    LogFollowUp,
    ClaimCustomer,
    ReleaseCustomer,
    GetPipeline,
    GetDeal,
    MoveDeal,
    RequestContract,
    DecideContract,
    PendingContracts,
    CreateDeal,
    CreateCustomer,
    ListTasks,
    AddTask,
    FinishTask,
    TaskAssignees,
    CustomerTimeline,
    UnreadAlerts,
    ListAlerts,
    ReadAlert,
    ReadAllAlerts,
    ListLeads,
    AddLead,
    ContactLead,
    QualifyLead,
    DisqualifyLead,
    ConvertLead,
    EditCustomer,
    AssignLead,
];

fn registry() -> &'static HashMap<&'static str, &'static [&'static str]> {
    static REGISTRY: OnceLock<HashMap<&'static str, &'static [&'static str]>> = OnceLock::new();
    REGISTRY.get_or_init(all)
}

/// The fields the server function at `path` (`/sfn/customer`) reads, or None for a path
/// that is not listed here.
pub fn known_fields(path: &str) -> Option<&'static [&'static str]> {
    registry().get(path).copied()
}

/// Every server function listed, by path.
pub fn listed_paths() -> impl Iterator<Item = &'static str> {
    registry().keys().copied()
}

/// The fields of an urlencoded form (`p[q]` counts as `p`) that `path` does not read, in
/// the order they came; empty when the function is not listed.
pub fn unknown_form_fields(path: &str, form: &[u8]) -> Vec<String> {
    let Some(known) = known_fields(path) else {
        return Vec::new();
    };
    let mut unknown: Vec<String> = Vec::new();
    for (key, _) in form_urlencoded::parse(form) {
        let top = key.split('[').next().unwrap_or_default();
        if !known.contains(&top) && !unknown.iter().any(|u| u == top) {
            unknown.push(top.to_string());
        }
    }
    unknown
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_names_come_from_the_arguments() {
        assert_eq!(known_fields("/sfn/claim_customer"), Some(&["id"][..]));
        let pool = known_fields("/sfn/save_pool_rules").unwrap();
        assert!(pool.contains(&"holding_limit") && pool.contains(&"version"));
        assert_eq!(known_fields("/sfn/me"), Some(&[][..]));
    }

    #[test]
    fn unknown_fields_are_named_once_and_brackets_count_as_their_field() {
        assert_eq!(
            unknown_form_fields("/sfn/claim_customer", b"id=3&owner_id=9&owner_id=8"),
            vec!["owner_id"]
        );
        assert!(unknown_form_fields("/sfn/customers", b"p[q]=x&p[limit]=5").is_empty());
        assert!(unknown_form_fields("/sfn/not_listed", b"x=1").is_empty());
    }
}
