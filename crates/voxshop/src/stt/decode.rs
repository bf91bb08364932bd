//! Greedy decoding with a KV cache, token suppression and the guards that keep Whisper from
//! inventing text: no-speech probability, average log-probability, repetition-loop cut and
//! compression ratio.

use super::bias::{Bias, Cover, Steering};
use super::model::{DecoderState, Whisper};
use super::tokenizer::{Lang, WhisperTokenizer};
use candle_core::Tensor;
use std::collections::VecDeque;
use std::io::Write;

/// Decoding knobs; the defaults are OpenAI's, but for the second hearing (`rescue_beams`).
#[derive(Debug, Clone)]
pub struct DecodeOptions {
    pub max_tokens: usize,
    pub no_speech_threshold: f32,
    pub logprob_threshold: f32,
    pub compression_ratio_threshold: f32,
    /// Force a language (multilingual models); `None` detects English vs French.
    pub language: Option<Lang>,
    /// Beam width of the second hearing of a transcript the caller does not want (0: none;
    /// see `Stt::transcribe_window_read`). 4 was chosen on spoken commands (README,
    /// "Spoken commands end to end"); 5 gained nothing more.
    pub rescue_beams: usize,
}

impl Default for DecodeOptions {
    fn default() -> Self {
        Self {
            max_tokens: 224,
            no_speech_threshold: 0.6,
            logprob_threshold: -1.0,
            compression_ratio_threshold: 2.4,
            language: None,
            rescue_beams: 4,
        }
    }
}

/// The text of one window and the evidence behind it.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct Transcript {
    pub text: String,
    pub lang: Lang,
    pub no_speech_prob: f32,
    pub avg_logprob: f32,
    pub compression_ratio: f32,
    pub tokens: Vec<u32>,
    /// The model's own log-probability of each token (before any catalogue's bonus).
    #[serde(skip)]
    pub token_logprobs: Vec<f32>,
    /// Why the text was discarded, if it was.
    pub rejected: Option<&'static str>,
    /// The decoder as it started on the window the text was read from, kept so that other
    /// readings of the same audio can be scored (`Stt::score_readings`).
    #[serde(skip)]
    pub hearing: Option<Hearing>,
}

/// A decoder fed the prompt after some audio: what readings of that audio are scored from.
#[derive(Clone)]
pub struct Hearing {
    state: DecoderState,
    /// Logits of the first token.
    first: Tensor,
}

impl std::fmt::Debug for Hearing {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Hearing({} tokens)", self.state.len())
    }
}

/// Greedy decoder bound to a model and its tokenizer.
pub struct Decoder<'a> {
    model: &'a Whisper,
    tok: &'a WhisperTokenizer,
    /// Additive mask applied at every step: -inf on tokens that may never be produced.
    suppress: Vec<f32>,
    suppress_begin: Vec<u32>,
}

impl<'a> Decoder<'a> {
    pub fn new(model: &'a Whisper, tok: &'a WhisperTokenizer) -> Self {
        let vocab = model.config.vocab;
        let mut suppress = vec![0f32; vocab];
        for &id in &model.config.suppress_ids {
            if let Some(s) = suppress.get_mut(id as usize) {
                *s = f32::NEG_INFINITY;
            }
        }
        // Everything from <|startoftranscript|> on is a control or timestamp token: in
        // no-timestamp mode the only special token we accept is <|endoftext|>.
        for s in suppress.iter_mut().skip(tok.sot as usize) {
            *s = f32::NEG_INFINITY;
        }
        Self {
            model,
            tok,
            suppress,
            suppress_begin: model.config.suppress_ids_begin.clone(),
        }
    }

    /// Decodes one window's audio features, followed by the padding memory if `padding`,
    /// steered toward a catalogue's names by `bias` (see `bias.rs`).
    pub fn run(
        &self,
        audio: &Tensor,
        padding: bool,
        opts: &DecodeOptions,
        bias: Option<&Bias>,
    ) -> candle_core::Result<Transcript> {
        self.run_drafted(audio, padding, opts, bias, &[])
    }

