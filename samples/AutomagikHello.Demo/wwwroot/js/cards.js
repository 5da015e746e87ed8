// Interrupt cards: one per interrupt of a RUN_FINISHED {outcome: interrupt} (or of the thread view after a reload).
// A card collects one resume entry ({interruptId, status, payload?}) and reports it through onDecide; the page sends
// the entries of all cards of a run together, as the protocol asks (every open interrupt covered in one resume).

import { h, uniqueId } from "./dom.js";
import { buildSchemaFields, isFormSchema } from "./schema-form.js";

/**
 * The interrupts the caller cannot answer (approver-only: the thread view's `requiresApprover: true`) are held: an
 * approver or a supervisor decides them out of band through POST {agent}/threads/{threadId}/interrupts/{id}; the
 * caller waits (the page polls the thread view) or withdraws. These reasons get their own wording, and stand in for
 * `requiresApprover` only when the page could not read the thread view (a live interrupt carries no such field).
 */
const HOLD_REASONS = {
  "voice:policy_hold": { title: "Waiting for an approver", waiting: "An approver has to decide this request." },
  "voice:human_handoff": { title: "Connecting you to a supervisor", waiting: "A supervisor will reply to you." },
};
const APPROVER_HOLD = { title: "Waiting for an approver", waiting: "An approver has to decide this request." };

function holdText(interrupt) {
  return Object.hasOwn(HOLD_REASONS, interrupt.reason) ? HOLD_REASONS[interrupt.reason] : APPROVER_HOLD;
}

/**
 * item: { interrupt, toolCallName?, toolCallArguments?, expired?, requiresApprover?, decision?, inDoubt? } (the thread
 * view's pending item shape). inDoubt: a run that had this answer failed (agent error, dropped connection), so it may
 * already have acted; the server refuses a plain resume (RESUME_IN_DOUBT) and takes only a re-approval (a decision
 * with "reapprove": true, then a resume) or a cancel (docs/interrupts.md). requiresApprover: true/false when the page read the thread view, undefined when it could not.
 * Returns a card: { element, interrupt, entry (null until decided), fromServer, waitsForDecision, focus(), reopen(),
 * close(text), applyDecision(decision), showWaiting(text) }.
 */
