namespace AutomagikHello.Demo;

/// <summary>The demo's page at <c>/</c>: talk to an agent, watch the raw events, stop it mid-answer.</summary>
internal static class IndexPage
{
    public const string Html = """
<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>AutomagikHello AG-UI demo</title>
<style>
  body { font: 15px/1.45 system-ui, sans-serif; max-width: 52rem; margin: 2rem auto; padding: 0 1rem; color: #222; }
  h1 { font-size: 1.4rem; margin-bottom: .2rem; }
  form { display: flex; gap: .5rem; margin: 1rem 0; }
  input[type=text] { flex: 1; padding: .45rem; }
  button, select { padding: .45rem .8rem; }
  #answer { min-height: 3rem; padding: .8rem; border: 1px solid #ccc; border-radius: 6px; white-space: pre-wrap; }
  #events { font: 12px/1.35 ui-monospace, monospace; background: #f6f6f6; padding: .6rem; border-radius: 6px; max-height: 22rem; overflow: auto; }
  .muted { color: #777; }
</style>
</head>
<body>
<h1>AutomagikHello AG-UI demo</h1>
<p class="muted">Agents stream AG-UI 1.0 events over SSE. <code>echo</code> repeats your message word by word; <code>slow</code> talks for half a minute — press <b>Stop</b> to barge in. API: <a href="/swagger">Swagger UI</a> · <a href="/openapi/v1.json">OpenAPI</a></p>
<form id="form">
  <select id="agent"><option>echo</option><option>slow</option></select>
  <input id="text" type="text" value="hello from the demo page" autocomplete="off">
  <button id="send" type="submit">Send</button>
  <button id="stop" type="button" disabled>Stop</button>
</form>
<div id="answer"></div>
<p class="muted" id="status"></p>
<pre id="events"></pre>
<script>
const threadId = "page-" + crypto.randomUUID();
const $ = id => document.getElementById(id);
let running = null;

$("form").addEventListener("submit", async e => {
  e.preventDefault();
  const agent = $("agent").value;
  const runId = crypto.randomUUID();
  const body = { threadId, runId, messages: [{ id: crypto.randomUUID(), role: "user", content: $("text").value }] };
  $("answer").textContent = ""; $("events").textContent = ""; $("status").textContent = "running…";
  $("send").disabled = true; $("stop").disabled = false; running = agent;
  try {
    const response = await fetch("/agents/" + agent, {
      method: "POST", headers: { "Content-Type": "application/json", "Accept": "text/event-stream" }, body: JSON.stringify(body) });
    if (!response.ok) { $("status").textContent = "HTTP " + response.status + ": " + await response.text(); return; }
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = "";
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += value;
      let end;
      while ((end = buffer.indexOf("\n\n")) >= 0) {
        const block = buffer.slice(0, end); buffer = buffer.slice(end + 2);
        const data = block.split("\n").filter(l => l.startsWith("data:")).map(l => l.slice(5).trimStart()).join("\n");
        if (!data) continue;
        const event = JSON.parse(data);
        $("events").textContent += data + "\n";
        if (event.type === "TEXT_MESSAGE_CONTENT") $("answer").textContent += event.delta;
        if (event.type === "RUN_FINISHED") $("status").textContent = "finished: " + (event.outcome?.type ?? "success");
        if (event.type === "RUN_ERROR") $("status").textContent = "error " + event.code + ": " + event.message;
      }
    }
  } catch (err) {
    $("status").textContent = "stream failed: " + err;
  } finally {
    $("send").disabled = false; $("stop").disabled = true; running = null;
  }
});

$("stop").addEventListener("click", async () => {
  if (!running) return;
  const response = await fetch("/agents/" + running + "/threads/" + encodeURIComponent(threadId) + "/cancel", { method: "POST" });
  if (!response.ok) $("status").textContent = "cancel: HTTP " + response.status;
});
</script>
</body>
</html>
""";
}
