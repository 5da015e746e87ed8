// While a barge-in's cancel is in flight, the page holds back work that only redraws (the status line, the controls,
// the heard/unheard marking, the voice panel) until the run's terminal event is in, or HOLD_MAX_MS at most. A redraw is
// a main-thread frame (style, layout, paint, commit: 2–10 ms here); during the cancel it sat between the stream's
// terminal chunk and the page's reader, and on a small machine it took the CPU from the browser's network service that
// was sending the cancel (docs/voice.md, "Measured"). The speech itself stops at once: that is not drawing.

/** The longest a redraw waits for the terminal event: a slow server still sees the page react within this. */
export const HOLD_MAX_MS = 100;

let held = null; // { jobs: Set of functions, timer } while drawing is held

/** Holds drawing from now until releaseDrawing() or HOLD_MAX_MS. */
export function holdDrawing() {
  if (held) return;
  held = { jobs: new Set(), timer: setTimeout(releaseDrawing, HOLD_MAX_MS) };
}

/** Runs job now, or once drawing is released (in order; the same function queued twice runs once, at its first place). */
export function draw(job) {
  if (held) held.jobs.add(job);
  else job();
}

/** Runs the held work now (the terminal event is in, the run ended, or the conversation changed). */
export function releaseDrawing() {
  if (!held) return;
  const { jobs, timer } = held;
  held = null;
  clearTimeout(timer);
  for (const job of jobs) {
    // One redraw that throws must not cost the others theirs: the error is reported as an uncaught one would be.
    try {
      job();
    } catch (error) {
      reportError(error);
    }
  }
}
