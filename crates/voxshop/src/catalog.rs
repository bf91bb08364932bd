//! The household's catalogue (DOMAIN.md "Catalogue"): the names a household uses, so that a
//! slot value the speech model misheard ("call gate", "haggis", "durasoul") is written as the
//! household writes it ("colgate", "huggies", "duracell").
//!
//! A value resolves to an entry of its own kind when they are spelled alike, or sound alike
//! by an English (Double Metaphone) or French phonetic key while still sharing much of their
//! spelling; otherwise it is left as heard. Exact names and `[aliases]` come first.

use crate::intent::features::{Gazetteer, NameMark};
use crate::intent::{Intent, IntentResult, SlotKind, Slots};
use crate::stt::Lang;
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

/// Errors reading a catalogue: the file, and what is wrong where.
#[derive(Debug, thiserror::Error)]
#[error("catalogue {path}: {reason}")]
pub struct CatalogError {
    pub path: PathBuf,
    pub reason: String,
}

/// A catalogue file larger than this is not a household's.
const MAX_FILE_BYTES: u64 = 8 << 20;
/// Most entries of all kinds together.
const MAX_ENTRIES: usize = 100_000;
/// Longest name.
const MAX_NAME_CHARS: usize = 200;

/// The file as DOMAIN.md writes it: every key optional, each an array of strings.
#[derive(serde::Deserialize, Default)]
#[serde(deny_unknown_fields, default)]
struct CatalogFile {
    lang: Option<String>,
    items: Vec<String>,
    brands: Vec<String>,
    merchants: Vec<String>,
    charities: Vec<String>,
    contacts: Vec<String>,
    lists: Vec<String>,
    aliases: BTreeMap<String, String>,
}

/// One name, with the keys it is matched by.
#[derive(Debug, Clone)]
struct Entry {
    /// What a slot that names it is written as: the file's spelling, lower-cased (DOMAIN.md).
    value: String,
    /// As the file writes it (the recogniser is steered toward this spelling).
    spelling: String,
    /// Its words as `normalize` writes them.
    words: String,
    letters: String,
    /// The letters with "&" said as French says it ("et"); the same as `letters` without one.
    letters_fr: String,
    en_key: [String; 2],
    fr_key: String,
}

impl Entry {
    fn new(spelling: &str) -> Self {
        let name = normalize(spelling);
        let letters = letters(&name);
        let name_fr = normalize(&spelling.replace('&', " et "));
        Self {
            value: spelling
                .to_lowercase()
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" "),
            spelling: spelling.trim().to_string(),
            en_key: en_key(&letters),
            words: name,
            fr_key: fr_key(&name_fr),
            letters_fr: self::letters(&name_fr),
            letters,
        }
    }
}

/// A loaded catalogue, ready to resolve slot values.
#[derive(Debug, Clone, Default)]
pub struct Catalog {
    pub lang: Option<Lang>,
    entries: HashMap<SlotKind, Vec<Entry>>,
    /// Letters of a hearing or spelling -> (kind, canonical name).
    exact: HashMap<String, (SlotKind, String)>,
}

/// The slot kinds a catalogue names, with their keys in the file.
const KINDS: [(SlotKind, &str); 6] = [
    (SlotKind::Item, "items"),
    (SlotKind::Brand, "brands"),
    (SlotKind::Merchant, "merchants"),
    (SlotKind::Charity, "charities"),
    (SlotKind::Contact, "contacts"),
    (SlotKind::List, "lists"),
];

impl Catalog {
    pub fn from_toml_file(path: &Path) -> Result<Self, CatalogError> {
        use std::io::Read;
        let err = |reason: String| CatalogError {
            path: path.to_owned(),
            reason,
        };
        let file = std::fs::File::open(path).map_err(|e| err(e.to_string()))?;
        let mut bytes = Vec::new();
        file.take(MAX_FILE_BYTES + 1)
            .read_to_end(&mut bytes)
            .map_err(|e| err(e.to_string()))?;
        if bytes.len() as u64 > MAX_FILE_BYTES {
            return Err(err(format!("larger than {MAX_FILE_BYTES} bytes")));
        }
        let text = String::from_utf8(bytes).map_err(|e| err(format!("not UTF-8 text: {e}")))?;
        Self::from_toml_str(&text).map_err(err)
    }

    /// Parses and checks a catalogue; the error says where (line and key) and what.
    pub fn from_toml_str(text: &str) -> Result<Self, String> {
        let file: CatalogFile = toml::from_str(text).map_err(|e| e.to_string())?;
        let lang = match file.lang.as_deref() {
            None => None,
            Some(l) => Some(
                l.parse::<Lang>()
                    .map_err(|_| format!("lang = {l:?}: expected \"en\" or \"fr\""))?,
            ),
        };
        let mut c = Catalog {
            lang,
            ..Default::default()
        };
        let lists = [
            &file.items,
            &file.brands,
            &file.merchants,
            &file.charities,
            &file.contacts,
            &file.lists,
        ];
        let total: usize = lists.iter().map(|l| l.len()).sum();
        if total > MAX_ENTRIES {
            return Err(format!("{total} entries (at most {MAX_ENTRIES})"));
        }
        for ((kind, key), names) in KINDS.into_iter().zip(lists) {
            let mut entries = Vec::with_capacity(names.len());
            for (i, name) in names.iter().enumerate() {
                let chars = name.chars().count();
                if letters(&normalize(name)).is_empty() || chars > MAX_NAME_CHARS {
                    return Err(format!(
                        "{key}[{i}] = {name:?}: a name needs letters or digits, at most {MAX_NAME_CHARS} characters"
                    ));
                }
                let e = Entry::new(name);
                for key in [&e.letters, &e.letters_fr] {
                    c.exact
                        .entry(key.clone())
                        .or_insert((kind, e.value.clone()));
                }
                entries.push(e);
            }
            c.entries.insert(kind, entries);
        }
        c.add_written_forms();
        for (hearing, target) in &file.aliases {
            let t = letters(&normalize(target));
            let Some(found) = c.exact.get(&t).cloned() else {
                return Err(format!(
                    "aliases.{hearing:?} = {target:?}: {target:?} is not an entry of the catalogue"
                ));
            };
            let h = letters(&normalize(hearing));
            if h.is_empty() {
                return Err(format!("aliases.{hearing:?}: a hearing needs letters"));
            }
            c.exact.insert(h, found);
        }
        Ok(c)
    }

    /// Each entry is also found with a word of its name as the speech model may write it
    /// (`[written_as]` in `domain.toml`: the "barbecue" list heard "BBQ list", a "bbq" list
    /// heard "barbecue"), unless that spelling is another entry's.
    fn add_written_forms(&mut self) {
        let domain = crate::intent::domain::domain();
        for (kind, entries) in &self.entries {
            for e in entries {
                let words: Vec<&str> = e.words.split(' ').collect();
                for (i, word) in words.iter().enumerate() {
                    for form in domain.written_alike(word) {
                        let mut written = words.clone();
                        written[i] = form;
                        self.exact
                            .entry(letters(&written.join(" ")))
                            .or_insert((*kind, e.value.clone()));
                    }
                }
            }
        }
    }

    /// Whether the catalogue speaks `lang` (a catalogue without `lang` speaks both).
    pub fn applies_to(&self, lang: Lang) -> bool {
        self.lang.is_none_or(|l| l == lang)
    }

    /// Every entry's name as the file writes it, proper nouns first (brands, merchants,
    /// charities, contacts, then items and lists): the order an initial prompt takes them in.
    pub fn spellings(&self) -> impl Iterator<Item = &str> {
        const ORDER: [SlotKind; 6] = [
            SlotKind::Brand,
            SlotKind::Merchant,
            SlotKind::Charity,
            SlotKind::Contact,
            SlotKind::Item,
            SlotKind::List,
        ];
        ORDER
            .into_iter()
            .filter_map(|k| self.entries.get(&k))
            .flatten()
            .map(|e| e.spelling.as_str())
    }

