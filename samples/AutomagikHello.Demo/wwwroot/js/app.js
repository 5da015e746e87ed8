// The demo page: pick an agent, chat, answer interrupts, stop a run. State that must survive a reload (agent and
// thread id) lives in the address's hash; the conversation and its pending interrupts come back from the server (the
// messages endpoint of an agent with an event log, else the thread view and this tab's saved text).

import { h } from "./dom.js";
import { cancelRun, decideInterrupt, getThread, getThreadMessages, HttpProblem, newId, reconnectRun, runAgent } from "./agui.js";
import { createInterruptCard } from "./cards.js";
import { draw, holdDrawing, releaseDrawing } from "./draw-gate.js";
import { watchDecisions } from "./hold-watch.js";
import { createSpeaker } from "./speaker.js";
import { createVoicePanel, nextAttempt, RETRYABLE_VOICE_CODES } from "./voice.js";
import { createVoiceMode, logVoice } from "./voice-mode.js";

const $ = id => document.getElementById(id);
const ui = {
  agent: $("agent"), newChat: $("new-chat"), description: $("agent-description"), transcript: $("transcript"),
  status: $("status"), composer: $("composer"), message: $("message"), send: $("send"), stop: $("stop"),
  hint: $("composer-hint"), events: $("events"), threadId: $("thread-id"),
};
const voicePanel = createVoicePanel({
  panel: $("voice-panel"), scenario: $("voice-scenario"), confidence: $("voice-confidence"), slider: $("voice-confidence-slider"),
});
// The voice agent's answers are spoken (docs/voice.md); the microphone's speech interrupts them or starts a turn.
const voiceMode = createVoiceMode({
  button: $("mic"), panel: $("voice-panel"), label: $("voice-mode-state"),
  onOnset: onCallerSpeech, onUtterance, onNote: text => note(text, "info"),
});
const speaker = createSpeaker({ onSpeaking: speaking => voiceMode.setAgentSpeaking(speaking) });

const state = {
  agents: [],
  agent: null,
  threadId: null,
  history: [],          // the conversation's user and assistant text messages, sent with every run
  running: false,       // a run of ours is streaming
  abort: null,          // aborts that run's request (when the conversation is replaced)
  stopping: false,
  remoteRunning: false, // the thread has an active run we do not stream (its events could not be reconnected to)
  tools: new Map(),     // toolCallId → its bubble, across runs: a resume's TOOL_CALL_RESULT answers an earlier run's call
  texts: new Map(),     // messageId → its text bubble, across runs: a replayed run rewrites a restored message in place
  cards: [],            // the open interrupts' cards (one batch: the interrupts of one run)
  generation: 0,        // bumped when the conversation is replaced, so a late stream of the old one is ignored
  watch: null,          // aborts the polling for decisions made elsewhere (holds)
  retry: null,          // the Retry button of the last failed voice turn, disabled once another run starts
  spoken: new Map(),    // messageId → its text bubble, for the messages handed to the speaker
  pendingTurn: null,    // an utterance completed while the interrupted run was still ending: sent once it has
};

const MAX_EVENT_LINES = 400;

init().catch(error => setStatus(`The page could not start: ${error.message}`, "error"));

async function init() {
  const response = await fetch("agents.json", { cache: "no-store" });
  state.agents = await response.json();
  for (const agent of state.agents) ui.agent.append(h("option", { value: agent.id }, agent.label || agent.id));

  ui.agent.addEventListener("change", () => startConversation(ui.agent.value, null));
  ui.newChat.addEventListener("click", () => { startConversation(state.agent, null); ui.message.focus(); });
  ui.composer.addEventListener("submit", onSend);
  ui.stop.addEventListener("click", onStop);

  const saved = new URLSearchParams(location.hash.slice(1));
  const agent = state.agents.some(a => a.id === saved.get("agent")) ? saved.get("agent") : state.agents[0].id;
  await startConversation(agent, saved.get("thread"));
}

