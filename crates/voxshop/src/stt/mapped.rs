//! Weights used where they lie in the memory-mapped GGUF (issue 15, fast start): the decoder's
//! Q8_0 blocks and the encoder's f16 matrices are already in the form the kernels read, so
//! copying them into memory of their own was most of a one-shot load (README, "Speed").
//! Their pages are the page cache's, shared with every process that maps the file, and the
//! kernel reads them back from the file if memory runs short.

use candle_core::quantized::k_quants::{self, BlockQ8_0, GgmlType};
use candle_core::quantized::{GgmlDType, QuantizedType};
use candle_core::{CpuStorage, Result};
use half::f16;
use std::marker::PhantomData;
use std::sync::Arc;

/// Plain old data that any bit pattern of the right size and alignment is a value of.
///
/// # Safety
/// Implementors have no padding and no invalid bit patterns.
pub(crate) unsafe trait Plain: Send + Sync + 'static {}
// SAFETY: an f16 is any 16 bits.
unsafe impl Plain for f16 {}
// SAFETY: `BlockQ8_0` is `repr(C)`, an f16 scale and 32 i8, 34 bytes with no padding
// (candle checks the size), and any bits are a block.
unsafe impl Plain for BlockQ8_0 {}

/// A run of `T` inside the map, kept alive with it.
pub(crate) struct Mapped<T: Plain> {
    map: Arc<memmap2::Mmap>,
    offset: usize,
    len: usize,
    kind: PhantomData<T>,
}

impl<T: Plain> Clone for Mapped<T> {
    fn clone(&self) -> Self {
        Self {
            map: self.map.clone(),
            offset: self.offset,
            len: self.len,
            kind: PhantomData,
        }
    }
}

impl<T: Plain> std::fmt::Debug for Mapped<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Mapped[{} x {}]", self.len, std::any::type_name::<T>())
    }
}

impl<T: Plain> Mapped<T> {
    /// `bytes` (a slice of `map`) read as `T`s in place; `None` when they are not aligned for
    /// `T`, not a whole number of them, or on a big-endian machine (the file is little-endian):
    /// the caller then copies them.
    pub(crate) fn new(map: &Arc<memmap2::Mmap>, bytes: &[u8]) -> Option<Self> {
        let size = std::mem::size_of::<T>();
        let start = map.as_ptr() as usize;
        let at = (bytes.as_ptr() as usize).checked_sub(start)?;
        let inside = at + bytes.len() <= map.len();
        let aligned = (bytes.as_ptr() as usize).is_multiple_of(std::mem::align_of::<T>());
        let whole = bytes.len().is_multiple_of(size);
        (cfg!(target_endian = "little") && inside && aligned && whole).then(|| Self {
            map: map.clone(),
            offset: at,
            len: bytes.len() / size,
            kind: PhantomData,
        })
    }

    pub(crate) fn as_slice(&self) -> &[T] {
        // SAFETY: `new` checked that the range lies in the map, is aligned for `T` and holds
        // `len` of them; `T: Plain` makes any bytes a value. The map is read-only and lives as
        // long as `self`. Its file is never written in place: `setup` and `convert` replace a
        // model by renaming a new file over it, which leaves this mapping on the old one.
        unsafe {
            std::slice::from_raw_parts(self.map.as_ptr().add(self.offset).cast::<T>(), self.len)
        }
    }
}

/// Candle's Q8_0 kernels run on blocks borrowed from the map, as on its own `Vec`s.
impl QuantizedType for Mapped<BlockQ8_0> {
    fn dtype(&self) -> GgmlDType {
        BlockQ8_0::DTYPE
    }

    fn matmul_t(&self, mkn: (usize, usize, usize), lhs: &[f32], dst: &mut [f32]) -> Result<()> {
        k_quants::matmul(mkn, lhs, self.as_slice(), dst)
    }

    fn matmul_t_f16(&self, mkn: (usize, usize, usize), lhs: &[f16], dst: &mut [f16]) -> Result<()> {
        k_quants::matmul_f16(mkn, lhs, self.as_slice(), dst)
    }

    fn embedding(&self, ids: &[u32], rows: usize, hidden: usize) -> Result<CpuStorage> {
        let per_row = hidden / BlockQ8_0::BLCK_SIZE;
        if !hidden.is_multiple_of(BlockQ8_0::BLCK_SIZE) || self.len != rows * per_row {
            candle_core::bail!(
                "quantized embedding of {} blocks is not {rows} rows of {hidden}",
                self.len
            )
        }
        let blocks = self.as_slice();
        let mut out = vec![0f32; ids.len() * hidden];
        for (dst, &row) in out.chunks_exact_mut(hidden).zip(ids) {
            let row = row as usize;
            if row >= rows {
                candle_core::bail!("embedding id {row} is out of range for {rows} rows")
            }
            BlockQ8_0::to_float(&blocks[row * per_row..(row + 1) * per_row], dst);
        }
        Ok(CpuStorage::F32(out))
    }

