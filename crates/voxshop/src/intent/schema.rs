//! The intent contract of ../shared/DOMAIN.md as Rust types.

use serde::{Deserialize, Serialize};

use super::domain::domain;

/// An enum of DOMAIN.md names (serialised in snake_case: the same names) with `ALL` in
/// declaration order, `name`, `from_name` and `index`. The names and their order must be the
/// domain file's (crates/voxshop/data/domain.toml): parsing it checks them.
macro_rules! named {
    ($(#[$doc:meta])* $enum:ident { $($v:ident => $s:literal,)* }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $enum { $($v,)* }

        impl $enum {
            pub const ALL: &'static [$enum] = &[$($enum::$v,)*];

            pub fn name(self) -> &'static str {
                match self { $($enum::$v => $s,)* }
            }

            pub fn from_name(name: &str) -> Option<$enum> {
                $enum::ALL.iter().copied().find(|x| x.name() == name)
            }

            pub fn index(self) -> usize {
                $enum::ALL.iter().position(|&x| x == self).unwrap_or(0)
            }
        }
    };
}

named! {
    /// A shopping intent; what it may carry and whether it needs confirming are the domain
    /// file's.
    Intent {
        AddToList => "add_to_list",
        RemoveFromList => "remove_from_list",
        ReadList => "read_list",
        ClearList => "clear_list",
        Buy => "buy",
        Reorder => "reorder",
        TrackOrder => "track_order",
        CancelOrder => "cancel_order",
        ActivateOffer => "activate_offer",
        CheckSavings => "check_savings",
        Donate => "donate",
        BuyForMe => "buy_for_me",
        ShareProduct => "share_product",
        Confirm => "confirm",
        Deny => "deny",
        OutOfScope => "out_of_scope",
    }
}

impl Intent {
    /// A shopping command: neither out_of_scope nor an answer (confirm, deny) to the dialog.
    pub fn is_shopping_command(self) -> bool {
        !matches!(self, Intent::OutOfScope | Intent::Confirm | Intent::Deny)
    }

    /// A "yes" or "no" to the spending dialog.
    pub fn is_answer(self) -> bool {
        matches!(self, Intent::Confirm | Intent::Deny)
    }

    /// Spending or destructive intents the speaker must confirm before acting.
    pub fn requires_confirmation(self) -> bool {
        domain().intent(self).confirm
    }

    /// Slots DOMAIN.md lets this intent carry.
    pub fn allowed_slots(self) -> &'static [SlotKind] {
        &domain().intent(self).slots
    }

    /// Intents acting on a list, whose `list` slot defaults to `shopping`.
    pub fn defaults_list(self) -> bool {
        domain().intent(self).default_list
    }
}

impl std::fmt::Display for Intent {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

named! {
    /// The slot types of DOMAIN.md.
    SlotKind {
        Item => "item",
        Quantity => "quantity",
        Unit => "unit",
        Brand => "brand",
        List => "list",
        Merchant => "merchant",
        Charity => "charity",
        Amount => "amount",
        Currency => "currency",
        Contact => "contact",
    }
}

/// Slot values in their DOMAIN.md normal forms; absent slots are omitted from JSON.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Slots {
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub item: Option<String>,
    #[serde(
        skip_serializing_if = "Option::is_none",
        default,
        serialize_with = "whole_as_integer"
    )]
    pub quantity: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub unit: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub brand: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub list: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub merchant: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub charity: Option<String>,
    #[serde(
        skip_serializing_if = "Option::is_none",
        default,
        serialize_with = "whole_as_integer"
    )]
    pub amount: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub currency: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub contact: Option<String>,
}

/// Numbers print as DOMAIN.md shows them: `2`, not `2.0`; `2.5` stays.
fn whole_as_integer<S: serde::Serializer>(v: &Option<f64>, s: S) -> Result<S::Ok, S::Error> {
    match v {
        Some(x) if x.fract() == 0.0 && x.abs() < 1e15 => s.serialize_i64(*x as i64),
        Some(x) => s.serialize_f64(*x),
        None => s.serialize_none(),
    }
}

