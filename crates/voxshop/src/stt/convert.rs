//! CTranslate2 Whisper -> quantised GGUF that [`super::model::Whisper`] loads, in the layout
//! `stt::layout` names.

use super::ct2::{Ct2Model, Ct2Var};
use super::layout::{self, key, part, CHECKSUM_PREFIX, FORMAT_VERSION, METADATA_KEYS};
use super::mel_filters::{mel_filters, N_FREQS};
use super::model::Whisper;
use crate::error::SttError;
use candle_core::quantized::{gguf_file, GgmlDType, QTensor};
use candle_core::{Device, Tensor};
use std::path::Path;

/// How the big matmul weights are stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Quant {
    Q8_0,
    F16,
    F32,
}

impl Quant {
    fn ggml(self) -> GgmlDType {
        match self {
            Quant::Q8_0 => GgmlDType::Q8_0,
            Quant::F16 => GgmlDType::F16,
            Quant::F32 => GgmlDType::F32,
        }
    }
    pub fn name(self) -> &'static str {
        match self {
            Quant::Q8_0 => "q8_0",
            Quant::F16 => "f16",
            Quant::F32 => "f32",
        }
    }
}

impl std::str::FromStr for Quant {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "q8_0" => Ok(Quant::Q8_0),
            "f16" => Ok(Quant::F16),
            "f32" => Ok(Quant::F32),
            _ => Err(format!("unknown quantisation {s:?} (q8_0, f16, f32)")),
        }
    }
}

/// Storage per part of the model. The encoder runs hundreds of rows at once, where f32 GEMM
/// beats candle's Q8_0 row-by-row dot products; the decoder runs one row per token, where
/// reading a quarter of the bytes wins.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QuantPlan {
    pub encoder: Quant,
    pub decoder: Quant,
}

impl QuantPlan {
    pub fn name(self) -> String {
        format!(
            "encoder {}, decoder {}",
            self.encoder.name(),
            self.decoder.name()
        )
    }
}

impl Default for QuantPlan {
    fn default() -> Self {
        Self {
            encoder: Quant::F16,
            decoder: Quant::Q8_0,
        }
    }
}

/// Suppression lists from the CT2 `config.json`.
#[derive(Debug, Default, serde::Deserialize)]
pub struct Ct2Config {
    #[serde(default)]
    pub suppress_ids: Vec<u32>,
    #[serde(default)]
    pub suppress_ids_begin: Vec<u32>,
}

struct Writer {
    tensors: Vec<(String, QTensor)>,
    quant: Quant,
}

impl Writer {
    fn f32_tensor(var: &Ct2Var, name: &str) -> Result<Tensor, SttError> {
        let data = var
            .to_f32()
            .map_err(|e| SttError::Convert(format!("{name}: {e}")))?;
        Tensor::from_vec(data, var.dims.as_slice(), &Device::Cpu).map_err(SttError::from)
    }

    fn put(&mut self, name: &str, t: &Tensor, dtype: GgmlDType) -> Result<(), SttError> {
        let q = QTensor::quantize(t, dtype)?;
        self.tensors.push((name.to_string(), q));
        Ok(())
    }

    /// A matmul weight `[out, in]`: quantised.
    fn weight(&mut self, m: &Ct2Model, src: &str, dst: &str) -> Result<(), SttError> {
        let t = Self::f32_tensor(m.get(src).map_err(SttError::Convert)?, src)?;
        self.put(dst, &t, self.quant.ggml())
    }

    /// Small tensors (biases, norms, positions) stay f32.
    fn plain(&mut self, m: &Ct2Model, src: &str, dst: &str) -> Result<(), SttError> {
        let t = Self::f32_tensor(m.get(src).map_err(SttError::Convert)?, src)?;
        self.put(dst, &t, GgmlDType::F32)
    }

    fn linear(&mut self, m: &Ct2Model, src: &str, dst: &str) -> Result<(), SttError> {
        self.weight(m, &format!("{src}/weight"), &layout::weight(dst))?;
        self.plain(m, &format!("{src}/bias"), &layout::bias(dst))
    }

    fn norm(&mut self, m: &Ct2Model, src: &str, dst: &str) -> Result<(), SttError> {
        self.plain(m, &format!("{src}/gamma"), &layout::weight(dst))?;
        self.plain(m, &format!("{src}/beta"), &layout::bias(dst))
    }

    /// A layer's self-attention: pre-norm, fused q|k|v, output projection.
    fn self_attention(&mut self, m: &Ct2Model, src: &str, dst: &str) -> Result<(), SttError> {
        self.norm(
            m,
            &format!("{src}/self_attention/layer_norm"),
            &layout::of(dst, part::ATTN_LN),
        )?;
        self.linear(
            m,
            &format!("{src}/self_attention/linear_0"),
            &layout::of(dst, part::ATTN_QKV),
        )?;
        self.linear(
            m,
            &format!("{src}/self_attention/linear_1"),
            &layout::of(dst, part::ATTN_OUT),
        )
    }

