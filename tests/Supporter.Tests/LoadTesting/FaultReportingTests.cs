using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Supporter.LoadGen.Faults;
using Supporter.LoadGen.Load;
using Supporter.LoadGen.Measurement;
using Supporter.Tests.Infrastructure;

namespace Supporter.Tests.LoadTesting;

/// <summary>
/// The load generator's fault options: a client that gives up on a slow answer and sends the same request again
/// (same key) and counts what it did not learn; fault marks read from a file; recovery read off the timeline.
/// </summary>
public sealed class FaultReportingTests
{
    [Fact]
    public async Task A_request_with_no_answer_in_time_is_sent_again_with_its_key_and_counted_as_unknown_then_resolved()
    {
        var seen = new ConcurrentQueue<string>();
        var builder = LoopbackHost.CreateBuilder();
        await using var app = builder.Build();
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        app.MapPost("/api/showtimes/{id}/ticket-types/GA/holds", async (HttpRequest request) =>
        {
            seen.Enqueue(request.Headers["Idempotency-Key"].ToString());
            // The first attempt's answer comes too late for the client; the next get one at once.
            if (seen.Count == 1)
                await release.Task.WaitAsync(TimeSpan.FromSeconds(30));
            return Results.Created("/holds/1", new { holdId = Guid.NewGuid() });
        });
        app.MapPost("/busy", (HttpResponse response) =>
        {
            response.Headers.RetryAfter = "0";
            return Results.StatusCode(503);
        });
        var url = await LoopbackHost.StartAsync(app);
        var outcomes = new UnknownOutcomes();
        using var http = new HttpClient(new RetryingHandler(TimeSpan.FromSeconds(1), 3, outcomes, new SocketsHttpHandler())) { BaseAddress = new Uri(url) };

        using var hold = new HttpRequestMessage(HttpMethod.Post, $"/api/showtimes/{Guid.NewGuid()}/ticket-types/GA/holds") { Content = new StringContent("{}") };
        hold.Headers.Add("Idempotency-Key", "same-key");
        using var answered = await http.SendAsync(hold);
        release.SetResult();
        using var busy = new HttpRequestMessage(HttpMethod.Post, "/busy") { Content = new StringContent("{}") };
        busy.Headers.Add("Idempotency-Key", "busy-key");
        using var stillBusy = await http.SendAsync(busy);
        using var unkeyed = await http.PostAsync("/busy", new StringContent("{}"));

        Assert.Equal(HttpStatusCode.Created, answered.StatusCode);
        // Usually two attempts; a third if the machine is so busy that the prompt answer missed its second too.
        Assert.InRange(seen.Count, 2, 4);
        Assert.All(seen, key => Assert.Equal("same-key", key));
        Assert.Equal((HttpStatusCode.ServiceUnavailable, HttpStatusCode.ServiceUnavailable), (stillBusy.StatusCode, unkeyed.StatusCode));
        var summaries = outcomes.Summaries().ToDictionary(s => s.Operation);
        var holds = summaries["POST holds"];
        Assert.Equal((1L, seen.Count - 1L), (holds.Calls, holds.Retries));
        Assert.Equal(new Dictionary<string, long> { ["no answer in time"] = 1 }, holds.Causes);
        Assert.Equal(new Dictionary<string, long> { ["2xx"] = 1 }, holds.Resolutions);
        // A keyed request is tried four times in all; one without a key is not repeated, since that could act twice.
        var busyCalls = summaries["POST busy"];
        Assert.Equal((2L, 3L), (busyCalls.Calls, busyCalls.Retries));
        Assert.Equal(new Dictionary<string, long> { [UnknownOutcomes.StillUnknown] = 2 }, busyCalls.Resolutions);
    }

    [Fact]
    public void Recovery_is_the_first_second_back_at_80_percent_of_the_median_before_the_fault()
    {
        double[] holds = [0, 100, 100, 90, 110, 100, 10, 0, 40, 85, 100, 100, 95, 100, 100];
        var timeline = holds.Select((rate, i) => new TimelinePoint("hold", i + 1, i == 0, rate, 0, 1, 2)).ToList();

        var recoveries = Recovery.Of(timeline, [new FaultMark("kill", 6.4), new FaultMark("storm", 13.5)], "hold");

        // Before the kill: 100, 100, 90, 110, 100 (median 100); the dip at 7 s; 85 at 10 s is the first at 80 or more.
        Assert.Equal(new FaultRecovery("kill", 6.4, "hold", 100, 0, 3.6), recoveries[0]);
        // The storm changed nothing: no second below 80% after it, so it recovered at once.
        Assert.Equal(new FaultRecovery("storm", 13.5, "hold", 100, 100, 0), recoveries[1]);
    }

    [Fact]
    public async Task Fault_marks_are_read_as_they_are_appended_whole_lines_only()
    {
        var path = Path.Combine(Directory.CreateTempSubdirectory("marks-").FullName, "marks");
        var started = DateTimeOffset.FromUnixTimeMilliseconds(1_800_000_000_000);
        var marks = new FaultMarks(path, started);

        marks.Refresh();
        await File.WriteAllTextAsync(path, "1800000012500 SIGKILL silo2\n1800000020000 half-writ");
        marks.Refresh();
        await File.AppendAllTextAsync(path, "ten\n");
        marks.Refresh();

        Assert.Equal([new FaultMark("SIGKILL silo2", 12.5), new FaultMark("half-written", 20)], marks.Marks);
    }
}