    /// As [`Decoder::run`], given `draft`: the tokens an earlier transcript of the same
    /// utterance wrote (a speculation at a pause that was not its end, a partial one), likely
    /// how this one begins. The draft goes through the decoder with the prompt, in one pass
    /// whose weights are read once for all its tokens, and greedy decoding reads the logits
    /// after each drafted token for as long as it writes what the draft wrote; from the
    /// first token it writes otherwise, it goes on a step at a time. The transcript is the
    /// one `run` writes: each token is chosen from the same logits (README, "Session 51").
    pub fn run_drafted(
        &self,
        audio: &Tensor,
        padding: bool,
        opts: &DecodeOptions,
        bias: Option<&Bias>,
        draft: &[u32],
    ) -> candle_core::Result<Transcript> {
        let tok = self.tok;
        // The initial prompt goes before <|startoftranscript|>, in the same first step.
        let lead = bias.map_or(&[][..], |b| b.prompt());
        let Start {
            state,
            lang,
            last,
            no_speech_prob,
            ahead,
        } = self.start(audio, padding, opts, lead, draft)?;
        let hearing = Hearing {
            state: state.fork_to(state.len() - ahead.len())?,
            first: last.clone(),
        };
        let trie = bias.filter(|b| b.has_trie());
        let mut walk = Walk::new(state, last, ahead);
        // A token the bonus chose over the model's own choice is a detour: it is kept only if
        // the name it belongs to is completed; otherwise decoding goes back to where it
        // began and takes the model's choice there. This is what keeps the bonus from
        // writing names: "Add" never becomes "I" for "IKEA" unless "KEA" follows.
        let mut detour: Option<(Walk, usize)> = None;
        let mut plain = false;
        while walk.tokens.len() < opts.max_tokens {
            let first = walk.tokens.is_empty();
            // No name begins at a sentence's first word (one already begun goes on: "Dr. |
            // Oetker"): a command opens on a verb or a filler, and on real recordings without
            // names that is where the bonus wrote them ("Letters" -> "Lettuce", "Pour" ->
            // "Poulet": README, issue 12).
            let begin = !first && !walk.tokens.last().is_some_and(|&t| ends_sentence(tok, t));
            let steer = trie.filter(|_| !plain);
            plain = false;
            let (next, logprob, boosted) =
                self.pick(&walk.last, first, steer, &walk.steering, begin)?;
            if boosted && detour.is_none() {
                tracing::debug!(token = ?tok.decode(&[next]), logprob, "detour toward a name");
                detour = Some((walk.clone(), walk.tokens.len()));
            } else if boosted {
                tracing::debug!(token = ?tok.decode(&[next]), logprob, "detour goes on");
            }
            if next == tok.eot {
                match detour.take() {
                    Some((before, _)) => (walk, plain) = (before, true),
                    None => break,
                }
                continue;
            }
            if let (Some(b), Some((before, at))) = (trie, &detour) {
                walk.steering.push(b, next, begin);
                let span = walk.tokens.len() + 1 - at;
                // The model's own belief in the detour's tokens: a name it barely hears is
                // one the bonus would be writing ("10 of clubs" -> "Tense of clubs").
                let mean = (walk.sum_logprob - before.sum_logprob + logprob) / span as f32;
                let kept = match walk.steering.covers(b, span) {
                    Cover::Completed if mean >= b.strength.min_logprob => {
                        tracing::debug!(token = ?tok.decode(&[next]), mean, "name completed");
                        detour = None;
                        true
                    }
                    Cover::Partial => true,
                    _ => false,
                };
                if !kept {
                    tracing::debug!(token = ?tok.decode(&[next]), mean, "detour dropped");
                    let (before, _) = detour.take().expect("detour checked above");
                    (walk, plain) = (before, true);
                    continue;
                }
            } else if let Some(b) = trie {
                walk.steering.push(b, next, begin);
            }
            let stop = walk.push(next, logprob, tok);
            let full = walk.fed() + 1 >= self.model.config.n_text_ctx;
            if stop || full {
                // The end came in the middle of a detour: the name was not completed.
                match detour.take() {
                    Some((before, _)) => (walk, plain) = (before, true),
                    None => break,
                }
                continue;
            }
            walk.feed(self.model, next)?;
        }
        let Walk {
            tokens,
            logprobs,
            sum_logprob,
            ..
        } = walk;
        if !draft.is_empty() {
            let taken = tokens.iter().zip(draft).take_while(|(a, b)| a == b).count();
            tracing::debug!(drafted = draft.len(), taken, "draft read");
        }
        let mut t = transcript(
            tok,
            (tokens, logprobs),
            sum_logprob,
            lang,
            no_speech_prob,
            opts,
        );
        t.hearing = Some(hearing);
        Ok(t)
    }