export function createInterruptCard(item, onDecide) {
  const interrupt = item.interrupt;
  const titleId = uniqueId("card-title");
  const messageId = uniqueId("card-message");
  const kind = cardKind(item);
  const element = h("section", { class: `card card-${kind}`, tabindex: "-1", "aria-labelledby": titleId, "aria-describedby": interrupt.message ? messageId : null });
  const body = h("div", { class: "card-body" });
  const actions = h("div", { class: "card-actions" });
  const answer = h("p", { class: "card-answer", hidden: true });
  const expiry = h("p", { class: "card-expiry", hidden: true });
  const doubt = h("p", { class: "card-doubt", hidden: true }, "In doubt — the previous attempt may have acted. Re-approve to let the agent go on (it may find the action already done), or cancel.");
  let lastEntry = null; // the answer the failed attempt carried, which a re-approval repeats

  const card = {
    element,
    interrupt,
    entry: null,
    fromServer: false,
    focus: () => element.focus(),
    reopen,
    close,
    applyDecision,
    showWaiting,
    waitsForDecision: false,
    inDoubt: false,
  };

  const badgeText = { approval: "Needs your approval", form: "Needs your input", confirmation: "Needs your confirmation", hold: "On hold", generic: `Request · ${interrupt.reason}` }[kind];
  const badge = h("p", { class: "card-badge" }, badgeText);
  const title = kind === "approval"
    ? ["Approve ", h("code", {}, item.toolCallName || "tool call"), "?"]
    : kind === "form" ? (interrupt.responseSchema.title || "Input needed")
    : kind === "confirmation" ? "Please confirm"
    : kind === "hold" ? holdText(interrupt).title
    : "The agent is waiting";
  element.append(
    badge,
    h("h3", { id: titleId }, title),
    interrupt.message ? h("p", { id: messageId, class: "card-message" }, interrupt.message) : null,
    doubt, body, expiry, actions, answer);

  let expired = !!item.expired;
  let timer = null;
  let renderActions;

  if (kind === "approval") renderActions = approvalCard(item, body, actions, decide);
  else if (kind === "form") renderActions = formCard(interrupt, body, actions, decide, element);
  else if (kind === "confirmation") renderActions = confirmationCard(actions, decide);
  else if (kind === "hold") renderActions = holdCard(interrupt, body, actions, decide);
  else renderActions = genericCard(interrupt, body, actions, decide);

  const expiresAt = interrupt.expiresAt ? Date.parse(interrupt.expiresAt) : NaN;
  if (item.decision) {
    // Decided out of band (an approver through the REST endpoint): the server applies it; nothing to send for it.
    card.fromServer = true;
    card.entry = { interruptId: interrupt.id, status: item.decision.status };
    showAnswer(decisionText(item.decision), "Decided");
  } else if (item.inDoubt) {
    markInDoubt();
  } else {
    renderActions();
    card.waitsForDecision = kind === "hold";
    if (expired) markExpired();
    else if (!Number.isNaN(expiresAt)) startCountdown();
  }
  return card;

  // The two answers the server takes for an interrupt in doubt: a re-approval ("reapprove": true, recorded through the
  // decision endpoint before the resume: app.js) or a cancel. Expiry no longer matters: the run that claimed it ran.
  function markInDoubt() {
    stopCountdown();
    card.inDoubt = true;
    card.waitsForDecision = false;
    element.classList.add("in-doubt");
    badge.textContent = "In doubt";
    doubt.hidden = false;
    expiry.hidden = true;
    body.querySelectorAll("input, select, textarea, button").forEach(control => { control.disabled = true; });
    const again = lastEntry?.status === "resolved" ? lastEntry : kind === "approval" ? { status: "resolved", payload: { approved: true } } : null;
    actions.replaceChildren(
      again ? h("button", { type: "button", class: "primary", onclick: () => decide({ status: "resolved", payload: again.payload, reapprove: true }, "Re-approved.") }, "Re-approve") : null,
      h("button", { type: "button", class: "secondary", onclick: () => decide({ status: "cancelled" }, "Cancelled.") }, "Cancel"));
  }

  // The decision arrived while the card was open (the page polled the thread view): like a card restored decided.
  function applyDecision(decision) {
    if (card.entry) return;
    stopCountdown();
    card.fromServer = true;
    card.waitsForDecision = false;
    card.entry = { interruptId: interrupt.id, status: decision.status };
    showAnswer(decisionText(decision), "Decided");
  }

  // The hold card's line about the wait ("Waiting… checked at 10:42:07"); a no-op on other cards.
  function showWaiting(text) {
    const line = body.querySelector(".hold-status");
    if (line) line.textContent = text;
  }

  function decide(entry, summary) {
    if (card.entry) return;
    if (expired && !card.inDoubt && entry.status !== "cancelled") return;
    card.entry = { interruptId: interrupt.id, ...entry };
    lastEntry = card.entry;
    stopCountdown();
    showAnswer(summary);
    onDecide(card);
  }

  function showAnswer(text, state = "Answered") {
    badge.textContent = state;
    actions.replaceChildren();
    body.querySelectorAll("input, select, textarea, button").forEach(control => { control.disabled = true; });
    expiry.hidden = true;
    doubt.hidden = true;
    element.classList.remove("in-doubt");
    body.querySelectorAll(".hold-waiting, .hold-status").forEach(line => { line.hidden = true; });
    answer.textContent = text;
    answer.hidden = false;
    element.classList.add("decided");
  }

  // The interrupt is no longer open (answered elsewhere): nothing left to do on this card.
  function close(text) {
    stopCountdown();
    showAnswer(text, "Closed");
    element.classList.add("closed");
  }

  // The resume was refused or its run failed (RUN_ERROR): the interrupt is still open, so the card can be answered
  // again; inDoubt (the thread view says so) when the failed run had taken the answer and may have acted on it.
  function reopen(inDoubt = false) {
    if (card.fromServer) return;
    card.entry = null;
    element.classList.remove("decided");
    if (inDoubt) {
      answer.hidden = true;
      markInDoubt();
      return;
    }
    badge.textContent = badgeText;
    answer.hidden = true;
    body.querySelectorAll("input, select, textarea, button").forEach(control => { control.disabled = false; });
    body.querySelectorAll(".hold-waiting, .hold-status").forEach(line => { line.hidden = false; });
    renderActions();
    if (expired || (!Number.isNaN(expiresAt) && expiresAt <= Date.now())) markExpired();
    else if (!Number.isNaN(expiresAt)) startCountdown();
  }

  function startCountdown() {
    expiry.hidden = false;
    const tick = () => {
      const left = expiresAt - Date.now();
      if (left <= 0) {
        markExpired();
        return;
      }
      const seconds = Math.ceil(left / 1000);
      expiry.textContent = `Expires in ${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, "0")}`;
    };
    tick();
    if (!expired) timer = setInterval(tick, 250);
  }

  function stopCountdown() {
    if (timer !== null) clearInterval(timer);
    timer = null;
  }

  // After expiresAt an interrupt can no longer be resolved, only cancelled.
  function markExpired() {
    stopCountdown();
    expired = true;
    element.classList.add("expired");
    badge.textContent = "Expired";
    expiry.hidden = false;
    expiry.textContent = "Expired: it can no longer be answered, only cancelled.";
    body.querySelectorAll("input, select, textarea, button").forEach(control => { control.disabled = true; });
    const hadFocus = element.contains(document.activeElement);
    actions.replaceChildren(h("button", { type: "button", class: "secondary", onclick: () => decide({ status: "cancelled" }, "Cancelled.") }, "Cancel request"));
    if (hadFocus) actions.querySelector("button").focus();
  }
}