/** Switches to an agent and a thread (a new one when threadId is null); restores a saved thread's pending interrupts. */
async function startConversation(agentId, threadId) {
  releaseDrawing();
  state.generation += 1;
  const generation = state.generation;
  // Leaving a conversation mid-run drops its stream (for the server, a client disconnect).
  state.abort?.abort();
  state.abort = null;
  stopWatching();
  state.running = false;
  state.stopping = false;
  state.agent = agentId;
  state.threadId = threadId || newId("thread");
  state.history = [];
  state.cards = [];
  state.tools = new Map();
  state.texts = new Map();
  state.remoteRunning = false;
  speaker.stop();
  state.spoken = new Map();
  state.pendingTurn = null;
  ui.agent.value = agentId;
  ui.transcript.replaceChildren();
  ui.events.textContent = "";
  ui.threadId.textContent = state.threadId;
  history.replaceState(null, "", `#agent=${encodeURIComponent(agentId)}&thread=${encodeURIComponent(state.threadId)}`);
  const agent = state.agents.find(a => a.id === agentId);
  ui.description.textContent = agent?.description || "";
  voicePanel.show(agent?.panel === "voice");
  if (agent?.panel !== "voice") voiceMode.stop();
  ui.message.value = threadId ? "" : agent?.suggestion || "";
  setStatus("");
  updateControls();

  if (threadId) await reload(generation);
}

/**
 * Restores a saved thread: from the messages endpoint (the conversation with its tool calls and results, then the
 * pending interrupts, and a run still going followed through its log); for an agent without an event log, from this
 * tab's saved text and the thread view.
 */
async function reload(generation) {
  let saved;
  try {
    saved = await getThreadMessages(state.agent, state.threadId);
  } catch (error) {
    if (generation === state.generation) note(`Could not load this thread: ${error.message}`, "error");
    return;
  }
  if (generation !== state.generation) return;
  if (!saved) {
    for (const message of loadHistory()) {
      state.history.push(message);
      bubble(message.role, message.content);
    }
    await restore(generation);
    return;
  }
  showMessages(saved.messages?.messages || []);
  saveHistory();
  if (saved.running) {
    // The snapshot already holds this run's events so far and does not say up to which id; following from the start
    // rewrites the run's messages in place (their ids are known: state.texts, state.tools), so nothing shows twice.
    note("A run is still active on this thread: following it.", "info");
    followRun(saved.runId, null);
    return;
  }
  restorePending(saved.thread);
}

/** Renders restored AG-UI messages: text as bubbles, an assistant's tool calls as tool bubbles, tool messages as their results. */
function showMessages(messages) {
  for (const message of messages) {
    if (message.role === "user" && typeof message.content === "string") {
      const entry = { id: message.id, role: "user", content: message.content };
      state.history.push(entry);
      bubble("user", entry.content);
    } else if (message.role === "assistant") {
      if (typeof message.content === "string" && message.content !== "") textBubble(message.id).append(message.content);
      for (const call of message.toolCalls || []) {
        const tool = toolBubble(call.function?.name || "tool call");
        tool.args = call.function?.arguments || "";
        tool.showArgs();
        state.tools.set(call.id, tool);
      }
    } else if (message.role === "tool") {
      (state.tools.get(message.toolCallId) || toolBubble("tool result")).showResult(message.content);
    }
  }
}

// The conversation's text survives a reload of this tab (sessionStorage); the server keeps only what it needs to
// resume (the pending interrupts), which restore() reads back.
function historyKey() {
  return `agui-demo:${state.agent}:${state.threadId}`;
}

function loadHistory() {
  try {
    const saved = JSON.parse(sessionStorage.getItem(historyKey()) || "[]");
    return Array.isArray(saved) ? saved.filter(m => (m.role === "user" || m.role === "assistant") && typeof m.content === "string") : [];
  } catch {
    return [];
  }
}

function saveHistory() {
  try {
    sessionStorage.setItem(historyKey(), JSON.stringify(state.history));
  } catch {
    // Storage full or disabled: the page still works, a reload just starts with an empty conversation.
  }
}

async function restore(generation) {
  let view;
  try {
    view = await getThread(state.agent, state.threadId);
  } catch (error) {
    note(`Could not load this thread: ${error.message}`, "error");
    return;
  }
  if (generation !== state.generation || !view) return;
  restorePending(view);
}