    /// A layer's feed-forward block: pre-norm and two linears.
    fn ffn(&mut self, m: &Ct2Model, src: &str, dst: &str) -> Result<(), SttError> {
        self.norm(
            m,
            &format!("{src}/ffn/layer_norm"),
            &layout::of(dst, part::MLP_LN),
        )?;
        self.linear(
            m,
            &format!("{src}/ffn/linear_0"),
            &layout::of(dst, part::FC1),
        )?;
        self.linear(
            m,
            &format!("{src}/ffn/linear_1"),
            &layout::of(dst, part::FC2),
        )
    }
}

fn count_layers(m: &Ct2Model, prefix: &str) -> usize {
    (0..)
        .take_while(|i| {
            m.vars
                .contains_key(&format!("{prefix}/layer_{i}/ffn/linear_0/weight"))
        })
        .count()
}

fn scalar(m: &Ct2Model, name: &str) -> Result<u32, SttError> {
    m.get(name)
        .ok()
        .and_then(Ct2Var::as_int)
        .and_then(|v| u32::try_from(v).ok())
        .ok_or_else(|| SttError::Convert(format!("config scalar {name} missing or invalid")))
}

/// Converts a parsed CT2 Whisper model into a GGUF file at `out` (written atomically).
pub fn convert(
    model: &Ct2Model,
    config: &Ct2Config,
    model_name: &str,
    plan: QuantPlan,
    out: &Path,
    mut progress: impl FnMut(usize, usize),
) -> Result<(), SttError> {
    if model.spec != "WhisperSpec" {
        return Err(SttError::Convert(format!(
            "expected a WhisperSpec model, found {:?}",
            model.spec
        )));
    }
    let enc_layers = count_layers(model, "encoder");
    let dec_layers = count_layers(model, "decoder");
    let conv1 = model
        .get("encoder/conv1/weight")
        .map_err(SttError::Convert)?;
    let emb = model
        .get("decoder/embeddings/weight")
        .map_err(SttError::Convert)?;
    let (d_model, n_mels) = (conv1.dims[0], conv1.dims[1]);
    let vocab = emb.dims[0];
    let n_audio_ctx = model
        .get("encoder/position_encodings/encodings")
        .map_err(SttError::Convert)?
        .dims[0];
    let n_text_ctx = model
        .get("decoder/position_encodings/encodings")
        .map_err(SttError::Convert)?
        .dims[0];
    if enc_layers == 0 || dec_layers == 0 || d_model % 32 != 0 {
        return Err(SttError::Convert(format!(
            "unexpected shape: {enc_layers} encoder / {dec_layers} decoder layers, d_model {d_model}"
        )));
    }

    let mut w = Writer {
        tensors: Vec::new(),
        quant: plan.encoder,
    };
    let total = 7 + enc_layers + dec_layers;
    let mut step = 0;
    let mut tick = |progress: &mut dyn FnMut(usize, usize)| {
        step += 1;
        progress(step, total);
    };

    // Conv kernels are tiny and run once per utterance: f16 keeps the file small and exact enough.
    for (c, dst) in ["conv1", "conv2"].into_iter().zip(layout::ENC_CONV) {
        let src = format!("encoder/{c}/weight");
        let t = Writer::f32_tensor(model.get(&src).map_err(SttError::Convert)?, &src)?;
        w.put(&layout::weight(dst), &t, GgmlDType::F16)?;
        w.plain(model, &format!("encoder/{c}/bias"), &layout::bias(dst))?;
    }
    w.plain(
        model,
        "encoder/position_encodings/encodings",
        layout::ENC_POS,
    )?;
    tick(&mut progress);
    for i in 0..enc_layers {
        let s = format!("encoder/layer_{i}");
        let d = layout::enc_layer(i);
        w.self_attention(model, &s, &d)?;
        w.ffn(model, &s, &d)?;
        tick(&mut progress);
    }
    w.norm(model, "encoder/layer_norm", layout::ENC_LN)?;
    tick(&mut progress);
    w.quant = plan.decoder;

    w.weight(model, "decoder/embeddings/weight", layout::DEC_EMB)?;
    tick(&mut progress);
    w.plain(
        model,
        "decoder/position_encodings/encodings",
        layout::DEC_POS,
    )?;
    tick(&mut progress);
    for i in 0..dec_layers {
        let s = format!("decoder/layer_{i}");
        let d = layout::dec_layer(i);
        w.self_attention(model, &s, &d)?;
        w.norm(
            model,
            &format!("{s}/attention/layer_norm"),
            &layout::of(&d, part::CROSS_LN),
        )?;
        w.linear(
            model,
            &format!("{s}/attention/linear_0"),
            &layout::of(&d, part::CROSS_Q),
        )?;
        // Cross-attention keys/values are computed once per utterance over every audio
        // position: encoder-shaped work, so encoder storage.
        w.quant = plan.encoder;
        w.linear(
            model,
            &format!("{s}/attention/linear_1"),
            &layout::of(&d, part::CROSS_KV),
        )?;
        w.quant = plan.decoder;
        w.linear(
            model,
            &format!("{s}/attention/linear_2"),
            &layout::of(&d, part::CROSS_OUT),
        )?;
        w.ffn(model, &s, &d)?;
        tick(&mut progress);
    }
    w.norm(model, "decoder/layer_norm", layout::DEC_LN)?;
    let filters = Tensor::from_vec(
        mel_filters(n_mels, 16_000.0),
        (n_mels, N_FREQS),
        &Device::Cpu,
    )?;
    w.put(layout::MEL_FILTERS, &filters, GgmlDType::F32)?;
    tick(&mut progress);

    let u32s =
        |v: &[u32]| gguf_file::Value::Array(v.iter().map(|&x| gguf_file::Value::U32(x)).collect());
    let meta: Vec<(&str, gguf_file::Value)> = vec![
        (key::FORMAT_VERSION, gguf_file::Value::U32(FORMAT_VERSION)),
        (key::MODEL, gguf_file::Value::String(model_name.to_string())),
        (key::QUANT, gguf_file::Value::String(plan.name())),
        (key::N_MELS, gguf_file::Value::U32(n_mels as u32)),
        (key::D_MODEL, gguf_file::Value::U32(d_model as u32)),
        (
            key::ENC_HEADS,
            gguf_file::Value::U32(scalar(model, "encoder/num_heads")?),
        ),
        (
            key::DEC_HEADS,
            gguf_file::Value::U32(scalar(model, "decoder/num_heads")?),
        ),
        (key::ENC_LAYERS, gguf_file::Value::U32(enc_layers as u32)),
        (key::DEC_LAYERS, gguf_file::Value::U32(dec_layers as u32)),
        (key::VOCAB, gguf_file::Value::U32(vocab as u32)),
        (key::N_AUDIO_CTX, gguf_file::Value::U32(n_audio_ctx as u32)),
        (key::N_TEXT_CTX, gguf_file::Value::U32(n_text_ctx as u32)),
        (key::SUPPRESS_IDS, u32s(&config.suppress_ids)),
        (key::SUPPRESS_IDS_BEGIN, u32s(&config.suppress_ids_begin)),
    ];
    // The padding memory is the converted encoder's own output for silence, so it is made
    // from the weights just written and then stored beside them, as the decoder reads it.
    let stage = out.with_extension("gguf.stage");
    write_atomically(&stage, &meta, &w.tensors)?;
    let memory = (|| {
        let model = Whisper::load_unpadded(&stage, &Device::Cpu, "")?;
        Ok::<_, SttError>(model.padding_kv()?)
    })();
    let _ = std::fs::remove_file(&stage);
    w.put(layout::ENC_PAD_KV, &memory?, GgmlDType::F32)?;
    tick(&mut progress);
    write_atomically(out, &meta, &w.tensors)?;
    // A file this build cannot read back is not a converted model: say so here, not at the
    // first `transcribe`.
    Whisper::load(out, &Device::Cpu, "")
        .map(drop)
        .map_err(|e| SttError::Convert(format!("{} does not load back: {e}", out.display())))
}