// "Decided elsewhere by alice: approved." (the anonymous owner, ":anonymous", is not named).
function decisionText(decision) {
  const by = decision.decidedBy && decision.decidedBy !== ":anonymous" ? ` by ${decision.decidedBy}` : "";
  if (decision.status !== "cancelled" && typeof decision.payload?.reply === "string") {
    // A supervisor's reply (voice hand-off): the agent speaks it once the caller continues.
    const who = typeof decision.payload.supervisor === "string" ? decision.payload.supervisor : "A supervisor";
    return `Decided elsewhere${by}: ${who} replied.`;
  }
  const what = decision.status === "cancelled" ? "cancelled"
    : decision.payload?.approved === true ? "approved"
    : decision.payload?.approved === false ? "denied"
    : "answered";
  return `Decided elsewhere${by}: ${what}.`;
}

function cardKind(item) {
  const interrupt = item.interrupt;
  // First: an approver-only tool approval is not the caller's to approve either.
  const approverOnly = typeof item.requiresApprover === "boolean" ? item.requiresApprover : Object.hasOwn(HOLD_REASONS, interrupt.reason);
  if (approverOnly) return "hold";
  if (interrupt.reason === "tool_call" || interrupt.toolCallId) return "approval";
  if (isFormSchema(interrupt.responseSchema)) return "form";
  if (interrupt.reason === "confirmation" || interrupt.responseSchema?.type === "boolean") return "confirmation";
  return "generic";
}

function approvalCard(item, body, actions, decide) {
  const args = parseJson(item.toolCallArguments);
  const proposed = argumentsView(args, item.toolCallArguments);
  let shown = proposed;
  body.append(shown);

  return render;

  function openEditor() {
    const id = uniqueId("edit-args");
    const errorId = `${id}-error`;
    const textarea = h("textarea", { id, rows: 7, spellcheck: "false", class: "code" });
    textarea.value = args.ok ? JSON.stringify(args.value, null, 2) : (item.toolCallArguments || "{}");
    const error = h("p", { id: errorId, class: "field-error", hidden: true });
    const form = h("form", { class: "editor", novalidate: true },
      h("label", { for: id }, "Arguments (JSON)"), textarea, error,
      h("div", { class: "card-actions" },
        h("button", { type: "submit", class: "primary" }, "Approve with edits"),
        h("button", { type: "button", class: "secondary", onclick: () => { form.remove(); shown.hidden = false; render(); } }, "Discard edits")));
    textarea.addEventListener("input", () => setError(null));
    textarea.addEventListener("keydown", e => {
      if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) form.requestSubmit();
    });
    form.addEventListener("submit", e => {
      e.preventDefault();
      const edited = parseJson(textarea.value);
      if (!edited.ok) return setError(`Not valid JSON: ${edited.error}`);
      if (!edited.value || typeof edited.value !== "object" || Array.isArray(edited.value)) return setError("The arguments must be a JSON object, like {\"to\": \"…\"}.");
      form.remove();
      const editedView = argumentsView(edited, textarea.value);
      shown.replaceWith(editedView);
      shown = editedView;
      decide({ status: "resolved", payload: { approved: true, editedArgs: edited.value } }, "Approved with edited arguments.");
    });
    shown.hidden = true;
    actions.replaceChildren(form);
    textarea.focus();

    function setError(message) {
      error.textContent = message || "";
      error.hidden = !message;
      if (message) {
        textarea.setAttribute("aria-invalid", "true");
        textarea.setAttribute("aria-describedby", errorId);
        textarea.focus();
      } else {
        textarea.removeAttribute("aria-invalid");
        textarea.removeAttribute("aria-describedby");
      }
    }
  }

  function render() {
    // Reopened after a refused edit: show the call as proposed again, which is what Approve sends.
    if (shown !== proposed) {
      shown.replaceWith(proposed);
      shown = proposed;
      shown.hidden = false;
    }
    actions.replaceChildren(
      h("button", { type: "button", class: "primary", onclick: () => decide({ status: "resolved", payload: { approved: true } }, "Approved.") }, "Approve"),
      h("button", { type: "button", class: "secondary", onclick: () => decide({ status: "resolved", payload: { approved: false } }, "Denied.") }, "Deny"),
      h("button", { type: "button", class: "secondary", onclick: openEditor }, "Edit arguments"));
  }
}