    fn dequantize(&self, elem_count: usize) -> Result<CpuStorage> {
        if elem_count != self.len * BlockQ8_0::BLCK_SIZE {
            candle_core::bail!("{elem_count} values asked of {} Q8_0 blocks", self.len)
        }
        let mut values = vec![0f32; elem_count];
        BlockQ8_0::to_float(self.as_slice(), &mut values);
        Ok(CpuStorage::F32(values))
    }

    fn storage_size_in_bytes(&self) -> usize {
        self.size()
    }

    fn as_ptr(&self) -> *const u8 {
        self.as_slice().as_ptr().cast()
    }

    fn block_size(&self) -> usize {
        BlockQ8_0::BLCK_SIZE
    }

    /// Never called: candle quantises only into storage it made itself (`qzeros`). Weights in
    /// the read-only map cannot be written, so this leaves them as they are.
    fn from_float(&mut self, _xs: &[f32]) {
        tracing::error!("quantising into read-only mapped weights ignored");
    }

    fn from_float_imatrix(&mut self, _xs: &[f32], _imatrix: &[f32], _n_per_row: usize) {
        tracing::error!("quantising into read-only mapped weights ignored");
    }

    fn size(&self) -> usize {
        self.len * std::mem::size_of::<BlockQ8_0>()
    }
}

/// f16 values: in the map where they can be, else a copy.
#[derive(Clone, Debug)]
pub(crate) enum Halves {
    Mapped(Mapped<f16>),
    Owned(Vec<f16>),
}

impl Halves {
    pub(crate) fn as_slice(&self) -> &[f16] {
        match self {
            Halves::Mapped(m) => m.as_slice(),
            Halves::Owned(v) => v,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn map_of(name: &str, bytes: &[u8]) -> Arc<memmap2::Mmap> {
        let path = std::env::temp_dir().join(format!("voxshop-{name}-{}", std::process::id()));
        std::fs::File::create(&path)
            .unwrap()
            .write_all(bytes)
            .unwrap();
        let file = std::fs::File::open(&path).unwrap();
        // SAFETY: a temporary file of this test's own, removed (not written) after mapping.
        let map = Arc::new(unsafe { memmap2::Mmap::map(&file) }.unwrap());
        let _ = std::fs::remove_file(&path);
        map
    }

    #[test]
    fn mapped_values_are_the_file_bytes_and_misplaced_runs_are_refused() {
        let halves: Vec<u8> = [1.5f32, -2.0, 0.25]
            .iter()
            .flat_map(|&v| f16::from_f32(v).to_le_bytes())
            .collect();
        let map = map_of("mapped-f16", &halves);
        let m = Mapped::<f16>::new(&map, &map[..]).expect("aligned f16 run");
        assert_eq!(m.as_slice(), &[1.5, -2.0, 0.25].map(f16::from_f32));
        assert!(Mapped::<f16>::new(&map, &map[1..5]).is_none(), "misaligned");
        assert!(
            Mapped::<f16>::new(&map, &map[..5]).is_none(),
            "not whole values"
        );
        let elsewhere = vec![0u8; 4];
        assert!(
            Mapped::<f16>::new(&map, &elsewhere).is_none(),
            "outside the map"
        );
    }

    #[test]
    fn mapped_q8_0_blocks_multiply_and_embed_as_owned_ones() {
        let (rows, k) = (3, 64);
        let weights: Vec<f32> = (0..rows * k).map(|i| ((i * 7) % 13) as f32 - 6.0).collect();
        let mut owned = vec![BlockQ8_0::zeros(); rows * k / 32];
        BlockQ8_0::from_float(&weights, &mut owned);
        // SAFETY: reading the blocks' own bytes.
        let bytes = unsafe {
            std::slice::from_raw_parts(
                owned.as_ptr().cast::<u8>(),
                std::mem::size_of_val(&owned[..]),
            )
        };
        let map = map_of("mapped-q8", bytes);
        let mapped = Mapped::<BlockQ8_0>::new(&map, &map[..]).expect("blocks in place");
        let lhs: Vec<f32> = (0..2 * k).map(|i| (i % 5) as f32 * 0.5).collect();
        let (mut a, mut b) = (vec![0f32; 2 * rows], vec![0f32; 2 * rows]);
        owned.matmul_t((2, k, rows), &lhs, &mut a).unwrap();
        mapped.matmul_t((2, k, rows), &lhs, &mut b).unwrap();
        assert_eq!(a, b);
        let (e1, e2) = (
            owned.embedding(&[2, 0], rows, k).unwrap(),
            mapped.embedding(&[2, 0], rows, k).unwrap(),
        );
        assert_eq!(e1.as_slice::<f32>().unwrap(), e2.as_slice::<f32>().unwrap());
        assert!(mapped.embedding(&[3], rows, k).is_err(), "row out of range");
    }
}
