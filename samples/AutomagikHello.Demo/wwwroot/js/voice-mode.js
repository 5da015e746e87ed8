// Voice mode: the microphone button, the voice-activity detector on it (vad.js) and speech recognition with the
// browser's Web Speech API where it exists. Without a recogniser the message box holds the transcript: the end of an
// utterance sends what is typed there. The page (app.js) decides what an onset means (barge-in or a new turn).

import { draw } from "./draw-gate.js";
import { startDetector } from "./vad.js";

// Recogniser errors after which it will not work in this browser session: the typed transcript takes over.
const FATAL_RECOGNITION_ERRORS = new Set(["not-allowed", "service-not-allowed", "network", "language-not-supported", "audio-capture"]);

/**
 * A record of what voice mode did and when (performance.now() times): onsets, barge-ins, cancels, turns. The tests
 * and the latency harness read it (docs/voice.md, "Measured"); it keeps the last 500 entries.
 */
export const voiceLog = [];
globalThis.aguiVoiceLog = voiceLog;

export function logVoice(type, fields = {}) {
  voiceLog.push({ type, at: performance.now(), ...fields });
  if (voiceLog.length > 500) voiceLog.splice(0, voiceLog.length - 500);
}

/**
 * Wires the microphone button. Handlers: onOnset(info) when the caller starts speaking; onUtterance({ transcript,
 * confidence }) when an utterance is complete (transcript null: take it from the message box); onNote(text).
 * Returns { setAgentSpeaking(speaking), stop(), recognises }.
 */
export function createVoiceMode({ button, panel, label, onOnset, onUtterance, onNote }) {
  let detector = null;
  let recognition = null;
  let listening = false;
  let callerSpeaking = false;
  let agentSpeaking = false;
  const Recognition = globalThis.SpeechRecognition || globalThis.webkitSpeechRecognition || null;
  let recognitionUsable = Recognition !== null;

  button.addEventListener("click", () => (listening ? stop() : start()));
  render();

  async function start() {
    button.disabled = true;
    try {
      detector = await startDetector({
        onOnset(info) {
          callerSpeaking = true;
          logVoice("onset", info);
          // The page's handler first: a barge-in's cancel request leaves before this panel is redrawn, and the redraw
          // waits for the cancelled run's end (draw-gate.js).
          onOnset(info);
          draw(render);
        },
        onEnd(info) {
          callerSpeaking = false;
          render();
          logVoice("utterance-end", info);
          if (!recognition) onUtterance({ transcript: null, confidence: null });
        },
        onProgress({ analysedMs, floorDb }) {
          panel.dataset.analysedMs = String(Math.round(analysedMs));
          if (floorDb !== null) panel.dataset.noiseFloorDb = floorDb.toFixed(1);
        },
      });
      listening = true;
      logVoice("listening");
      if (recognitionUsable) startRecognition();
    } catch (error) {
      onNote(`The microphone could not start: ${error.message}`);
    } finally {
      button.disabled = false;
      render();
    }
  }

  function stop() {
    listening = false;
    callerSpeaking = false;
    detector?.stop();
    detector = null;
    stopRecognition();
    logVoice("stopped");
    render();
  }

  function startRecognition() {
    recognition = new Recognition();
    recognition.continuous = true;
    recognition.interimResults = false;
    recognition.lang = document.documentElement.lang || navigator.language;
    recognition.onresult = event => {
      for (let i = event.resultIndex; i < event.results.length; i++) {
        const result = event.results[i];
        if (!result.isFinal) continue;
        const best = result[0];
        const transcript = best.transcript.trim();
        // Some engines report 0 when they do not estimate confidence at all; that is "unknown", not "unsure".
        const confidence = best.confidence > 0 ? Math.min(1, best.confidence) : 1;
        if (transcript) onUtterance({ transcript, confidence });
      }
    };
    recognition.onerror = event => {
      if (!FATAL_RECOGNITION_ERRORS.has(event.error)) return;
      recognitionUsable = false;
      stopRecognition();
      onNote(`Speech recognition is not available here (${event.error}): type what you say; the microphone still hears when you speak.`);
      render();
    };
    // A continuous recogniser still stops after a while of silence: start it again while the microphone is on.
    recognition.onend = () => {
      if (listening && recognitionUsable && recognition) recognition.start();
    };
    recognition.start();
  }

  function stopRecognition() {
    if (!recognition) return;
    const stopping = recognition;
    recognition = null;
    stopping.onend = null;
    stopping.abort();
  }

  function render() {
    button.setAttribute("aria-pressed", String(listening));
    button.textContent = listening ? "Microphone on" : "Microphone";
    panel.dataset.listening = String(listening);
    panel.dataset.callerSpeaking = String(callerSpeaking);
    panel.dataset.agentSpeaking = String(agentSpeaking);
    label.textContent = !listening ? (agentSpeaking ? "Agent speaking." : "Microphone off.")
      : callerSpeaking ? "You are speaking."
      : agentSpeaking ? "Agent speaking: talk to interrupt."
      : recognition ? "Listening." : "Listening (type the transcript; speaking sends it).";
  }

  return {
    get recognises() { return recognition !== null; },
    setAgentSpeaking(speaking) {
      agentSpeaking = speaking;
      draw(render);
    },
    stop() {
      if (listening) stop();
    },
  };
}