    /// Entries of all kinds.
    pub fn len(&self) -> usize {
        self.entries.values().map(Vec::len).sum()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The catalogue's spelling of `value` heard as a slot of `kind`, if it names an entry.
    pub fn resolve(&self, kind: SlotKind, value: &str) -> Option<&str> {
        self.resolve_scored(kind, value).map(|(_, name)| name)
    }

    /// [`Catalog::resolve`], with how near the entry is: its spelling's similarity plus its
    /// sound's (1 when the keys are the same; 3 for an exact hearing).
    fn resolve_scored(&self, kind: SlotKind, value: &str) -> Option<(f64, &str)> {
        let words = normalize(value);
        let heard = letters(&words);
        if heard.is_empty() {
            return None;
        }
        if let Some((k, name)) = self.exact.get(&heard) {
            return (*k == kind).then_some((3.0, name.as_str()));
        }
        let (en, fr) = (en_key(&heard), fr_key(&words));
        self.entries
            .get(&kind)?
            .iter()
            .filter_map(|e| {
                let spelling = strsim::normalized_levenshtein(&heard, &e.letters)
                    .max(strsim::normalized_levenshtein(&heard, &e.letters_fr));
                let sounds_en = en
                    .iter()
                    .any(|a| e.en_key.iter().any(|b| sounds_alike(a, b)));
                let sounds = sounds_en || sounds_alike(&fr, &e.fr_key);
                let near = sound_nearness(&en, &e.en_key, MIN_NEAR_SOUNDS);
                let short_alike = en
                    .iter()
                    .any(|a| e.en_key.iter().any(|b| a.len() == 2 && a == b));
                let close = spelling >= SPELLING_ALONE
                    || (sounds && spelling >= WITH_SOUND)
                    || (sounds_en && is_name(kind) && spelling >= NAME_WITH_SOUND)
                    || (is_name(kind) && near >= NAME_SOUNDS_NEAR && spelling >= WITH_SOUND)
                    || (kind != SlotKind::Item && short_alike && spelling >= SHORT_NAME_WITH_SOUND);
                let sound = if sounds || short_alike { 1.0 } else { near };
                (close && !names_more_than(&words, e)).then_some((spelling + sound, e))
            })
            .max_by(|a, b| a.0.total_cmp(&b.0))
            .map(|(score, e)| (score, e.value.as_str()))
    }

    /// The entry of `kind` whose slot value is `value`.
    fn entry(&self, kind: SlotKind, value: &str) -> Option<&Entry> {
        self.entries.get(&kind)?.iter().find(|e| e.value == value)
    }

    /// Whether `value` is an entry of `kind` as the catalogue writes a slot that names it.
    pub fn names_entry(&self, kind: SlotKind, value: &str) -> bool {
        self.entries
            .get(&kind)
            .is_some_and(|es| es.iter().any(|e| e.value == value))
    }

    /// Up to `k` entries of `kind` that a value no entry resolves may still be, nearest
    /// first, as `(slot value, spelling)`: by spelling or by English sounds, too loosely to
    /// be taken on that alone (the audio decides between them: `Stt::score_readings`).
    pub fn entries_near(&self, kind: SlotKind, value: &str, k: usize) -> Vec<(&str, &str)> {
        let mut near = self.entries_near_scored(kind, value);
        near.truncate(k);
        near.into_iter()
            .map(|(_, e)| (e.value.as_str(), e.spelling.as_str()))
            .collect()
    }

    /// Every entry of `kind` near `value` (see `entries_near`), with how near, nearest first.
    fn entries_near_scored(&self, kind: SlotKind, value: &str) -> Vec<(f64, &Entry)> {
        let heard = letters(&normalize(value));
        if heard.chars().count() < MIN_MARKED_LETTERS {
            return Vec::new();
        }
        let en = en_key(&heard);
        let words = normalize(value);
        let mut near: Vec<(f64, &Entry)> = self
            .entries
            .get(&kind)
            .into_iter()
            .flatten()
            .filter(|e| !same_name_narrower_or_wider(&words, &e.words))
            .map(|e| {
                let spelling = strsim::normalized_levenshtein(&heard, &e.letters)
                    .max(strsim::normalized_levenshtein(&heard, &e.letters_fr));
                let sound = en
                    .iter()
                    .flat_map(|a| e.en_key.iter().map(move |b| (a, b)))
                    .filter(|(a, b)| !a.is_empty() && !b.is_empty())
                    .map(|(a, b)| strsim::normalized_levenshtein(a, b))
                    .fold(0.0, f64::max);
                (spelling.max(sound), e)
            })
            .filter(|(score, _)| *score >= MAY_BE_NEAR)
            .collect();
        near.sort_by(|a, b| b.0.total_cmp(&a.0));
        near
    }

    /// Resolves the slots of an utterance's commands in `lang` (nothing when the catalogue
    /// speaks another language), `text` being what they were read from: the one rule for the
    /// pipeline and `classify`.
    pub fn resolve_commands(&self, commands: &mut [IntentResult], lang: Lang, text: &str) {
        if !self.applies_to(lang) {
            return;
        }
        let words: Vec<String> = normalize(text)
            .split(' ')
            .filter(|w| !w.is_empty())
            .map(String::from)
            .collect();
        // A value is looked for where its words first stand, which may be another
        // command's words when there are several: only one command's brand is looked for.
        let one_command = commands.len() == 1;
        for c in commands {
            let allowed = c.intent.allowed_slots();
            self.widen_names(&mut c.slots, allowed, &words, lang);
            if one_command {
                self.brand_said_before_item(&mut c.slots, allowed, &words, lang);
                self.name_left_out(c.intent, &mut c.slots, &words, lang);
            }
            self.resolve_slots(&mut c.slots, allowed);
        }
    }

    /// Name values no entry resolves, heard again: the entries near each (`entries_near`,
    /// also with words after it: `near_with_words_after`) are put in its place in `text`,
    /// `score(said, readings)` says how likely the audio makes each reading (the text as
    /// heard first), and the likeliest entry replaces the value when its reading is at most
    /// `margin` (nats) less likely than the text as heard. Only a name the tagger put in a
    /// slot is looked at, and only entries of that slot's kind: audio that names nothing
    /// keeps what it was heard as.
    ///
    /// A value `resolve_commands` made an entry of other words (`as_heard` holds the commands
    /// before it: "panic" -> panko by sound) is heard again too, that entry among those near
    /// the words: another replaces it only when the audio makes it likelier still.
    pub fn hear_names(
        &self,
        commands: &mut [IntentResult],
        as_heard: &[IntentResult],
        lang: Lang,
        text: &str,
        margin: f32,
        score: &mut ScoreNames,
    ) {
        if !self.applies_to(lang) {
            return;
        }
        // A brand is looked for in words before an item of one command only, as in
        // `resolve_commands`: those words may be another command's.
        let one_command = commands.len() == 1;
        let as_heard = as_heard.iter().map(Some).chain(std::iter::repeat(None));
        for (c, as_heard) in commands.iter_mut().zip(as_heard) {
            let allowed = c.intent.allowed_slots();
            for kind in NAME_KINDS.into_iter().filter(|k| allowed.contains(k)) {
                let heard = as_heard.and_then(|h| slot_text(&h.slots, kind));
                self.hear_name_again(
                    &mut c.slots,
                    allowed,
                    kind,
                    heard,
                    text,
                    lang,
                    margin,
                    score,
                );
            }
            if one_command && c.slots.brand.is_none() && allowed.contains(&SlotKind::Brand) {
                let item = [
                    c.slots.item.as_deref(),
                    as_heard.and_then(|h| h.slots.item.as_deref()),
                ];
                let item = item.into_iter().flatten().find_map(|v| span_of(text, v));
                if let Some(item) = item {
                    let others = other_values(&c.slots, SlotKind::Brand);
                    self.hear_brand_before_item(
                        &mut c.slots,
                        text,
                        item,
                        &others,
                        lang,
                        margin,
                        score,
                    );
                }
            }
        }
    }

    /// The slot of `kind` heard again (`hear_names`), `heard` being its words before
    /// resolution.
    #[allow(clippy::too_many_arguments)]
    fn hear_name_again(
        &self,
        slots: &mut Slots,
        allowed: &[SlotKind],
        kind: SlotKind,
        heard: Option<&str>,
        text: &str,
        lang: Lang,
        margin: f32,
        score: &mut ScoreNames,
    ) {
        let Some(mut value) = slot_text(slots, kind).map(str::to_string) else {
            return;
        };
        let mut resolved = None;
        if self.names_entry(kind, &value) {
            match heard.and_then(|w| Some((w, self.entry(kind, self.resolve(kind, w)?)?))) {
                Some((w, e)) if e.value == value && w != value => {
                    resolved = Some(e);
                    value = w.to_string();
                }
                _ => return,
            }
        }
        let Some(span) = span_of(text, &value) else {
            return;
        };
        if resolved.is_none()
            && kind == SlotKind::Item
            && slots.brand.is_none()
            && allowed.contains(&SlotKind::Brand)
            && self.hear_brand_in_front(slots, text, span.clone(), margin, score)
        {
            return;
        }
        let others = other_values(slots, kind);
        let mut near = self.near_with_words_after(kind, text, span.clone(), &others, lang);
        if let Some(r) = resolved {
            if !near.iter().any(|(e, _)| std::ptr::eq(*e, r)) {
                near.push((r, span.clone()));
            }
        }
        if near.is_empty() {
            return;
        }
        let readings = readings_in_place(text, &near);
        // How sure the model was is asked of every word an entry would replace: the tagger's
        // value may be heard sure and the words after it not ("Edo | N").
        let replaced = span.start..near.iter().map(|(_, w)| w.end).fold(span.end, usize::max);
        // Brands and shops are the proper names the model spells as English words it is sure
        // of ("ammo" for Amul, "night" for Nike); for the other kinds a sure hearing is mostly
        // right and the audio's near tie invents (README, "Session 44").
        let sure_too = matches!(kind, SlotKind::Brand | SlotKind::Merchant);
        let Some(heard) =
            score(replaced, &readings, sure_too).filter(|h| h.evidence.len() == readings.len())
        else {
            return;
        };
        let scores = &heard.evidence;
        // Each entry's audio evidence, plus what its sounds say: a hearing the model was unsure
        // of that spells an entry's sounds its own way ("sopicate", Saupiquet) is likelier that
        // entry than the audio alone says, as a noisy channel's prior would have it; a name
        // heard near sure ("Gillette") is not.
        let prior = SOUND_PRIOR * unsure(heard.heard_logprob);
        let Some((best, top)) = scores[1..]
            .iter()
            .zip(&near)
            .map(|(s, (e, wide))| s + prior * sound_kinship(&text[wide.clone()], e) as f32)
            .enumerate()
            .max_by(|a, b| a.1.total_cmp(&b.1))
        else {
            return;
        };
        let entry = &near[best].0.value;
        tracing::debug!(text, value, ?scores, entry, top, "name heard again");
        if top >= scores[0] - margin && resolved.is_none_or(|r| r.value != *entry) {
            *text_slot(slots, kind) = Some(entry.clone());
        }
    }

    /// A brand said right before the item and left out of every slot, heard as words no
    /// entry is spelled near enough for `brand_said_before_item` ("valley the | lactose-free
    /// milk" for Valio, "lean and prawns | worcestershire sauce" for Lea & Perrins): the
    /// brands near the last one to three words before the item, in its sentence and in no
    /// other slot, are heard in their place, and the likeliest within `margin` of the words
    /// heard is the brand. The audio alone decides, as in `hear_brand_in_front`.
    #[allow(clippy::too_many_arguments)]
    fn hear_brand_before_item(
        &self,
        slots: &mut Slots,
        text: &str,
        item: std::ops::Range<usize>,
        others: &[String],
        lang: Lang,
        margin: f32,
        score: &mut ScoreNames,
    ) {
        let domain = crate::intent::domain::domain();
        let mut spans = Vec::new();
        let mut start = item.start;
        let end = text[..item.start].trim_end().len();
        for _ in 0..MAX_BRAND_WORDS_BEFORE {
            let rest = &text[..start];
            let trimmed = rest.trim_end();
            if trimmed.len() == rest.len() && !rest.is_empty() {
                break; // punctuation before the item: a sentence or a clause ends there
            }
            let word_start = trimmed
                .rfind(|c: char| !(c.is_alphanumeric() || c == '\'' || c == '-'))
                .map_or(0, |i| {
                    i + trimmed[i..].chars().next().map_or(1, char::len_utf8)
                });
            if word_start == trimmed.len() {
                break;
            }
            let word = normalize(&trimmed[word_start..]);
            if others.iter().any(|v| v.split(' ').any(|w| w == word)) {
                break;
            }
            // The number said before the item is its quantity ("buy me two | phone
            // chargers" read as "tuc", a brand, 2.8 nats under the words heard).
            if slots.quantity.is_some() && crate::intent::normalize::parse_number(&word).is_some() {
                break;
            }
            start = word_start;
            // Nor at a sentence's first word, where the command's verb is ("I've used |
            // storage boxes" for "Buy me"), as the steering begins no name there.
            let opens = text[..start]
                .trim_end()
                .chars()
                .next_back()
                .is_none_or(|c| matches!(c, '.' | '?' | '!'));
            if !domain.leads_on_in(&word, lang) && !opens {
                spans.push(start..end);
            }
        }
        let near = self.nearest_entries(SlotKind::Brand, text, spans);
        let replaced = near.iter().map(|(_, w)| w.start).fold(end, usize::min)..end;
        if let Some(entry) = likeliest_by_audio(text, &near, replaced, margin, score) {
            slots.brand = Some(entry.value.clone());
        }
    }

    /// An item value no entry resolves whose last words are an item of the catalogue and
    /// whose first are a brand the speech model spelled its own way ("sagrant hand soap" for
    /// Sagrotan, "cava tuna" for Calvo; `brand_in_front` takes only a brand spelled near
    /// enough): the brands near those first words are heard again as `hear_names` hears a
    /// value, and the likeliest within `margin` becomes the brand, the rest the item. The
    /// longest run of last words that resolves is the item.
    fn hear_brand_in_front(
        &self,
        slots: &mut Slots,
        text: &str,
        span: std::ops::Range<usize>,
        margin: f32,
        score: &mut ScoreNames,
    ) -> bool {
        let cut = word_cuts(&text[span.clone()]).find_map(|(front, rest)| {
            let item = self.resolve(SlotKind::Item, rest)?;
            Some((span.start..span.start + front.len(), item.to_string()))
        });
        let Some((front, item)) = cut else {
            return false;
        };
        let near: Vec<(&Entry, std::ops::Range<usize>)> = self
            .entries_near_scored(SlotKind::Brand, &text[front.clone()])
            .into_iter()
            .take(NEAR_ENTRIES)
            .map(|(_, e)| (e, front.clone()))
            .collect();
        let Some(entry) = likeliest_by_audio(text, &near, front, margin, score) else {
            return false;
        };
        slots.brand = Some(entry.value.clone());
        slots.item = Some(item);
        true
    }

    /// The `NEAR_ENTRIES` entries of `kind` nearest the value at `span` of `text`, each with
    /// the words it would take the place of: the value, or the value and up to
    /// `MAX_WIDENING` words after it that no other slot holds, in the same sentence, ending
    /// on a word a name may end on (the tagger cut a misheard name short: "edo | n" for Ito En).
    fn near_with_words_after(
        &self,
        kind: SlotKind,
        text: &str,
        span: std::ops::Range<usize>,
        others: &[String],
        lang: Lang,
    ) -> Vec<(&Entry, std::ops::Range<usize>)> {
        let domain = crate::intent::domain::domain();
        let mut spans = vec![span.clone()];
        let mut end = span.end;
        for _ in 0..MAX_HEARD_WIDENING {
            let rest = &text[end..];
            let gap = rest.len() - rest.trim_start().len();
            if gap == 0 && !rest.is_empty() {
                break; // punctuation after the name: a sentence or a clause ends there
            }
            let word_len = rest[gap..]
                .find(|c: char| !(c.is_alphanumeric() || c == '\'' || c == '-'))
                .unwrap_or(rest.len() - gap);
            if word_len == 0 {
                break;
            }
            let word = normalize(&rest[gap..gap + word_len]);
            if others.iter().any(|v| v.split(' ').any(|w| w == word)) {
                break;
            }
            end += gap + word_len;
            if !domain.ends_no_name_in(&word, lang) {
                spans.push(span.start..end);
            }
        }
        // Each entry with the words nearest it: by `entries_near_scored`, then by spelling, which tells
        // spans apart where sound keys, cut at `en_key`'s length, are alike ("made this in
        // sense | frontiers" for Médecins Sans Frontières).
        self.nearest_entries(kind, text, spans)
    }

    /// The `NEAR_ENTRIES` entries of `kind` nearest one of the `spans` of `text`, each with
    /// the span it is nearest.
    fn nearest_entries(
        &self,
        kind: SlotKind,
        text: &str,
        spans: Vec<std::ops::Range<usize>>,
    ) -> Vec<(&Entry, std::ops::Range<usize>)> {
        let mut near: Vec<((f64, f64), &Entry, std::ops::Range<usize>)> = Vec::new();
        for wide in spans {
            let heard = letters(&normalize(&text[wide.clone()]));
            for (score, e) in self.entries_near_scored(kind, &text[wide.clone()]) {
                let score = (score, strsim::normalized_levenshtein(&heard, &e.letters));
                match near.iter_mut().find(|(_, n, _)| std::ptr::eq(*n, e)) {
                    Some(n) if n.0 >= score => {}
                    Some(n) => *n = (score, e, wide.clone()),
                    None => near.push((score, e, wide.clone())),
                }
            }
        }
        near.sort_by(|a, b| b.0 .0.total_cmp(&a.0 .0));
        near.truncate(NEAR_ENTRIES);
        near.into_iter().map(|(_, e, wide)| (e, wide)).collect()
    }

    /// A name value that names no entry, but does with up to `MAX_WIDENING` words of the
    /// text around it, becomes that entry: the tagger cut a misheard name short ("land |
    /// oleg's" for "land o lakes") or split it at "and" ("crete and barrel"). A slot value
    /// the wider name takes in is part of it and is dropped. The entry may be of another
    /// name kind of the intent ("seed discount" tagged an item, a merchant's name).
    fn widen_names(&self, slots: &mut Slots, allowed: &[SlotKind], words: &[String], lang: Lang) {
        for kind in NAME_KINDS {
            let Some(value) = text_slot(slots, kind).clone() else {
                continue;
            };
            if self.resolve(kind, &value).is_some() {
                continue;
            }
            let Some(span) = find_words(words, &value) else {
                continue;
            };
            let Some((found, name, wide)) = self.widened(kind, slots, allowed, words, span, lang)
            else {
                continue;
            };
            for other in NAME_KINDS {
                let Some(value) = text_slot(slots, other).clone() else {
                    continue;
                };
                if find_words(&words[wide.clone()], &value).is_some() {
                    *text_slot(slots, other) = None;
                } else if let Some(rest) =
                    find_words(words, &value).and_then(|r| outside(r, wide.clone()))
                {
                    // The wider name took its first or last words ("australia | dam lager").
                    *text_slot(slots, other) = Some(words[rest].join(" "));
                }
            }
            *text_slot(slots, found) = Some(name);
        }
    }

    /// A brand of the catalogue said right before the item and left out of every slot ("add
    /// wasa crispbread", "some coat door chocolate": the tagger took only the item) is the
    /// command's brand when it has none: spelled as the catalogue spells it, or near an
    /// entry as a slot value is, on words that may bound a name.
    fn brand_said_before_item(
        &self,
        slots: &mut Slots,
        allowed: &[SlotKind],
        words: &[String],
        lang: Lang,
    ) {
        if slots.brand.is_some() || !allowed.contains(&SlotKind::Brand) {
            return;
        }
        let Some(item) = slots.item.as_deref().and_then(|v| find_words(words, v)) else {
            return;
        };
        let taken = |range: std::ops::Range<usize>| {
            NAME_KINDS.into_iter().any(|k| {
                slot_text(slots, k)
                    .and_then(|v| find_words(words, v))
                    .is_some_and(|r| r.start < range.end && range.start < r.end)
            })
        };
        let said = |range: std::ops::Range<usize>| {
            let heard = words[range.clone()].join(" ");
            let key = letters(&heard);
            if key.chars().count() < MIN_MARKED_LETTERS || taken(range.clone()) {
                return None;
            }
            if let Some((kind, name)) = self.exact.get(&key) {
                return (*kind == SlotKind::Brand).then(|| name.clone());
            }
            may_bound_name(words, range, lang)
                .then(|| self.resolve(SlotKind::Brand, &heard))
                .flatten()
                .map(String::from)
        };
        let brand =
            (1..=MAX_NAME_WORDS.min(item.start)).find_map(|n| said(item.start - n..item.start));
        if brand.is_some() {
            slots.brand = brand;
        }
    }

    /// The charity or contact a command needs and the tagger left out ("donate ten euros
    /// to | oxm |"): the one entry of that kind that one or two of the words in no slot
    /// name, by the same nearness as a slot value's. Only these proper names: an item or
    /// brand word is too often a common word.
    fn name_left_out(&self, intent: Intent, slots: &mut Slots, words: &[String], lang: Lang) {
        let domain = crate::intent::domain::domain();
        let needs = &domain.intent(intent).needs;
        let taken: Vec<std::ops::Range<usize>> = NAME_KINDS
            .into_iter()
            .chain([SlotKind::List])
            .filter_map(|k| slot_text(slots, k).and_then(|v| find_words(words, v)))
            .collect();
        for kind in [SlotKind::Charity, SlotKind::Contact] {
            if !needs.contains(&kind) || text_slot(slots, kind).is_some() {
                continue;
            }
            let mut found: Vec<&str> = (0..words.len())
                .flat_map(|i| (i + 1..=(i + 2).min(words.len())).map(move |e| i..e))
                .filter(|r| !taken.iter().any(|t| t.start < r.end && r.start < t.end))
                .filter(|r| {
                    may_bound_name(words, r.clone(), lang)
                        && letters(&words[r.clone()].join(" ")).chars().count()
                            >= MIN_MARKED_LETTERS
                })
                .filter_map(|r| self.resolve(kind, &words[r].join(" ")))
                .collect();
            found.sort_unstable();
            found.dedup();
            if let [one] = found[..] {
                *text_slot(slots, kind) = Some(one.to_string());
            }
        }
    }

    /// The narrowest widening of `span` in `words` that names an entry of `kind`, or of
    /// another name kind of the intent, with its kind, name and words. A name neither
    /// begins nor ends on a word names do not in the utterance's language ("the", "to",
    /// "and", "please"; an English transcript's "mon" may end one: "masons do mon").
    fn widened(
        &self,
        kind: SlotKind,
        slots: &Slots,
        allowed: &[SlotKind],
        words: &[String],
        span: std::ops::Range<usize>,
        lang: Lang,
    ) -> Option<(SlotKind, String, std::ops::Range<usize>)> {
        let kinds = std::iter::once(kind).chain(
            NAME_KINDS
                .into_iter()
                .filter(move |k| *k != kind && allowed.contains(k)),
        );
        let kinds: Vec<SlotKind> = kinds.collect();
        for extra in 1..=MAX_WIDENING {
            for before in 0..=extra {
                let after = extra - before;
                let (Some(start), end) = (span.start.checked_sub(before), span.end + after) else {
                    continue;
                };
                if end > words.len() {
                    continue;
                }
                let heard = words[start..end].join(" ");
                // Spelled letter for letter as an entry, a name may begin on an article the
                // recogniser split from it ("a sahi" for Asahi).
                let spelled = self.exact.contains_key(&letters(&normalize(&heard)));
                if !spelled && !may_bound_name(words, start..end, lang) {
                    continue;
                }
                let wide = start..end;
                for &k in &kinds {
                    // Another kind's slot is taken only when empty or inside the wider name.
                    let free = k == kind
                        || slot_text(slots, k)
                            .is_none_or(|v| find_words(&words[wide.clone()], v).is_some());
                    if !free {
                        continue;
                    }
                    if let Some(name) = self.resolve(k, &heard) {
                        return Some((k, name.to_string(), wide));
                    }
                }
            }
        }
        None
    }

    /// Rewrites the text slots that name an entry in the catalogue's spelling (a catalogue with
    /// a `lang` only for utterances in that language: see `applies_to`). An item heard
    /// with a misheard brand in front of it ("durasoul batteries") gives that brand its own
    /// slot when the intent carries one (`allowed`: DOMAIN.md's slots of the intent), and a
    /// brand heard with the item run into it ("hellmann's manaze") gives the item back.
    pub fn resolve_slots(&self, slots: &mut Slots, allowed: &[SlotKind]) {
        // The one value that may hold both a brand and an item.
        let run_together = if slots.brand.is_none() && allowed.contains(&SlotKind::Brand) {
            slots.item.as_deref()
        } else if slots.item.is_none() && allowed.contains(&SlotKind::Item) {
            slots.brand.as_deref()
        } else {
            None
        };
        if let Some((brand, item)) = run_together.and_then(|v| self.brand_in_front(v)) {
            slots.brand = Some(brand);
            slots.item = Some(item);
        }
        self.resolve_each(slots);
    }

    /// "durasoul batteries" -> ("duracell", "batteries"): the longest run of first words that
    /// is a brand of the catalogue, when the whole is no item of it, nor a brand as near as
    /// those words are to theirs ("estrella dam lager" is near "estrella damm" by its first
    /// sounds, "estrella dam" nearer).
    fn brand_in_front(&self, item: &str) -> Option<(String, String)> {
        if self.resolve(SlotKind::Item, item).is_some() {
            return None;
        }
        let whole = self
            .resolve_scored(SlotKind::Brand, item)
            .map(|(score, _)| score);
        word_cuts(item).rev().find_map(|(front, rest)| {
            if letters(front).chars().count() < 4 {
                return None;
            }
            // Words joined by a hyphen are one word unless the rest is an item ("hands-on
            // e-poster" is not "hunt's").
            let hyphen = item[front.len()..].starts_with('-');
            if hyphen && self.resolve(SlotKind::Item, rest).is_none() {
                return None;
            }
            let (score, brand) = self.resolve_scored(SlotKind::Brand, front)?;
            if whole.is_some_and(|w| w >= score) {
                return None;
            }
            Some((brand.to_string(), rest.to_string()))
        })
    }

    fn resolve_each(&self, slots: &mut Slots) {
        for (kind, value) in [
            (SlotKind::Item, &mut slots.item),
            (SlotKind::Brand, &mut slots.brand),
            (SlotKind::Merchant, &mut slots.merchant),
            (SlotKind::Charity, &mut slots.charity),
            (SlotKind::Contact, &mut slots.contact),
            (SlotKind::List, &mut slots.list),
        ] {
            if let Some(v) = value.as_mut() {
                if let Some(name) = self.resolve(kind, v) {
                    *v = name.to_string();
                }
            }
        }
    }
}

/// The readings a name is heard again as: `text` as heard, then `text` with each entry's
/// spelling in place of its words, each with the byte up to which it is scored: the same point
/// of the audio in all, the end of the widest words any entry takes the place of.
fn readings_in_place(
    text: &str,
    places: &[(&Entry, std::ops::Range<usize>)],
) -> Vec<(String, usize)> {
    let end = places
        .iter()
        .map(|(_, wide)| wide.end)
        .max()
        .unwrap_or(text.len());
    std::iter::once((text.to_string(), end))
        .chain(places.iter().map(|(e, wide)| {
            let reading = format!("{}{}{}", &text[..wide.start], e.spelling, &text[wide.end..]);
            (reading, wide.start + e.spelling.len() + (end - wide.end))
        }))
        .collect()
}

/// The entry of `near` whose reading in its place the audio makes likeliest, when that is
/// within `margin` of `text` as heard; `said` is the words replaced. The audio alone decides,
/// without the sounds' prior `hear_names` gives a tagged value: this is a brand no one tagged
/// (carved out of an item, or found in the words before it), and the prior carried "lettuce
/// jeans" to Lotus where Levi's was said (README, issue 12).
fn likeliest_by_audio<'e>(
    text: &str,
    near: &[(&'e Entry, std::ops::Range<usize>)],
    said: std::ops::Range<usize>,
    margin: f32,
    score: &mut ScoreNames,
) -> Option<&'e Entry> {
    if near.is_empty() {
        return None;
    }
    let readings = readings_in_place(text, near);
    let heard =
        score(said.clone(), &readings, true).filter(|h| h.evidence.len() == readings.len())?;
    let scores = &heard.evidence;
    let (top, entry) = scores[1..]
        .iter()
        .zip(near)
        .map(|(s, (e, _))| (*s, *e))
        .max_by(|a, b| a.0.total_cmp(&b.0))?;
    tracing::debug!(
        text,
        words = &text[said],
        ?scores,
        entry = entry.value,
        top,
        "brand heard again"
    );
    (top >= scores[0] - margin).then_some(entry)
}

/// Each way to cut a value in two between its words (at a space or a hyphen: the recogniser
/// joins a brand to its item as "hakubaku-yudon noodles"), the shortest first part first.
fn word_cuts(value: &str) -> impl DoubleEndedIterator<Item = (&str, &str)> {
    value
        .char_indices()
        .filter(|(_, c)| c.is_whitespace() || *c == '-')
        .map(move |(at, c)| {
            (
                value[..at].trim_end(),
                value[at + c.len_utf8()..].trim_start(),
            )
        })
        .filter(|(front, rest)| !front.is_empty() && !rest.is_empty())
}

/// The kinds of slot that hold a name (the catalogue may spell them; a command may end on one).
pub(crate) const NAME_KINDS: [SlotKind; 5] = [
    SlotKind::Item,
    SlotKind::Brand,
    SlotKind::Merchant,
    SlotKind::Charity,
    SlotKind::Contact,
];
/// Most words of the text around a slot value that `widen_names` takes in.
const MAX_WIDENING: usize = 2;
/// Most words after a slot value that `near_with_words_after` hears with it.
const MAX_HEARD_WIDENING: usize = 4;
/// Most words before an item that `hear_brand_before_item` hears as a brand.
const MAX_BRAND_WORDS_BEFORE: usize = 3;

/// The slot of a name kind or the list (the item for any other kind: only those are asked).
fn text_slot(slots: &mut Slots, kind: SlotKind) -> &mut Option<String> {
    match kind {
        SlotKind::Brand => &mut slots.brand,
        SlotKind::Merchant => &mut slots.merchant,
        SlotKind::Charity => &mut slots.charity,
        SlotKind::Contact => &mut slots.contact,
        SlotKind::List => &mut slots.list,
        _ => &mut slots.item,
    }
}

/// What `text_slot` holds, read only.
fn slot_text(slots: &Slots, kind: SlotKind) -> Option<&str> {
    match kind {
        SlotKind::Brand => slots.brand.as_deref(),
        SlotKind::Merchant => slots.merchant.as_deref(),
        SlotKind::Charity => slots.charity.as_deref(),
        SlotKind::Contact => slots.contact.as_deref(),
        SlotKind::List => slots.list.as_deref(),
        _ => slots.item.as_deref(),
    }
}

/// How likely the audio makes each reading of a transcript (its text, and the byte up to
/// which it is scored), the words heard at the given bytes being a name, also when the model
/// heard those words sure if the last argument says so (`Catalog::hear_names`,
/// `Stt::score_readings`); `None` when it cannot or need not say.
pub type ScoreNames<'a> =
    dyn FnMut(std::ops::Range<usize>, &[(String, usize)], bool) -> Option<ReadingScores> + 'a;

/// What the audio says of the readings of a name heard unsure (`Stt::score_readings`).
#[derive(Debug, Clone, PartialEq)]
pub struct ReadingScores {
    /// The speech model's own log-probability of the words it heard as the name.
    pub heard_logprob: f32,
    /// log P(reading | audio) - log P(reading | silence), one per reading, in their order.
    pub evidence: Vec<f32>,
}

/// The words of a command's slot values other than `kind`'s.
fn other_values(slots: &Slots, kind: SlotKind) -> Vec<String> {
    crate::intent::features::NAMED_KINDS
        .into_iter()
        .filter(|k| *k != kind)
        .filter_map(|k| slot_text(slots, k))
        .map(normalize)
        .collect()
}

/// Entries of a kind a value no entry resolves is heard again as (`Catalog::hear_names`),
/// and how near (spelling or English sounds) each must be: chosen on the spoken dev sets
/// (README, issue 12). Each entry is one more reading scored (`stt/hear_name_again`).
pub const NEAR_ENTRIES: usize = 8;
const MAY_BE_NEAR: f64 = 0.5;
/// Nats of evidence an entry whose English sounds are a hearing's gains over the audio's
/// word for it (`sound_kinship` 1, half as many at 0.5), when the model was unsure of that
/// word by `UNSURE_SPAN` nats or more past `SURE_NAME_LOGPROB` (less in proportion): both
/// chosen on the spoken dev sets (README, issue 12).
const SOUND_PRIOR: f32 = 48.0;
const UNSURE_SPAN: f32 = 3.0;

/// How unsure the speech model was of the words it heard as a name: 0 at the
/// log-probability it counts as sure, 1 from `UNSURE_SPAN` nats under it.
fn unsure(heard_logprob: f32) -> f32 {
    ((crate::stt::SURE_NAME_LOGPROB - heard_logprob) / UNSURE_SPAN).clamp(0.0, 1.0)
}

/// How alike a hearing and an entry sound, 0 to 1: the words they share
/// (`words_shared`), or the English keys' similarity above one
/// half, scaled to 0-1, from keys of three sounds ("tea-chebo" TXP / Tchibo XP: 1/3); the
/// same key of two sounds is half ("mugy" / Muji, MJ). Looser than resolution's nearness
/// (`MIN_NEAR_SOUNDS`) because the audio weighs in too, and chosen on the dev sets (README).
fn sound_kinship(heard: &str, e: &Entry) -> f64 {
    let en = en_key(&letters(&normalize(heard)));
    let pairs = || {
        en.iter()
            .flat_map(|a| e.en_key.iter().map(move |b| (a, b)))
            .filter(|(a, b)| !a.is_empty() && !b.is_empty())
    };
    if pairs().any(|(a, b)| sounds_alike(a, b)) {
        return 1.0;
    }
    let near = sound_nearness(&en, &e.en_key, KIN_MIN_SOUNDS);
    let short_same = if pairs().any(|(a, b)| a.len() == 2 && a == b) {
        0.5
    } else {
        0.0
    };
    ((near - 0.5) / 0.5)
        .max(short_same)
        .max(words_shared(heard, e))
}

/// The share of a hearing's and an entry's words (the longer's count; function words aside)
/// they have in common: a name of several words misheard in one of them is akin to the entry
/// ("broken butter" / salted butter, "mass towels" / bath towels: one half).
fn words_shared(heard: &str, e: &Entry) -> f64 {
    let domain = crate::intent::domain::domain();
    let content = |s: &str| -> Vec<String> {
        s.split(' ')
            .filter(|w| !w.is_empty() && !domain.ends_no_name(w))
            .map(String::from)
            .collect()
    };
    let (a, b) = (content(&normalize(heard)), content(&e.words));
    let most = a.len().max(b.len());
    if most == 0 {
        return 0.0;
    }
    a.iter().filter(|w| b.contains(w)).count() as f64 / most as f64
}

/// Keys shorter than this are too few sounds for `sound_kinship` to call near by one of them.
const KIN_MIN_SOUNDS: usize = 3;

/// Where `value`'s letters stand in `text` as whole words (case, accents and punctuation
/// aside): the byte range from its first letter to its last.
fn span_of(text: &str, value: &str) -> Option<std::ops::Range<usize>> {
    let wanted: Vec<char> = letters(&normalize(value)).chars().collect();
    if wanted.is_empty() {
        return None;
    }
    // Each letter of the text, as `letters` writes it, with the bytes it came from.
    let mut found: Vec<(char, std::ops::Range<usize>)> = Vec::new();
    for (at, c) in text.char_indices() {
        let bytes = at..at + c.len_utf8();
        for l in letters(&c.to_lowercase().to_string()).chars() {
            found.push((l, bytes.clone()));
        }
    }
    let is_word = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric());
    (0..found.len().saturating_sub(wanted.len() - 1)).find_map(|i| {
        let run = &found[i..i + wanted.len()];
        if run.iter().map(|(c, _)| *c).ne(wanted.iter().copied()) {
            return None;
        }
        let (start, end) = (run[0].1.start, run[run.len() - 1].1.end);
        let whole =
            !is_word(text[..start].chars().next_back()) && !is_word(text[end..].chars().next());
        whole.then_some(start..end)
    })
}