/** Shows a restored thread view's pending interrupts (and says when a run we cannot follow is still active). */
function restorePending(view) {
  if (!view) return;
  if (view.status === "running") {
    state.remoteRunning = true;
    note("A run is still active on this thread. Stop it, or wait and reload.", "info");
  }
  const pending = view.pendingInterrupts || [];
  if (pending.length > 0) {
    note(`Restored this thread: ${pending.length === 1 ? "a request is" : pending.length + " requests are"} waiting for you.`, "info");
    // The view says which interrupts only an approver may resolve ("requiresApprover", absent when false).
    for (const item of pending) if (item.interrupt.toolCallId) state.tools.get(item.interrupt.toolCallId)?.awaitApproval();
    showInterrupts(pending.map(item => ({ ...item, requiresApprover: item.requiresApprover === true, inDoubt: item.inDoubt === true })));
  }
  updateControls();
}

function onSend(event) {
  event.preventDefault();
  sendTurn(ui.message.value.trim(), null);
}

/** Sends a user turn; for the voice agent with the panel's scenario and confidence (a recogniser's, when it has one). */
function sendTurn(text, confidence) {
  if (!text || state.running || state.cards.length > 0) return;
  const agent = state.agents.find(a => a.id === state.agent);
  let forwardedProps = {};
  if (agent?.panel === "voice") {
    if (confidence !== null) voicePanel.setConfidence(confidence);
    const turn = voicePanel.read(text);
    if (turn.error) return;
    forwardedProps = { voice: turn.voice };
  }
  const message = { id: newId("msg"), role: "user", content: text };
  state.history.push(message);
  saveHistory();
  bubble("user", text);
  ui.message.value = "";
  startRun({ messages: [...state.history], forwardedProps });
}

function onStop() {
  const cancelling = requestCancel();
  cutSpeech();
  return cancelling;
}

/**
 * Posts the cancel endpoint for the thread's active run (Stop, or the caller's voice). The request leaves before the
 * page does anything else (fetch starts synchronously, before the first await). While a stream of ours is open, the
 * redraws (status line, controls, the cut speech's marking) wait for its terminal event (draw-gate.js), so nothing
 * but that event's handling is on the main thread when it arrives.
 */
async function requestCancel() {
  if ((!state.running && !state.remoteRunning) || state.stopping) return;
  state.stopping = true;
  logVoice("cancel-sent");
  const cancelling = cancelRun(state.agent, state.threadId);
  if (state.running) holdDrawing();
  draw(() => {
    updateControls();
    setStatus("Stopping…");
  });
  try {
    await cancelling;
    logVoice("cancel-accepted");
    if (state.remoteRunning) {
      state.remoteRunning = false;
      note("Stopped the thread's active run.", "info");
      setStatus("");
    }
  } catch (error) {
    // NO_ACTIVE_RUN: the run ended on its own meanwhile.
    draw(() => setStatus(error instanceof HttpProblem && error.code === "NO_ACTIVE_RUN" ? "The run had already ended." : `Stop failed: ${error.message}`));
  } finally {
    state.stopping = false;
    draw(updateControls);
  }
}

/**
 * Sends the answers of every card of the batch in one resume, as the protocol requires. A re-approval of an interrupt
 * in doubt is recorded first through the decision endpoint ("reapprove": true: a resume entry cannot say it); the
 * resume then carries the other cards' answers and the server applies the recorded one.
 */
async function onDecide() {
  const open = state.cards.filter(c => !c.entry);
  if (open.length > 0) {
    setStatus(`${state.cards.length - open.length} of ${state.cards.length} answered.`);
    open[0].focus();
    return;
  }
  const generation = state.generation;
  for (const card of state.cards.filter(c => !c.fromServer && !c.reapproved && c.entry.reapprove)) {
    const { status, payload } = card.entry;
    try {
      await decideInterrupt(state.agent, state.threadId, card.interrupt.id, payload === undefined ? { status, reapprove: true } : { status, payload, reapprove: true });
    } catch (error) {
      if (generation !== state.generation) return;
      note(`The re-approval was refused: ${error.message}`, "error");
      await reconcile(state.cards, generation);
      return;
    }
    card.reapproved = true;
  }
  if (generation !== state.generation) return;
  const resume = state.cards.filter(c => !c.fromServer && !c.reapproved).map(c => c.entry);
  startRun({ messages: [...state.history], resume }, state.cards);
}

