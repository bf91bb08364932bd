//! The spending dialog of DOMAIN.md: a command that needs confirmation becomes the one
//! pending action of its stream, and a later "yes" or "no" settles it, once, within its
//! window. The recogniser only reports; a consumer spends only on `outcome: "confirmed"`.

use super::Utterance;
use crate::intent::domain::domain;
use crate::intent::text::tokenize;
use crate::intent::{Intent, IntentModel, IntentResult, SlotKind, SlotValue, Slots};

/// How long a pending action can be confirmed after its utterance ends (DOMAIN.md default).
pub const DEFAULT_CONFIRM_WINDOW_MS: u32 = 8_000;

/// How a confirm or deny settled the pending action.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Confirmed,
    Cancelled,
}

/// The dialog fields of one command object; absent fields are omitted from JSON, while a
/// confirm or deny always carries `resolves` and `outcome` (null when nothing was settled).
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct DialogFields {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub action_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expires_ms: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resolves: Option<Option<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub outcome: Option<Option<Outcome>>,
}

/// A command as the dialog reads it, and rewrites it when it is an answer in other words.
pub trait Command {
    fn intent(&self) -> Option<Intent>;
    fn slots(&self) -> Option<&Slots>;
    /// Becomes the confirm or deny `answer`: no slots, nothing to confirm.
    fn become_answer(&mut self, answer: Intent);
}

impl Command for IntentResult {
    fn intent(&self) -> Option<Intent> {
        Some(self.intent)
    }
    fn slots(&self) -> Option<&Slots> {
        Some(&self.slots)
    }
    fn become_answer(&mut self, answer: Intent) {
        self.intent = answer;
        self.slots = Slots::default();
        self.requires_confirmation = false;
    }
}

impl Command for Utterance {
    fn intent(&self) -> Option<Intent> {
        self.intent
    }
    fn slots(&self) -> Option<&Slots> {
        self.slots.as_ref()
    }
    fn become_answer(&mut self, answer: Intent) {
        self.intent = Some(answer);
        self.slots = Some(Slots::default());
        self.requires_confirmation = Some(false);
    }
}

/// The action waiting for an answer.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Pending {
    pub action_id: String,
    pub expires_ms: u64,
    /// Start of the utterance that asked for it: only a later utterance can answer.
    #[serde(skip)]
    asked_at_ms: u64,
    /// Its spends as read: an answer may name them ("Order them.", "No, cancel the order.").
    #[serde(skip)]
    spends: Vec<(Intent, Slots)>,
}

impl Pending {
    /// Whether an utterance starting at `start_ms` may answer it.
    fn open_to(&self, start_ms: u64) -> bool {
        self.asked_at_ms < start_ms && start_ms < self.expires_ms
    }

    /// Whether one of its spends is of an intent `same` accepts and holds all that `slots`
    /// name ([`names_no_more`]).
    fn holds(&self, same: impl Fn(Intent) -> bool, slots: &Slots) -> bool {
        (self.spends.iter()).any(|(i, held)| same(*i) && names_no_more(held, slots))
    }

    /// The answer that a spend said after it is, when the spend names nothing new. The same
    /// spend pointing back at it ("Order them.", "Go ahead and buy it.") or after a yes ("OK,
    /// passe la commande.") confirms it, unless the utterance opens with a no; a cancel that
    /// names no other order ("No, cancel the purchase.", "Non, annule la commande.") takes it
    /// back, since no order was placed yet. The spend said again whole ("Order the milk.") is
    /// also what a speaker who did not hear the question says, so it confirms only after a yes
    /// of its own ("Yes, order the milk."). A spend without its value, a word pointing back or
    /// a yes is no answer: the intent model reads some refusals so ("I'll pass." as a buy).
    /// `None`: a new action.
    fn answered_by(
        &self,
        intent: Intent,
        slots: &Slots,
        wording: &mut impl FnMut() -> Wording,
    ) -> Option<Intent> {
        if intent == Intent::CancelOrder && !self.holds(|i| i == Intent::CancelOrder, slots) {
            return self.holds(|_| true, slots).then_some(Intent::Deny);
        }
        if !self.holds(|i| i == intent, slots) {
            return None;
        }
        let w = wording();
        let yes = w.opens_with == Some(Intent::Confirm);
        let confirms = if domain().intent(intent).is_complete(slots) {
            yes
        } else {
            (yes || w.points_back) && w.opens_with != Some(Intent::Deny)
        };
        confirms.then_some(Intent::Confirm)
    }
}