/// What is left of `range` once `taken` overlaps its start or its end only; None when they
/// do not overlap, or `taken` holds it or lies inside it.
fn outside(
    range: std::ops::Range<usize>,
    taken: std::ops::Range<usize>,
) -> Option<std::ops::Range<usize>> {
    let overlap = taken.start < range.end && range.start < taken.end;
    match (taken.start <= range.start, taken.end >= range.end) {
        _ if !overlap => None,
        (true, false) => Some(taken.end..range.end),
        (false, true) => Some(range.start..taken.start),
        _ => None,
    }
}

/// Where `value`'s words first stand in `words`.
fn find_words(words: &[String], value: &str) -> Option<std::ops::Range<usize>> {
    let value = normalize(value);
    let want: Vec<&str> = value.split(' ').filter(|w| !w.is_empty()).collect();
    if want.is_empty() || want.len() > words.len() {
        return None;
    }
    (0..=words.len() - want.len())
        .find(|&i| {
            words[i..i + want.len()]
                .iter()
                .zip(&want)
                .all(|(a, b)| a == b)
        })
        .map(|i| i..i + want.len())
}

/// Longest name, in words, looked for in an utterance.
const MAX_NAME_WORDS: usize = 6;
/// A name of fewer letters is not marked in an utterance: "lu", "lg" are words too.
const MIN_MARKED_LETTERS: usize = 3;