/** Streams one run and renders its events. answeredCards: the cards this run answers (reopened if it is refused). */
function startRun(extra, answeredCards = []) {
  const input = { threadId: state.threadId, runId: newId("run"), state: {}, tools: [], context: [], forwardedProps: {}, ...extra };
  return streamRun(input.runId, signal => runAgent(state.agent, input, signal), { voice: input.forwardedProps?.voice || null, answeredCards });
}

/** Follows a run this page did not start (found running after a reload) through its event log, after lastEventId. */
function followRun(runId, lastEventId) {
  return streamRun(runId, signal => reconnectRun(state.agent, state.threadId, runId, lastEventId, signal), { resumable: true, lastEventId });
}

/**
 * Renders a run's events from open(signal)'s stream. When the connection drops before the terminal event (an error,
 * offline, or a stream that just ends) and the run is logged (its events carry ids), reconnects to the run's log with
 * the last id seen, retrying with backoff, so every event is rendered once; the server refusing the reconnect (the run
 * unknown or expired) ends it as lost.
 */
async function streamRun(runId, open, { voice = null, answeredCards = [], resumable = false, lastEventId = null }) {
  const generation = state.generation;
  const run = { runId, texts: new Map(), tools: state.tools, terminal: null, lastText: null, voice, interrupts: null, resumable, lastEventId };
  // A new turn silences what is left of the last answer; this run's answer is spoken for the voice agent.
  cutSpeech();
  run.speaks = state.agents.find(a => a.id === state.agent)?.panel === "voice";
  logVoice("run-started", { runId });
  const abort = new AbortController();
  state.abort = abort;
  state.running = true;
  state.cards = [];
  stopWatching();
  if (state.retry) state.retry.disabled = true;
  state.retry = null;
  updateControls();
  setStatus("Running…");

  try {
    let stream = open(abort.signal);
    for (let attempt = 0; ;) {
      try {
        for await (const { event, id } of stream) {
          if (generation !== state.generation) return;
          if (attempt > 0) {
            attempt = 0;
            setStatus("Running…");
          }
          logEvent(event);
          handleEvent(run, event);
          if (id !== null) {
            run.lastEventId = id;
            run.resumable = true;
          }
        }
      } catch (error) {
        if (generation !== state.generation) return;
        // A refused run, or a reconnect the server refuses for good (a 4xx; a 5xx is retried): not a dropped connection.
        if (error instanceof HttpProblem && !(run.resumable && error.status >= 500)) {
          if (attempt === 0 && !run.resumable) throw error;
          await lose(run, error, generation);
          break;
        }
        if (!run.resumable) throw error;
      }
      if (generation !== state.generation) return;
      if (run.terminal) break;
      if (!run.resumable) {
        note("The stream ended before the run finished.", "error");
        break;
      }
      attempt += 1;
      await reconnectDelay(attempt, abort.signal);
      if (generation !== state.generation) return;
      stream = reconnectRun(state.agent, state.threadId, runId, run.lastEventId, abort.signal);
    }
    if (run.interrupts) await showLiveInterrupts(run.interrupts, generation);
  } catch (error) {
    if (generation !== state.generation) return;
    note(error instanceof HttpProblem ? `The server refused the run (HTTP ${error.status}) ${error.message}` : `The connection failed: ${error.message}`, "error");
    run.terminal = "error";
  } finally {
    releaseDrawing();
    if (generation === state.generation) {
      state.running = false;
      state.abort = null;
      saveHistory();
      if ((run.terminal === "error" || run.terminal === "lost") && answeredCards.length > 0) {
        await reconcile(answeredCards, generation);
      }
      updateControls();
      if (state.retry) {
        // Offered during the run (RUN_ERROR); usable once the stream has ended.
        state.retry.disabled = false;
        state.retry.focus();
      } else if (state.cards.length === 0 && answeredCards.length > 0) ui.message.focus();
      for (const id of run.texts.keys()) speaker.close(id);
      const turn = state.pendingTurn;
      state.pendingTurn = null;
      if (turn) sendTurn(turn.text, turn.confidence);
    }
  }
}