/// A slot value: text or number.
#[derive(Debug, Clone, PartialEq)]
pub enum SlotValue {
    Text(String),
    Number(f64),
}

impl Slots {
    /// Whether every value `other` has is one of these.
    pub fn holds(&self, other: &Slots) -> bool {
        (SlotKind::ALL.iter()).all(|&k| other.get(k).is_none() || other.get(k) == self.get(k))
    }

    pub fn get(&self, kind: SlotKind) -> Option<SlotValue> {
        let text = |v: &Option<String>| v.clone().map(SlotValue::Text);
        match kind {
            SlotKind::Item => text(&self.item),
            SlotKind::Quantity => self.quantity.map(SlotValue::Number),
            SlotKind::Unit => text(&self.unit),
            SlotKind::Brand => text(&self.brand),
            SlotKind::List => text(&self.list),
            SlotKind::Merchant => text(&self.merchant),
            SlotKind::Charity => text(&self.charity),
            SlotKind::Amount => self.amount.map(SlotValue::Number),
            SlotKind::Currency => text(&self.currency),
            SlotKind::Contact => text(&self.contact),
        }
    }

    pub fn set(&mut self, kind: SlotKind, value: SlotValue) {
        let (text, number) = match value {
            SlotValue::Text(t) => (Some(t), None),
            SlotValue::Number(n) => (None, Some(n)),
        };
        match kind {
            SlotKind::Item => self.item = text,
            SlotKind::Quantity => self.quantity = number,
            SlotKind::Unit => self.unit = text,
            SlotKind::Brand => self.brand = text,
            SlotKind::List => self.list = text,
            SlotKind::Merchant => self.merchant = text,
            SlotKind::Charity => self.charity = text,
            SlotKind::Amount => self.amount = number,
            SlotKind::Currency => self.currency = text,
            SlotKind::Contact => self.contact = text,
        }
    }
}

/// The classifier's answer for one utterance.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct IntentResult {
    pub intent: Intent,
    pub confidence: f32,
    pub slots: Slots,
    pub requires_confirmation: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn confirmation_follows_domain_md() {
        let confirm: Vec<&str> = Intent::ALL
            .iter()
            .filter(|i| i.requires_confirmation())
            .map(|i| i.name())
            .collect();
        assert_eq!(
            confirm,
            [
                "clear_list",
                "buy",
                "reorder",
                "cancel_order",
                "donate",
                "buy_for_me"
            ]
        );
        assert_eq!(Intent::ALL.len(), 16);
        assert_eq!(Intent::from_name("buy_for_me"), Some(Intent::BuyForMe));
        assert_eq!(
            serde_json::to_string(&Intent::OutOfScope).unwrap(),
            "\"out_of_scope\""
        );
    }

    /// The enums against the domain file: same names in the same order (parsing the file
    /// checks it), serialised under those names, with the facts DOMAIN.md states.
    #[test]
    fn the_enums_are_the_domain_files() {
        for i in Intent::ALL {
            let json = serde_json::to_string(i).unwrap();
            assert_eq!(json, format!("\"{}\"", i.name()));
            assert_eq!(Intent::from_name(i.name()), Some(*i));
        }
        for s in SlotKind::ALL {
            assert_eq!(
                serde_json::to_string(s).unwrap(),
                format!("\"{}\"", s.name())
            );
        }
        let list_default: Vec<&str> = Intent::ALL
            .iter()
            .filter(|i| i.defaults_list())
            .map(|i| i.name())
            .collect();
        assert_eq!(
            list_default,
            ["add_to_list", "remove_from_list", "read_list", "clear_list"]
        );
        assert_eq!(
            Intent::BuyForMe.allowed_slots(),
            [
                SlotKind::Item,
                SlotKind::Brand,
                SlotKind::Merchant,
                SlotKind::Quantity
            ]
        );
        assert!(Intent::OutOfScope.allowed_slots().is_empty());
    }

    #[test]
    fn numbers_serialise_like_domain_md() {
        let s = Slots {
            quantity: Some(2.0),
            amount: Some(2.5),
            ..Default::default()
        };
        assert_eq!(
            serde_json::to_string(&s).unwrap(),
            r#"{"quantity":2,"amount":2.5}"#
        );
    }
}
