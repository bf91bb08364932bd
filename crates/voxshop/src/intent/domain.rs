//! The shopping domain's facts as crates/voxshop/data/domain.toml states them: what each intent
//! may carry, and the words behind the normal forms of units, currencies, numbers and list
//! names. The file is embedded at build time and parsed on first use; the corpus generator
//! (scripts/gen_corpus.py) reads the same file, so the tagger is trained on the words that
//! the normaliser understands.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::LazyLock;

use serde::Deserialize;

use super::normalize::MAX_AMOUNT;
use super::schema::{Intent, SlotKind};
use crate::stt::Lang;

/// The domain file, as the repository names it (for messages).
pub const DOMAIN_FILE: &str = "crates/voxshop/data/domain.toml";
const SOURCE: &str = include_str!("../../data/domain.toml");

static DOMAIN: LazyLock<Domain> =
    LazyLock::new(|| Domain::parse(SOURCE).unwrap_or_else(|e| panic!("{DOMAIN_FILE}: {e}")));

/// The embedded domain. Parsing cannot fail at run time: a unit test parses the same bytes.
pub fn domain() -> &'static Domain {
    &DOMAIN
}

/// What the file says of one intent.
#[derive(Debug)]
pub struct IntentFacts {
    pub slots: Vec<SlotKind>,
    pub confirm: bool,
    pub default_list: bool,
    /// A command is complete when it has one of these slots (none: always complete).
    pub needs: Vec<SlotKind>,
}

impl IntentFacts {
    /// Whether a command with `slots` is complete (DOMAIN.md, "Several commands").
    pub fn is_complete(&self, slots: &super::schema::Slots) -> bool {
        self.needs.is_empty() || self.needs.iter().any(|&k| slots.get(k).is_some())
    }
}

#[derive(Debug)]
pub struct Domain {
    /// In `Intent::ALL` order.
    intents: Vec<IntentFacts>,
    /// Every unit word -> its canonical code.
    units: HashMap<String, String>,
    /// What the speech model writes for a unit ("leaders" for litres): a unit slot's value
    /// only, never a unit word to the model's features (`heard` in `[[unit]]`).
    heard_units: HashMap<String, String>,
    /// Every currency word or symbol -> its ISO 4217 code.
    currencies: HashMap<String, String>,
    pub numbers: Numbers,
    pub lists: Lists,
    /// Words that begin the rest of a command (every language).
    continuation: HashSet<String>,
    /// Words by which a command points back at the one just said.
    refers_back: HashSet<String>,
    /// Words that join talk and a command said after it.
    joins_talk: HashSet<String>,
    /// Words that a command does not end on: besides the continuation words, determiners
    /// and possessives (every language).
    leads_on: HashSet<String>,
    /// Words that end no name besides those two (every language).
    after_names: HashSet<String>,
    /// A word the speech model writes for a command verb -> the verb (`[misheard_verbs]`).
    misheard_verbs: HashMap<String, String>,
    /// A word that is an amount and its currency at once -> what it is worth and the
    /// currency word it is read with ("fiver" -> 5, "pounds"; `[money_words]`).
    money_words: HashMap<String, (f64, String)>,
    /// Verbs that put something on a list, and the words that lead to that list
    /// (`[onto_list]`).
    verbs_onto_list: HashSet<String>,
    words_onto_list: HashSet<String>,
    /// By language code: that language's `leads_on` words (with its continuation words),
    /// and those with its `after_names` words, for text known to be in that language.
    leads_on_by_lang: HashMap<String, HashSet<String>>,
    ends_no_name_by_lang: HashMap<String, HashSet<String>>,
    /// Words next to an item that are not part of its name (`[not_in_items]`).
    not_in_items: HashSet<String>,
    /// Words that join an item's head to its complement ("bag **of** rice", "tapis **de** yoga").
    name_complements: HashSet<String>,
    /// Words for a hundredth of a currency ("cents", "centimes": `[currency_cents]`).
    cents_words: HashSet<String>,
    /// Words after which a name is a shop (`[before_shops]`).
    before_shops: HashSet<String>,
    /// How a command says a place in a house that is no list (`[places]`).
    pub places: Places,
    /// What each language's text is told by (`[language_vote]`), English first.
    votes: Vec<LanguageVote>,
    /// Each word and the forms the speech model may write it in, as one group
    /// (`[written_as]`).
    written_as: Vec<Vec<String>>,
}

/// The words and letters that count for one language in `Domain::language_of`.
#[derive(Debug)]
struct LanguageVote {
    lang: Lang,
    words: HashSet<String>,
    letters: Vec<char>,
}

/// At most this many words are a fragment (see [`Domain::is_fragment`]).
pub(crate) const FRAGMENT_WORDS: usize = 3;

/// Number words of every language together: an utterance may mix them ("deux dozen").
#[derive(Debug)]
pub struct Numbers {
    words: HashMap<String, f64>,
    scales: HashMap<String, f64>,
    half: HashSet<String>,
    articles: HashSet<String>,
    ignored: HashSet<String>,
    /// Keyed by their words as `words_of` reads them, joined by a space.
    phrases: HashMap<String, f64>,
    /// (value, form) of every form the corpus generator says.
    spoken: Vec<(f64, String)>,
}