/**
 * Waits before reconnect attempt n: 0.5 s, 1 s, 2 s … at most 8 s, cut short when the browser comes back online (or
 * the conversation is left). The status line says the page is reconnecting.
 */
function reconnectDelay(attempt, signal) {
  setStatus(navigator.onLine ? "Reconnecting… (the connection dropped)" : "Reconnecting… (offline: waiting for the network)");
  return new Promise(resolve => {
    const done = () => {
      clearTimeout(timer);
      window.removeEventListener("online", done);
      signal.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, Math.min(500 * 2 ** (attempt - 1), 8000));
    window.addEventListener("online", done);
    signal.addEventListener("abort", done);
  });
}

/**
 * The server refused the reconnect (the run unknown here, or its log dropped by retention): the rest of the run's
 * events are lost to this page. The run itself may still be going: then Stop can end it.
 */
async function lose(run, error, generation) {
  run.terminal = "lost";
  for (const text of run.texts.values()) text.element.classList.add("cut");
  note(`Could not reconnect to the run: ${error.message}`, "error");
  let view = null;
  try {
    view = await getThread(state.agent, state.threadId);
  } catch {
    view = null;
  }
  if (generation !== state.generation) return;
  state.remoteRunning = view?.status === "running";
  setStatus(state.remoteRunning
    ? "The run's events are lost to this page; it is still running: Stop ends it, or reload once it is done."
    : "The run's events are lost to this page: reload the thread to see where it stands.", "error");
}

/**
 * After a refused resume or a failed run: the interrupts still pending (per the thread view) can be answered again;
 * those in doubt (the failed run had their answers and may have acted) only re-approved or cancelled; the others were
 * answered elsewhere (another tab, an approver) and are closed.
 */
async function reconcile(cards, generation) {
  let pending = null;
  try {
    const view = await getThread(state.agent, state.threadId);
    pending = new Map((view?.pendingInterrupts || []).map(p => [p.interrupt.id, p]));
  } catch {
    pending = null; // unknown: let the user try again
  }
  if (generation !== state.generation) return;
  state.cards = [];
  for (const card of cards) {
    if (pending === null || pending.has(card.interrupt.id)) {
      card.reapproved = false;
      card.reopen(pending?.get(card.interrupt.id)?.inDoubt === true);
      state.cards.push(card);
    } else {
      card.close("No longer waiting: this request was answered elsewhere.");
    }
  }
  (state.cards.find(c => !c.entry) || null)?.focus();
  if (state.cards.length === 0) ui.message.focus();
  else if (state.cards.some(c => c.inDoubt)) setStatus("In doubt: the failed attempt may have acted. Re-approve or cancel.", "error");
  watchHolds();
}

function handleEvent(run, event) {
  switch (event.type) {
    case "TEXT_MESSAGE_START":
      run.texts.set(event.messageId, state.texts.get(event.messageId)?.rewrite() || textBubble(event.messageId));
      break;
    case "TEXT_MESSAGE_CONTENT":
    case "TEXT_MESSAGE_CHUNK": {
      const id = event.messageId || run.lastText;
      if (!run.texts.has(id)) run.texts.set(id, textBubble(id));
      const text = run.texts.get(id);
      text.append(event.delta || "");
      if (run.speaks) {
        state.spoken.set(id, text);
        speaker.append(id, event.delta || "");
      }
      run.lastText = id;
      break;
    }
    case "TEXT_MESSAGE_END":
      speaker.close(event.messageId);
      break;
    case "TOOL_CALL_START": {
      const known = run.tools.get(event.toolCallId);
      if (known) known.args = "";
      else run.tools.set(event.toolCallId, toolBubble(event.toolCallName));
      break;
    }
    case "TOOL_CALL_ARGS": {
      const tool = run.tools.get(event.toolCallId);
      if (tool) tool.args += event.delta || "";
      break;
    }
    case "TOOL_CALL_END": {
      const tool = run.tools.get(event.toolCallId);
      if (tool) tool.showArgs();
      break;
    }
    case "TOOL_CALL_RESULT": {
      const tool = run.tools.get(event.toolCallId) || toolBubble("tool result");
      tool.showResult(event.content);
      break;
    }
    case "RUN_FINISHED":
      run.terminal = "finished";
      logVoice("run-finished", { runId: event.runId, outcome: event.outcome?.type || "success" });
      releaseDrawing();
      finish(run, event.outcome || { type: "success" });
      break;
    case "RUN_ERROR":
      run.terminal = "error";
      releaseDrawing();
      for (const text of run.texts.values()) text.element.classList.add("cut");
      note(["Run error", event.code ? [" ", h("strong", { class: "error-code" }, event.code)] : "", ": ", event.message], "error");
      setStatus("The run failed.", "error");
      if (run.voice && RETRYABLE_VOICE_CODES.has(event.code)) offerRetry(run.voice);
      break;
    default:
      break;
  }
}