    /// The decoder fed the prompt (after `lead`) and then `draft` (as much of it as a
    /// transcript may hold): the state, the language, the logits for the first token, the
    /// no-speech probability and the logits after each drafted token.
    fn start(
        &self,
        audio: &Tensor,
        padding: bool,
        opts: &DecodeOptions,
        lead: &[u32],
        draft: &[u32],
    ) -> candle_core::Result<Start> {
        let tok = self.tok;
        let mut state = self.model.start(audio, padding)?;
        let multilingual = self.model.config.is_multilingual();
        let prompt = |lang: Lang| match multilingual {
            true => vec![
                tok.sot,
                tok.lang_token(lang),
                tok.transcribe,
                tok.no_timestamps,
            ],
            false => vec![tok.sot, tok.no_timestamps],
        };
        // The logits after <|startoftranscript|> give the no-speech probability and, on
        // multilingual models, the language. When the language is known beforehand the
        // whole prompt goes through the decoder in one step, which saves a step per utterance.
        let known = match multilingual {
            true => opts.language,
            false => Some(Lang::En),
        };
        // Fed after `before` tokens: `fed`, then the draft; the logits of `fed`'s last token
        // (the first token's), then of each drafted one, after those at `also`.
        let room = |before: usize| {
            let ctx = self.model.config.n_text_ctx;
            opts.max_tokens.min(ctx.saturating_sub(before + 1))
        };
        let with_draft = |fed: &[u32], before: usize, also: &[usize]| {
            let draft = &draft[..draft.len().min(room(before + fed.len()))];
            let positions: Vec<usize> = (also.iter().copied())
                .chain(fed.len() - 1..fed.len() + draft.len())
                .collect();
            ([fed, draft].concat(), positions, draft)
        };
        let (sot_logits, lang, logits, at, drafted) = match known {
            Some(lang) => {
                let prompt = [lead, &prompt(lang)].concat();
                let (fed, positions, drafted) = with_draft(&prompt, 0, &[lead.len()]);
                let logits = self.model.decode(&mut state, &fed, &positions)?;
                (logits.get(0)?, lang, logits, 1, drafted)
            }
            None => {
                let first = [lead, &[tok.sot]].concat();
                let sot_logits = self
                    .model
                    .decode(&mut state, &first, &[lead.len()])?
                    .squeeze(0)?;
                let lang = self.detect_language(&sot_logits)?;
                let (fed, positions, drafted) = with_draft(&prompt(lang)[1..], first.len(), &[]);
                let logits = self.model.decode(&mut state, &fed, &positions)?;
                (sot_logits, lang, logits, 0, drafted)
            }
        };
        let last = logits.get(at)?;
        let ahead = (drafted.iter().enumerate())
            .map(|(j, &t)| Ok((t, logits.get(at + 1 + j)?)))
            .collect::<candle_core::Result<_>>()?;
        let no_speech_prob =
            super::kernels::softmax_last_dim(&sot_logits)?.get(tok.no_speech as usize)?;
        Ok(Start {
            state,
            lang,
            last,
            no_speech_prob: no_speech_prob.to_scalar::<f32>()?,
            ahead,
        })
    }

