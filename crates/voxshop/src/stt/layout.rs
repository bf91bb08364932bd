//! Our GGUF layout, the one place that names it: the format version, the metadata keys and
//! the tensor names. `convert` writes with these and `model` reads with these.
//!
//! Tensor names follow our own model code (fused q|k|v as CT2 stores them, which also saves
//! two matmul launches per attention block). A linear layer, a norm or a convolution named N
//! is stored as `N.w` and `N.b`.

/// Version of the layout; bump when names or meaning change. 3: every tensor's bytes carry a
/// CRC-32 (`CHECKSUM_PREFIX` + its name), checked at load. 4: the padding memory is stored as
/// the decoder's keys and values for it (`ENC_PAD_KV`), not as the encoder's output.
pub const FORMAT_VERSION: u32 = 4;

/// Metadata key prefix of a tensor's CRC-32.
pub const CHECKSUM_PREFIX: &str = "voxshop.crc32.";

/// Metadata keys.
pub mod key {
    pub const FORMAT_VERSION: &str = "voxshop.format_version";
    pub const MODEL: &str = "whisper.model";
    pub const QUANT: &str = "whisper.quant";
    pub const N_MELS: &str = "whisper.n_mels";
    pub const D_MODEL: &str = "whisper.d_model";
    pub const ENC_HEADS: &str = "whisper.enc_heads";
    pub const DEC_HEADS: &str = "whisper.dec_heads";
    pub const ENC_LAYERS: &str = "whisper.enc_layers";
    pub const DEC_LAYERS: &str = "whisper.dec_layers";
    pub const VOCAB: &str = "whisper.vocab";
    pub const N_AUDIO_CTX: &str = "whisper.n_audio_ctx";
    pub const N_TEXT_CTX: &str = "whisper.n_text_ctx";
    pub const SUPPRESS_IDS: &str = "whisper.suppress_ids";
    pub const SUPPRESS_IDS_BEGIN: &str = "whisper.suppress_ids_begin";
}

/// Every metadata key besides the checksums: written by `convert`, and the only ones
/// `Whisper::load` accepts.
pub const METADATA_KEYS: [&str; 14] = [
    key::FORMAT_VERSION,
    key::MODEL,
    key::QUANT,
    key::N_MELS,
    key::D_MODEL,
    key::ENC_HEADS,
    key::DEC_HEADS,
    key::ENC_LAYERS,
    key::DEC_LAYERS,
    key::VOCAB,
    key::N_AUDIO_CTX,
    key::N_TEXT_CTX,
    key::SUPPRESS_IDS,
    key::SUPPRESS_IDS_BEGIN,
];

/// The encoder's two input convolutions (stride 1, then 2).
pub const ENC_CONV: [&str; 2] = ["enc.conv1", "enc.conv2"];
pub const ENC_POS: &str = "enc.pos";
pub const ENC_LN: &str = "enc.ln";
/// The padding memory: the encoder's output for a whole window of silence, at every
/// `PAD_STRIDE`-th position, as each decoder layer's cross-attention keys and values
/// `[dec_layers * 2 (keys, values), dec_heads, positions, head_dim]` (GGUF holds at most four
/// dimensions), computed once by `convert`.
pub const ENC_PAD_KV: &str = "enc.pad_kv";
/// Token embeddings, also the output projection.
pub const DEC_EMB: &str = "dec.emb";
pub const DEC_POS: &str = "dec.pos";
pub const DEC_LN: &str = "dec.ln";
pub const MEL_FILTERS: &str = "mel_filters";

/// The parts of an encoder or decoder layer (the `CROSS_*` ones only in the decoder).
pub mod part {
    pub const ATTN_LN: &str = "attn_ln";
    pub const ATTN_QKV: &str = "attn.qkv";
    pub const ATTN_OUT: &str = "attn.out";
    pub const CROSS_LN: &str = "cross_ln";
    pub const CROSS_Q: &str = "cross.q";
    pub const CROSS_KV: &str = "cross.kv";
    pub const CROSS_OUT: &str = "cross.out";
    pub const MLP_LN: &str = "mlp_ln";
    pub const FC1: &str = "fc1";
    pub const FC2: &str = "fc2";
}

pub fn enc_layer(i: usize) -> String {
    format!("enc.l{i}")
}

pub fn dec_layer(i: usize) -> String {
    format!("dec.l{i}")
}

/// A part of a layer: `of(&dec_layer(0), part::CROSS_Q)`.
pub fn of(layer: &str, part: &str) -> String {
    format!("{layer}.{part}")
}

/// The weight of a linear layer, norm or convolution.
pub fn weight(name: &str) -> String {
    format!("{name}.w")
}

/// The bias of a linear layer, norm or convolution.
pub fn bias(name: &str) -> String {
    format!("{name}.b")
}
