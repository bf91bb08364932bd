//! Reader for CTranslate2 `model.bin` files (format in ../shared/notes/ct2-format.md).
//! Hand-written because no crate reads this format; it is a flat list of named tensors.

use std::collections::BTreeMap;

/// Element type of a CT2 variable.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ct2Dtype {
    F32,
    I8,
    I16,
    I32,
    F16,
    Bf16,
}

impl Ct2Dtype {
    fn from_code(code: u8) -> Option<Self> {
        Some(match code {
            0 => Self::F32,
            1 => Self::I8,
            2 => Self::I16,
            3 => Self::I32,
            4 => Self::F16,
            5 => Self::Bf16,
            _ => return None,
        })
    }

    fn size(self) -> usize {
        match self {
            Self::I8 => 1,
            Self::I16 | Self::F16 | Self::Bf16 => 2,
            Self::F32 | Self::I32 => 4,
        }
    }
}

/// One named tensor, borrowing its bytes from the file buffer.
#[derive(Debug, Clone)]
pub struct Ct2Var<'a> {
    pub dims: Vec<usize>,
    pub dtype: Ct2Dtype,
    pub data: &'a [u8],
}

impl Ct2Var<'_> {
    /// The values as f32 (for float tensors).
    pub fn to_f32(&self) -> Result<Vec<f32>, String> {
        match self.dtype {
            Ct2Dtype::F32 => Ok(self
                .data
                .chunks_exact(4)
                .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
                .collect()),
            Ct2Dtype::F16 => Ok(self
                .data
                .chunks_exact(2)
                .map(|b| half::f16::from_le_bytes([b[0], b[1]]).to_f32())
                .collect()),
            Ct2Dtype::Bf16 => Ok(self
                .data
                .chunks_exact(2)
                .map(|b| half::bf16::from_le_bytes([b[0], b[1]]).to_f32())
                .collect()),
            other => Err(format!("expected a float tensor, found {other:?}")),
        }
    }

    /// A scalar integer config value.
    pub fn as_int(&self) -> Option<i64> {
        if !self.dims.is_empty() {
            return None;
        }
        let d = self.data;
        Some(match self.dtype {
            Ct2Dtype::I8 => d.first().map(|&b| b as i8 as i64)?,
            Ct2Dtype::I16 => i16::from_le_bytes(d.get(..2)?.try_into().ok()?) as i64,
            Ct2Dtype::I32 => i32::from_le_bytes(d.get(..4)?.try_into().ok()?) as i64,
            _ => return None,
        })
    }
}

/// A parsed `model.bin`.
#[derive(Debug)]
pub struct Ct2Model<'a> {
    pub spec: String,
    pub version: u32,
    pub vars: BTreeMap<String, Ct2Var<'a>>,
    pub aliases: BTreeMap<String, String>,
}

impl<'a> Ct2Model<'a> {
    pub fn parse(buf: &'a [u8]) -> Result<Self, String> {
        let mut r = Cursor { buf, pos: 0 };
        let version = r.u32()?;
        if !(5..=6).contains(&version) {
            return Err(format!("unsupported CTranslate2 binary version {version}"));
        }
        let spec = r.string()?;
        let _revision = r.u32()?;
        let n = r.u32()? as usize;
        if n > 100_000 {
            return Err(format!("absurd variable count {n}"));
        }
        let mut vars = BTreeMap::new();
        for _ in 0..n {
            let name = r.string()?;
            let rank = r.u8()? as usize;
            let dims = (0..rank)
                .map(|_| r.u32().map(|d| d as usize))
                .collect::<Result<Vec<_>, _>>()?;
            let code = r.u8()?;
            let dtype = Ct2Dtype::from_code(code)
                .ok_or_else(|| format!("variable {name}: unknown dtype code {code}"))?;
            let nbytes = r.u32()? as usize;
            let elems: usize = dims.iter().product();
            if elems * dtype.size() != nbytes {
                return Err(format!(
                    "variable {name}: {nbytes} bytes do not match shape {dims:?} of {dtype:?}"
                ));
            }
            let data = r.take(nbytes)?;
            vars.insert(name, Ct2Var { dims, dtype, data });
        }
        let mut aliases = BTreeMap::new();
        if r.pos < buf.len() {
            let na = r.u32()?;
            for _ in 0..na {
                let alias = r.string()?;
                let target = r.string()?;
                aliases.insert(alias, target);
            }
        }
        Ok(Self {
            spec,
            version,
            vars,
            aliases,
        })
    }