    /// Up to `width` readings of the window by beam search (Whisper's: each hypothesis offers
    /// its `width + 1` likeliest next tokens, the `width` best sums go on, a hypothesis ends
    /// at end-of-text, a loop or a full context; done when `width` have ended), ranked by
    /// mean log-probability per token, best first, each judged by the same guards as the
    /// greedy transcript. No catalogue steering: the steering is greedy's detour.
    pub fn beams(
        &self,
        audio: &Tensor,
        padding: bool,
        opts: &DecodeOptions,
        width: usize,
    ) -> candle_core::Result<Vec<Transcript>> {
        let tok = self.tok;
        let width = width.max(1);
        let Start {
            state,
            lang,
            last,
            no_speech_prob,
            ..
        } = self.start(audio, padding, opts, &[], &[])?;
        let hearing = Hearing {
            state: state.fork()?,
            first: last.clone(),
        };
        let mut live = vec![Walk::new(state, last, VecDeque::new())];
        let mut ended: Vec<(Written, f32)> = Vec::new();
        while !live.is_empty() && ended.len() < width {
            let mut offers: Vec<(f32, usize, u32, f32)> = Vec::new();
            for (b, walk) in live.iter().enumerate() {
                let lp = self.log_probs(&walk.last, walk.tokens.is_empty())?;
                for (next, l) in top_k(&lp, width + 1) {
                    offers.push((walk.sum_logprob + l, b, next, l));
                }
            }
            offers.sort_by(|a, b| b.0.total_cmp(&a.0));
            let mut next_live = Vec::with_capacity(width);
            for (sum, b, next, l) in offers {
                if next_live.len() >= width {
                    break;
                }
                let parent = &live[b];
                if next == tok.eot {
                    if ended.len() < width {
                        ended.push(((parent.tokens.clone(), parent.logprobs.clone()), sum));
                    }
                    continue;
                }
                let mut walk = Walk {
                    state: parent.state.fork()?,
                    last: parent.last.clone(),
                    tokens: parent.tokens.clone(),
                    logprobs: parent.logprobs.clone(),
                    sum_logprob: parent.sum_logprob,
                    restart: parent.restart,
                    steering: Steering::default(),
                    ahead: VecDeque::new(),
                };
                let stop = walk.push(next, l, tok);
                let full = walk.state.len() + 1 >= self.model.config.n_text_ctx
                    || walk.tokens.len() >= opts.max_tokens;
                if stop || full {
                    ended.push(((walk.tokens, walk.logprobs), walk.sum_logprob));
                    continue;
                }
                walk.last = self
                    .model
                    .decode(&mut walk.state, &[next], &[0])?
                    .squeeze(0)?;
                next_live.push(walk);
            }
            live = next_live;
        }
        let mean = |((tokens, _), sum): &(Written, f32)| sum / tokens.len().max(1) as f32;
        ended.sort_by(|a, b| mean(b).total_cmp(&mean(a)));
        Ok(ended
            .into_iter()
            .map(|(tokens, sum)| Transcript {
                hearing: Some(hearing.clone()),
                ..transcript(tok, tokens, sum, lang, no_speech_prob, opts)
            })
            .collect())
    }

    /// The decoder fed the prompt for `lang`: its state and the logits of the first token
    /// (what [`Decoder::score_endings`] starts from).
    pub fn started(
        &self,
        audio: &Tensor,
        padding: bool,
        lang: Lang,
    ) -> candle_core::Result<Hearing> {
        let opts = DecodeOptions {
            language: Some(lang),
            ..Default::default()
        };
        let Start { state, last, .. } = self.start(audio, padding, &opts, &[], &[])?;
        Ok(Hearing { state, first: last })
    }

