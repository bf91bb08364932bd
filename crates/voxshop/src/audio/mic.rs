//! Live capture with `cpal`: the device callback converts to f32 and hands chunks to a
//! bounded queue, so a slow consumer drops audio (counted) instead of growing memory.

use crate::error::AudioError;
use cpal::traits::{DeviceTrait, HostTrait, StreamTrait};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{sync_channel, Receiver, RecvTimeoutError, SyncSender};
use std::sync::Arc;
use std::time::Duration;

/// Sample format asked of the device.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MicFormat {
    I16,
    F32,
}

/// Which device and stream format to open; unset fields take the device's defaults.
#[derive(Debug, Clone, Default)]
pub struct MicConfig {
    /// Device name (as `voxshop listen --list-devices` prints it) or id; default device if unset.
    pub device: Option<String>,
    pub rate: Option<u32>,
    pub channels: Option<u16>,
    pub format: Option<MicFormat>,
}

/// An open capture stream. Not `Send` on every platform: keep it on the thread that opened it.
pub struct Mic {
    _stream: cpal::Stream,
    rx: Receiver<Vec<f32>>,
    pub rate: u32,
    pub channels: u16,
    pub name: String,
    dropped: Arc<AtomicU64>,
}

/// Names of the input devices of the default host.
pub fn input_devices() -> Result<Vec<String>, AudioError> {
    let host = cpal::default_host();
    let devices = host
        .input_devices()
        .map_err(|e| AudioError::BadStream(format!("listing input devices: {e}")))?;
    Ok(devices.map(|d| d.to_string()).collect())
}

fn find_device(name: Option<&str>) -> Result<cpal::Device, AudioError> {
    let host = cpal::default_host();
    match name {
        None => host
            .default_input_device()
            .ok_or_else(|| AudioError::BadStream("no default input device".into())),
        Some(want) => host
            .input_devices()
            .map_err(|e| AudioError::BadStream(format!("listing input devices: {e}")))?
            .find(|d| d.to_string() == want || d.id().is_ok_and(|id| id.to_string() == want))
            .ok_or_else(|| {
                AudioError::BadStream(format!(
                    "no input device named {want:?} (see `voxshop listen --list-devices`)"
                ))
            }),
    }
}

fn deliver(tx: &SyncSender<Vec<f32>>, dropped: &AtomicU64, chunk: Vec<f32>) {
    if tx.try_send(chunk).is_err() {
        dropped.fetch_add(1, Ordering::Relaxed);
    }
}

impl Mic {
    pub fn open(cfg: &MicConfig) -> Result<Self, AudioError> {
        let device = find_device(cfg.device.as_deref())?;
        let name = device.to_string();
        let default = device
            .default_input_config()
            .map_err(|e| AudioError::BadStream(format!("{name}: {e}")))?;
        let rate = cfg.rate.unwrap_or(default.sample_rate());
        let channels = cfg.channels.unwrap_or(default.channels());
        let format = cfg.format.unwrap_or(match default.sample_format() {
            cpal::SampleFormat::I16 => MicFormat::I16,
            _ => MicFormat::F32,
        });
        let config = cpal::StreamConfig {
            channels,
            sample_rate: rate,
            buffer_size: cpal::BufferSize::Default,
        };
        // About 10 s of 10 ms chunks: plenty for a consumer that keeps up.
        let (tx, rx) = sync_channel::<Vec<f32>>(1024);
        let dropped = Arc::new(AtomicU64::new(0));
        let err_name = name.clone();
        let on_error = move |e: cpal::Error| tracing::warn!("capture on {err_name}: {e}");
        let d = dropped.clone();
        let stream = match format {
            MicFormat::I16 => device.build_input_stream(
                config,
                move |data: &[i16], _: &cpal::InputCallbackInfo| {
                    deliver(&tx, &d, data.iter().map(|&s| s as f32 / 32768.0).collect())
                },
                on_error,
                None,
            ),
            MicFormat::F32 => device.build_input_stream(
                config,
                move |data: &[f32], _: &cpal::InputCallbackInfo| deliver(&tx, &d, data.to_vec()),
                on_error,
                None,
            ),
        }
        .map_err(|e| AudioError::BadStream(format!("{name}: opening capture: {e}")))?;
        stream
            .play()
            .map_err(|e| AudioError::BadStream(format!("{name}: starting capture: {e}")))?;
        Ok(Self {
            _stream: stream,
            rx,
            rate,
            channels,
            name,
            dropped,
        })
    }

    /// The next chunk of interleaved samples, or `None` after `timeout` without audio.
    pub fn recv(&self, timeout: Duration) -> Result<Option<Vec<f32>>, AudioError> {
        match self.rx.recv_timeout(timeout) {
            Ok(c) => Ok(Some(c)),
            Err(RecvTimeoutError::Timeout) => Ok(None),
            Err(RecvTimeoutError::Disconnected) => Err(AudioError::BadStream(format!(
                "{}: capture stopped",
                self.name
            ))),
        }
    }

    /// Chunks dropped because the consumer fell behind.
    pub fn dropped(&self) -> u64 {
        self.dropped.load(Ordering::Relaxed)
    }
}
