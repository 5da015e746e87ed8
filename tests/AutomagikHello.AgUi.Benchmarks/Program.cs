using System.Globalization;
using AutomagikHello.AgUi.Benchmarks;
using BenchmarkDotNet.Running;

if (args is ["cpu-per-token", ..])
{
    await ChatClientAgentCpu.RunAsync(
        args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 30,
        args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 200,
        args.Length > 3 ? int.Parse(args[3], CultureInfo.InvariantCulture) : 1000);
    return;
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
