// The benchmark harness (peak matmul rate, forward throughput, ToV vs LESS cost) is issue #8 and not written yet;
// this program exists so the solution's layout is in place. It measures nothing and claims nothing.
Console.WriteLine("Winnow benchmarks are not implemented yet (issue #8).");
return 1;