function formCard(interrupt, body, actions, decide, element) {
  const fields = buildSchemaFields(interrupt.responseSchema);
  const formId = uniqueId("form");
  const form = h("form", { id: formId, class: "schema-form", novalidate: true }, fields.nodes);
  body.append(form);
  form.addEventListener("submit", e => {
    e.preventDefault();
    const { payload, errors } = fields.read();
    fields.showErrors(errors);
    if (errors.length === 0) decide({ status: "resolved", payload }, "Sent.");
  });
  element.dataset.form = formId;

  return function render() {
    actions.replaceChildren(
      h("button", { type: "submit", class: "primary", form: formId }, "Send answer"),
      h("button", { type: "button", class: "secondary", onclick: () => decide({ status: "cancelled" }, "Cancelled.") }, "Cancel"));
  };
}

function confirmationCard(actions, decide) {
  return function render() {
    actions.replaceChildren(
      h("button", { type: "button", class: "primary", onclick: () => decide({ status: "resolved", payload: true }, "Yes.") }, "Yes"),
      h("button", { type: "button", class: "secondary", onclick: () => decide({ status: "resolved", payload: false }, "No.") }, "No"));
  };
}

function holdCard(interrupt, body, actions, decide) {
  // Polite, so a screen reader hears the wait without being interrupted on every poll.
  body.append(
    h("p", { class: "hold-waiting" }, holdText(interrupt).waiting, " This page checks for the decision; the call continues once it is made."),
    h("p", { class: "hold-status muted small", role: "status", "aria-live": "polite" }, "Waiting for a decision…"));
  return function render() {
    // The caller cannot decide the hold, only withdraw it (a cancelled resume).
    actions.replaceChildren(
      h("button", { type: "button", class: "secondary", onclick: () => decide({ status: "cancelled" }, "Withdrawn.") }, "Withdraw request"));
  };
}

function genericCard(interrupt, body, actions, decide) {
  if (!interrupt.responseSchema) {
    // Nothing to fill in: the answer is the decision to go on (resolved without a payload) or to drop it.
    return function render() {
      actions.replaceChildren(
        h("button", { type: "button", class: "primary", onclick: () => decide({ status: "resolved" }, "Continued.") }, "Continue"),
        h("button", { type: "button", class: "secondary", onclick: () => decide({ status: "cancelled" }, "Cancelled.") }, "Cancel"));
    };
  }

  const id = uniqueId("answer");
  const errorId = `${id}-error`;
  const textarea = h("textarea", { id, rows: 3, spellcheck: "false", class: "code" });
  const error = h("p", { id: errorId, class: "field-error", hidden: true });
  body.append(h("div", { class: "field" }, h("label", { for: id }, "Answer (JSON)"), textarea, error));

  return function render() {
    actions.replaceChildren(
      h("button", {
        type: "button", class: "primary", onclick: () => {
          const parsed = parseJson(textarea.value);
          if (!parsed.ok || parsed.value === null) {
            error.textContent = "The answer must be a JSON value (not null).";
            error.hidden = false;
            textarea.setAttribute("aria-invalid", "true");
            textarea.setAttribute("aria-describedby", errorId);
            textarea.focus();
            return;
          }
          decide({ status: "resolved", payload: parsed.value }, "Sent.");
        },
      }, "Send answer"),
      h("button", { type: "button", class: "secondary", onclick: () => decide({ status: "cancelled" }, "Cancelled.") }, "Cancel"));
  };
}

/** The tool's arguments: a table of fields for a flat object, else the JSON itself. */
function argumentsView(args, raw) {
  if (args.ok && args.value && typeof args.value === "object" && !Array.isArray(args.value)) {
    return h("dl", { class: "arguments" },
      Object.entries(args.value).map(([key, value]) => [
        h("dt", {}, key),
        h("dd", {}, typeof value === "string" ? value : JSON.stringify(value)),
      ]));
  }
  return h("pre", { class: "arguments code" }, raw || "(no arguments)");
}

function parseJson(text) {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (error) {
    return { ok: false, error: error.message };
  }
}