#[derive(Debug)]
pub struct Lists {
    pub default: String,
    aliases: HashSet<String>,
    pub words_after: Vec<String>,
    pub words_before: Vec<String>,
    /// Each phrase that says the default list without its name, as words.
    unnamed: Vec<Vec<String>>,
    /// Words before a list's name that are not part of it ("entire", "current").
    pub not_names: HashSet<String>,
}

/// `[places]`: the commands that may put their object somewhere that is no list ("add the
/// garlic to the pan") or buy it from a room ("grab the milk from the fridge"), and each
/// language's words for such a place.
#[derive(Debug)]
pub struct Places {
    intents: Vec<Intent>,
    away_intents: Vec<Intent>,
    share_intents: Vec<Intent>,
    room_intents: Vec<Intent>,
    by_lang: Vec<PlaceWords>,
}

/// One language's words of `[places]`.
#[derive(Debug)]
pub struct PlaceWords {
    pub leads: HashSet<String>,
    pub away: HashSet<String>,
    pub contracted: HashSet<String>,
    pub determiners: HashSet<String>,
    pub not_to: HashSet<String>,
    pub lists: HashSet<String>,
    pub rooms: HashSet<String>,
    pub from: HashSet<String>,
}

impl Places {
    /// Whether a command of `intent` is read for a place that is no list.
    pub fn read_for(&self, intent: Intent) -> bool {
        self.intents.contains(&intent)
    }

    /// Whether `intent` takes something away (the `away` words lead to its place too).
    pub fn takes_away(&self, intent: Intent) -> bool {
        self.away_intents.contains(&intent)
    }

    /// Whether `intent` sends something to someone (the `not_to` words lead to no place).
    pub fn shares(&self, intent: Intent) -> bool {
        self.share_intents.contains(&intent)
    }

    /// Whether `intent` buys something, and its place is talk only where it is a room.
    pub fn buys(&self, intent: Intent) -> bool {
        self.room_intents.contains(&intent)
    }

    /// Each language's words.
    pub fn languages(&self) -> impl Iterator<Item = &PlaceWords> {
        self.by_lang.iter()
    }
}

impl Domain {
    pub fn intent(&self, intent: Intent) -> &IntentFacts {
        &self.intents[intent.index()]
    }

    /// Whether `word` (lower case) begins the rest of a command, never a request of its own.
    pub fn begins_continuation(&self, word: &str) -> bool {
        self.continuation.contains(word)
    }

    /// Whether `word` (lower case) may join talk and a command said after it
    /// (`[joins_talk]`: "what's the weather like **and** add bread to my list").
    pub fn joins_talk(&self, word: &str) -> bool {
        self.joins_talk.contains(word)
    }

    /// Whether `words` point back at a command just said ("I want to cancel it"): one of
    /// them is a `[refers_back]` word.
    pub fn refers_back(&self, words: &[String]) -> bool {
        words.iter().any(|w| self.refers_back.contains(w))
    }

    /// The more likely language of `words` (lower case) by `[language_vote]`: two for each of
    /// a language's words, one for each word holding one of its letters; English when no
    /// language has more.
    pub fn language_of(&self, words: &[String]) -> Lang {
        let score = |vote: &LanguageVote| -> usize {
            words
                .iter()
                .map(|w| {
                    2 * usize::from(vote.words.contains(w))
                        + usize::from(w.chars().any(|c| vote.letters.contains(&c)))
                })
                .sum()
        };
        let mut best = (Lang::En, 0);
        for vote in &self.votes {
            let s = score(vote);
            if s > best.1 {
                best = (vote.lang, s);
            }
        }
        best.0
    }

    /// Whether a command that ends on `word` (lower case) has more to come ("buy the", "add
    /// milk to my"): the completer's one clue on names it has never seen.
    pub fn leads_on(&self, word: &str) -> bool {
        self.continuation.contains(word) || self.leads_on.contains(word)
    }

    /// Whether a name cannot end on `word` (lower case): "toaster instead", "spaghetti and".
    pub fn ends_no_name(&self, word: &str) -> bool {
        self.leads_on(word) || self.after_names.contains(word)
    }

    /// Whether `word` (lower case), untagged beside an item, may be part of its name: no
    /// function word, number, unit, or word such as "more", "same", "demain"
    /// (`[not_in_items]`).
    pub fn may_be_in_item(&self, word: &str) -> bool {
        !self.ends_no_name(word)
            && !self.not_in_item(word)
            && self.unit(word).is_none()
            && self.numbers.word(word).is_none()
            && self.numbers.scale(word).is_none()
            && word.chars().any(char::is_alphabetic)
            && word
                .chars()
                .all(|c| c.is_alphabetic() || c == '-' || c == '\'')
    }

