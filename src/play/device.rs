//! The default audio output. Where there is none (a server, a container, CI) the listener
//! gets one line saying so rather than the audio library's own diagnostics; errors the
//! stream reports while playing are collected instead of printed over the progress line.

use crate::Result;
use rodio::mixer::Mixer;
use rodio::{DeviceSinkBuilder, MixerDeviceSink};
use std::sync::{Arc, Mutex};

/// Stream errors tolerated before playback is given up: an occasional glitch is heard and
/// passes, a device that went away keeps reporting.
const FAULT_LIMIT: usize = 25;

pub struct Output {
    sink: MixerDeviceSink,
    faults: Arc<Mutex<Faults>>,
}

#[derive(Default)]
struct Faults {
    count: usize,
    last: String,
}

impl Output {
    /// Opens the default output device.
    pub fn open() -> Result<Output> {
        quiet_audio_library();
        let faults = Arc::new(Mutex::new(Faults::default()));
        let recorder = Arc::clone(&faults);
        let record = move |error: rodio::CpalError| {
            if let Ok(mut faults) = recorder.lock() {
                faults.count += 1;
                faults.last = error.to_string();
            }
        };
        let mut sink = DeviceSinkBuilder::from_default_device()
            .and_then(|builder| builder.with_error_callback(record).open_sink_or_fallback())
            .map_err(|_| crate::Error::NoAudioDevice)?;
        // Closing the device at the end of playback is expected; rodio would say so on stderr.
        sink.log_on_drop(false);
        Ok(Output { sink, faults })
    }

    pub fn mixer(&self) -> &Mixer {
        self.sink.mixer()
    }

    /// The stream's last error, once errors have kept coming.
    pub fn failure(&self) -> Option<String> {
        let faults = self.faults.lock().ok()?;
        (faults.count >= FAULT_LIMIT).then(|| faults.last.clone())
    }
}

/// ALSA prints a dozen lines to stderr when it finds no sound card. Its messages for this
/// thread (where the device is looked up and opened) go to a buffer instead.
#[cfg(target_os = "linux")]
fn quiet_audio_library() {
    // Without the buffer ALSA keeps printing: noisy, but no reason to stop.
    let _ = alsa::Output::local_error_handler();
}

#[cfg(not(target_os = "linux"))]
fn quiet_audio_library() {}
