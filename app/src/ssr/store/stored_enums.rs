//! The domain's enums as stored columns: read straight into their type, and a value the
//! code does not know is a decode error naming it, never quietly taken for a default (a
//! row written by a newer version, or by hand, must not turn into a Lost deal or a rep).
use crate::domain::alerts::AlertKind;
use crate::domain::forecast::ForecastCategory;
use crate::domain::leads::LeadStatus;
use crate::domain::pipeline::Stage;
use crate::domain::surveys::SurveyKind;
use crate::model::{
    ActivityKind, Approval, ArticleVisibility, CustomerStatus, FormPurpose, Level, Role,
    TicketCategory, TicketChannel, TicketPriority, TicketStatus,
};
use sqlx::any::{AnyTypeInfo, AnyValueRef};
use sqlx::error::BoxDynError;
use sqlx::{Any, Decode, Type};

/// Reads a text column as `T` by its `parse`; an unknown value is an error.
pub fn decode_stored<T>(
    value: AnyValueRef<'_>,
    what: &str,
    parse: fn(&str) -> Option<T>,
) -> Result<T, BoxDynError> {
    let text = <String as Decode<Any>>::decode(value)?;
    parse(&text).ok_or_else(|| format!("unknown {what} {text:?} in the database").into())
}

macro_rules! stored_enum {
    ($($ty:ty => $what:literal),* $(,)?) => {$(
        impl Type<Any> for $ty {
            fn type_info() -> AnyTypeInfo {
                <String as Type<Any>>::type_info()
            }
            fn compatible(ty: &AnyTypeInfo) -> bool {
                <String as Type<Any>>::compatible(ty)
            }
        }

        impl<'r> Decode<'r, Any> for $ty {
            fn decode(value: AnyValueRef<'r>) -> Result<Self, BoxDynError> {
                decode_stored(value, $what, <$ty>::parse)
            }
        }
    )*};
}

stored_enum! {
    Level => "customer level",
    CustomerStatus => "customer status",
    Stage => "deal stage",
    ForecastCategory => "forecast category",
    Role => "role",
    Approval => "contract approval",
    ActivityKind => "activity kind",
    LeadStatus => "lead status",
    AlertKind => "alert kind",
    TicketStatus => "ticket status",
    TicketPriority => "ticket priority",
    TicketChannel => "ticket channel",
    TicketCategory => "ticket category",
    SurveyKind => "survey kind",
    FormPurpose => "form purpose",
    ArticleVisibility => "article visibility",
}