function finish(run, outcome) {
  if (outcome.type === "interrupt") {
    // Shown once the stream has ended (startRun), after one look at the thread view.
    run.interrupts = (outcome.interrupts || []).map(interrupt => {
      const tool = interrupt.toolCallId ? run.tools.get(interrupt.toolCallId) : null;
      tool?.awaitApproval();
      return { interrupt, toolCallName: tool?.name, toolCallArguments: tool?.args };
    });
  } else if (outcome.type === "cancelled") {
    for (const text of run.texts.values()) text.element.classList.add("cut");
    note("Stopped: the run was cancelled.", "cancelled");
    setStatus("Cancelled.");
  } else {
    setStatus("");
  }
}

/**
 * A streamed RUN_FINISHED interrupt does not say who may resolve it; the thread view does ("requiresApprover"). One
 * read of the view after the run tells the page which cards are holds; if the view cannot be read, or does not list an
 * interrupt, the card decides by the interrupt's reason (cards.js).
 */
async function showLiveInterrupts(items, generation) {
  let pending = null;
  try {
    const view = await getThread(state.agent, state.threadId);
    pending = new Map((view?.pendingInterrupts || []).map(p => [p.interrupt.id, p]));
  } catch {
    pending = null;
  }
  if (generation !== state.generation) return;
  showInterrupts(items.map(item => {
    const known = pending?.get(item.interrupt.id);
    return known ? { ...item, requiresApprover: known.requiresApprover === true } : item;
  }));
}

function showInterrupts(items) {
  state.cards = items.map(item => createInterruptCard(item, onDecide));
  for (const card of state.cards) ui.transcript.append(card.element);
  const open = state.cards.filter(c => !c.entry);
  const held = open.filter(c => c.waitsForDecision);
  setStatus(open.length === 0 ? "Decided elsewhere: Continue lets the agent act on it."
    : held.length === open.length ? "On hold: waiting for a decision from elsewhere."
    : open.length === 1 ? "Waiting for your answer." : `Waiting for ${open.length} answers.`);
  updateControls();
  if (open.length > 0) {
    open[0].focus();
    watchHolds();
    return;
  }
  offerContinue("Every request was decided elsewhere. ");
}

// Every interrupt is answered and at least one was decided out of band (an approver, a supervisor): the agent
// continues when asked to, with the page's own answers (if any) in the resume.
function offerContinue(text) {
  const resume = h("button", { type: "button", class: "primary", onclick: () => { resume.disabled = true; onDecide(); } }, "Continue");
  ui.transcript.append(h("div", { class: "note note-info continue" }, text, resume));
  scrollToEnd();
  resume.focus();
}

/** Polls the thread view while a card of the batch is on hold (decided elsewhere); applies what it finds. */
function watchHolds() {
  if (!state.cards.some(c => c.waitsForDecision && !c.entry)) return;
  stopWatching();
  const watch = new AbortController();
  state.watch = watch;
  const cards = state.cards;
  const current = card => !watch.signal.aborted && state.cards === cards && cards.includes(card);
  watchDecisions({
    agent: state.agent,
    threadId: state.threadId,
    cards,
    signal: watch.signal,
    onDecision(card, decision) {
      if (!current(card)) return;
      card.applyDecision(decision);
      afterHoldChange();
    },
    onGone(card) {
      if (!current(card)) return;
      card.close("No longer waiting: this request was answered elsewhere.");
      // In place: the batch's other cards stay current.
      cards.splice(cards.indexOf(card), 1);
      afterHoldChange();
    },
    onTrouble(message) {
      for (const card of cards) if (current(card)) card.showWaiting(message || "Waiting for a decision…");
    },
  });
}

