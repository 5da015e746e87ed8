// Speaks the agent's text as it streams, sentence by sentence: with speechSynthesis where the browser has voices,
// otherwise silently at FALLBACK_CHARS_PER_SECOND (the page shows the text and treats it as spoken at that rate).
// It knows at any moment how much of each message the caller has heard, which a barge-in keeps.

/** How fast text counts as spoken without a voice: 15 characters a second, about 170 words a minute. */
export const FALLBACK_CHARS_PER_SECOND = 15;

// A sentence ends at ".", "!" or "?" followed by white space; the rest waits for more text or the message's end.
const SENTENCE_END = /[.!?]+\s+/g;

/**
 * createSpeaker({ onSpeaking(speaking) }) → { append(key, delta), close(key), stop() → Map key → heard characters,
 * speaking, usesVoice }. Keys are message ids; characters count from the start of the message's text.
 */
export function createSpeaker({ onSpeaking }) {
  const messages = new Map(); // key → { text, queued (characters handed to the queue), heard, closed }
  const queue = [];           // sentences: { key, start, end }
  let current = null;         // { key, start, end, startedAt, heard, timer | utterance }
  let generation = 0;         // bumped by stop(): a late callback of a stopped sentence is ignored
  let speaking = false;

  const synth = "speechSynthesis" in globalThis ? globalThis.speechSynthesis : null;
  const hasVoices = () => synth !== null && synth.getVoices().length > 0;

  function message(key) {
    if (!messages.has(key)) messages.set(key, { text: "", queued: 0, heard: 0, closed: false });
    return messages.get(key);
  }

  function enqueue(key, all) {
    const m = message(key);
    let end = m.queued;
    if (all) {
      end = m.text.length;
    } else {
      SENTENCE_END.lastIndex = m.queued;
      for (let match; (match = SENTENCE_END.exec(m.text)) !== null;) end = match.index + match[0].length;
    }
    if (end > m.queued && m.text.slice(m.queued, end).trim() !== "") queue.push({ key, start: m.queued, end });
    m.queued = Math.max(m.queued, end);
    next();
  }

  function setSpeaking(value) {
    if (speaking === value) return;
    speaking = value;
    onSpeaking(value);
  }

  function next() {
    if (current) return;
    const sentence = queue.shift();
    if (!sentence) {
      setSpeaking(false);
      return;
    }
    const mine = generation;
    current = { ...sentence, startedAt: performance.now(), heard: sentence.start };
    setSpeaking(true);
    const text = messages.get(sentence.key).text.slice(sentence.start, sentence.end);
    const done = () => {
      if (mine !== generation) return;
      messages.get(sentence.key).heard = sentence.end;
      current = null;
      next();
    };
    if (hasVoices()) {
      const utterance = new SpeechSynthesisUtterance(text);
      // A word boundary: the words before it were heard.
      utterance.onboundary = event => {
        if (mine === generation && event.name === "word") current.heard = sentence.start + event.charIndex;
      };
      utterance.onend = done;
      utterance.onerror = done;
      current.utterance = utterance;
      synth.speak(utterance);
    } else {
      current.timer = setTimeout(done, text.length / FALLBACK_CHARS_PER_SECOND * 1000);
    }
  }

  /** How far into the current sentence the caller has heard, at a word boundary. */
  function heardOfCurrent() {
    if (!current) return 0;
    const text = messages.get(current.key).text;
    if (current.utterance) return current.heard;
    const elapsed = performance.now() - current.startedAt;
    const reached = Math.min(current.end, current.start + Math.floor(elapsed / 1000 * FALLBACK_CHARS_PER_SECOND));
    const boundary = text.lastIndexOf(" ", reached);
    return reached === current.end ? reached : Math.max(current.start, boundary);
  }

  return {
    get speaking() { return speaking; },
    get usesVoice() { return hasVoices(); },
    /** More text of a message: every sentence it completes is queued. */
    append(key, delta) {
      const m = message(key);
      if (m.closed) return;
      m.text += delta;
      enqueue(key, false);
    },
    /** The message is complete: its last words are queued even without a full stop. */
    close(key) {
      const m = message(key);
      if (m.closed) return;
      enqueue(key, true);
      m.closed = true;
    },
    /** Stops at once. Returns how many characters of each message the caller heard; nothing more of them is spoken. */
    stop() {
      generation += 1;
      if (current) {
        messages.get(current.key).heard = heardOfCurrent();
        if (current.timer) clearTimeout(current.timer);
        if (current.utterance) synth.cancel();
      }
      current = null;
      queue.length = 0;
      const heard = new Map();
      for (const [key, m] of messages) {
        heard.set(key, m.heard);
        m.closed = true;
      }
      setSpeaking(false);
      return heard;
    },
  };
}