/// Whether `said` names nothing that `held` does not: each of its values is one of `held`'s,
/// or, for words, some of them ("the mug" answers a "coffee mug", "the milk" "whole milk").
fn names_no_more(held: &Slots, said: &Slots) -> bool {
    SlotKind::ALL
        .iter()
        .all(|&k| match (said.get(k), held.get(k)) {
            (None, _) => true,
            (Some(SlotValue::Text(s)), Some(SlotValue::Text(h))) => {
                let held_words: Vec<&str> = h.split_whitespace().collect();
                s.split_whitespace().all(|w| held_words.contains(&w))
            }
            (s, h) => s == h,
        })
}

/// What the dialog needs of an utterance's words to tell a spend that answers the waiting
/// one: read only when a spend may be one.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Wording {
    /// The sure yes or no it opens with ([`IntentModel::opening_answer`]).
    pub opens_with: Option<Intent>,
    /// It holds a word that points back at something said ("it", "them", "ça").
    pub points_back: bool,
    /// What it most likely is, read as one before any bar.
    pub most_likely: Option<Intent>,
}

impl Wording {
    pub fn of(model: &IntentModel, text: &str) -> Self {
        Self {
            opens_with: model.opening_answer(text),
            points_back: domain().refers_back(&tokenize(text)),
            most_likely: Some(model.most_likely(text)),
        }
    }
}

/// One stream's dialog state: at most one pending action.
#[derive(Debug, Clone)]
pub struct Dialog {
    window_ms: u64,
    pending: Option<Pending>,
    issued: u64,
}

impl Dialog {
    pub fn new(window_ms: u32) -> Self {
        Self {
            window_ms: window_ms.into(),
            pending: None,
            issued: 0,
        }
    }

    /// The action waiting for an answer, if any (it may have expired by now).
    pub fn pending(&self) -> Option<&Pending> {
        self.pending.as_ref()
    }

    /// Drops the pending action (the consumer asked, e.g. the user walked away): a later
    /// "yes" resolves nothing. Returns the dropped action's id.
    pub fn cancel_pending(&mut self) -> Option<String> {
        self.pending.take().map(|p| p.action_id)
    }

    /// Goes back to the pending action of `before` (the state before an utterance that a
    /// continuation now replaces), while action ids stay unique within the stream: the
    /// replaced utterance's action is withdrawn, never reissued under its id.
    pub(crate) fn restore(&mut self, before: &Dialog) {
        self.pending = before.pending.clone();
    }

    /// For each of `commands`, whether it is a yes said before a spend that the waiting
    /// action does not hold ("Yes, order the bread." with batteries waiting): that yes goes
    /// with the new purchase, which asks its own question, and confirms nothing.
    fn yes_to_a_new_spend<C: Command>(&self, commands: &[C]) -> Vec<bool> {
        let new_spend = |c: &C| {
            let (Some(intent), slots) = (c.intent(), c.slots().cloned().unwrap_or_default()) else {
                return false;
            };
            intent.requires_confirmation()
                && !(self.pending.as_ref()).is_some_and(|p| p.holds(|i| i == intent, &slots))
        };
        (0..commands.len())
            .map(|k| {
                commands[k].intent() == Some(Intent::Confirm)
                    && commands[k + 1..].iter().any(new_spend)
            })
            .collect()
    }

