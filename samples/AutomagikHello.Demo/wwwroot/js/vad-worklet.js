// The voice-activity detector, on the audio thread (an AudioWorkletProcessor). Per frame of FRAME_MS it measures the
// signal's energy (RMS, in dBFS), tracks the noise floor, and reports to the page:
//   { type: "onset", soundFrame, frame }  speech began: energy stayed above the onset threshold for MIN_SPEECH_MS
//   { type: "end", soundFrame, frame }    that speech ended: END_SILENCE_MS below the release threshold
//   { type: "progress", frames }          every ~100 ms: how much audio was analysed (frames since the start)
// Frames are sample-frame numbers of the AudioContext clock (currentFrame), so the page can tell how long ago a frame
// was heard. soundFrame is where the utterance's sound rose SOUND_MARGIN_DB above the floor: its measured onset.
// The thresholds come from the page (vad.js, VAD_THRESHOLDS, documented in docs/voice.md).

const SILENCE_DB = -100; // the energy of digital silence (log of zero, clamped)

class VoiceActivityProcessor extends AudioWorkletProcessor {
  constructor(options) {
    super();
    const t = options.processorOptions.thresholds;
    this.t = t;
    this.frameLength = Math.max(1, Math.round(sampleRate * t.FRAME_MS / 1000));
    this.sum = 0;          // sum of squares of the frame so far
    this.filled = 0;       // samples in the frame so far
    this.frameStart = -1;  // sample frame of the frame's first sample
    this.analysed = 0;     // frames analysed
    this.lastProgress = 0;
    this.floor = null;     // noise floor in dBFS; null until calibrated
    this.calibration = [];
    this.soundStart = -1;  // start of the current run of frames above floor + SOUND_MARGIN_DB
    this.candidate = -1;   // start of the current run above the onset threshold (-1: none)
    this.gapMs = 0;        // below-threshold time inside the candidate
    this.speaking = false;
    this.utteranceSound = -1;
    this.quietMs = 0;      // below-release time while speaking
  }

  process(inputs) {
    const channel = inputs[0] && inputs[0][0];
    if (!channel) return true;
    for (let i = 0; i < channel.length; i++) {
      if (this.filled === 0) this.frameStart = currentFrame + i;
      this.sum += channel[i] * channel[i];
      this.filled += 1;
      if (this.filled === this.frameLength) {
        const rms = Math.sqrt(this.sum / this.frameLength);
        this.frame(rms > 0 ? Math.max(SILENCE_DB, 20 * Math.log10(rms)) : SILENCE_DB, this.frameStart);
        this.sum = 0;
        this.filled = 0;
      }
    }
    return true;
  }

  frame(db, start) {
    const t = this.t;
    this.analysed += this.frameLength;
    if (this.analysed - this.lastProgress >= sampleRate / 10) {
      this.lastProgress = this.analysed;
      this.port.postMessage({ type: "progress", frames: this.analysed, floor: this.floor });
    }
    if (this.floor === null) {
      // The first CALIBRATION_MS set the floor: the room as it is when the microphone opens.
      this.calibration.push(db);
      if (this.calibration.length * t.FRAME_MS >= t.CALIBRATION_MS) {
        this.floor = Math.max(t.FLOOR_MIN_DB, this.calibration.reduce((a, b) => a + b, 0) / this.calibration.length);
      }
      return;
    }
    const onset = Math.max(this.floor + t.ONSET_MARGIN_DB, t.ABSOLUTE_MIN_DB);
    const sound = this.floor + t.SOUND_MARGIN_DB;
    if (db > sound) {
      if (this.soundStart < 0) this.soundStart = start;
    } else if (!this.speaking && this.candidate < 0) {
      this.soundStart = -1;
    }

    if (this.speaking) {
      // Release below the onset threshold minus the hysteresis; the floor stays frozen while the caller speaks.
      if (db < onset - t.RELEASE_HYSTERESIS_DB) {
        this.quietMs += t.FRAME_MS;
        if (this.quietMs >= t.END_SILENCE_MS) {
          this.speaking = false;
          this.port.postMessage({ type: "end", soundFrame: this.utteranceSound, frame: start });
          this.soundStart = -1;
        }
      } else {
        this.quietMs = 0;
      }
      return;
    }

    if (db >= onset) {
      if (this.candidate < 0) this.candidate = start;
      this.gapMs = 0;
      // The candidate counts from its first loud frame, this one included.
      if ((start - this.candidate) / sampleRate * 1000 + t.FRAME_MS >= t.MIN_SPEECH_MS) {
        this.speaking = true;
        this.quietMs = 0;
        this.utteranceSound = this.soundStart >= 0 ? this.soundStart : this.candidate;
        this.candidate = -1;
        this.port.postMessage({ type: "onset", soundFrame: this.utteranceSound, frame: start + this.frameLength });
      }
      return;
    }

    if (this.candidate >= 0) {
      // A dip inside a word is allowed; a longer one ends the candidate (a click, a knock: too short to be speech).
      this.gapMs += t.FRAME_MS;
      if (this.gapMs > t.MAX_GAP_MS) {
        this.candidate = -1;
        this.gapMs = 0;
      }
      return;
    }

    // No speech: the floor follows the room, quickly down and slowly up (so a voice does not become the floor).
    const rate = db < this.floor ? t.FLOOR_FALL : t.FLOOR_RISE;
    this.floor = Math.max(t.FLOOR_MIN_DB, this.floor + (db - this.floor) * rate);
  }
}

registerProcessor("voice-activity", VoiceActivityProcessor);