    /// The model's log-probability of each of `endings` said after `prefix`, from a decoder
    /// `started` on some audio (teacher forcing: the audio judges readings the greedy walk
    /// did not take). The prefix is fed once; the endings then go through the decoder side
    /// by side in one pass (`Whisper::decode_side_by_side`), each seeing only the prefix and
    /// itself. An ending that closes the transcript ends on end-of-text.
    pub fn score_endings(
        &self,
        Hearing { state, first }: &Hearing,
        prefix: &[u32],
        endings: &[Vec<u32>],
    ) -> candle_core::Result<Vec<f32>> {
        let mut state = state.fork()?;
        let last = match prefix.len() {
            0 => first.clone(),
            n => self
                .model
                .decode(&mut state, prefix, &[n - 1])?
                .squeeze(0)?,
        };
        let after_prefix = self.suppressed(&last, prefix.is_empty())?;
        // What each ending feeds after its first token (read from `after_prefix`): all of
        // them in one pass; one past the context is scored -inf.
        let ctx = self.model.config.n_text_ctx;
        let fits = |e: &Vec<u32>| state.len() + e.len().saturating_sub(1) < ctx;
        let fed: Vec<&[u32]> = (endings.iter())
            .map(|e| match fits(e) {
                true => &e[..e.len().saturating_sub(1)],
                false => &[],
            })
            .collect();
        let logits = match fed.iter().any(|f| !f.is_empty()) {
            true => Some(self.model.decode_side_by_side(&state, &fed)?),
            false => None,
        };
        let (mut at, mut row) = (0, Vec::new());
        let mut scores = Vec::with_capacity(endings.len());
        for (ending, fed) in endings.iter().zip(&fed) {
            let Some((&head, rest)) = ending.split_first() else {
                scores.push(0.0);
                continue;
            };
            if !fits(ending) {
                scores.push(f32::NEG_INFINITY);
                continue;
            }
            let mut sum = log_prob_of(&after_prefix, head);
            // Each fed token's logits score the token after it (none were made when no
            // ending fed any).
            if let Some(logits) = &logits {
                for &next in &rest[..fed.len()] {
                    row.clear();
                    row.extend(logits.get(at)?.to_vec1::<f32>()?);
                    at += 1;
                    for (x, s) in row.iter_mut().zip(&self.suppress) {
                        *x += s;
                    }
                    sum += log_prob_of(&row, next);
                }
            }
            scores.push(sum);
        }
        Ok(scores)
    }

    /// The logits of the next token with the tokens never produced at -inf (and, first, the
    /// tokens no transcript begins with).
    fn suppressed(&self, logits: &Tensor, first: bool) -> candle_core::Result<Vec<f32>> {
        let mut l = logits.to_vec1::<f32>()?;
        for (x, s) in l.iter_mut().zip(&self.suppress) {
            *x += s;
        }
        if first {
            for &id in &self.suppress_begin {
                if let Some(x) = l.get_mut(id as usize) {
                    *x = f32::NEG_INFINITY;
                }
            }
        }
        Ok(l)
    }

    /// Log-probabilities of the next token after suppression.
    fn log_probs(&self, logits: &Tensor, first: bool) -> candle_core::Result<Vec<f32>> {
        let mut l = self.suppressed(logits, first)?;
        let max = super::kernels::max(&l);
        let log_sum = max + super::kernels::log_sum_exp(&l, max);
        for x in &mut l {
            *x -= log_sum;
        }
        Ok(l)
    }

    /// English or French, whichever the logits after <|startoftranscript|> prefer: our users
    /// speak those two, so only they compete.
    fn detect_language(&self, sot_logits: &Tensor) -> candle_core::Result<Lang> {
        let (en, fr) = (self.tok.lang_token(Lang::En), self.tok.lang_token(Lang::Fr));
        let score = |id: u32| sot_logits.get(id as usize)?.to_scalar::<f32>();
        Ok(if score(fr)? > score(en)? {
            Lang::Fr
        } else {
            Lang::En
        })
    }

    /// Greedy choice after suppression, steered by the trie when there is one; returns the
    /// token and the model's own log-probability of it (the guards judge the model, not
    /// the bonus).
    fn pick(
        &self,
        logits: &Tensor,
        first: bool,
        trie: Option<&Bias>,
        steering: &Steering,
        begin: bool,
    ) -> candle_core::Result<(u32, f32, bool)> {
        let l = self.suppressed(logits, first)?;
        // Vectorised max, then its (last) position: a scalar arg-max over the 51 864 logits
        // was most of this function's time.
        let max = super::kernels::max(&l);
        let own = l.iter().rposition(|&x| x == max).unwrap_or(0) as u32;
        let best = match trie {
            Some(b) => steering.choose(b, &l, own, max, begin),
            None => own,
        };
        let log_sum = max + super::kernels::log_sum_exp(&l, max);
        Ok((best, l[best as usize] - log_sum, best != own))
    }
}

/// Tokens written and the model's own log-probability of each.
type Written = (Vec<u32>, Vec<f32>);

/// The decoder after the prompt.
struct Start {
    state: DecoderState,
    lang: Lang,
    /// Logits for the first token.
    last: Tensor,
    no_speech_prob: f32,
    /// The drafted tokens fed after the prompt, each with the logits after it.
    ahead: VecDeque<(u32, Tensor)>,
}

