// The voice agent's scripted turn: the page's "Voice turn" panel (scenario and recognizer confidence) plus the
// message text as the transcript, sent as forwardedProps.voice (docs/voice.md). Engine failures are retried by
// sending the same turn with the next attempt number.

import { h } from "./dom.js";

/** The RUN_ERROR codes after which the same turn is worth sending again (docs/voice.md, "Error codes"). */
export const RETRYABLE_VOICE_CODES = new Set(["VOICE_STT_FAILED", "VOICE_TTS_FAILED"]);

/**
 * Wires the panel's controls. Returns { show(visible), setConfidence(value), read(transcript) → { voice } or { error } }.
 * The slider and the number field show the same confidence; the number field is the labelled, typed one.
 */
export function createVoicePanel({ panel, scenario, confidence, slider }) {
  const error = h("p", { id: "voice-confidence-error", class: "field-error", hidden: true });
  confidence.closest(".field").append(error);

  slider.addEventListener("input", () => {
    confidence.value = slider.value;
    setError(null);
  });
  confidence.addEventListener("input", () => {
    if (confidence.value !== "" && Number.isFinite(Number(confidence.value))) slider.value = confidence.value;
    setError(null);
  });

  return {
    show(visible) {
      panel.hidden = !visible;
    },
    /** Shows a recogniser's confidence in the field (rounded to the field's step), as the next turn's. */
    setConfidence(value) {
      confidence.value = slider.value = (Math.round(value * 100) / 100).toString();
      setError(null);
    },
    /** The turn for this transcript, or an error (shown on the field, which gets the focus). */
    read(transcript) {
      const value = Number(confidence.value);
      if (confidence.value.trim() === "" || confidence.validity.badInput || !Number.isFinite(value) || value < 0 || value > 1) {
        setError("Confidence must be a number from 0 to 1.");
        confidence.focus();
        return { error: "Confidence must be a number from 0 to 1." };
      }
      return { voice: { scenario: scenario.value, transcript, confidence: value, attempt: 1 } };
    },
  };

  function setError(message) {
    error.textContent = message || "";
    error.hidden = !message;
    if (message) {
      confidence.setAttribute("aria-invalid", "true");
      confidence.setAttribute("aria-describedby", "voice-scenario-hint voice-confidence-error");
    } else {
      confidence.removeAttribute("aria-invalid");
      confidence.setAttribute("aria-describedby", "voice-scenario-hint");
    }
  }
}

/** The same turn once more, as the next attempt. */
export const nextAttempt = voice => ({ ...voice, attempt: voice.attempt + 1 });
