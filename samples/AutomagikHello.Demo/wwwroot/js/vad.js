// The microphone and its voice-activity detector (vad-worklet.js, on the audio thread). The detector decides when
// the caller starts and stops speaking from the signal's energy alone; docs/voice.md explains the thresholds.

/**
 * The detector's thresholds. Speech onset: a frame's energy at least ONSET_MARGIN_DB above the adaptive noise floor
 * (and above ABSOLUTE_MIN_DB), held for MIN_SPEECH_MS with no dip longer than MAX_GAP_MS. That costs MIN_SPEECH_MS of
 * latency and buys immunity to clicks, knocks and other short sounds; steady noise raises the floor instead.
 */
export const VAD_THRESHOLDS = Object.freeze({
  FRAME_MS: 10,             // analysis frame
  CALIBRATION_MS: 200,      // the first frames set the floor; nothing is detected meanwhile
  ONSET_MARGIN_DB: 12,      // speech is this far above the floor…
  ABSOLUTE_MIN_DB: -50,     // …and at least this loud (dBFS): a quiet room's floor is not speech however it varies
  MIN_SPEECH_MS: 90,        // held this long before it counts as speech (a click or a knock is shorter)
  MAX_GAP_MS: 30,           // dips inside a word shorter than this do not restart the count
  RELEASE_HYSTERESIS_DB: 6, // speech goes on until the energy falls this far below the onset threshold…
  END_SILENCE_MS: 700,      // …for this long: then the utterance has ended
  SOUND_MARGIN_DB: 6,       // where an utterance's sound first rose this far above the floor is its measured onset
  FLOOR_MIN_DB: -90,        // the floor never goes below this (digital silence)
  FLOOR_FALL: 0.3,          // per frame, toward a quieter room (fast)
  FLOOR_RISE: 0.005,        // per frame, toward a louder room (about 2 s)
});

/**
 * Opens the microphone and runs the detector on it. Handlers: onOnset(info), onEnd(info), onProgress(info), where
 * info.soundAt is the performance.now() time the utterance's sound began (estimated from the audio clock) and
 * info.analysedMs how much audio the detector has seen. Returns { stop() }; throws when the microphone is refused.
 */
export async function startDetector({ onOnset, onEnd, onProgress }) {
  const stream = await navigator.mediaDevices.getUserMedia({
    // Echo cancellation keeps the agent's own voice (when the page plays it) out of the detector; gain control would
    // lift a quiet room's noise toward speech, so it is off.
    audio: { echoCancellation: true, noiseSuppression: true, autoGainControl: false, channelCount: 1 },
  });
  const context = new AudioContext();
  try {
    await context.audioWorklet.addModule(new URL("./vad-worklet.js", import.meta.url));
    const source = context.createMediaStreamSource(stream);
    const node = new AudioWorkletNode(context, "voice-activity", {
      numberOfInputs: 1, numberOfOutputs: 0, channelCount: 1, channelCountMode: "explicit",
      processorOptions: { thresholds: { ...VAD_THRESHOLDS } },
    });
    // The audio clock of a frame, as a performance.now() time: now minus how long ago the context rendered it.
    const at = frame => performance.now() - Math.max(0, (context.currentTime - frame / context.sampleRate) * 1000);
    node.port.onmessage = ({ data }) => {
      if (data.type === "onset") onOnset({ soundAt: at(data.soundFrame), detectedAt: at(data.frame), receivedAt: performance.now() });
      else if (data.type === "end") onEnd({ soundAt: at(data.soundFrame), endedAt: at(data.frame) });
      else if (data.type === "progress") onProgress({ analysedMs: data.frames / context.sampleRate * 1000, floorDb: data.floor });
    };
    source.connect(node);
    await context.resume();
    return {
      stop() {
        node.port.onmessage = null;
        source.disconnect();
        for (const track of stream.getTracks()) track.stop();
        context.close();
      },
    };
  } catch (error) {
    for (const track of stream.getTracks()) track.stop();
    context.close();
    throw error;
  }
}