function afterHoldChange() {
  updateControls();
  const open = state.cards.filter(c => !c.entry);
  if (open.length > 0) return;
  if (state.cards.some(c => c.fromServer)) {
    setStatus("Decided elsewhere: Continue lets the agent act on it.");
    offerContinue("The decision is in. ");
  } else {
    setStatus("");
    ui.message.focus();
  }
}

function stopWatching() {
  state.watch?.abort();
  state.watch = null;
}

/** After a retryable engine failure: a button that sends the same voice turn as the next attempt. */
function offerRetry(voice) {
  const next = nextAttempt(voice);
  const retry = h("button", {
    type: "button", class: "primary", onclick: () => {
      if (state.running || state.cards.length > 0) return;
      retry.disabled = true;
      startRun({ messages: [...state.history], forwardedProps: { voice: next } });
    },
    disabled: true,
  }, "Retry");
  state.retry = retry;
  ui.transcript.append(h("div", { class: "note note-info continue" }, `The engine failed on attempt ${voice.attempt}. Retry sends the same turn as attempt ${next.attempt}.`, retry));
  scrollToEnd();
}

// --- voice -------------------------------------------------------------------------------------------------------

/**
 * The caller started speaking. While the agent speaks or its run is active that is a barge-in: the speech stops at
 * once, what was heard is kept, and the run is cancelled. Otherwise it is the start of the next turn, sent when the
 * utterance is complete (onUtterance).
 */
function onCallerSpeech() {
  if (!speaker.speaking && !state.running) return;
  logVoice("barge-in", { speaking: speaker.speaking, running: state.running });
  // The cancel first: the server has the most to do; stopping the speech is local and follows at once.
  requestCancel();
  cutSpeech();
}

/** Stops the speech at once and marks, in each answer it cut, what the caller heard (a redraw: see draw-gate.js). */
function cutSpeech() {
  if (speaker.speaking) logVoice("speech-stopped");
  const heard = speaker.stop();
  const spoken = state.spoken;
  state.spoken = new Map();
  draw(() => {
    for (const [id, characters] of heard) {
      const text = spoken.get(id);
      if (text && characters < text.message.content.length) text.markHeard(characters);
    }
    saveHistory();
  });
}

/** A complete utterance: the recogniser's transcript and confidence, or (transcript null) the typed one. */
function onUtterance({ transcript, confidence }) {
  const text = transcript ?? ui.message.value.trim();
  if (!text) {
    note("You spoke, but this browser has no speech recognition: type what you said in the message box, then speak or press Send.", "info");
    return;
  }
  if (state.cards.length > 0) {
    note("Answer the request above first.", "info");
    return;
  }
  logVoice("turn", { text, confidence });
  if (transcript === null) ui.message.value = "";
  // The interrupted run is still ending (its RUN_FINISHED is on the way): the turn follows it.
  if (state.running) state.pendingTurn = { text, confidence };
  else sendTurn(text, confidence);
}

// --- rendering -------------------------------------------------------------------------------------------------------

function bubble(role, text) {
  const element = h("div", { class: `bubble bubble-${role}` },
    h("span", { class: "visually-hidden" }, role === "user" ? "You: " : "Agent: "),
    h("p", { class: "bubble-text" }, text));
  ui.transcript.append(element);
  scrollToEnd();
  return element;
}

