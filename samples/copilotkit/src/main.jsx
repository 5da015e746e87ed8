// CopilotKit 1.74 talking AG-UI straight to an AutomagikHello server: no CopilotKit runtime in between. The v1 provider
// (<CopilotKit>) takes the agents as HttpAgent instances (selfManagedAgents), react-ui's <CopilotChat> renders the
// conversation, and the v2 useInterrupt hook shows the tool approval that ends a run (RUN_FINISHED with an interrupt
// outcome) and resumes the thread with the answer (RunAgentInput.resume).
import { createRoot } from "react-dom/client";
import { CopilotKit } from "@copilotkit/react-core";
import { HttpAgent, useInterrupt } from "@copilotkit/react-core/v2";
import { CopilotChat } from "@copilotkit/react-ui";
import "@copilotkit/react-ui/styles.css";

const params = new URLSearchParams(location.search);
// The AG-UI server: this page's own origin unless ?server= names another (which then has to allow it by CORS).
const server = params.get("server") ?? location.origin;
// Which demo agent the chat talks to: echo (streams the words back), approval (asks before sending an email) or slow.
const agentId = params.get("agent") ?? "approval";

const agents = {
  echo: new HttpAgent({ url: `${server}/agents/echo` }),
  approval: new HttpAgent({ url: `${server}/agents/approval` }),
  // Streams slowly so it can be stopped: docs/copilotkit.md says what CopilotKit 1.74 makes of a cancelled run.
  slow: new HttpAgent({ url: `${server}/agents/slow` }),
};

function ToolApproval() {
  useInterrupt({
    agentId,
    render: ({ interrupt, resolve, cancel }) => (
      <div className="approval" data-testid="approval" data-interrupt-id={interrupt?.id}>
        <p className="approval-message">{interrupt?.message}</p>
        <button type="button" onClick={() => resolve({ approved: true })}>Approve</button>
        <button type="button" onClick={() => resolve({ approved: false })}>Deny</button>
        <button type="button" onClick={() => cancel()}>Cancel</button>
      </div>
    ),
  });
  return null;
}

function App() {
  return (
    <CopilotKit selfManagedAgents={agents} agent={agentId} showDevConsole={false}>
      <ToolApproval />
      <CopilotChat labels={{ title: `AutomagikHello · ${agentId}` }} />
    </CopilotKit>
  );
}

createRoot(document.getElementById("root")).render(<App />);
