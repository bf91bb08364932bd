//! Fast tests of the audio stage on every supported WAV format and on malformed files.

use std::path::{Path, PathBuf};
use voxshop::audio::{load_wav_16k, read_wav};
use voxshop::error::AudioError;

fn tmp(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("voxshop-audio-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

fn spec(rate: u32, channels: u16, bits: u16, float: bool) -> hound::WavSpec {
    hound::WavSpec {
        channels,
        sample_rate: rate,
        bits_per_sample: bits,
        sample_format: if float {
            hound::SampleFormat::Float
        } else {
            hound::SampleFormat::Int
        },
    }
}

/// 0.5 s of a 440 Hz tone in every channel, written in the given format.
fn write_tone(path: &Path, rate: u32, channels: u16, bits: u16, float: bool) {
    let spec = spec(rate, channels, bits, float);
    let mut w = hound::WavWriter::create(path, spec).unwrap();
    let frames = rate / 2;
    for i in 0..frames {
        let x = (2.0 * std::f32::consts::PI * 440.0 * i as f32 / rate as f32).sin() * 0.5;
        for _ in 0..channels {
            if float {
                w.write_sample(x).unwrap();
            } else {
                let max = ((1i64 << (bits - 1)) - 1) as f32;
                let v = (x * max) as i32;
                match bits {
                    8 => w.write_sample(v as i8).unwrap(),
                    16 => w.write_sample(v as i16).unwrap(),
                    _ => w.write_sample(v).unwrap(),
                }
            }
        }
    }
    w.finalize().unwrap();
}

/// Dominant frequency by counting zero crossings: enough to tell 440 Hz from an alias.
fn zero_crossing_hz(s: &[f32]) -> f32 {
    let crossings = s
        .windows(2)
        .filter(|p| (p[0] < 0.0) != (p[1] < 0.0))
        .count();
    crossings as f32 / 2.0 / (s.len() as f32 / 16_000.0)
}

#[test]
fn every_supported_format_becomes_the_same_16k_mono_tone() {
    let formats = [
        (8, false),
        (16, false),
        (24, false),
        (32, false),
        (32, true),
    ];
    for rate in [8_000, 11_025, 16_000, 22_050, 44_100, 48_000, 96_000] {
        for channels in [1u16, 2, 6] {
            for (bits, float) in formats {
                let p = tmp(&format!("tone-{rate}-{channels}-{bits}-{float}.wav"));
                write_tone(&p, rate, channels, bits, float);
                let pcm = load_wav_16k(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
                let what = format!("{rate} Hz, {channels} ch, {bits}-bit float={float}");
                let expected = (rate / 2) as usize * 16_000 / rate as usize;
                assert_eq!(pcm.samples.len(), expected, "{what}");
                let peak = pcm.samples.iter().fold(0f32, |m, x| m.max(x.abs()));
                assert!((0.45..0.56).contains(&peak), "{what}: peak {peak}");
                let hz = zero_crossing_hz(&pcm.samples[800..7000]);
                assert!((hz - 440.0).abs() < 10.0, "{what}: {hz} Hz");
            }
        }
    }
}

fn expect_err(bytes: &[u8], name: &str) -> AudioError {
    let p = tmp(name);
    std::fs::write(&p, bytes).unwrap();
    let e = read_wav(&p).expect_err(name);
    let msg = e.to_string();
    assert!(msg.contains(name), "message names the file: {msg}");
    e
}

fn wav_bytes(rate: u32, channels: u16, bits: u16, float: bool, samples: usize) -> Vec<u8> {
    let p = tmp(&format!(
        "src-{rate}-{channels}-{bits}-{float}-{samples}.wav"
    ));
    let spec = spec(rate, channels, bits, float);
    let mut w = hound::WavWriter::create(&p, spec).unwrap();
    for i in 0..samples {
        if float {
            w.write_sample(0.1f32 * (i % 7) as f32).unwrap();
        } else {
            w.write_sample((i % 100) as i16).unwrap();
        }
    }
    w.finalize().unwrap();
    std::fs::read(p).unwrap()
}

#[test]
fn malformed_files_give_typed_errors_naming_the_file() {
    assert!(matches!(
        expect_err(b"", "empty.wav"),
        AudioError::NotWav { .. }
    ));
    assert!(matches!(
        expect_err(b"this is not audio at all, just text\n", "text.wav"),
        AudioError::NotWav { .. }
    ));
    let good = wav_bytes(16_000, 1, 16, false, 16_000);
    assert!(matches!(
        expect_err(&good[..30], "header-cut.wav"),
        AudioError::NotWav { .. }
    ));
    assert!(matches!(
        expect_err(&good[..good.len() / 2], "truncated.wav"),
        AudioError::Corrupt { .. }
    ));
    let header_only = wav_bytes(16_000, 1, 16, false, 0);
    assert!(matches!(
        expect_err(&header_only, "no-samples.wav"),
        AudioError::Empty { .. }
    ));

    // A header claiming an absurd sample rate.
    let mut absurd_rate = good.clone();
    absurd_rate[24..28].copy_from_slice(&1_000_000u32.to_le_bytes());
    absurd_rate[28..32].copy_from_slice(&2_000_000u32.to_le_bytes());
    let e = expect_err(&absurd_rate, "absurd-rate.wav");
    assert!(matches!(e, AudioError::Unsupported { .. }), "{e}");
    // A data chunk claiming 4 GB in a 32 kB file.
    let mut absurd_len = good.clone();
    let data = absurd_len.windows(4).position(|w| w == b"data").unwrap();
    absurd_len[data + 4..data + 8].copy_from_slice(&0xFFFF_FFF0u32.to_le_bytes());
    let e = expect_err(&absurd_len, "absurd-length.wav");
    assert!(
        matches!(
            e,
            AudioError::Corrupt { .. } | AudioError::Unsupported { .. }
        ),
        "{e}"
    );
    // NaN samples in a float file.
    let mut nan = wav_bytes(16_000, 1, 32, true, 100);
    let n = nan.len();
    nan[n - 4..].copy_from_slice(&f32::NAN.to_le_bytes());
    assert!(matches!(
        expect_err(&nan, "nan.wav"),
        AudioError::Corrupt { .. }
    ));

    let missing = tmp("does-not-exist.wav");
    assert!(matches!(read_wav(&missing), Err(AudioError::Open { .. })));
}

/// What `arecord` writes to a pipe or when stopped: the header's sizes are placeholders.
/// The audio is there and must be read to the end, as from a file whose header is right.
#[test]
fn headers_with_streaming_sizes_are_read_to_the_end() {
    let p = tmp("tone-stream-src.wav");
    write_tone(&p, 16_000, 1, 16, false);
    let good = std::fs::read(&p).unwrap();
    let want = read_wav(&p).unwrap().samples;
    let data = good.windows(4).position(|w| w == b"data").unwrap();
    for size in [0u32, 0x8000_0000, 0xFFFF_FFFF, 0x7FFF_FFFF] {
        let mut b = good.clone();
        b[4..8].copy_from_slice(&size.to_le_bytes());
        b[data + 4..data + 8].copy_from_slice(&size.to_le_bytes());
        let q = tmp(&format!("tone-stream-{size:x}.wav"));
        std::fs::write(&q, &b).unwrap();
        assert_eq!(read_wav(&q).unwrap().samples, want, "size {size:#x}");
    }
}

/// A FIFO has no length: it is read as it comes.
#[test]
fn a_fifo_is_read_as_a_stream() {
    let src = tmp("tone-fifo-src.wav");
    write_tone(&src, 22_050, 2, 24, false);
    let want = read_wav(&src).unwrap().samples;
    let fifo = tmp("tone.fifo");
    let _ = std::fs::remove_file(&fifo);
    let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
    // SAFETY: mkfifo with a valid NUL-terminated path.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
    let writer = {
        let (src, fifo) = (src.clone(), fifo.clone());
        std::thread::spawn(move || std::fs::write(&fifo, std::fs::read(&src).unwrap()).unwrap())
    };
    let got = read_wav(&fifo).unwrap();
    writer.join().unwrap();
    assert_eq!((got.rate, got.channels), (22_050, 2));
    assert_eq!(got.samples, want);
}
