//! The spending dialog of DOMAIN.md: a command that needs confirmation becomes the one
//! pending action of its stream, and a later "yes" or "no" settles it, once, within its
//! window. The recogniser only reports; a consumer spends only on `outcome: "confirmed"`.

use crate::intent::Intent;

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

/// The action waiting for an answer.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Pending {
    pub action_id: String,
    pub expires_ms: u64,
    /// Start of the utterance that asked for it: only a later utterance can answer.
    #[serde(skip)]
    asked_at_ms: u64,
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

    /// The dialog fields of an utterance's commands, in spoken order. The utterance spans
    /// `[start_ms, end_ms]` of stream time. All the spend commands of one utterance share
    /// one new action, which replaces an older one at once. A confirm or deny settles an
    /// action asked in an earlier utterance (the speaker must have had the chance to ask)
    /// when it comes before any command of its own utterance; after one, it is about that
    /// command: a "no" after a spend takes it back ("Buy milk. No, forget it."), since
    /// cancelling needs no question, and otherwise it settles nothing ("Add bread, yes."
    /// confirms no older purchase).
    pub fn settle(&mut self, start_ms: u64, end_ms: u64, intents: &[Intent]) -> Vec<DialogFields> {
        // This utterance's action; `Some(None)` once a "no" of this utterance took it back.
        let mut said_here: Option<Option<Pending>> = None;
        let mut after_command = false;
        let fields = intents
            .iter()
            .map(|&intent| match intent {
                Intent::Confirm | Intent::Deny => {
                    let settled = match &mut said_here {
                        Some(action) if intent == Intent::Deny => action.take(),
                        _ if after_command => None,
                        _ => self
                            .pending
                            .take_if(|p| p.asked_at_ms < start_ms && start_ms < p.expires_ms),
                    };
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
                        }
                    });
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
            })
            .collect();
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

    fn settle(d: &mut Dialog, start: u64, end: u64, i: &[Intent]) -> Vec<DialogFields> {
        d.settle(start, end, i)
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