fn write_atomically(
    out: &Path,
    meta: &[(&str, gguf_file::Value)],
    tensors: &[(String, QTensor)],
) -> Result<(), SttError> {
    let io = |source| SttError::Io {
        path: out.to_owned(),
        source,
    };
    if let Some((key, _)) = meta.iter().find(|(k, _)| !METADATA_KEYS.contains(k)) {
        return Err(SttError::Convert(format!(
            "metadata key {key} is not in METADATA_KEYS"
        )));
    }
    if let Some(dir) = out.parent() {
        std::fs::create_dir_all(dir).map_err(io)?;
    }
    let tmp = out.with_extension("gguf.partial");
    let result = (|| {
        let mut f = std::io::BufWriter::new(std::fs::File::create(&tmp).map_err(io)?);
        // The bytes written for each tensor are its data(): their checksum is known here.
        let mut sums = Vec::with_capacity(tensors.len());
        for (name, t) in tensors {
            let crc = crc32fast::hash(&t.data()?);
            sums.push((
                format!("{CHECKSUM_PREFIX}{name}"),
                gguf_file::Value::U32(crc),
            ));
        }
        let meta: Vec<(&str, &gguf_file::Value)> = meta
            .iter()
            .map(|(k, v)| (*k, v))
            .chain(sums.iter().map(|(k, v)| (k.as_str(), v)))
            .collect();
        let tensors: Vec<(&str, &QTensor)> = tensors.iter().map(|(k, v)| (k.as_str(), v)).collect();
        gguf_file::write(&mut f, &meta, &tensors)?;
        use std::io::Write;
        f.flush().map_err(io)?;
        std::fs::rename(&tmp, out).map_err(io)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}