    /// `leads_on` for text in `lang` only: an English transcript of "Maisons du Monde"
    /// ("masons do mon") holds French determiners that are part of the name there.
    pub fn leads_on_in(&self, word: &str, lang: Lang) -> bool {
        in_lang(&self.leads_on_by_lang, word, lang)
    }

    /// `ends_no_name` for text in `lang` only (see `leads_on_in`).
    pub fn ends_no_name_in(&self, word: &str, lang: Lang) -> bool {
        in_lang(&self.ends_no_name_by_lang, word, lang)
    }

    /// Whether `word` (lower case) is one that no name of an item, brand or shop takes in
    /// or ends on ("more", "same", "own": `[not_in_items]`).
    pub fn not_in_item(&self, word: &str) -> bool {
        self.not_in_items.contains(word)
    }

    /// Whether `word` (lower case) names a hundredth of a currency ("cents").
    pub fn is_cents_word(&self, word: &str) -> bool {
        self.cents_words.contains(word)
    }

    /// Whether `word` (lower case) is a determiner or possessive (`[leads_on]`).
    pub fn is_determiner(&self, word: &str) -> bool {
        self.leads_on.contains(word)
    }

    /// Whether a name said right after `word` (lower case) is a shop ("from", "chez").
    pub fn comes_before_shops(&self, word: &str) -> bool {
        self.before_shops.contains(word)
    }

    /// Whether `word` joins a name's head to its complement ("tapis **de** yoga").
    /// The other ways `word` is said or written (`[written_as]`: "barbecue" and "bbq").
    pub fn written_alike<'a>(&'a self, word: &'a str) -> impl Iterator<Item = &'a str> {
        self.written_as
            .iter()
            .filter(move |group| group.iter().any(|w| w == word))
            .flatten()
            .map(String::as_str)
            .filter(move |w| *w != word)
    }

    pub fn joins_name_complement(&self, word: &str) -> bool {
        self.name_complements.contains(word)
    }

    /// Whether `tokens` are a few words ("again", "camping list") or begin with the rest of
    /// a command ("on my grocery list, please"): the model reads some as commands, but after
    /// a command they are its end more often than a request of their own.
    pub fn is_fragment(&self, tokens: &[String]) -> bool {
        tokens.len() <= FRAGMENT_WORDS
            || (tokens.first()).is_some_and(|w| self.begins_continuation(w))
    }

    /// The command verb the speech model may have meant by `word` ("by" -> "buy").
    pub fn misheard_verb(&self, word: &str) -> Option<&str> {
        self.misheard_verbs.get(word).map(String::as_str)
    }

    /// What a word that is an amount and its currency at once is worth, and the currency
    /// word it is read with ("fiver" -> (5, "pounds")).
    pub fn money_word(&self, word: &str) -> Option<(f64, &str)> {
        self.money_words.get(word).map(|(w, c)| (*w, c.as_str()))
    }

    /// Whether `verb` puts something on a list ("add").
    pub fn puts_onto_list(&self, verb: &str) -> bool {
        self.verbs_onto_list.contains(verb)
    }

    /// Whether `word` leads to the list something goes on ("to", "on").
    pub fn leads_onto_list(&self, word: &str) -> bool {
        self.words_onto_list.contains(word)
    }

    /// The unit a unit slot heard as `word` means: a unit word, or one the speech model
    /// writes for it.
    pub fn heard_unit(&self, word: &str) -> Option<&str> {
        self.unit(word)
            .or_else(|| self.heard_units.get(word).map(String::as_str))
    }

    pub fn unit(&self, word: &str) -> Option<&str> {
        self.units.get(word).map(String::as_str)
    }

    pub fn currency(&self, word: &str) -> Option<&str> {
        self.currencies.get(word).map(String::as_str)
    }

    /// (word, code) of every unit word.
    #[cfg(test)] // what the tests that the file and the rules agree walk through
    pub fn unit_words(&self) -> impl Iterator<Item = (&str, &str)> {
        self.units.iter().map(|(w, c)| (w.as_str(), c.as_str()))
    }

    /// (word, code) of every currency word.
    #[cfg(test)] // what the tests that the file and the rules agree walk through
    pub fn currency_words(&self) -> impl Iterator<Item = (&str, &str)> {
        self.currencies
            .iter()
            .map(|(w, c)| (w.as_str(), c.as_str()))
    }