    /// Settles the dialog of an utterance's commands, in spoken order: each gets its dialog
    /// fields. The utterance spans `[start_ms, end_ms]` of stream time. All the spend commands
    /// of one utterance share one new action, which replaces an older one at once. A confirm
    /// or deny settles an action asked in an earlier utterance (the speaker must have had the
    /// chance to ask) when it comes before any command of its own utterance; after one, it is
    /// about that command: a "no" after a spend takes it back ("Buy milk. No, forget it."),
    /// since cancelling needs no question, and otherwise it settles nothing ("Add bread,
    /// yes." confirms no older purchase). A spend said where an answer would settle the
    /// waiting action, naming nothing new, is that answer ([`Pending::answered_by`]): it
    /// becomes the confirm or deny, or folds into the same answer said just before it ("Yes.
    /// Order the milk."); a reply read as no command but most likely a no takes the waiting
    /// action back. `wording`: what the utterance's words say, asked only when a command may
    /// be an answer.
    pub fn settle<C: Command>(
        &mut self,
        start_ms: u64,
        end_ms: u64,
        commands: &mut Vec<C>,
        mut wording: impl FnMut() -> Wording,
    ) -> Vec<DialogFields> {
        let mut read = None;
        let mut wording = || *read.get_or_insert_with(&mut wording);
        // This utterance's action; `Some(None)` once a "no" of this utterance took it back.
        let mut said_here: Option<Option<Pending>> = None;
        let mut after_command = false;
        // The action an answer of this utterance settled, and how.
        let mut answered: Option<(Pending, Intent)> = None;
        let yes_to_a_new_spend = self.yes_to_a_new_spend(commands);
        let mut fields = Vec::with_capacity(commands.len());
        let mut at = 0;
        commands.retain_mut(|u| {
            at += 1;
            let Some(mut intent) = u.intent() else {
                fields.push(DialogFields::default());
                return true;
            };
            // "No, don't buy the batteries.", read as no command: while a purchase waits, a
            // reply whose likeliest reading is a no takes it back (a no costs nothing).
            if intent == Intent::OutOfScope && !after_command && said_here.is_none() {
                let open = (self.pending.as_ref()).is_some_and(|p| p.open_to(start_ms));
                if open && wording().most_likely == Some(Intent::Deny) {
                    intent = Intent::Deny;
                    u.become_answer(intent);
                }
            }
            if intent.requires_confirmation() && said_here.is_none() && !after_command {
                let open = (self.pending.as_ref()).filter(|p| p.open_to(start_ms));
                let asked = answered.as_ref().map(|(p, _)| p).or(open);
                let slots = u.slots().cloned().unwrap_or_default();
                if let Some(answer) =
                    asked.and_then(|p| p.answered_by(intent, &slots, &mut wording))
                {
                    if answered.as_ref().is_some_and(|(_, said)| *said == answer) {
                        return false;
                    }
                    intent = answer;
                    u.become_answer(answer);
                }
            }
            fields.push(match intent {
                Intent::Confirm | Intent::Deny => {
                    let settled = match &mut said_here {
                        Some(action) if intent == Intent::Deny => action.take(),
                        _ if after_command || yes_to_a_new_spend[at - 1] => None,
                        _ => self.pending.take_if(|p| p.open_to(start_ms)),
                    };
                    if let Some(p) = &settled {
                        answered = Some((p.clone(), intent));
                    }
                    let outcome = settled.as_ref().map(|_| match intent {
                        Intent::Confirm => Outcome::Confirmed,
                        _ => Outcome::Cancelled,
                    });
                    DialogFields {
                        resolves: Some(settled.map(|p| p.action_id)),
                        outcome: Some(outcome),
                        ..Default::default()
                    }
                }
                i if i.requires_confirmation() => {
                    after_command = true;
                    self.pending = None;
                    let action = said_here.get_or_insert(None).get_or_insert_with(|| {
                        self.issued += 1;
                        Pending {
                            action_id: format!("a{}", self.issued),
                            expires_ms: end_ms.saturating_add(self.window_ms),
                            asked_at_ms: start_ms,
                            spends: Vec::new(),
                        }
                    });
                    action
                        .spends
                        .push((i, u.slots().cloned().unwrap_or_default()));
                    DialogFields {
                        action_id: Some(action.action_id.clone()),
                        expires_ms: Some(action.expires_ms),
                        ..Default::default()
                    }
                }
                i => {
                    after_command |= i != Intent::OutOfScope;
                    DialogFields::default()
                }
            });
            true
        });
        if let Some(action) = said_here {
            self.pending = action;
        }
        fields
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Intent::*;

    fn command(intent: Intent, item: Option<&str>) -> IntentResult {
        IntentResult {
            intent,
            confidence: 0.9,
            slots: Slots {
                item: item.map(str::to_string),
                ..Default::default()
            },
            requires_confirmation: intent.requires_confirmation(),
        }
    }

    /// Commands that each name an item of their own, so that none answers an older one.
    fn settle(d: &mut Dialog, start: u64, end: u64, i: &[Intent]) -> Vec<DialogFields> {
        let items: Vec<_> = (0..i.len()).map(|k| format!("item {start} {k}")).collect();
        let mut commands: Vec<_> = (i.iter().zip(&items))
            .map(|(&i, item)| command(i, Some(item)))
            .collect();
        d.settle(start, end, &mut commands, Wording::default)
    }

    /// The words of an utterance: "Yes, ..." or "No, ...", and whether "it" or "them" is said.
    fn worded(opens_with: Option<Intent>, points_back: bool) -> Wording {
        Wording {
            opens_with,
            points_back,
            most_likely: None,
        }
    }

    #[test]
    fn a_reply_most_likely_a_no_takes_the_waiting_purchase_back() {
        let unsure_no = Wording {
            most_likely: Some(Deny),
            ..Wording::default()
        };
        let mut d = Dialog::new(DEFAULT_CONFIRM_WINDOW_MS);
        // With nothing waiting, or after a command of its own, it stays no command.
        let f = answer(&mut d, (0, 500), &[(OutOfScope, None)], unsure_no);
        assert_eq!(f[0], (OutOfScope, DialogFields::default()));
        answer(
            &mut d,
            (1_000, 2_000),
            &[(Buy, Some("batteries"))],
            Wording::default(),
        );
        let said = [(AddToList, Some("milk")), (OutOfScope, None)];
        let f = answer(&mut d, (2_500, 3_000), &said, unsure_no);
        assert_eq!(f[1].0, OutOfScope);
        // "No, don't buy the batteries.", read as no command: a no to the batteries.
        let f = answer(&mut d, (3_500, 4_000), &[(OutOfScope, None)], unsure_no);
        assert_eq!(f[0].0, Deny);
        assert_eq!(settled(&f[0].1), (Some("a1"), Some(Outcome::Cancelled)));
        // Talk most likely talk stays talk.
        answer(
            &mut d,
            (5_000, 6_000),
            &[(Buy, Some("milk"))],
            Wording::default(),
        );
        let f = answer(
            &mut d,
            (7_000, 7_500),
            &[(OutOfScope, None)],
            Wording::default(),
        );
        assert_eq!(f[0].0, OutOfScope);
        assert!(d.pending().is_some());
    }

    /// The commands left and their dialog fields, for commands given with their item.
    fn answer(
        d: &mut Dialog,
        (start, end): (u64, u64),
        said: &[(Intent, Option<&str>)],
        wording: Wording,
    ) -> Vec<(Intent, DialogFields)> {
        let mut commands: Vec<_> = said.iter().map(|&(i, item)| command(i, item)).collect();
        let fields = d.settle(start, end, &mut commands, || wording);
        commands.iter().map(|c| c.intent).zip(fields).collect()
    }

    fn settled(f: &DialogFields) -> (Option<&str>, Option<Outcome>) {
        let resolves = f.resolves.as_ref().expect("an answer").as_deref();
        (resolves, f.outcome.expect("an answer"))
    }

    #[test]
    fn a_spend_that_names_the_waiting_one_and_nothing_new_answers_it() {
        let (milk, plain) = (Some("milk"), Wording::default());
        let (it, yes) = (worded(None, true), worded(Some(Confirm), false));
        let mut d = Dialog::new(DEFAULT_CONFIRM_WINDOW_MS);
        answer(&mut d, (0, 1_000), &[(Buy, milk)], plain);
        // "Order it.": a buy with no item, pointing back, can only be this one.
        let f = answer(&mut d, (2_000, 2_500), &[(Buy, None)], it);
        assert_eq!(f[0].0, Confirm);
        assert_eq!(settled(&f[0].1), (Some("a1"), Some(Outcome::Confirmed)));
        assert_eq!(f[0].1.action_id, None);

        // "OK, passe la commande.": after a yes, no word pointing back is needed.
        answer(&mut d, (2_600, 2_900), &[(Buy, milk)], plain);
        let f = answer(&mut d, (3_000, 3_500), &[(Buy, None)], yes);
        assert_eq!(settled(&f[0].1), (Some("a2"), Some(Outcome::Confirmed)));

        // "No, cancel the purchase.": no order was placed yet.
        answer(&mut d, (3_000, 4_000), &[(Buy, milk)], plain);
        let f = answer(&mut d, (5_000, 5_500), &[(CancelOrder, None)], plain);
        assert_eq!(f[0].0, Deny);
        assert_eq!(settled(&f[0].1), (Some("a3"), Some(Outcome::Cancelled)));

        // "Order the milk." said again whole: asked again, unless it opens with a yes.
        answer(&mut d, (6_000, 7_000), &[(Buy, milk)], plain);
        let f = answer(&mut d, (8_000, 9_000), &[(Buy, milk)], it);
        assert_eq!((f[0].0, f[0].1.action_id.as_deref()), (Buy, Some("a5")));
        let f = answer(&mut d, (10_000, 11_000), &[(Buy, milk)], yes);
        assert_eq!(f[0].0, Confirm);
        assert_eq!(settled(&f[0].1), (Some("a5"), Some(Outcome::Confirmed)));

        // "Yes, order the mug." for a coffee mug: a shorter name of the same item.
        answer(
            &mut d,
            (11_200, 11_300),
            &[(Buy, Some("coffee mug"))],
            plain,
        );
        let f = answer(&mut d, (11_400, 11_500), &[(Buy, Some("mug"))], yes);
        assert_eq!(f[0].0, Confirm);

        // "Yes. Order the milk.": one answer, said twice.
        answer(&mut d, (12_000, 13_000), &[(Buy, milk)], plain);
        let said = [(Confirm, None), (Buy, milk)];
        let f = answer(&mut d, (14_000, 15_000), &said, yes);
        assert_eq!(f.len(), 1, "{f:?}");
        assert_eq!(settled(&f[0].1), (Some("a7"), Some(Outcome::Confirmed)));
        assert_eq!(d.pending(), None, "nothing new to confirm");
    }

    #[test]
    fn a_spend_that_is_no_answer_is_a_new_action() {
        let (plain, it) = (Wording::default(), worded(None, true));
        let new_action = |f: &[(Intent, DialogFields)], k: usize| {
            (f[k].0, f[k].1.action_id.clone().unwrap_or_default())
        };
        let mut d = Dialog::new(DEFAULT_CONFIRM_WINDOW_MS);
        answer(&mut d, (0, 1_000), &[(Buy, Some("milk"))], plain);
        // Another item, even after a yes.
        let f = answer(
            &mut d,
            (2_000, 3_000),
            &[(Buy, Some("bread"))],
            worded(Some(Confirm), false),
        );
        assert_eq!(new_action(&f, 0), (Buy, "a2".into()));
        // No word pointing back ("I'll pass." read as a buy), or after a no ("No, I don't
        // want to buy it.").
        let f = answer(&mut d, (4_000, 4_500), &[(Buy, None)], plain);
        assert_eq!(new_action(&f, 0), (Buy, "a3".into()));
        let f = answer(
            &mut d,
            (5_000, 5_500),
            &[(Buy, None)],
            worded(Some(Deny), true),
        );
        assert_eq!(new_action(&f, 0), (Buy, "a4".into()));
        // "Yes, order the bread." with milk waiting: the yes goes with the bread.
        answer(&mut d, (5_600, 5_700), &[(Buy, Some("milk"))], plain);
        let said = [(Confirm, None), (Buy, Some("bread"))];
        let f = answer(&mut d, (5_800, 5_900), &said, worded(Some(Confirm), false));
        assert_eq!(settled(&f[0].1), (None, None), "{f:?}");
        assert_eq!(new_action(&f, 1), (Buy, "a6".into()));
        // Another kind of spend, or one said after another command.
        let f = answer(&mut d, (6_000, 6_500), &[(Donate, None)], it);
        assert_eq!(new_action(&f, 0), (Donate, "a7".into()));
        let f = answer(
            &mut d,
            (7_000, 7_500),
            &[(AddToList, None), (Donate, None)],
            it,
        );
        assert_eq!(new_action(&f, 1), (Donate, "a8".into()));
        // A cancel that names another order, and one said again when a cancel waits.
        let f = answer(
            &mut d,
            (8_000, 9_000),
            &[(CancelOrder, Some("shoes"))],
            plain,
        );
        assert_eq!(new_action(&f, 0), (CancelOrder, "a9".into()));
        let f = answer(&mut d, (10_000, 11_000), &[(CancelOrder, None)], plain);
        assert_eq!(new_action(&f, 0), (CancelOrder, "a10".into()));
        // Past its window, or in the utterance that asks.
        answer(&mut d, (12_000, 13_000), &[(Buy, Some("tea"))], plain);
        let f = answer(&mut d, (21_000, 21_500), &[(Buy, None)], it);
        assert_eq!(new_action(&f, 0), (Buy, "a12".into()));
        let f = answer(
            &mut d,
            (22_000, 23_000),
            &[(Buy, Some("tea")), (Buy, None)],
            it,
        );
        assert_eq!(f.iter().filter(|(i, _)| *i == Buy).count(), 2);
    }

    #[test]
    fn a_yes_in_the_window_confirms_the_pending_buy_once() {
        let mut d = Dialog::new(DEFAULT_CONFIRM_WINDOW_MS);
        let buy = settle(&mut d, 0, 1_500, &[Buy]);
        assert_eq!(buy[0].action_id.as_deref(), Some("a1"));
        assert_eq!(buy[0].expires_ms, Some(9_500));
        assert_eq!(buy[0].resolves, None, "a buy resolves nothing");
        let yes = settle(&mut d, 2_500, 3_000, &[Confirm]);
        assert_eq!(yes[0].resolves, Some(Some("a1".into())));
        assert_eq!(yes[0].outcome, Some(Some(Outcome::Confirmed)));
        assert_eq!(yes[0].action_id, None);
        let again = settle(&mut d, 4_000, 4_500, &[Confirm]);
        assert_eq!(again[0].resolves, Some(None), "settled once");
        assert_eq!(again[0].outcome, Some(None));
    }

    #[test]
    fn no_cancels_and_late_or_unrelated_answers_resolve_nothing() {
        let mut d = Dialog::new(DEFAULT_CONFIRM_WINDOW_MS);
        settle(&mut d, 0, 1_000, &[Donate]);
        let no = settle(&mut d, 2_000, 2_400, &[Deny]);
        assert_eq!(no[0].resolves, Some(Some("a1".into())));
        assert_eq!(no[0].outcome, Some(Some(Outcome::Cancelled)));

        settle(&mut d, 10_000, 11_000, &[Buy]);
        let late = settle(&mut d, 19_000, 19_300, &[Confirm]);
        assert_eq!(
            late[0].resolves,
            Some(None),
            "starts at the expiry: too late"
        );

        let mut fresh = Dialog::new(DEFAULT_CONFIRM_WINDOW_MS);
        assert_eq!(
            settle(&mut fresh, 0, 500, &[Confirm])[0].resolves,
            Some(None)
        );
        settle(&mut fresh, 1_000, 2_000, &[AddToList]);
        assert_eq!(
            settle(&mut fresh, 2_500, 3_000, &[Confirm])[0].resolves,
            Some(None),
            "an add_to_list asks nothing"
        );
    }

    #[test]
    fn a_new_spend_replaces_the_older_and_one_utterance_shares_one_action() {
        let mut d = Dialog::new(DEFAULT_CONFIRM_WINDOW_MS);
        settle(&mut d, 0, 1_000, &[Buy]);
        let both = settle(&mut d, 2_000, 4_000, &[Buy, AddToList, Reorder]);
        assert_eq!(both[0].action_id.as_deref(), Some("a2"));
        assert_eq!(both[2].action_id.as_deref(), Some("a2"));
        assert_eq!(both[1], DialogFields::default());
        let yes = settle(&mut d, 5_000, 5_500, &[Confirm]);
        assert_eq!(yes[0].resolves, Some(Some("a2".into())));
    }

    #[test]
    fn an_answer_in_the_asking_utterance_or_after_a_cancel_settles_nothing() {
        let mut d = Dialog::new(DEFAULT_CONFIRM_WINDOW_MS);
        let f = settle(&mut d, 0, 2_000, &[Buy, Confirm]);
        assert_eq!(f[1].resolves, Some(None), "nobody asked yet");
        assert_eq!(d.cancel_pending().as_deref(), Some("a1"));
        assert_eq!(
            settle(&mut d, 3_000, 3_500, &[Confirm])[0].resolves,
            Some(None)
        );
    }

    #[test]
    fn a_no_after_a_spend_of_its_own_utterance_takes_it_back_and_a_yes_there_confirms_nothing() {
        let mut d = Dialog::new(DEFAULT_CONFIRM_WINDOW_MS);
        let f = settle(&mut d, 0, 2_000, &[Buy, Deny]);
        assert_eq!(f[1].resolves, Some(Some("a1".into())));
        assert_eq!(f[1].outcome, Some(Some(Outcome::Cancelled)));
        assert_eq!(d.pending(), None, "nothing left to confirm");

        // A spend after the "no" is a new action; a "yes" in the same breath answers no
        // question, and the older action, replaced by the new spend, is not confirmed.
        settle(&mut d, 3_000, 4_000, &[Reorder]);
        let f = settle(&mut d, 5_000, 7_000, &[Buy, Deny, Buy, Confirm, Deny, Deny]);
        let ids: Vec<_> = f.iter().map(|x| x.action_id.as_deref()).collect();
        assert_eq!(ids, [Some("a3"), None, Some("a4"), None, None, None]);
        let settled: Vec<_> = f.iter().map(|x| x.resolves.clone().flatten()).collect();
        let a3 = Some("a3".to_string());
        let a4 = Some("a4".to_string());
        assert_eq!(settled, [None, a3, None, None, a4, None], "each once");
        assert_eq!(d.pending(), None);

        // After a command that asks nothing, an answer is about it, not an older spend; one
        // before any command of its utterance answers the older one.
        settle(&mut d, 7_500, 7_900, &[Donate]);
        let f = settle(&mut d, 8_000, 8_500, &[AddToList, Confirm, Deny]);
        assert_eq!(
            (f[1].resolves.clone(), f[2].resolves.clone()),
            (Some(None), Some(None))
        );
        let f = settle(&mut d, 8_600, 9_000, &[Confirm, AddToList]);
        assert_eq!(f[0].resolves, Some(Some("a5".into())));

        settle(&mut d, 9_000, 9_500, &[Reorder]);
        let f = settle(&mut d, 10_000, 11_000, &[Buy, Confirm]);
        assert_eq!(
            f[1].resolves,
            Some(None),
            "neither the new nor the replaced one"
        );
        assert_eq!(d.pending().map(|p| p.action_id.as_str()), Some("a7"));
    }

    #[test]
    fn a_replaced_utterance_withdraws_its_action_and_its_id_is_not_reused() {
        let mut d = Dialog::new(DEFAULT_CONFIRM_WINDOW_MS);
        settle(&mut d, 0, 1_000, &[Buy]);
        let before = d.clone();
        settle(&mut d, 2_000, 3_000, &[Buy]);
        d.restore(&before);
        let joined = settle(&mut d, 2_000, 4_000, &[Buy]);
        assert_eq!(joined[0].action_id.as_deref(), Some("a3"));
        d.restore(&before);
        assert_eq!(d.pending().map(|p| p.action_id.as_str()), Some("a1"));
    }

    #[test]
    fn confirm_and_deny_always_carry_resolves_and_outcome_as_null() {
        let mut d = Dialog::new(DEFAULT_CONFIRM_WINDOW_MS);
        let f = settle(&mut d, 0, 500, &[Deny]);
        assert_eq!(
            serde_json::to_string(&f[0]).unwrap(),
            r#"{"resolves":null,"outcome":null}"#
        );
        let g = settle(&mut d, 600, 900, &[ReadList]);
        assert_eq!(serde_json::to_string(&g[0]).unwrap(), "{}");
    }
}