/// Where the catalogue's names are in an utterance, for the tagger: the longest name
/// starting at each word, left to right, spelled as the catalogue (or an alias) spells it.
impl Gazetteer for Catalog {
    fn marks(&self, tokens: &[String]) -> Vec<Option<NameMark>> {
        let mut marks = vec![None; tokens.len()];
        let mut i = 0;
        while i < tokens.len() {
            let longest = (1..=MAX_NAME_WORDS.min(tokens.len() - i))
                .rev()
                .find_map(|n| {
                    let key = letters(&normalize(&tokens[i..i + n].join(" ")));
                    if key.chars().count() < MIN_MARKED_LETTERS {
                        return None;
                    }
                    self.exact.get(&key).map(|(kind, _)| (n, *kind))
                });
            let Some((n, kind)) = longest else {
                i += 1;
                continue;
            };
            for (j, m) in marks[i..i + n].iter_mut().enumerate() {
                *m = Some(NameMark {
                    kind,
                    first: j == 0,
                });
            }
            i += n;
        }
        marks
    }
}

/// Similarity of spelling alone that makes a value an entry ("oat mill" / "oat milk": 0.86).
const SPELLING_ALONE: f64 = 0.85;
/// Similarity of spelling needed besides sounding alike ("call gate" / "colgate": 0.75,
/// "durasoul" / "duracell": 0.63; "piles" / "pillows", PLS both, 0.57, stay apart).
const WITH_SOUND: f64 = 0.6;
/// The same for proper names (brands, merchants, charities, contacts) with the same English
/// key: a value tagged as one is a name by what was said around it, and the names a small
/// model mishears are the foreign ones it spells its own way ("little" / "lidl" and "gigas" /
/// "guigoz": 0.5). The French key alone is too loose for this ("viande" took "évian").
const NAME_WITH_SOUND: f64 = 0.5;