function textBubble(messageId) {
  const element = bubble("assistant", "");
  const message = { id: messageId, role: "assistant", content: "" };
  state.history.push(message);
  const content = element.querySelector(".bubble-text");
  let sink = content;   // where streamed text goes: the paragraph, or its unheard part once the caller interrupted
  let cut = false;
  const text = {
    element, message,
    /** The message streams again from its start (a replayed run): what it showed is cleared. */
    rewrite() {
      content.textContent = "";
      sink = content;
      cut = false;
      message.content = "";
      return text;
    },
    append(delta) {
      sink.textContent += delta;
      if (!cut) message.content += delta;
    },
    /**
     * The caller interrupted after hearing the first `heard` characters: those are marked as heard, the rest (and
     * whatever still streams in) as not heard, and the conversation keeps only what was heard.
     */
    markHeard(heard) {
      if (cut) return;
      cut = true;
      const text = content.textContent;
      const unheard = h("span", { class: "unheard" }, text.slice(heard));
      content.replaceChildren(h("mark", { class: "heard" }, text.slice(0, heard)), unheard);
      sink = unheard;
      message.content = text.slice(0, heard).trimEnd();
      element.classList.add("interrupted");
      element.append(h("p", { class: "bubble-heard" }, heard > 0 ? "Heard before the interruption: the highlighted part." : "Interrupted before any of it was heard."));
    },
  };
  state.texts.set(messageId, text);
  return text;
}

function toolBubble(name) {
  const args = h("div", { class: "tool-args" });
  const result = h("p", { class: "tool-result", hidden: true });
  const waiting = h("p", { class: "tool-waiting", hidden: true }, "Waiting for your approval below.");
  const element = h("div", { class: "tool" },
    h("p", { class: "tool-name" }, h("span", { class: "tool-icon", "aria-hidden": "true" }, "⚙"), " Tool call ", h("code", {}, name)),
    args, waiting, result);
  ui.transcript.append(element);
  scrollToEnd();
  const tool = {
    name,
    args: "",
    showArgs() {
      let parsed;
      try { parsed = JSON.parse(tool.args); } catch { parsed = null; }
      if (parsed && typeof parsed === "object" && !Array.isArray(parsed)) {
        args.replaceChildren(h("dl", { class: "arguments" },
          Object.entries(parsed).map(([k, v]) => [h("dt", {}, k), h("dd", {}, typeof v === "string" ? v : JSON.stringify(v))])));
      } else {
        args.replaceChildren(h("pre", { class: "code" }, tool.args));
      }
    },
    // The approval card shows the arguments; the call itself only says it waits.
    awaitApproval() {
      args.hidden = true;
      waiting.hidden = false;
    },
    showResult(content) {
      args.hidden = false;
      waiting.hidden = true;
      result.replaceChildren(h("span", { class: "tool-result-label" }, "Result: "), content);
      result.hidden = false;
      scrollToEnd();
    },
  };
  return tool;
}

/** A line in the conversation about the run itself (text, or an array of text and nodes). */
function note(content, kind) {
  ui.transcript.append(h("p", { class: `note note-${kind}`, role: kind === "error" ? "alert" : null }, content));
  scrollToEnd();
}

function setStatus(text, kind) {
  ui.status.textContent = text;
  ui.status.classList.toggle("status-error", kind === "error");
}

// One text node per event: appending costs the same at the 400th line as at the first (rewriting the panel's whole
// text for every event would grow with it, on the main thread the stream is read on).
function logEvent(event) {
  ui.events.append(JSON.stringify(event) + "\n");
  while (ui.events.childNodes.length > MAX_EVENT_LINES) ui.events.firstChild.remove();
}

// Follows the conversation while the reader is at its end; leaves the page alone when they scrolled up to read.
function scrollToEnd() {
  const nearEnd = window.innerHeight + window.scrollY >= document.documentElement.scrollHeight - 160;
  if (nearEnd) window.scrollTo({ top: document.documentElement.scrollHeight });
}

function updateControls() {
  const open = state.cards.filter(c => !c.entry);
  const waiting = open.length > 0;
  const onHold = waiting && open.every(c => c.waitsForDecision);
  ui.send.disabled = state.running || waiting || state.remoteRunning;
  ui.stop.disabled = !(state.running || state.remoteRunning) || state.stopping;
  ui.agent.disabled = false;
  ui.hint.textContent = onHold
    ? "On hold: the call continues once the decision is made (or withdraw the request)."
    : waiting ? "Answer the request above first (or cancel it); the agent is waiting for it."
    : state.running ? "The agent is answering. Stop interrupts it." : "Enter sends.";
}