    fn parse(source: &str) -> Result<Domain, String> {
        let raw: RawDomain = toml::from_str(source).map_err(|e| e.to_string())?;
        check_same_names(
            "slots",
            "SlotKind",
            &raw.slots,
            SlotKind::ALL.iter().map(|s| s.name()),
        )?;
        check_same_names(
            "intents",
            "Intent",
            &raw.intents
                .iter()
                .map(|i| i.name.clone())
                .collect::<Vec<_>>(),
            Intent::ALL.iter().map(|i| i.name()),
        )?;
        let intents = raw
            .intents
            .into_iter()
            .map(RawIntent::facts)
            .collect::<Result<_, _>>()?;
        let currencies = word_table("currency", &raw.currency)?;
        let mut numbers = Numbers {
            words: HashMap::new(),
            scales: HashMap::new(),
            half: HashSet::new(),
            articles: HashSet::new(),
            ignored: HashSet::new(),
            phrases: HashMap::new(),
            spoken: Vec::new(),
        };
        // Every language's in-between words first: any of them may sit in any phrase.
        for n in raw.numbers.values() {
            numbers.ignored.extend(n.ignored.iter().cloned());
        }
        for (lang, n) in &raw.numbers {
            numbers.add(lang, n)?;
        }
        Ok(Domain {
            intents,
            continuation: one_word_each("continuation", &raw.continuation)?,
            refers_back: one_word_each("refers_back", &raw.refers_back)?,
            joins_talk: one_word_each("joins_talk", &raw.joins_talk)?,
            leads_on: one_word_each("leads_on", &raw.leads_on)?,
            after_names: one_word_each("after_names", &raw.after_names)?,
            misheard_verbs: raw.misheard_verbs.into_values().flatten().collect(),
            verbs_onto_list: one_word_each("onto_list.verbs", &raw.onto_list.verbs)?,
            words_onto_list: one_word_each("onto_list.words", &raw.onto_list.words)?,
            leads_on_by_lang: by_lang(&[&raw.continuation, &raw.leads_on]),
            ends_no_name_by_lang: by_lang(&[&raw.continuation, &raw.leads_on, &raw.after_names]),
            not_in_items: one_word_each("not_in_items", &raw.not_in_items)?,
            name_complements: one_word_each("name_complements", &raw.name_complements)?,
            cents_words: one_word_each("currency_cents", &raw.currency_cents)?,
            before_shops: one_word_each("before_shops", &raw.before_shops)?,
            places: places(raw.places)?,
            votes: language_votes(raw.language_vote)?,
            written_as: written_as(raw.written_as)?,
            units: word_table("unit", &raw.unit)?,
            heard_units: heard_table("unit", &raw.unit)?,
            money_words: money_words(raw.money_words, &currencies)?,
            currencies,
            numbers,
            lists: Lists {
                default: raw.lists.default,
                aliases: raw.lists.aliases.into_iter().collect(),
                words_after: raw.lists.words_after,
                words_before: raw.lists.words_before,
                unnamed: raw
                    .lists
                    .unnamed
                    .iter()
                    .map(|p| p.split_whitespace().map(str::to_string).collect())
                    .collect(),
                not_names: raw.lists.not_names.into_iter().collect(),
            },
        })
    }
}

impl Numbers {
    /// The words of a spoken number as they are read: lower case, hyphens as spaces
    /// ("vingt-deux"), without the words between number words ("a couple of").
    pub fn words_of(&self, text: &str) -> Vec<String> {
        text.to_lowercase()
            .replace('-', " ")
            .split_whitespace()
            .filter(|w| !self.ignored.contains(*w))
            .map(str::to_string)
            .collect()
    }

    /// The value of a whole phrase ("a couple", "une demi-douzaine"), given its `words_of`.
    pub fn phrase(&self, words: &[String]) -> Option<f64> {
        self.phrases.get(&words.join(" ")).copied()
    }

    pub fn word(&self, word: &str) -> Option<f64> {
        self.words.get(word).copied()
    }

    pub fn scale(&self, word: &str) -> Option<f64> {
        self.scales.get(word).copied()
    }

    pub fn is_half(&self, word: &str) -> bool {
        self.half.contains(word)
    }

    pub fn is_article(&self, word: &str) -> bool {
        self.articles.contains(word)
    }

    /// (value, form) of every number word, phrase and spoken form the file lists.
    #[cfg(test)] // what the tests that the file and the rules agree walk through
    pub fn all_forms(&self) -> Vec<(f64, String)> {
        let mut forms: Vec<(f64, String)> = self.spoken.clone();
        forms.extend(self.words.iter().map(|(w, v)| (*v, w.clone())));
        forms.extend(self.phrases.iter().map(|(p, v)| (*v, p.clone())));
        forms
    }

    fn add(&mut self, lang: &str, raw: &RawNumbers) -> Result<(), String> {
        let at = |part: &str| format!("numbers.{lang}.{part}");
        for (value, words) in &raw.words {
            let value = whole_number(value)
                .ok_or_else(|| format!("{}: key {value:?} is not a whole number", at("words")))?;
            for w in words {
                insert_word(&mut self.words, w, value, &at("words"))?;
            }
        }
        for (w, value) in &raw.scales {
            insert_word(&mut self.scales, w, *value, &at("scales"))?;
        }
        self.half.extend(raw.half.iter().cloned());
        self.articles.extend(raw.articles.iter().cloned());
        for (phrase, value) in &raw.phrases {
            let key = self.words_of(phrase).join(" ");
            insert_word(&mut self.phrases, &key, *value, &at("phrases"))?;
        }
        for (value, forms) in &raw.spoken {
            let value = whole_number(value)
                .ok_or_else(|| format!("{}: key {value:?} is not a whole number", at("spoken")))?;
            self.spoken
                .extend(forms.iter().map(|f| (value, f.to_string())));
        }
        Ok(())
    }
}

