// Waiting for decisions made elsewhere: an approver-only interrupt (a hold, such as voice:policy_hold or
// voice:human_handoff) is decided by an approver or a supervisor through the REST endpoint, not by this page. The page polls the thread view with the last
// ETag (a 304 while nothing changed) until each held interrupt has a decision, or is no longer pending.

import { getThreadIfChanged } from "./agui.js";

const POLL_INTERVAL_MS = 1000;

/**
 * Polls until no card in `cards` waits for a decision or `signal` aborts.
 * onDecision(card, decision): the thread view shows the card's interrupt decided.
 * onGone(card): the interrupt is no longer pending and was not decided (answered from another tab, or the thread is gone).
 * onTrouble(message | null): a poll failed (the watch keeps trying), or null once a poll works again.
 */
export async function watchDecisions({ agent, threadId, cards, signal, onDecision, onGone, onTrouble }) {
  let etag = null;
  let troubled = false;
  const waiting = () => cards.filter(card => card.waitsForDecision && !card.entry);
  while (!signal.aborted && waiting().length > 0) {
    try {
      const answer = await getThreadIfChanged(agent, threadId, etag, signal);
      if (troubled) onTrouble(null);
      troubled = false;
      if (!answer.notModified) {
        etag = answer.etag;
        const pending = new Map((answer.view?.pendingInterrupts || []).map(item => [item.interrupt.id, item]));
        for (const card of waiting()) {
          const item = pending.get(card.interrupt.id);
          if (item?.decision) onDecision(card, item.decision);
          else if (!item && answer.view?.status !== "running") onGone(card);
        }
      }
    } catch (error) {
      if (signal.aborted) return;
      troubled = true;
      onTrouble(`Could not check for a decision (${error.message}); trying again.`);
    }
    if (waiting().length > 0) await pause(POLL_INTERVAL_MS, signal);
  }
}

function pause(ms, signal) {
  return new Promise(resolve => {
    const timer = setTimeout(done, ms);
    signal.addEventListener("abort", done, { once: true });
    function done() {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    }
  });
}