/// The log-probability of `token` under `logits` (already suppressed).
fn log_prob_of(logits: &[f32], token: u32) -> f32 {
    let Some(&x) = logits.get(token as usize) else {
        return f32::NEG_INFINITY;
    };
    let max = super::kernels::max(logits);
    x - max - super::kernels::log_sum_exp(logits, max)
}

/// The `k` likeliest tokens, likeliest first (finite log-probabilities only).
fn top_k(lp: &[f32], k: usize) -> Vec<(u32, f32)> {
    let mut best: Vec<(u32, f32)> = Vec::with_capacity(k + 1);
    for (i, &x) in lp.iter().enumerate() {
        if x.is_finite() && (best.len() < k || x > best[best.len() - 1].1) {
            let at = best.partition_point(|&(_, y)| y >= x);
            best.insert(at, (i as u32, x));
            best.truncate(k);
        }
    }
    best
}

/// Where greedy decoding is: what a detour goes back to.
#[derive(Clone)]
struct Walk {
    state: DecoderState,
    /// Logits for the next token.
    last: Tensor,
    tokens: Vec<u32>,
    /// The model's own log-probability of each token.
    logprobs: Vec<f32>,
    sum_logprob: f32,
    /// Where the transcript may have started over (see `restarts`).
    restart: Option<usize>,
    steering: Steering,
    /// Drafted tokens the decoder was fed after the written ones, each with the logits after
    /// it (`Decoder::run_drafted`).
    ahead: VecDeque<(u32, Tensor)>,
}

impl Walk {
    /// The start of a transcript: the decoder after the prompt (and `ahead`), nothing
    /// written yet.
    fn new(state: DecoderState, last: Tensor, ahead: VecDeque<(u32, Tensor)>) -> Self {
        Self {
            state,
            last,
            tokens: Vec::new(),
            logprobs: Vec::new(),
            sum_logprob: 0.0,
            restart: None,
            steering: Steering::default(),
            ahead,
        }
    }

    /// Tokens the decoder holds but for the drafted ones not written (yet).
    fn fed(&self) -> usize {
        self.state.len() - self.ahead.len()
    }

    /// Feeds the token just written: the drafted one's logits when the draft wrote it too;
    /// otherwise the drafted tokens leave the decoder, which takes this one alone.
    fn feed(&mut self, model: &Whisper, next: u32) -> candle_core::Result<()> {
        match self.ahead.pop_front() {
            Some((drafted, logits)) if drafted == next => {
                self.last = logits;
                return Ok(());
            }
            Some(_) => {
                self.state = self.state.fork_to(self.fed() - 1)?;
                self.ahead.clear();
            }
            None => {}
        }
        self.last = model.decode(&mut self.state, &[next], &[0])?.squeeze(0)?;
        Ok(())
    }

    /// Appends a token; true when the transcript must stop here (it started over, or fell
    /// into a loop), already cut to what is kept.
    fn push(&mut self, next: u32, logprob: f32, tok: &WhisperTokenizer) -> bool {
        if self.restart.is_none() && restarts(&self.tokens, next, tok) {
            self.restart = Some(self.tokens.len());
        }
        self.tokens.push(next);
        self.logprobs.push(logprob);
        self.sum_logprob += logprob;
        if let Some(at) = self.restart {
            let again = &self.tokens[at..];
            if self.tokens[..again.len()] != *again {
                self.restart = None;
            } else if again.len() >= 3.min(at) {
                tracing::debug!(kept = at, "transcript started over; stopping");
                self.tokens.truncate(at);
                self.logprobs.truncate(at);
                return true;
            }
        }
        if let Some(cut) = repetition_cut(&self.tokens) {
            tracing::debug!(
                generated = self.tokens.len(),
                kept = cut,
                "repetition loop cut"
            );
            self.tokens.truncate(cut);
            self.logprobs.truncate(cut);
            return true;
        }
        false
    }
}