impl Lists {
    /// Whether `word` closes a list's name ("party | list").
    pub fn closes_name(&self, word: &str) -> bool {
        self.words_after.iter().any(|a| a == word)
    }

    pub fn is_alias(&self, name: &str) -> bool {
        self.aliases.contains(name)
    }

    /// Whether `tokens` say the default list without its name ("my list", "ma liste").
    pub fn says_unnamed(&self, tokens: &[String]) -> bool {
        self.unnamed
            .iter()
            .any(|p| tokens.windows(p.len()).any(|w| w == p.as_slice()))
    }

    #[cfg(test)] // what the tests that the file and the rules agree walk through
    pub fn aliases(&self) -> impl Iterator<Item = &str> {
        self.aliases.iter().map(String::as_str)
    }
}

fn whole_number(key: &str) -> Option<f64> {
    key.parse::<u32>().ok().map(f64::from)
}

/// The enum and the file must name the same things in the same order: the model's outputs
/// are numbered by the enum, the corpus is labelled by the file.
fn check_same_names<'a>(
    key: &str,
    enum_name: &str,
    file: &[String],
    code: impl Iterator<Item = &'a str>,
) -> Result<(), String> {
    let code: Vec<&str> = code.collect();
    if file.iter().map(String::as_str).ne(code.iter().copied()) {
        return Err(format!(
            "{key} {file:?} differ from the {enum_name} enum's {code:?} \
             (crates/voxshop/src/intent/schema.rs): list the same names in the same order"
        ));
    }
    Ok(())
}

fn insert_word<V: PartialEq + Clone + std::fmt::Debug>(
    table: &mut HashMap<String, V>,
    word: &str,
    value: V,
    at: &str,
) -> Result<(), String> {
    if word.is_empty() || word != word.to_lowercase() || word != word.trim() {
        return Err(format!(
            "{at}: {word:?}: words are lower case, without outer spaces"
        ));
    }
    match table.insert(word.to_string(), value.clone()) {
        Some(old) if old != value => Err(format!(
            "{at}: {word:?} stands for both {old:?} and {value:?}"
        )),
        _ => Ok(()),
    }
}

/// Every word of `[[unit]]` or `[[currency]]` entries -> the entry's code.
fn word_table(kind: &str, entries: &[RawWords]) -> Result<HashMap<String, String>, String> {
    let mut table = HashMap::new();
    for (k, e) in entries.iter().enumerate() {
        let at = format!("{kind}[{k}] ({})", e.code);
        for form in e.en.iter().chain(&e.fr) {
            for word in form_words(form).ok_or_else(|| {
                format!("{at}: {form:?}: expected \"singular|plural\" or one word")
            })? {
                insert_word(&mut table, word, e.code.clone(), &at)?;
            }
        }
        for word in &e.also {
            insert_word(&mut table, word, e.code.clone(), &at)?;
        }
    }
    Ok(table)
}

/// The `heard` words of a `[[unit]]` / `[[currency]]` table -> their code; none may be one of
/// its words.
fn heard_table(kind: &str, entries: &[RawWords]) -> Result<HashMap<String, String>, String> {
    let words = word_table(kind, entries)?;
    let mut table = HashMap::new();
    for (k, e) in entries.iter().enumerate() {
        let at = format!("{kind}[{k}] ({})", e.code);
        for word in &e.heard {
            if words.contains_key(word) {
                return Err(format!(
                    "{at}: heard {word:?} is already a word of the table"
                ));
            }
            insert_word(&mut table, word, e.code.clone(), &at)?;
        }
    }
    Ok(table)
}