/// Similarity of spelling that makes a proper name an entry whose English key of two sounds
/// it shares ("t-cheebo" / "tchibo", XP: 0.71). Keys of two sounds are too short to count
/// alike alone ("valley" / "valio", FL: 0.5, stay apart). A list's name too ("dewali" /
/// "diwali", TL: 0.83), a household's own word as a proper name is.
const SHORT_NAME_WITH_SOUND: f64 = 0.7;

/// How near the English keys of a proper name must be (one sound in four apart: "litin" /
/// "lipton", "seed discount" / "cdiscount") besides a spelling as alike as `WITH_SOUND`.
const NAME_SOUNDS_NEAR: f64 = 0.75;
/// Keys shorter than this are too few sounds to be near by one of them.
const MIN_NEAR_SOUNDS: usize = 4;

/// Normalised Levenshtein similarity of the nearest pair of English keys, of pairs whose
/// longer key has `min_sounds` or more.
fn sound_nearness(a: &[String; 2], b: &[String; 2], min_sounds: usize) -> f64 {
    a.iter()
        .flat_map(|x| b.iter().map(move |y| (x, y)))
        .filter(|(x, y)| x.len().max(y.len()) >= min_sounds && !x.is_empty() && !y.is_empty())
        .map(|(x, y)| strsim::normalized_levenshtein(x, y))
        .fold(0.0, f64::max)
}

/// Whether `words[range]` may be a name by its ends: it neither begins nor ends on a word
/// names do not in `lang` ("the", "to", "and", "please").
fn may_bound_name(words: &[String], range: std::ops::Range<usize>, lang: Lang) -> bool {
    let domain = crate::intent::domain::domain();
    !domain.leads_on_in(&words[range.start], lang)
        && !domain.ends_no_name_in(&words[range.end - 1], lang)
}

/// Whether `heard` (normalised words) is `entry`'s words and more: "piles aaa" names
/// something narrower than the entry "piles", and stays as said.
fn names_more_than(heard: &str, entry: &Entry) -> bool {
    let heard: Vec<&str> = heard.split(' ').collect();
    let name: Vec<&str> = entry.words.split(' ').collect();
    name.len() < heard.len() && heard.windows(name.len()).any(|w| w == name.as_slice())
}

/// Whether two names (normalised words) differ only by words one adds to the other or by
/// number: "printer" and "printer ink", "lamp" and "lamps" name different things the audio
/// cannot tell apart by sound, as a misheard name and its entry differ.
fn same_name_narrower_or_wider(a: &str, b: &str) -> bool {
    let (a, b): (Vec<&str>, Vec<&str>) = (a.split(' ').collect(), b.split(' ').collect());
    let (short, long) = if a.len() <= b.len() {
        (&a, &b)
    } else {
        (&b, &a)
    };
    long.windows(short.len()).any(|w| {
        w.iter()
            .zip(short.iter())
            .all(|(x, y)| same_word_in_any_number(x, y))
    })
}

/// Whether two words are one in the singular or the plural by English spelling ("lamp" /
/// "lamps", "olive" / "olives", "box" / "boxes", "berry" / "berries", "shelf" / "shelves",
/// "knife" / "knives").
fn same_word_in_any_number(a: &str, b: &str) -> bool {
    let singulars = |w: &str| -> Vec<String> {
        let mut forms = vec![w.to_string()];
        if let Some(stem) = w.strip_suffix("ies") {
            forms.push(format!("{stem}y"));
        }
        if let Some(stem) = w.strip_suffix("ves") {
            forms.extend([format!("{stem}f"), format!("{stem}fe")]);
        }
        forms.extend(w.strip_suffix("es").map(String::from));
        forms.extend(w.strip_suffix('s').map(String::from));
        forms
    };
    let (a, b) = (singulars(a), singulars(b));
    a.iter().any(|x| b.contains(x))
}

fn is_name(kind: SlotKind) -> bool {
    !matches!(kind, SlotKind::Item | SlotKind::List)
}

/// The same phonetic key of three or more sounds. Looser (one edit apart) took "oat milk"
/// for "whole milk" and "kids" for "kiwis" with a catalogue of 455 unrelated names (README).
fn sounds_alike(a: &str, b: &str) -> bool {
    a.len() >= 3 && a == b
}

