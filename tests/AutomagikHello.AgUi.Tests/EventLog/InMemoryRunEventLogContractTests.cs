using AutomagikHello.AgUi.EventLog;

namespace AutomagikHello.AgUi.Tests.EventLog;

/// <summary>The shared run event log contract against the in-memory log (one process: no second view of it).</summary>
public sealed class InMemoryRunEventLogContractTests : RunEventLogContractTests
{
    protected override TimeSpan Retention => TimeSpan.FromHours(1);

    protected override IRunEventLog CreateLog() => new InMemoryRunEventLog(new InMemoryRunEventLogOptions { Retention = Retention });
}