/// The transcript of `tokens`, judged by the guards (its text cleared when one rejects it).
fn transcript(
    tok: &WhisperTokenizer,
    (tokens, token_logprobs): Written,
    sum_logprob: f32,
    lang: Lang,
    no_speech_prob: f32,
    opts: &DecodeOptions,
) -> Transcript {
    let avg_logprob = sum_logprob / (tokens.len().max(1) as f32);
    let text = tok.decode(&tokens).trim().to_string();
    let mut t = Transcript {
        compression_ratio: compression_ratio(&text),
        text,
        lang,
        no_speech_prob,
        avg_logprob,
        tokens,
        token_logprobs,
        rejected: None,
        hearing: None,
    };
    t.rejected = guard(&t, opts);
    if t.rejected.is_some() {
        t.text.clear();
    }
    t
}

/// Whether `token` ends a sentence ("." "?" "!" at its end).
fn ends_sentence(tok: &WhisperTokenizer, token: u32) -> bool {
    tok.decode(&[token]).trim_end().ends_with(['.', '?', '!'])
}

/// Why a transcript must be dropped, following Whisper's own rules.
fn guard(t: &Transcript, opts: &DecodeOptions) -> Option<&'static str> {
    if t.no_speech_prob > opts.no_speech_threshold && t.avg_logprob < opts.logprob_threshold {
        return Some("no speech");
    }
    if t.compression_ratio > opts.compression_ratio_threshold {
        return Some("repetitive output");
    }
    if t.text.chars().all(|c| !c.is_alphanumeric()) {
        return Some("no words");
    }
    None
}

/// Whisper on a short window often ends a sentence and then transcribes it again instead of
/// emitting end-of-text. A sentence end followed by the transcript's first token may be that;
/// the caller confirms it when the next tokens repeat the start too ("Add milk. Add eggs."
/// is not a restart).
fn restarts(tokens: &[u32], next: u32, tok: &WhisperTokenizer) -> bool {
    match (tokens.first(), tokens.last()) {
        (Some(&first), Some(&last)) if tokens.len() >= 3 && next == first => {
            tok.decode(&[last]).trim_end().ends_with(['.', '?', '!'])
        }
        _ => false,
    }
}

/// Where to cut a token sequence that has fallen into a loop: a block of tokens repeated at
/// the end (a single token 5 times, 2-3 tokens 3 times, a phrase of 4+ tokens twice).
/// Returns the length that keeps the first occurrence only.
pub fn repetition_cut(tokens: &[u32]) -> Option<usize> {
    let n = tokens.len();
    for period in 1..=32usize {
        let reps = match period {
            1 => 5,
            2 | 3 => 3,
            _ => 2,
        };
        if n < period * reps {
            continue;
        }
        let tail = &tokens[n - period..];
        let repeated = (1..reps).all(|r| &tokens[n - period * (r + 1)..n - period * r] == tail);
        if repeated {
            return Some(n - period * (reps - 1));
        }
    }
    None
}

/// zlib compression ratio of the text, Whisper's measure of repetitiveness.
pub fn compression_ratio(text: &str) -> f32 {
    if text.is_empty() {
        return 0.0;
    }
    let mut e = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
    let _ = e.write_all(text.as_bytes());
    let compressed = e.finish().map(|v| v.len()).unwrap_or(text.len());
    text.len() as f32 / compressed.max(1) as f32
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cuts_loops_and_keeps_normal_text() {
        assert_eq!(repetition_cut(&[1, 2, 3, 4, 5, 6]), None);
        assert_eq!(repetition_cut(&[9, 1, 2, 1, 2, 1, 2]), Some(3));
        assert_eq!(repetition_cut(&[7, 7, 7, 7]), None);
        assert_eq!(repetition_cut(&[3, 7, 7, 7, 7, 7]), Some(2));
        assert_eq!(repetition_cut(&[5, 1, 2, 3, 4, 1, 2, 3, 4]), Some(5));
        assert_eq!(repetition_cut(&[1, 2, 3, 1, 2, 3]), None);
        assert_eq!(repetition_cut(&[1, 2, 3, 4, 1, 2, 3, 4]), Some(4));
    }

    #[test]
    fn compression_ratio_flags_repetition() {
        assert!(compression_ratio("add two litres of milk to my shopping list") < 1.5);
        let looped = "thank you. ".repeat(20);
        assert!(compression_ratio(&looped) > 2.4);
    }
}
