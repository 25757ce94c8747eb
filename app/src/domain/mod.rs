//! Pure domain rules: plain functions over plain data, compiled for both targets and
//! tested without a database or a clock.
/// A closed set of names stored and sent as text: `as_str`, `parse` (None for anything
/// else), `ALL`, `Display`, and serde as the text.
macro_rules! named_enum {
    ($(#[$doc:meta])* $name:ident { $($variant:ident => $text:literal),* $(,)? }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum $name {
            $($variant),*
        }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),*];

            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $text),*
                }
            }

            pub fn parse(s: &str) -> Option<$name> {
                match s {
                    $($text => Some($name::$variant),)*
                    _ => None,
                }
            }
        }

        #[cfg(feature = "ssr")]
        impl utoipa::PartialSchema for $name {
            fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
                utoipa::openapi::schema::ObjectBuilder::new()
                    .schema_type(utoipa::openapi::schema::Type::String)
                    .enum_values(Some([$($text),*]))
                    .into()
            }
        }

        #[cfg(feature = "ssr")]
        impl utoipa::ToSchema for $name {}

        impl $crate::domain::Choice for $name {
            const ALL: &'static [Self] = $name::ALL;
            fn as_str(self) -> &'static str {
                $name::as_str(self)
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                const NAMES: &[&str] = &[$($text),*];
                let text = <std::borrow::Cow<'de, str>>::deserialize(d)?;
                // serde's own words for it, which every door turns into "choose from …".
                $name::parse(&text)
                    .ok_or_else(|| serde::de::Error::unknown_variant(&text, NAMES))
            }
        }
    };
}

/// A value picked from a fixed list (a stage, a role, an activity kind): what its text is on
/// the wire and in the database, and how a door reads it back.
pub trait Choice: Sized + Copy + 'static {
    const ALL: &'static [Self];

    fn as_str(self) -> &'static str;

    fn parse(text: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|c| c.as_str() == text)
    }
}

/// Reads a choice sent as text, or the message naming the values Tandem knows.
pub fn parse_choice<T: Choice>(text: &str) -> Result<T, String> {
    T::parse(text.trim()).ok_or_else(|| choose_from::<T>())
}

/// "choose from initial, needs, …": the one message for a value outside a fixed list.
pub fn choose_from<T: Choice>() -> String {
    let names: Vec<&str> = T::ALL.iter().map(|c| c.as_str()).collect();
    format!("choose from {}", names.join(", "))
}

/// A choice as a request sent it, in an input that names every bad field in one answer:
/// the value, or the text that is none of the values (which the service refuses with
/// [`choose_from`] beside the other fields' errors). On the wire it is the text itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Picked<T: Choice>(pub Result<T, String>);

impl<T: Choice> Picked<T> {
    pub fn of(value: T) -> Self {
        Picked(Ok(value))
    }

    /// The value, or the message saying what the values are.
    pub fn value(&self) -> Result<T, String> {
        self.0.clone().map_err(|_| choose_from::<T>())
    }
}

impl<T: Choice> From<&str> for Picked<T> {
    fn from(text: &str) -> Self {
        Picked(T::parse(text.trim()).ok_or_else(|| text.to_string()))
    }
}

impl<T: Choice> serde::Serialize for Picked<T> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match &self.0 {
            Ok(v) => s.serialize_str(v.as_str()),
            Err(text) => s.serialize_str(text),
        }
    }
}

impl<'de, T: Choice> serde::Deserialize<'de> for Picked<T> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        Ok(Picked::from(text.as_ref()))
    }
}

/// Implements [`Choice`] for an enum with its own `ALL` and `as_str`.
macro_rules! choice {
    ($($name:ty),* $(,)?) => {
        $(impl $crate::domain::Choice for $name {
            const ALL: &'static [Self] = &<$name>::ALL;
            fn as_str(self) -> &'static str {
                <$name>::as_str(self)
            }
            fn parse(text: &str) -> Option<Self> {
                <$name>::parse(text)
            }
        })*
    };
}

choice!(
    crate::model::Role,
    crate::model::ActivityKind,
    crate::model::Level,
    crate::model::CustomerStatus,
    pipeline::Stage,
    leads::LeadStatus,
);

pub mod alerts;
pub mod canned;
pub mod events;
pub mod files;
pub mod forecast;
pub mod health;
pub mod kpi_tally;
pub mod kpis;
pub mod leads;
pub mod mail;
pub mod period;
pub mod pipeline;
pub mod pool;
pub mod receivables;
pub mod routing;
pub mod scope;
pub mod search;
pub mod signin;
pub mod sla;
pub mod surveys;
pub mod tickets;
pub mod time;
pub mod validate;
