//! The intent contract of ../shared/DOMAIN.md as Rust types.

use serde::{Deserialize, Serialize};

macro_rules! intents {
    ($($v:ident => $s:literal, confirm: $c:literal, slots: [$($slot:ident),*];)*) => {
        /// A shopping intent (DOMAIN.md names, serialised in snake_case).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum Intent { $($v,)* }

        impl Intent {
            pub const ALL: &'static [Intent] = &[$(Intent::$v,)*];

            pub fn name(self) -> &'static str {
                match self { $(Intent::$v => $s,)* }
            }

            /// Spending or destructive intents the speaker must confirm before acting.
            pub fn requires_confirmation(self) -> bool {
                match self { $(Intent::$v => $c,)* }
            }

            /// Slots DOMAIN.md lets this intent carry.
            pub fn allowed_slots(self) -> &'static [SlotKind] {
                match self { $(Intent::$v => &[$(SlotKind::$slot),*],)* }
            }
        }
    };
}

intents! {
    AddToList => "add_to_list", confirm: false, slots: [Item, Quantity, Unit, Brand, List];
    RemoveFromList => "remove_from_list", confirm: false, slots: [Item, List];
    ReadList => "read_list", confirm: false, slots: [List];
    ClearList => "clear_list", confirm: true, slots: [List];
    Buy => "buy", confirm: true, slots: [Item, Quantity, Unit, Brand, Merchant];
    Reorder => "reorder", confirm: true, slots: [Item, Brand];
    TrackOrder => "track_order", confirm: false, slots: [Item];
    CancelOrder => "cancel_order", confirm: true, slots: [Item];
    ActivateOffer => "activate_offer", confirm: false, slots: [Item, Brand];
    CheckSavings => "check_savings", confirm: false, slots: [List];
    Donate => "donate", confirm: true, slots: [Charity, Amount, Currency];
    BuyForMe => "buy_for_me", confirm: true, slots: [Item, Brand, Merchant, Quantity];
    ShareProduct => "share_product", confirm: false, slots: [Item, Contact, List];
    Confirm => "confirm", confirm: false, slots: [];
    Deny => "deny", confirm: false, slots: [];
    OutOfScope => "out_of_scope", confirm: false, slots: [];
}

impl Intent {
    pub fn index(self) -> usize {
        Intent::ALL.iter().position(|&i| i == self).unwrap_or(0)
    }

    pub fn from_name(name: &str) -> Option<Intent> {
        Intent::ALL.iter().copied().find(|i| i.name() == name)
    }

    /// Intents acting on a list, whose `list` slot defaults to `shopping`.
    pub fn defaults_list(self) -> bool {
        matches!(
            self,
            Intent::AddToList | Intent::RemoveFromList | Intent::ReadList | Intent::ClearList
        )
    }
}

impl std::fmt::Display for Intent {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// The slot types of DOMAIN.md.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SlotKind {
    Item,
    Quantity,
    Unit,
    Brand,
    List,
    Merchant,
    Charity,
    Amount,
    Currency,
    Contact,
}

impl SlotKind {
    pub const ALL: &'static [SlotKind] = &[
        SlotKind::Item,
        SlotKind::Quantity,
        SlotKind::Unit,
        SlotKind::Brand,
        SlotKind::List,
        SlotKind::Merchant,
        SlotKind::Charity,
        SlotKind::Amount,
        SlotKind::Currency,
        SlotKind::Contact,
    ];

    pub fn name(self) -> &'static str {
        match self {
            SlotKind::Item => "item",
            SlotKind::Quantity => "quantity",
            SlotKind::Unit => "unit",
            SlotKind::Brand => "brand",
            SlotKind::List => "list",
            SlotKind::Merchant => "merchant",
            SlotKind::Charity => "charity",
            SlotKind::Amount => "amount",
            SlotKind::Currency => "currency",
            SlotKind::Contact => "contact",
        }
    }

    pub fn from_name(name: &str) -> Option<SlotKind> {
        SlotKind::ALL.iter().copied().find(|s| s.name() == name)
    }

    pub fn index(self) -> usize {
        SlotKind::ALL.iter().position(|&s| s == self).unwrap_or(0)
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