/// The words of a form "singular|plural" or "word", without a French gender (":m", ":f").
fn form_words(form: &str) -> Option<Vec<&str>> {
    let words = match form.rsplit_once(':') {
        Some((words, "m" | "f")) => words,
        _ => form,
    };
    let forms: Vec<&str> = words.split('|').collect();
    (forms.len() <= 2 && forms.iter().all(|f| !f.is_empty())).then_some(forms)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDomain {
    slots: Vec<String>,
    intents: Vec<RawIntent>,
    unit: Vec<RawWords>,
    currency: Vec<RawWords>,
    numbers: BTreeMap<String, RawNumbers>,
    lists: RawLists,
    #[serde(default)]
    continuation: BTreeMap<String, Vec<String>>,
    #[serde(default)]
    refers_back: BTreeMap<String, Vec<String>>,
    #[serde(default)]
    joins_talk: BTreeMap<String, Vec<String>>,
    #[serde(default)]
    leads_on: BTreeMap<String, Vec<String>>,
    #[serde(default)]
    after_names: BTreeMap<String, Vec<String>>,
    #[serde(default)]
    misheard_verbs: BTreeMap<String, BTreeMap<String, String>>,
    #[serde(default)]
    money_words: BTreeMap<String, BTreeMap<String, RawMoneyWord>>,
    #[serde(default)]
    onto_list: RawOntoList,
    #[serde(default)]
    not_in_items: BTreeMap<String, Vec<String>>,
    #[serde(default)]
    name_complements: BTreeMap<String, Vec<String>>,
    #[serde(default)]
    currency_cents: BTreeMap<String, Vec<String>>,
    #[serde(default)]
    before_shops: BTreeMap<String, Vec<String>>,
    #[serde(default)]
    places: RawPlaces,
    #[serde(default)]
    language_vote: BTreeMap<String, RawVote>,
    #[serde(default)]
    written_as: BTreeMap<String, Vec<String>>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawPlaces {
    #[serde(default)]
    intents: Vec<String>,
    #[serde(default)]
    away_intents: Vec<String>,
    #[serde(default)]
    share_intents: Vec<String>,
    #[serde(default)]
    room_intents: Vec<String>,
    #[serde(default)]
    leads: BTreeMap<String, Vec<String>>,
    #[serde(default)]
    away: BTreeMap<String, Vec<String>>,
    #[serde(default)]
    contracted: BTreeMap<String, Vec<String>>,
    #[serde(default)]
    determiners: BTreeMap<String, Vec<String>>,
    #[serde(default)]
    not_to: BTreeMap<String, Vec<String>>,
    #[serde(default)]
    lists: BTreeMap<String, Vec<String>>,
    #[serde(default)]
    rooms: BTreeMap<String, Vec<String>>,
    #[serde(default)]
    from: BTreeMap<String, Vec<String>>,
}

/// `[places]`: intents the file names, and one set of words per language that leads to a
/// place (a language with `away`, `contracted`, ... words but no `leads` is refused).
fn places(raw: RawPlaces) -> Result<Places, String> {
    let intents_of = |key: &str, names: &[String]| -> Result<Vec<Intent>, String> {
        names
            .iter()
            .map(|n| Intent::from_name(n).ok_or(format!("places.{key}: {n:?} is no intent")))
            .collect()
    };
    let intents = intents_of("intents", &raw.intents)?;
    let away_intents = intents_of("away_intents", &raw.away_intents)?;
    let share_intents = intents_of("share_intents", &raw.share_intents)?;
    let room_intents = intents_of("room_intents", &raw.room_intents)?;
    for (key, some) in [
        ("away_intents", &away_intents),
        ("share_intents", &share_intents),
    ] {
        if let Some(i) = some.iter().find(|i| !intents.contains(i)) {
            return Err(format!("places.{key}: {i} is not in places.intents"));
        }
    }
    let tables = [
        ("away", &raw.away),
        ("contracted", &raw.contracted),
        ("determiners", &raw.determiners),
        ("not_to", &raw.not_to),
        ("lists", &raw.lists),
        ("rooms", &raw.rooms),
        ("from", &raw.from),
    ];
    for (key, table) in tables {
        if let Some(lang) = table.keys().find(|l| !raw.leads.contains_key(*l)) {
            return Err(format!("places.{key}.{lang}: places.leads has no {lang}"));
        }
    }
    let words = |key: &str, table: &BTreeMap<String, Vec<String>>, lang: &str| {
        let one = table
            .get(lang)
            .map(|w| BTreeMap::from([(lang.to_string(), w.clone())]));
        one_word_each(&format!("places.{key}"), &one.unwrap_or_default())
    };
    let by_lang = (raw.leads.keys())
        .map(|lang| {
            Ok(PlaceWords {
                leads: words("leads", &raw.leads, lang)?,
                away: words("away", &raw.away, lang)?,
                contracted: words("contracted", &raw.contracted, lang)?,
                determiners: words("determiners", &raw.determiners, lang)?,
                not_to: words("not_to", &raw.not_to, lang)?,
                lists: words("lists", &raw.lists, lang)?,
                rooms: words("rooms", &raw.rooms, lang)?,
                from: words("from", &raw.from, lang)?,
            })
        })
        .collect::<Result<_, String>>()?;
    Ok(Places {
        intents,
        away_intents,
        share_intents,
        room_intents,
        by_lang,
    })
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMoneyWord {
    worth: f64,
    currency: String,
}

/// `[money_words]`: every language's words, each worth a positive amount no larger than the
/// recogniser takes from speech and read with a currency word of the file.
fn money_words(
    raw: BTreeMap<String, BTreeMap<String, RawMoneyWord>>,
    currencies: &HashMap<String, String>,
) -> Result<HashMap<String, (f64, String)>, String> {
    let mut out = HashMap::new();
    for (lang, words) in raw {
        for (word, m) in words {
            let at = format!("money_words.{lang}.{word}");
            if !(m.worth > 0.0 && m.worth <= MAX_AMOUNT) {
                return Err(format!(
                    "{at}: worth {} is not an amount (0, {MAX_AMOUNT}]",
                    m.worth
                ));
            }
            if !currencies.contains_key(&m.currency) {
                return Err(format!(
                    "{at}: {:?} is no currency word of the file",
                    m.currency
                ));
            }
            if !one_lower_case_word(&word) {
                return Err(format!("{at}: not one lower-case word"));
            }
            out.insert(word, (m.worth, m.currency));
        }
    }
    Ok(out)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawVote {
    words: Vec<String>,
    #[serde(default)]
    letters: Vec<String>,
}

/// `[language_vote]`, English first so that a tie is English.
fn language_votes(raw: BTreeMap<String, RawVote>) -> Result<Vec<LanguageVote>, String> {
    let mut votes = Vec::new();
    for (code, vote) in raw {
        let lang: Lang = code
            .parse()
            .map_err(|e| format!("language_vote.{code}: {e}"))?;
        let words = one_word_each(
            "language_vote",
            &BTreeMap::from([(format!("{code}.words"), vote.words)]),
        )?;
        let mut letters = Vec::new();
        for l in &vote.letters {
            let mut chars = l.chars();
            match (chars.next(), chars.next()) {
                (Some(c), None) => letters.push(c),
                _ => {
                    return Err(format!(
                        "language_vote.{code}.letters: {l:?} is not one letter"
                    ))
                }
            }
        }
        votes.push(LanguageVote {
            lang,
            words,
            letters,
        });
    }
    votes.sort_by_key(|v| v.lang != Lang::En);
    Ok(votes)
}

/// Whether `word` is among `lang`'s words of a table made by `by_lang`.
fn in_lang(table: &HashMap<String, HashSet<String>>, word: &str, lang: Lang) -> bool {
    table.get(lang.code()).is_some_and(|w| w.contains(word))
}

/// The words of several `[table]`s of one-word lists, by language (checked by
/// `one_word_each`).
fn by_lang(tables: &[&BTreeMap<String, Vec<String>>]) -> HashMap<String, HashSet<String>> {
    let mut out: HashMap<String, HashSet<String>> = HashMap::new();
    for table in tables {
        for (lang, words) in table.iter() {
            out.entry(lang.clone())
                .or_default()
                .extend(words.iter().cloned());
        }
    }
    out
}

/// Whether a word of the file is one word, in lower case, as the tables hold them.
fn one_lower_case_word(w: &str) -> bool {
    !w.is_empty() && !w.contains(' ') && w == w.to_lowercase()
}

/// The words of a `[table]` of one-word lists by language, every language together.
fn one_word_each(
    table: &str,
    by_lang: &BTreeMap<String, Vec<String>>,
) -> Result<HashSet<String>, String> {
    let mut all = HashSet::new();
    for (lang, words) in by_lang {
        for w in words {
            if !one_lower_case_word(w) {
                return Err(format!("{table}.{lang}: {w:?} is not one lower-case word"));
            }
            all.insert(w.clone());
        }
    }
    Ok(all)
}

/// `[written_as]`: each word with its written forms, one group each, all one lower-case word.
fn written_as(raw: BTreeMap<String, Vec<String>>) -> Result<Vec<Vec<String>>, String> {
    raw.into_iter()
        .map(|(word, forms)| {
            let group: Vec<String> = std::iter::once(word.clone()).chain(forms).collect();
            let checked = one_word_each("written_as", &BTreeMap::from([(word, group.clone())]))?;
            if checked.len() < 2 {
                return Err(format!("written_as.{}: no other form", group[0]));
            }
            Ok(group)
        })
        .collect()
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawIntent {
    name: String,
    slots: Vec<String>,
    #[serde(default)]
    confirm: bool,
    #[serde(default)]
    default_list: bool,
    #[serde(default)]
    needs: Vec<String>,
}

impl RawIntent {
    fn facts(self) -> Result<IntentFacts, String> {
        let slots = self
            .slots
            .iter()
            .map(|s| {
                SlotKind::from_name(s)
                    .ok_or_else(|| format!("intent {}: {s:?} is not a slot", self.name))
            })
            .collect::<Result<Vec<_>, _>>()?;
        if self.default_list && !slots.contains(&SlotKind::List) {
            return Err(format!(
                "intent {}: a default list needs the list slot",
                self.name
            ));
        }
        let needs = (self.needs.iter())
            .map(|s| match SlotKind::from_name(s) {
                Some(k) if slots.contains(&k) => Ok(k),
                _ => Err(format!(
                    "intent {}: needs {s:?}, which is not one of its slots",
                    self.name
                )),
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(IntentFacts {
            slots,
            confirm: self.confirm,
            default_list: self.default_list,
            needs,
        })
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawWords {
    code: String,
    #[serde(default)]
    en: Vec<String>,
    #[serde(default)]
    fr: Vec<String>,
    #[serde(default)]
    also: Vec<String>,
    #[serde(default)]
    heard: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawNumbers {
    words: BTreeMap<String, Vec<String>>,
    scales: BTreeMap<String, f64>,
    half: Vec<String>,
    articles: Vec<String>,
    ignored: Vec<String>,
    phrases: BTreeMap<String, f64>,
    spoken: BTreeMap<String, Vec<String>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawOntoList {
    verbs: BTreeMap<String, Vec<String>>,
    words: BTreeMap<String, Vec<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLists {
    default: String,
    aliases: Vec<String>,
    words_after: Vec<String>,
    words_before: Vec<String>,
    unnamed: Vec<String>,
    not_names: Vec<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_embedded_file_parses() {
        let d = Domain::parse(SOURCE).unwrap_or_else(|e| panic!("{DOMAIN_FILE}: {e}"));
        assert_eq!(d.intents.len(), Intent::ALL.len());
        assert!(d.unit("litres").is_some() && d.currency("euros").is_some());
        assert!(!d.numbers.spoken.is_empty() && d.lists.is_alias("courses"));
    }

    #[test]
    fn a_unit_heard_is_read_as_the_unit_but_is_no_unit_word() {
        let d = Domain::parse(SOURCE).unwrap();
        assert_eq!(d.heard_unit("leaders"), Some("l"));
        assert_eq!(d.unit("leaders"), None);
        let twice = SOURCE.replace("heard = [\"leader\"", "heard = [\"litre\"");
        let e = Domain::parse(&twice).unwrap_err();
        assert!(e.contains("heard \"litre\""), "{e}");
    }

    #[test]
    fn errors_say_what_to_fix() {
        let renamed = SOURCE.replace("\"track_order\"", "\"track_parcel\"");
        let e = Domain::parse(&renamed).unwrap_err();
        assert!(
            e.contains("Intent enum") && e.contains("track_parcel"),
            "{e}"
        );
        let twice = SOURCE.replace("also = [\"flacon\"", "also = [\"litre\", \"flacon\"");
        let e = Domain::parse(&twice).unwrap_err();
        assert!(e.contains("\"litre\" stands for both"), "{e}");
        let e = Domain::parse("slots = 3").unwrap_err();
        assert!(e.contains("line 1"), "{e}");
        let needs_other = SOURCE.replace("needs = [\"contact\"]", "needs = [\"charity\"]");
        let e = Domain::parse(&needs_other).unwrap_err();
        assert!(e.contains("share_product") && e.contains("charity"), "{e}");
        let two_letters = SOURCE.replace("letters = [\"é\"", "letters = [\"ée\"");
        let e = Domain::parse(&two_letters).unwrap_err();
        assert!(
            e.contains("language_vote.fr.letters") && e.contains("ée"),
            "{e}"
        );
        let two_words = SOURCE.replace("\"laisse\", \"tomber\"", "\"laisse tomber\"");
        let e = Domain::parse(&two_words).unwrap_err();
        assert!(
            e.starts_with("language_vote.fr.words: \"laisse tomber\""),
            "{e}"
        );
        let unknown = SOURCE.replace("[language_vote.fr]", "[language_vote.de]");
        let e = Domain::parse(&unknown).unwrap_err();
        assert!(e.contains("language_vote.de"), "{e}");
        let no_intent = SOURCE.replace(
            "away_intents = [\"remove_from_list\"]",
            "away_intents = [\"take\"]",
        );
        let e = Domain::parse(&no_intent).unwrap_err();
        assert!(
            e.contains("places.away_intents") && e.contains("take"),
            "{e}"
        );
        let not_read = SOURCE.replace(
            "share_intents = [\"share_product\"]",
            "share_intents = [\"buy\"]",
        );
        let e = Domain::parse(&not_read).unwrap_err();
        assert!(e.contains("buy is not in places.intents"), "{e}");
        let no_leads = SOURCE.replace("away = { fr =", "away = { de =");
        let e = Domain::parse(&no_leads).unwrap_err();
        assert!(e.contains("places.away.de: places.leads has no de"), "{e}");
    }

    /// DOMAIN.md: `item` for add_to_list, remove_from_list, buy and buy_for_me; `contact`
    /// for share_product; `charity` or `amount` for donate; `item` or `brand` for
    /// activate_offer; none for the others.
    #[test]
    fn complete_commands_are_those_domain_md_names() {
        use crate::intent::schema::Slots;
        let d = domain();
        let none = Slots::default();
        let item = Slots {
            item: Some("milk".into()),
            ..Slots::default()
        };
        let amount = Slots {
            amount: Some(5.0),
            ..Slots::default()
        };
        let brand = Slots {
            brand: Some("tide".into()),
            ..Slots::default()
        };
        for &i in Intent::ALL.iter() {
            let facts = d.intent(i);
            let needs_item = matches!(
                i,
                Intent::AddToList | Intent::RemoveFromList | Intent::Buy | Intent::BuyForMe
            );
            let needs_something = needs_item
                || matches!(
                    i,
                    Intent::ShareProduct | Intent::Donate | Intent::ActivateOffer
                );
            assert_eq!(facts.is_complete(&none), !needs_something, "{i:?}");
            if needs_item {
                assert!(
                    facts.is_complete(&item) && !facts.is_complete(&brand),
                    "{i:?}"
                );
            }
        }
        assert!(d.intent(Intent::Donate).is_complete(&amount));
        assert!(d.intent(Intent::ActivateOffer).is_complete(&brand));
        assert!(!d.intent(Intent::ShareProduct).is_complete(&item));
    }
}