/// Lower case, punctuation to spaces, one space between words; "&" is the "and" it is said
/// as ("lea & perrins" is heard "lee and perrins").
fn normalize(s: &str) -> String {
    s.to_lowercase()
        .replace('&', " and ")
        .split(|c: char| !c.is_alphanumeric() && c != '\'')
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Letters and digits only, accents folded: what two spellings of a name share.
fn letters(s: &str) -> String {
    s.replace('œ', "oe")
        .replace('æ', "ae")
        .chars()
        .filter(|c| c.is_alphanumeric())
        .map(fold_accent)
        .collect()
}

fn fold_accent(c: char) -> char {
    match c {
        'à' | 'â' | 'ä' | 'á' | 'å' | 'ã' => 'a',
        'é' | 'è' | 'ê' | 'ë' => 'e',
        'î' | 'ï' | 'í' | 'ì' => 'i',
        'ô' | 'ö' | 'ó' | 'ò' | 'ø' | 'õ' => 'o',
        'ù' | 'û' | 'ü' | 'ú' => 'u',
        'ç' => 'c',
        'ñ' => 'n',
        'ÿ' | 'ý' => 'y',
        other => other,
    }
}

/// English phonetic keys: Double Metaphone's primary and alternate codes ("huggies" is HJS
/// or HKS, "haggis" HKS).
fn en_key(letters: &str) -> [String; 2] {
    // rphonetic slices its input by byte and panics inside a letter of two bytes ("ñ", "ø",
    // "ß"); the accents it knows were folded by `letters`, the rest have no English sound.
    let ascii: String = letters.chars().filter(char::is_ascii).collect();
    let dm = rphonetic::DoubleMetaphone::new(Some(8));
    let r = dm.double_metaphone(&ascii);
    [r.primary(), r.alternate()]
}

/// French phonetic key: how the letters sound, rewritten by the rules of French spelling that
/// a hearing gets wrong (nasal vowels, "eau"/"au"/"o", "ph", soft and hard c/g, silent final
/// letters, doubled consonants). Hand-written: no maintained crate has one (rphonetic's
/// "Phonex" is an English Soundex variant).
fn fr_key(words: &str) -> String {
    words
        .split_whitespace()
        .map(|w| fr_word_key(&letters(w)))
        .collect()
}

/// The rewrites of `fr_word_key`, tried in this order at each position.
const FR_RULES: [(&str, &str); 30] = [
    ("eaux", "o"),
    ("eau", "o"),
    ("ain", "1"),
    ("ein", "1"),
    ("au", "o"),
    ("ph", "f"),
    ("qu", "k"),
    ("ch", "x"),
    ("gn", "n"),
    ("ou", "u"),
    ("oi", "wa"),
    ("in", "1"),
    ("un", "1"),
    ("an", "2"),
    ("en", "2"),
    ("am", "2"),
    ("em", "2"),
    ("on", "3"),
    ("om", "3"),
    ("ai", "e"),
    ("ei", "e"),
    ("ce", "se"),
    ("ci", "si"),
    ("ge", "je"),
    ("gi", "ji"),
    ("c", "k"),
    ("h", ""),
    ("y", "i"),
    ("w", "v"),
    ("z", "s"),
];

/// One pass over the word, the first rule that matches at each position rewriting it (a
/// catalogue of 10,000 names is keyed at load: README, "The household's catalogue").
fn fr_word_key(letters: &str) -> String {
    let mut s = String::with_capacity(letters.len());
    let mut rest = letters;
    'outer: while !rest.is_empty() {
        for (from, to) in FR_RULES {
            if let Some(r) = rest.strip_prefix(from) {
                s.push_str(to);
                rest = r;
                continue 'outer;
            }
        }
        let c = rest.chars().next().unwrap_or_default();
        s.push(c);
        rest = &rest[c.len_utf8()..];
    }
    // Silent final letters, then doubled letters.
    while s.len() > 1 && s.ends_with(['s', 't', 'x', 'd', 'e', 'p']) {
        s.pop();
    }
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if !out.ends_with(c) && c != 'e' {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const HOUSEHOLD: &str = r#"
lang = "en"
items = ["oat milk", "basmati rice", "toothpaste"]
brands = ["colgate", "lavazza", "huggies", "duracell", "pampers"]
merchants = ["ikea", "decathlon", "lidl"]
charities = ["oxfam"]
contacts = ["julie", "dad"]
lists = ["party", "camping"]
[aliases]
"i k e a" = "ikea"
"#;

    #[test]
    fn what_the_speech_model_misheard_is_written_as_the_household_writes_it() {
        let c = Catalog::from_toml_str(HOUSEHOLD).unwrap();
        assert_eq!(c.len(), 16);
        for (kind, heard, want) in [
            (SlotKind::Brand, "call gate", "colgate"),
            (SlotKind::Brand, "haggis", "huggies"),
            (SlotKind::Brand, "durasoul", "duracell"),
            (SlotKind::Item, "oat mill", "oat milk"),
            (SlotKind::Merchant, "I K E A", "ikea"),
            (SlotKind::Brand, "Pampers", "pampers"),
            (SlotKind::Merchant, "little", "lidl"),
        ] {
            assert_eq!(c.resolve(kind, heard), Some(want), "{heard}");
        }
    }

    #[test]
    fn the_tagger_is_told_where_the_longest_names_are() {
        let c = Catalog::from_toml_str(HOUSEHOLD).unwrap();
        let tokens: Vec<String> = "add colgate toothpaste and basmati rice from i k e a"
            .split(' ')
            .map(String::from)
            .collect();
        let marks = c.marks(&tokens);
        let kind = |i: usize| marks[i].map(|m| (m.kind, m.first));
        assert_eq!(kind(0), None);
        assert_eq!(kind(1), Some((SlotKind::Brand, true)));
        assert_eq!(kind(2), Some((SlotKind::Item, true)));
        assert_eq!(kind(3), None);
        assert_eq!(kind(4), Some((SlotKind::Item, true)));
        assert_eq!(kind(5), Some((SlotKind::Item, false)));
        // An alias of three one-letter words is one merchant name.
        assert_eq!(kind(7), Some((SlotKind::Merchant, true)));
        assert_eq!(kind(9), Some((SlotKind::Merchant, false)));
    }

    #[test]
    fn a_misheard_brand_in_front_of_an_item_gets_its_own_slot() {
        let split = |c: &Catalog, item: &str, allowed: &[SlotKind]| {
            let mut s = Slots {
                item: Some(item.into()),
                ..Default::default()
            };
            c.resolve_slots(&mut s, allowed);
            (s.brand, s.item)
        };
        let pair = |brand: Option<&str>, item: &str| (brand.map(String::from), Some(item.into()));
        let c = Catalog::from_toml_str(HOUSEHOLD).unwrap();
        assert_eq!(
            split(&c, "durasoul batteries", SlotKind::ALL),
            pair(Some("duracell"), "batteries")
        );
        // Not when the intent has no brand, nor when the front words are no brand.
        assert_eq!(split(&c, "durasoul batteries", &[SlotKind::Item]).0, None);
        assert_eq!(
            split(&c, "paper towels", SlotKind::ALL),
            pair(None, "paper towels")
        );
        // The whole heard near a brand by its first sounds, its first words nearer.
        let c = Catalog::from_toml_str(r#"brands = ["estrella damm"]"#).unwrap();
        assert_eq!(
            split(&c, "estrella dam lager", SlotKind::ALL),
            pair(Some("estrella damm"), "lager")
        );
        // A brand joined to its item by a hyphen, when the rest is an item; words a hyphen
        // joins stay one word otherwise.
        let c = Catalog::from_toml_str(
            r#"brands = ["hakubaku", "hunt's"]
items = ["udon noodles"]"#,
        )
        .unwrap();
        assert_eq!(
            split(&c, "hakubaku-yudon noodles", SlotKind::ALL),
            pair(Some("hakubaku"), "udon noodles")
        );
        assert_eq!(
            split(&c, "hands-on e-poster", SlotKind::ALL),
            pair(None, "hands-on e-poster")
        );
    }

    #[test]
    fn a_name_in_another_number_is_the_same_name() {
        for (a, b) in [
            ("lamp", "lamps"),
            ("olive", "olives"),
            ("lunch box", "lunch boxes"),
            ("berry", "berries"),
            ("bookshelf", "bookshelves"),
            ("knife", "knives"),
            ("printer", "printer ink"),
        ] {
            assert!(same_name_narrower_or_wider(a, b), "{a} / {b}");
            assert!(same_name_narrower_or_wider(b, a), "{b} / {a}");
        }
        assert!(!same_name_narrower_or_wider("lamp", "clamps"));
        assert!(!same_name_narrower_or_wider("shelf", "shell"));
    }

    #[test]
    fn a_word_the_speech_model_writes_otherwise_finds_the_entry() {
        let c = Catalog::from_toml_str(
            r#"lists = ["barbecue", "xmas"]
items = ["bbq sauce"]"#,
        )
        .unwrap();
        assert_eq!(c.resolve(SlotKind::List, "BBQ"), Some("barbecue"));
        assert_eq!(c.resolve(SlotKind::List, "christmas"), Some("xmas"));
        assert_eq!(
            c.resolve(SlotKind::Item, "barbecue sauce"),
            Some("bbq sauce")
        );
        // Whisper writes "tea" said last as the letter: "Grab me a box of Twinings T."
        let c = Catalog::from_toml_str(r#"items = ["tea", "iced tea"]"#).unwrap();
        assert_eq!(c.resolve(SlotKind::Item, "t"), Some("tea"));
        assert_eq!(c.resolve(SlotKind::Item, "iced t"), Some("iced tea"));
        // Each entry keeps its own spelling when the household has both.
        let c = Catalog::from_toml_str(r#"lists = ["bbq", "barbecue"]"#).unwrap();
        assert_eq!(c.resolve(SlotKind::List, "bbq"), Some("bbq"));
        assert_eq!(c.resolve(SlotKind::List, "barbecue"), Some("barbecue"));
    }

    #[test]
    fn a_brand_run_into_an_item_is_heard_again_by_the_audio_alone() {
        use crate::intent::Intent;
        let c = Catalog::from_toml_str(
            r#"items = ["hand soap"]
brands = ["sagrotan", "lotus"]"#,
        )
        .unwrap();
        let text = "Put Sagrant hand soap on the list.";
        // The brand and item after hearing again, the audio giving the words heard 0 and
        // Sagrotan `entry` nats, the model unsure of them by far; and what it was asked.
        let heard_again = |item: &str, entry: f32| {
            let mut commands = [command(Intent::AddToList, &[(SlotKind::Item, item)])];
            let mut asked = Vec::new();
            let mut score =
                |said: std::ops::Range<usize>, readings: &[(String, usize)], _: bool| {
                    asked.push(text[said].to_string());
                    asked.extend(readings.iter().map(|(r, to)| r[..*to].to_string()));
                    let by_reading = |(r, _): &(String, usize)| match r {
                        r if r.contains("Sagrant") => 0.0,
                        r if r.contains("sagrotan") => entry,
                        _ => -30.0,
                    };
                    Some(ReadingScores {
                        heard_logprob: -10.0,
                        evidence: readings.iter().map(by_reading).collect(),
                    })
                };
            c.hear_names(&mut commands, &[], Lang::En, text, 3.0, &mut score);
            let [one] = commands;
            ((one.slots.brand, one.slots.item), asked)
        };
        let own = |s: &str| Some(s.to_string());
        let (slots, asked) = heard_again("sagrant hand soap", -2.5);
        assert_eq!(slots, (own("sagrotan"), own("hand soap")));
        // Only the first word is heard again, as each brand near it.
        assert_eq!(
            asked[..2],
            ["Sagrant".to_string(), "Put Sagrant".to_string()]
        );
        assert!(asked.contains(&"Put sagrotan".to_string()), "{asked:?}");
        // Beyond the margin the value stays, however alike the sounds (no prior here).
        assert_eq!(
            heard_again("sagrant hand soap", -3.5).0,
            (None, own("sagrant hand soap"))
        );
        // Nothing is carved out of an item whose last words are no entry.
        let (slots, asked) = heard_again("sagrant soap dish", 0.0);
        assert_eq!(slots, (None, own("sagrant soap dish")));
        assert!(!asked.contains(&"Put sagrotan".to_string()), "{asked:?}");
    }

    #[test]
    fn an_item_run_into_a_brand_gets_its_own_slot() {
        let c = Catalog::from_toml_str(HOUSEHOLD).unwrap();
        let brand_only = |brand: &str, allowed: &[SlotKind]| {
            let mut s = Slots {
                brand: Some(brand.into()),
                ..Default::default()
            };
            c.resolve_slots(&mut s, allowed);
            (s.brand, s.item)
        };
        let own = |s: &str| Some(s.to_string());
        assert_eq!(
            brand_only("colgate tooth paste", SlotKind::ALL),
            (own("colgate"), own("toothpaste"))
        );
        assert_eq!(
            brand_only("call gate whitening", SlotKind::ALL),
            (own("colgate"), own("whitening"))
        );
        // A brand of the catalogue said whole stays whole; nothing moves where no item may go.
        assert_eq!(brand_only("Pampers", SlotKind::ALL), (own("pampers"), None));
        assert_eq!(
            brand_only("colgate whitening", &[SlotKind::Brand]),
            (own("colgate whitening"), None)
        );
    }

    /// One command of `intent` with `slots`.
    fn command(intent: crate::intent::Intent, slots: &[(SlotKind, &str)]) -> IntentResult {
        let mut s = Slots::default();
        for (kind, v) in slots {
            *text_slot(&mut s, *kind) = Some(v.to_string());
        }
        IntentResult {
            intent,
            confidence: 1.0,
            slots: s,
            requires_confirmation: false,
        }
    }

    /// The commands `resolve_commands` makes of one command heard as `text` with `slots`.
    fn resolved(
        c: &Catalog,
        intent: crate::intent::Intent,
        text: &str,
        slots: &[(SlotKind, &str)],
    ) -> Slots {
        let mut commands = [command(intent, slots)];
        c.resolve_commands(&mut commands, Lang::En, text);
        let [one] = commands;
        one.slots
    }

    #[test]
    fn a_name_no_entry_resolves_is_the_entry_the_audio_supports() {
        use crate::intent::Intent;
        let c = Catalog::from_toml_str(
            r#"items = ["printer ink", "lamps"]
merchants = ["kruidvat", "coolblue"]"#,
        )
        .unwrap();
        let text = "Get me shower gel from Crewed bat.";
        // The merchant after hearing again, with the scores the audio gives the words heard
        // and the entry, and what was asked of the audio.
        let heard_again_unsure = |merchant: &str, heard: f32, entry: f32, heard_logprob: f32| {
            let mut commands = [command(
                Intent::Buy,
                &[
                    (SlotKind::Item, "shower gel"),
                    (SlotKind::Merchant, merchant),
                ],
            )];
            let mut asked = Vec::new();
            let mut score =
                |said: std::ops::Range<usize>, readings: &[(String, usize)], _: bool| {
                    asked.push(format!("{:?}", &text[said]));
                    for (reading, to) in readings {
                        asked.push(reading[..*to].to_string());
                    }
                    let by_reading = |(r, _): &(String, usize)| match r {
                        r if r.contains("kruidvat") => entry,
                        r if r.contains("coolblue") => entry - 20.0,
                        _ => heard,
                    };
                    Some(ReadingScores {
                        heard_logprob,
                        evidence: readings.iter().map(by_reading).collect(),
                    })
                };
            c.hear_names(&mut commands, &[], Lang::En, text, 3.0, &mut score);
            let [one] = commands;
            (one.slots.merchant.unwrap(), asked)
        };
        let heard_again = |merchant: &str, heard: f32, entry: f32| {
            heard_again_unsure(merchant, heard, entry, -4.0)
        };
        let (merchant, asked) = heard_again("crewed bat", -2.0, 0.0);
        assert_eq!(merchant, "kruidvat");
        // The words as said, then each entry near them in their place, each up to the end of
        // the name; "shower gel" is near no entry and is not asked about.
        assert_eq!(
            asked,
            [
                "\"Crewed bat\"",
                "Get me shower gel from Crewed bat",
                "Get me shower gel from kruidvat",
            ]
        );
        // Within the margin of the words heard, and beyond it by more than the entry's
        // sounds give it ("crewed bat" sounds KRTPT, kruidvat KRTFT: 0.6 of `SOUND_PRIOR`,
        // 28.8 nats, for words the model was unsure of by `UNSURE_SPAN`).
        assert_eq!(heard_again("crewed bat", 0.0, -2.5).0, "kruidvat");
        assert_eq!(heard_again("crewed bat", 0.0, -31.5).0, "kruidvat");
        assert_eq!(heard_again("crewed bat", 0.0, -32.0).0, "crewed bat");
        // Words heard near sure get nothing from sounds, halfway unsure half of it.
        assert_eq!(
            heard_again_unsure("crewed bat", 0.0, -3.5, -1.0).0,
            "crewed bat"
        );
        assert_eq!(
            heard_again_unsure("crewed bat", 0.0, -17.0, -2.5).0,
            "kruidvat"
        );
        assert_eq!(
            heard_again_unsure("crewed bat", 0.0, -18.0, -2.5).0,
            "crewed bat"
        );
        // The audio is asked how sure it was of every word an entry would replace: "Edo" was
        // heard sure, "Edo N" was not.
        let c = Catalog::from_toml_str(r#"brands = ["ito en"]"#).unwrap();
        let text = "Order the Edo N green tea again.";
        let mut commands = [command(
            Intent::Reorder,
            &[(SlotKind::Brand, "edo"), (SlotKind::Item, "green tea")],
        )];
        let mut asked = Vec::new();
        c.hear_names(
            &mut commands,
            &[],
            Lang::En,
            text,
            3.0,
            &mut |said, readings, _| {
                asked.push(text[said.clone()].to_string());
                (&text[said] != "Edo").then(|| ReadingScores {
                    heard_logprob: -3.0,
                    evidence: readings.iter().map(|_| 0.0).collect(),
                })
            },
        );
        assert_eq!(asked, ["Edo N"]);
        assert_eq!(commands[0].slots.brand.as_deref(), Some("ito en"));
        // An entry is not heard again; no audio to ask, the words stay.
        let (merchant, asked) = heard_again("kruidvat", 0.0, 0.0);
        assert_eq!((merchant.as_str(), asked.len()), ("kruidvat", 0));
        let mut commands = [command(Intent::Buy, &[(SlotKind::Merchant, "crewed bat")])];
        c.hear_names(&mut commands, &[], Lang::En, text, 3.0, &mut |_, _, _| None);
        assert_eq!(commands[0].slots.merchant.as_deref(), Some("crewed bat"));
    }

    #[test]
    fn an_entry_made_of_other_words_is_heard_again_among_those_near_them() {
        use crate::intent::Intent;
        let c = Catalog::from_toml_str(r#"items = ["panko", "panettone"]"#).unwrap();
        let text = "Remove the panic and from my list.";
        let as_heard = [command(
            Intent::RemoveFromList,
            &[(SlotKind::Item, "panic")],
        )];
        // The item after resolution and hearing again, the audio giving `panettone` and
        // `panko` in place of the words heard these scores (the words themselves -1).
        let heard_again = |panettone: f32, panko: f32, as_heard: &[IntentResult]| {
            let mut commands = as_heard.to_vec();
            if commands.is_empty() {
                commands.push(command(
                    Intent::RemoveFromList,
                    &[(SlotKind::Item, "panic")],
                ));
            }
            c.resolve_commands(&mut commands, Lang::En, text);
            assert_eq!(
                commands[0].slots.item.as_deref(),
                Some("panko"),
                "by its sound"
            );
            let mut score = |_: std::ops::Range<usize>, readings: &[(String, usize)], _: bool| {
                let by_reading = |(r, _): &(String, usize)| match r {
                    r if r.contains("panettone") => panettone,
                    r if r.contains("panko") => panko,
                    _ => -1.0,
                };
                Some(ReadingScores {
                    heard_logprob: -1.5,
                    evidence: readings.iter().map(by_reading).collect(),
                })
            };
            c.hear_names(&mut commands, as_heard, Lang::En, text, 3.0, &mut score);
            commands[0].slots.item.clone().unwrap()
        };
        assert_eq!(heard_again(0.0, -20.0, &as_heard), "panettone");
        // The entry resolution made stays unless the audio makes another likelier still.
        assert_eq!(heard_again(-5.0, 0.0, &as_heard), "panko");
        assert_eq!(heard_again(-40.0, -40.0, &as_heard), "panko");
        // Without the words as heard, an entry is not heard again.
        assert_eq!(heard_again(0.0, -20.0, &[]), "panko");
    }

    #[test]
    fn a_brand_heard_as_other_words_before_the_item_is_heard_again() {
        use crate::intent::Intent;
        let c = Catalog::from_toml_str(
            r#"brands = ["lea & perrins"]
items = ["worcestershire sauce"]"#,
        )
        .unwrap();
        // The brand after hearing again, the audio giving the brand in place of the words
        // heard `brand` (the words themselves 0), and the words asked about.
        let heard_again = |text: &str, brand: f32, commands: usize| {
            let one = command(
                Intent::AddToList,
                &[(SlotKind::Item, "worcestershire sauce")],
            );
            let mut commands = vec![one; commands];
            let mut asked = Vec::new();
            let mut score =
                |said: std::ops::Range<usize>, readings: &[(String, usize)], _: bool| {
                    asked.push(text[said].to_string());
                    let by_reading = |(r, _): &(String, usize)| match r {
                        r if r.contains("lea & perrins") => brand,
                        _ => 0.0,
                    };
                    Some(ReadingScores {
                        heard_logprob: -3.0,
                        evidence: readings.iter().map(by_reading).collect(),
                    })
                };
            c.hear_names(&mut commands, &[], Lang::En, text, 3.0, &mut score);
            (commands[0].slots.brand.clone(), asked)
        };
        let text = "Add a bottle of Lee in parents Worcestershire sauce to the list.";
        let (brand, asked) = heard_again(text, -2.0, 1);
        assert_eq!(brand.as_deref(), Some("lea & perrins"));
        assert_eq!(asked, ["Lee in parents"]);
        // Beyond the margin; in a command of several; at a sentence's first word, where the
        // verb is; over punctuation: no brand.
        assert_eq!(heard_again(text, -4.0, 1).0, None);
        assert_eq!(heard_again(text, 0.0, 2), (None, vec![]));
        let text = "Lee in parents Worcestershire sauce to the list.";
        assert_eq!(heard_again(text, 0.0, 1), (None, vec![]));
        let text = "Add a bottle of Lee in parents. Worcestershire sauce to the list.";
        assert_eq!(heard_again(text, 0.0, 1), (None, vec![]));
    }

    #[test]
    fn a_brand_or_shop_is_heard_again_when_heard_sure_and_an_everyday_name_is_not() {
        use crate::intent::Intent;
        let c = Catalog::from_toml_str(
            r#"brands = ["amul", "tuc"]
items = ["paneer", "phone chargers"]
contacts = ["jack"]"#,
        )
        .unwrap();
        // The audio as for words the model heard sure: it answers only when asked of those
        // too, and then gives each entry nearly what it gives the words heard.
        let hear = |text: &str, mut commands: Vec<IntentResult>| {
            let mut asked = Vec::new();
            let mut score =
                |said: std::ops::Range<usize>, readings: &[(String, usize)], sure_too: bool| {
                    asked.push((text[said].to_string(), sure_too));
                    sure_too.then(|| ReadingScores {
                        heard_logprob: -0.3,
                        evidence: (0..readings.len()).map(|i| -(i.min(1) as f32)).collect(),
                    })
                };
            c.hear_names(&mut commands, &[], Lang::En, text, 3.0, &mut score);
            (commands, asked)
        };
        // "ammo" for Amul in front of an item: a brand, asked of the audio though heard sure.
        let text = "Order two packs of ammo paneer.";
        let mut buy = command(Intent::Buy, &[(SlotKind::Item, "ammo paneer")]);
        buy.slots.quantity = Some(2.0);
        let (commands, asked) = hear(text, vec![buy]);
        let one = &commands[0];
        assert_eq!(one.slots.brand.as_deref(), Some("amul"));
        assert_eq!(one.slots.item.as_deref(), Some("paneer"));
        assert_eq!(asked, [("ammo".to_string(), true)]);
        // A contact heard sure keeps its words ("Jake" is no misheard Jack).
        let text = "Send the paneer to Jake.";
        let share = command(
            Intent::ShareProduct,
            &[(SlotKind::Item, "paneer"), (SlotKind::Contact, "jake")],
        );
        let (commands, asked) = hear(text, vec![share]);
        assert_eq!(commands[0].slots.contact.as_deref(), Some("jake"));
        assert_eq!(asked, [("Jake".to_string(), false)]);
        // A shop is a proper name as a brand is: "night" for Nike.
        let c = Catalog::from_toml_str(r#"merchants = ["nike"]"#).unwrap();
        let text = "Get the air max on the night website.";
        let mut commands = [command(
            Intent::Buy,
            &[(SlotKind::Item, "air max"), (SlotKind::Merchant, "night")],
        )];
        let mut asked = Vec::new();
        let mut score = |said: std::ops::Range<usize>, readings: &[(String, usize)], sure: bool| {
            asked.push((text[said].to_string(), sure));
            sure.then(|| ReadingScores {
                heard_logprob: -0.3,
                evidence: vec![0.0; readings.len()],
            })
        };
        c.hear_names(&mut commands, &[], Lang::En, text, 3.0, &mut score);
        assert_eq!(commands[0].slots.merchant.as_deref(), Some("nike"));
        assert_eq!(asked, [("night".to_string(), true)]);
        // The number before an item is its quantity, never a brand ("two" near Tuc).
        let text = "Please buy me two phone chargers.";
        let mut buy = command(Intent::Buy, &[(SlotKind::Item, "phone chargers")]);
        buy.slots.quantity = Some(2.0);
        let (commands, asked) = hear(text, vec![buy]);
        assert_eq!(commands[0].slots.brand, None);
        assert_eq!(asked, []);
    }

    #[test]
    fn an_entry_is_as_near_a_hearing_as_their_english_sounds() {
        let kinship = |heard: &str, entry: &str| sound_kinship(heard, &Entry::new(entry));
        // A hearing that spells the entry's sounds its own way.
        assert_eq!(kinship("sopicate", "Saupiquet"), 1.0);
        assert_eq!(kinship("shubon", "Siobhan"), 1.0);
        // One sound in five apart, then one in four, then nothing alike.
        assert!((kinship("crewed bat", "Kruidvat") - 0.6).abs() < 1e-9);
        assert!((kinship("trough-up", "Truffaut") - 0.5).abs() < 1e-9);
        assert_eq!(kinship("psychopath", "mascarpone"), 0.0);
        // Keys of three sounds one apart are a third alike ("hats" HTS, "oats" ATS; "tea-chebo"
        // TXP, Tchibo XP); the same two sounds are half ("mugy", Muji: MJ), two different
        // ones nothing ("mum" MM, "dad" TT).
        assert!((kinship("hats", "oats") - 1.0 / 3.0).abs() < 1e-9);
        assert!((kinship("tea-chebo", "Tchibo") - 1.0 / 3.0).abs() < 1e-9);
        assert_eq!(kinship("mugy", "Muji"), 0.5);
        assert_eq!(kinship("mum", "dad"), 0.0);
        assert_eq!(kinship("fee", "foe"), 0.0, "one sound (F) is no kinship");
        // A name of several words that shares some of them, function words aside.
        assert_eq!(kinship("broken butter", "salted butter"), 0.5);
        assert_eq!(kinship("bag of rice", "box of chocolates"), 0.0);
    }

    #[test]
    fn the_entries_a_name_is_heard_again_as_are_other_names_only() {
        let c = Catalog::from_toml_str(r#"items = ["printer ink", "lamps", "lampshade"]"#).unwrap();
        let near = |value| c.entries_near(SlotKind::Item, value, 3);
        // One name and a narrower one, or another number of it: the audio cannot tell them
        // apart by their sounds as it tells a misheard name from its entry.
        assert!(!near("printer").iter().any(|(v, _)| *v == "printer ink"));
        assert!(!near("lamp").iter().any(|(v, _)| *v == "lamps"));
        assert!(near("lamp shed").iter().any(|(v, _)| *v == "lampshade"));
        assert!(near("xq").is_empty());
        // A name the tagger cut short is looked for with the words after it, in the same
        // sentence, none of another slot's: "Edo | N" for Ito En.
        let c = Catalog::from_toml_str(r#"brands = ["ito en", "edeka"]"#).unwrap();
        let text = "Order a box of Edo N green tea. N";
        let edo = span_of(text, "edo").unwrap();
        let near = |others: &[String]| -> Vec<(String, &str)> {
            let found =
                c.near_with_words_after(SlotKind::Brand, text, edo.clone(), others, Lang::En);
            found
                .into_iter()
                .map(|(e, wide)| (e.value.clone(), &text[wide]))
                .collect()
        };
        assert!(
            near(&[]).contains(&("ito en".to_string(), "Edo N")),
            "{:?}",
            near(&[])
        );
        let item = ["n green tea".to_string()];
        assert!(!near(&item).iter().any(|(_, words)| *words == "Edo N"));
        // A name of three words may be heard as five: "made | this in sense frontiers".
        let c = Catalog::from_toml_str(r#"charities = ["médecins sans frontières"]"#).unwrap();
        let text = "Donate 20 euros to made this in sense frontiers.";
        let made = span_of(text, "made").unwrap();
        let near = c.near_with_words_after(SlotKind::Charity, text, made, &[], Lang::En);
        assert_eq!(
            near.iter()
                .map(|(e, wide)| (e.value.as_str(), &text[wide.clone()]))
                .collect::<Vec<_>>(),
            [("médecins sans frontières", "made this in sense frontiers")]
        );
        // Where a value stands in the transcript: whole words, case and punctuation aside.
        let text = "Get it from Crewed-Bat! The abbot";
        assert_eq!(
            span_of(text, "crewed bat").map(|r| &text[r]),
            Some("Crewed-Bat")
        );
        assert_eq!(span_of(text, "bbo"), None);
        assert_eq!(span_of(text, "abbot").map(|r| &text[r]), Some("abbot"));
    }

    #[test]
    fn a_name_the_tagger_cut_short_or_split_is_read_with_the_words_around_it() {
        use crate::intent::Intent;
        let c = Catalog::from_toml_str(
            r#"items = ["frying pans", "half and half", "printer ink"]
brands = ["land o lakes", "barilla", "levi's"]
merchants = ["crate & barrel", "cdiscount", "john lewis", "zalando"]"#,
        )
        .unwrap();
        let s = resolved(
            &c,
            Intent::AddToList,
            "Put Land Oleg's half and half on my list.",
            &[
                (SlotKind::Brand, "oleg's"),
                (SlotKind::Item, "half and half"),
            ],
        );
        assert_eq!(s.brand.as_deref(), Some("land o lakes"));
        assert_eq!(s.item.as_deref(), Some("half and half"));
        // Split at "and": the second half ("barrel", taken for barilla) is part of the name.
        let s = resolved(
            &c,
            Intent::Buy,
            "I'd like to order frying pans from Crete and Barrel.",
            &[
                (SlotKind::Item, "frying pans"),
                (SlotKind::Merchant, "crete"),
                (SlotKind::Brand, "barrel"),
            ],
        );
        assert_eq!(s.merchant.as_deref(), Some("crate & barrel"));
        assert_eq!((s.brand, s.item.as_deref()), (None, Some("frying pans")));
        let s = resolved(
            &c,
            Intent::Buy,
            "Place order printer ink from seed discount.",
            &[
                (SlotKind::Item, "printer ink"),
                (SlotKind::Merchant, "seed"),
            ],
        );
        assert_eq!(s.merchant.as_deref(), Some("cdiscount"));
        // The wider name takes the first word of the item the tagger gave it.
        let c2 = Catalog::from_toml_str(r#"brands = ["estrella damm"]"#).unwrap();
        let s = resolved(
            &c2,
            Intent::AddToList,
            "Add 4 bottles of Australia Dam Lager to the Barbecue List.",
            &[
                (SlotKind::Brand, "australia"),
                (SlotKind::Item, "dam lager"),
            ],
        );
        assert_eq!(s.brand.as_deref(), Some("estrella damm"));
        assert_eq!(s.item.as_deref(), Some("lager"));
        assert_eq!(outside(2..5, 0..3), Some(3..5));
        assert_eq!(outside(2..5, 4..7), Some(2..4));
        assert_eq!(outside(2..5, 5..7), None, "apart");
        assert_eq!(
            outside(2..5, 3..4),
            None,
            "inside: the value would lose its middle"
        );
        // A wider name of another kind never replaces a slot it does not take in.
        let s = resolved(
            &c,
            Intent::BuyForMe,
            "buy me the jean levi's on zalando",
            &[
                (SlotKind::Item, "jean"),
                (SlotKind::Brand, "levi's"),
                (SlotKind::Merchant, "zalando"),
            ],
        );
        assert_eq!(
            (s.item.as_deref(), s.brand.as_deref(), s.merchant.as_deref()),
            (Some("jean"), Some("levi's"), Some("zalando"))
        );
        // An article the recogniser split from a name begins it only when the two are the
        // entry letter for letter ("a sahi"), not when they are only near it ("a sahib").
        let c3 = Catalog::from_toml_str(r#"brands = ["asahi"]"#).unwrap();
        let s = resolved(
            &c3,
            Intent::Buy,
            "Order me six cans of a sahi lager from jumbo.",
            &[(SlotKind::Item, "lager"), (SlotKind::Brand, "sahi")],
        );
        assert_eq!(s.brand.as_deref(), Some("asahi"));
        let s = resolved(
            &c3,
            Intent::Buy,
            "order a sahib lager",
            &[(SlotKind::Item, "lager"), (SlotKind::Brand, "sahib")],
        );
        assert_eq!(s.brand.as_deref(), Some("sahib"));
    }

    #[test]
    fn french_function_words_in_an_english_transcript_may_be_part_of_a_name() {
        use crate::intent::Intent;
        let c = Catalog::from_toml_str(r#"merchants = ["maisons du monde"]"#).unwrap();
        let s = resolved(
            &c,
            Intent::BuyForMe,
            "Buy me bath towels on the masons do mon website.",
            &[
                (SlotKind::Item, "bath towels"),
                (SlotKind::Merchant, "masons"),
            ],
        );
        assert_eq!(s.merchant.as_deref(), Some("maisons du monde"));
    }

    #[test]
    fn a_charity_or_contact_the_tagger_left_out_is_found_in_the_other_words() {
        use crate::intent::Intent;
        let c = Catalog::from_toml_str(r#"charities = ["oxfam", "unicef"]"#).unwrap();
        let s = resolved(&c, Intent::Donate, "Could you send oxm 40 euros?", &[]);
        assert_eq!(s.charity.as_deref(), Some("oxfam"));
        // Not without such words, nor when the tagger found one.
        let s = resolved(&c, Intent::Donate, "Could you send 40 euros?", &[]);
        assert_eq!(s.charity, None);
        let s = resolved(
            &c,
            Intent::Donate,
            "send oxm 40 euros for the red cross",
            &[(SlotKind::Charity, "red cross")],
        );
        assert_eq!(s.charity.as_deref(), Some("red cross"));
    }

    #[test]
    fn a_brand_the_tagger_left_out_before_its_item_is_the_brand() {
        use crate::intent::Intent;
        let c = Catalog::from_toml_str(r#"brands = ["wasa", "lotus"]"#).unwrap();
        let item = [(SlotKind::Item, "crispbread")];
        let s = resolved(
            &c,
            Intent::AddToList,
            "add wasa crispbread to my list",
            &item,
        );
        assert_eq!(s.brand.as_deref(), Some("wasa"));
        // Not a brand said elsewhere, nor one the intent has no slot for.
        let s = resolved(&c, Intent::AddToList, "add crispbread and lotus", &item);
        assert_eq!(s.brand, None);
        let s = resolved(&c, Intent::RemoveFromList, "remove wasa crispbread", &item);
        assert_eq!(s.brand, None);
        // Misheard, near an entry as a slot value would be; never on a word that does not
        // begin a name ("the"), nor near nothing.
        let c = Catalog::from_toml_str(r#"brands = ["côte d'or", "sagrotan"]"#).unwrap();
        let chocolate = [(SlotKind::Item, "chocolate")];
        let s = resolved(&c, Intent::Buy, "buy some coat door chocolate", &chocolate);
        assert_eq!(s.brand.as_deref(), Some("côte d'or"));
        let soap = [(SlotKind::Item, "hand soap")];
        let s = resolved(
            &c,
            Intent::AddToList,
            "put sagartan hand soap on the list",
            &soap,
        );
        assert_eq!(s.brand.as_deref(), Some("sagrotan"));
        let s = resolved(
            &c,
            Intent::AddToList,
            "put the hand soap on the list",
            &soap,
        );
        assert_eq!(s.brand, None);
        let s = resolved(
            &c,
            Intent::AddToList,
            "put liquid hand soap on the list",
            &soap,
        );
        assert_eq!(s.brand, None);
    }

    #[test]
    fn a_proper_name_one_sound_off_is_the_entry() {
        let c = Catalog::from_toml_str(
            r#"items = ["kiwis", "pillows"]
brands = ["lipton", "persil", "lea & perrins", "tchibo", "valio"]"#,
        )
        .unwrap();
        for (heard, want) in [
            ("litin", "lipton"),
            ("personal", "persil"),
            ("lee and parents", "lea & perrins"),
            ("Lea & Perrins", "lea & perrins"),
            ("lea et perrins", "lea & perrins"),
            // Two sounds alike (XP) and the spelling near.
            ("t-cheebo", "tchibo"),
        ] {
            assert_eq!(c.resolve(SlotKind::Brand, heard), Some(want), "{heard}");
        }
        // Not items (ordinary words are one sound apart all the time), nor short names, nor
        // two sounds alike (FL) spelt too far apart.
        assert_eq!(c.resolve(SlotKind::Item, "kids"), None);
        assert_eq!(c.resolve(SlotKind::Item, "piles"), None);
        assert_eq!(c.resolve(SlotKind::Brand, "lip"), None);
        assert_eq!(c.resolve(SlotKind::Brand, "valley"), None);
        // A list's name, two sounds alike (TL) and spelled near; not an ordinary word.
        let c = Catalog::from_toml_str(r#"lists = ["diwali"]"#).unwrap();
        assert_eq!(c.resolve(SlotKind::List, "dewali"), Some("diwali"));
        assert_eq!(c.resolve(SlotKind::List, "daily"), None);
    }

    #[test]
    fn names_not_in_the_catalogue_are_left_as_heard() {
        let c = Catalog::from_toml_str(
            r#"items = ["silk", "oat milk"]
brands = ["milka"]"#,
        )
        .unwrap();
        for heard in ["milk", "bread", "eggs", "toilet paper", "oats"] {
            assert_eq!(c.resolve(SlotKind::Item, heard), None, "{heard}");
        }
        // An entry of another kind is not this slot's value.
        assert_eq!(c.resolve(SlotKind::Item, "milka"), None);
        // Names are held to their English sound: the French key alone is too loose.
        let c = Catalog::from_toml_str(
            r#"brands = ["évian"]
contacts = ["jack"]"#,
        )
        .unwrap();
        assert_eq!(c.resolve(SlotKind::Brand, "viande"), None);
        assert_eq!(c.resolve(SlotKind::Contact, "jake"), None);
        // A value that is an entry and more names something narrower.
        let c = Catalog::from_toml_str(r#"items = ["piles", "coffee"]"#).unwrap();
        assert_eq!(c.resolve(SlotKind::Item, "piles aaa"), None);
        assert_eq!(c.resolve(SlotKind::Item, "pile"), Some("piles"));
    }

    #[test]
    fn letters_outside_french_and_english_are_names_too() {
        let c = Catalog::from_toml_str(
            r#"brands = ["smørrebrød", "häagen-dazs"]
contacts = ["muñoz", "łukasz", "straße"]"#,
        )
        .unwrap();
        assert_eq!(c.resolve(SlotKind::Brand, "hagen das"), Some("häagen-dazs"));
        assert_eq!(c.resolve(SlotKind::Contact, "munoz"), Some("muñoz"));
        for heard in ["smørrebrød", "łukasz", "straße", "øre", "ñ"] {
            let _ = c.resolve(SlotKind::Contact, heard);
        }
    }

    #[test]
    fn bad_catalogues_say_where_and_what() {
        for (text, expect) in [
            ("brand = [\"lavazza\"]", "brand"),
            ("items = \"milk\"", "items"),
            ("items = [\"milk\", 3]", "items"),
            ("lang = \"de\"", "lang"),
            ("items = [\"  \"]", "items[0]"),
            ("[aliases]\n\"my key\" = \"ikea\"", "not an entry"),
            ("items = [\"milk\"]\nitems = [\"eggs\"]", "line 2"),
        ] {
            let e = Catalog::from_toml_str(text).unwrap_err();
            assert!(e.contains(expect), "{text}: {e}");
        }
    }

    #[test]
    fn french_names_resolve_by_their_french_sound() {
        let c = Catalog::from_toml_str(
            r#"charities = ["restos du coeur"]
brands = ["bonne maman"]"#,
        )
        .unwrap();
        assert_eq!(
            c.resolve(SlotKind::Charity, "restaux du cœur"),
            Some("restos du coeur")
        );
        assert_eq!(
            c.resolve(SlotKind::Brand, "bonne mamans"),
            Some("bonne maman")
        );
    }
}
