using System.Net;
using System.Net.Sockets;
using System.Text;
using MimeKit;

namespace Supporter.Tests.Infrastructure;

/// <summary>
/// An SMTP server on 127.0.0.1 that accepts every message (RFC 5321: EHLO, MAIL, RCPT, DATA with dot-stuffing,
/// RSET, NOOP, QUIT) and keeps it for the tests, which wait for a message instead of polling. Switches make it
/// refuse connections (<see cref="Unavailable"/>) or hold them without a word (<see cref="Stall"/>), as a relay
/// that is down or hanging would.
/// </summary>
public sealed class FakeSmtpServer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly List<(string To, MimeMessage Message)> _unread = [];
    private readonly object _gate = new();
    private TaskCompletionSource _arrived = NewSignal();
    private readonly Dictionary<string, int> _received = new(StringComparer.OrdinalIgnoreCase);
    private TaskCompletionSource _stalled = NewSignal();
    private TaskCompletionSource _release = NewSignal();

    /// <summary>While true, every connection is greeted with 421 and closed: the relay is down.</summary>
    public bool Unavailable { get; set; }

    /// <summary>While true, connections are accepted and held without a greeting until <see cref="ReleaseStalled"/>.</summary>
    public bool Stall { get; set; }

    /// <summary>Completes when a connection is being held by <see cref="Stall"/>.</summary>
    public Task WhenStalled()
    {
        lock (_gate)
            return _stalled.Task;
    }

    /// <summary>Closes the held connections without a greeting (the client sees the relay drop it).</summary>
    public void ReleaseStalled()
    {
        lock (_gate)
        {
            _release.TrySetResult();
            _release = NewSignal();
        }
    }

    /// <summary>How many messages ever arrived for <paramref name="to"/>, read or not.</summary>
    public int ReceivedCount(string to)
    {
        lock (_gate)
            return _received.GetValueOrDefault(to);
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public static FakeSmtpServer Start()
    {
        var server = new FakeSmtpServer();
        server._listener.Start();
        _ = server.AcceptAsync();
        return server;
    }

    /// <summary>Silo settings that send mail here.</summary>
    public IEnumerable<(string Key, string Value)> SiloSettings() =>
    [
        ("Mail:SmtpHost", "127.0.0.1"),
        ("Mail:SmtpPort", Port.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        ("Mail:Security", "None"),
    ];

    /// <summary>The next unread message to <paramref name="to"/> (case-insensitive), waiting for it if needed.</summary>
    public async Task<MimeMessage> NextAsync(string to, TimeSpan? patience = null)
    {
        var deadline = DateTime.UtcNow + (patience ?? TimeSpan.FromSeconds(30));
        while (true)
        {
            Task arrived;
            lock (_gate)
            {
                var index = _unread.FindIndex(m => string.Equals(m.To, to, StringComparison.OrdinalIgnoreCase));
                if (index >= 0)
                {
                    var message = _unread[index].Message;
                    _unread.RemoveAt(index);
                    return message;
                }
                arrived = _arrived.Task;
            }
            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero)
                throw new TimeoutException($"No e-mail to {to} arrived.");
            await arrived.WaitAsync(left).ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }

    /// <summary>Whether any unread message to <paramref name="to"/> is waiting (nothing is waited for).</summary>
    public bool HasUnread(string to)
    {
        lock (_gate)
            return _unread.Any(m => string.Equals(m.To, to, StringComparison.OrdinalIgnoreCase));
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            _ = ServeAsync(client);
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using var _ = client;
        var stream = client.GetStream();
        // Commands are ASCII; message data may be 8-bit UTF-8 (the server offers 8BITMIME).
        var reader = new StreamReader(stream, Encoding.UTF8);
        var writer = new StreamWriter(stream, Encoding.ASCII) { NewLine = "\r\n", AutoFlush = true };
        if (Stall)
        {
            Task release;
            lock (_gate)
            {
                release = _release.Task;
                _stalled.TrySetResult();
            }
            await release.WaitAsync(_stop.Token).ContinueWith(_ => { }, TaskScheduler.Default);
            return;
        }
        if (Unavailable)
        {
            await writer.WriteLineAsync("421 4.3.2 fake-smtp unavailable, closing");
            return;
        }
        await writer.WriteLineAsync("220 fake-smtp ready");
        var recipients = new List<string>();
        while (await reader.ReadLineAsync() is { } line)
        {
            var verb = line.Split(' ', 2)[0].ToUpperInvariant();
            switch (verb)
            {
                case "EHLO":
                    await writer.WriteLineAsync("250-fake-smtp");
                    await writer.WriteLineAsync("250 8BITMIME");
                    break;
                case "HELO" or "NOOP" or "MAIL":
                    await writer.WriteLineAsync("250 OK");
                    break;
                case "RSET":
                    recipients.Clear();
                    await writer.WriteLineAsync("250 OK");
                    break;
                case "RCPT":
                    recipients.Add(line[(line.IndexOf('<') + 1)..line.IndexOf('>')]);
                    await writer.WriteLineAsync("250 OK");
                    break;
                case "DATA":
                    await writer.WriteLineAsync("354 End data with <CR><LF>.<CR><LF>");
                    var data = new StringBuilder();
                    while (await reader.ReadLineAsync() is { } dataLine && dataLine != ".")
                        data.Append(dataLine.StartsWith("..", StringComparison.Ordinal) ? dataLine[1..] : dataLine).Append("\r\n");
                    var message = MimeMessage.Load(new MemoryStream(Encoding.UTF8.GetBytes(data.ToString())));
                    lock (_gate)
                    {
                        foreach (var recipient in recipients)
                        {
                            _unread.Add((recipient, message));
                            _received[recipient] = _received.GetValueOrDefault(recipient) + 1;
                        }
                        _arrived.TrySetResult();
                        _arrived = NewSignal();
                    }
                    recipients.Clear();
                    await writer.WriteLineAsync("250 OK queued");
                    break;
                case "QUIT":
                    await writer.WriteLineAsync("221 Bye");
                    return;
                default:
                    await writer.WriteLineAsync("502 Command not implemented");
                    break;
            }
        }
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    public ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _listener.Stop();
        return ValueTask.CompletedTask;
    }
}