    /// Looks a variable up by name, following aliases.
    pub fn get(&self, name: &str) -> Result<&Ct2Var<'a>, String> {
        let target = self.aliases.get(name).map_or(name, String::as_str);
        self.vars
            .get(target)
            .ok_or_else(|| format!("variable {name} is missing"))
    }
}

struct Cursor<'a> {
    buf: &'a [u8],
    pos: usize,
}

impl<'a> Cursor<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], String> {
        let end = self
            .pos
            .checked_add(n)
            .filter(|&e| e <= self.buf.len())
            .ok_or_else(|| format!("file ends early (wanted {n} bytes at offset {})", self.pos))?;
        let s = &self.buf[self.pos..end];
        self.pos = end;
        Ok(s)
    }
    fn u8(&mut self) -> Result<u8, String> {
        Ok(self.take(1)?[0])
    }
    fn u16(&mut self) -> Result<u16, String> {
        Ok(u16::from_le_bytes(
            self.take(2)?.try_into().unwrap_or_default(),
        ))
    }
    fn u32(&mut self) -> Result<u32, String> {
        Ok(u32::from_le_bytes(
            self.take(4)?.try_into().unwrap_or_default(),
        ))
    }
    fn string(&mut self) -> Result<String, String> {
        let n = self.u16()? as usize;
        let bytes = self.take(n)?;
        let bytes = bytes.strip_suffix(&[0]).unwrap_or(bytes);
        String::from_utf8(bytes.to_vec()).map_err(|_| "string is not UTF-8".to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn string(out: &mut Vec<u8>, s: &str) {
        out.extend_from_slice(&((s.len() + 1) as u16).to_le_bytes());
        out.extend_from_slice(s.as_bytes());
        out.push(0);
    }

    #[test]
    fn parses_a_tiny_file_and_rejects_truncation() {
        let mut f = Vec::new();
        f.extend_from_slice(&6u32.to_le_bytes());
        string(&mut f, "WhisperSpec");
        f.extend_from_slice(&3u32.to_le_bytes());
        f.extend_from_slice(&1u32.to_le_bytes());
        string(&mut f, "a/weight");
        f.push(1);
        f.extend_from_slice(&2u32.to_le_bytes());
        f.push(4);
        f.extend_from_slice(&4u32.to_le_bytes());
        f.extend_from_slice(&half::f16::from_f32(1.5).to_le_bytes());
        f.extend_from_slice(&half::f16::from_f32(-2.0).to_le_bytes());
        f.extend_from_slice(&1u32.to_le_bytes());
        string(&mut f, "b/weight");
        string(&mut f, "a/weight");
        let m = Ct2Model::parse(&f).unwrap();
        assert_eq!(m.spec, "WhisperSpec");
        assert_eq!(
            m.get("b/weight").unwrap().to_f32().unwrap(),
            vec![1.5, -2.0]
        );
        for cut in [3, 10, f.len() - 12] {
            assert!(Ct2Model::parse(&f[..cut]).is_err(), "cut at {cut}");
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(2_000))]
        /// Any bytes after a plausible version: an error or a model, never a panic or an
        /// allocation sized by a number read from the file.
        #[test]
        fn arbitrary_bytes_never_panic(version in 4u32..8, body in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..400)) {
            let mut f = version.to_le_bytes().to_vec();
            f.extend(body);
            if let Ok(m) = Ct2Model::parse(&f) {
                for v in m.vars.values() {
                    let _ = v.to_f32();
                }
            }
        }
    }
}
