using System.Net;
using Supporter.Tests.Infrastructure;

namespace Supporter.Tests.Identity;

/// <summary>
/// The Api keeps the tokens it has checked (Api/Identity/VerifiedAccessTokens.cs): only the exact text of one that
/// passed every check is taken on trust, never a token changed in one character, and never one that failed.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class VerifiedAccessTokensTests(ApiFixture api)
{
    private const string Path = "/supporters/profile";

    [Fact]
    public async Task A_token_accepted_once_is_accepted_again_but_no_altered_copy_of_it_is()
    {
        var fan = await api.RegisterAsync();
        var token = TestJwt.Sign(Claims(fan));
        var (header, payload, signature) = Parts(token);
        var otherSignature = $"{header}.{payload}.{Altered(signature)}";
        var otherClaims = $"{header}.{Parts(TestJwt.Sign([.. Claims(fan), ("email", "someone@else.test")])).Payload}.{signature}";

        Assert.Equal(HttpStatusCode.Unauthorized, (await api.WithToken(otherSignature).GetAsync(Path)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await api.WithToken(token).GetAsync(Path)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await api.WithToken(token).GetAsync(Path)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await api.WithToken(otherSignature).GetAsync(Path)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await api.WithToken(otherClaims).GetAsync(Path)).StatusCode);
    }

    [Fact]
    public async Task A_token_refused_for_its_claims_is_refused_every_time()
    {
        var fan = await api.RegisterAsync();
        var malformed = TestJwt.Sign(Claims(fan).Select(c => c.Type == "sid" ? (c.Type, "session-1") : c));

        Assert.Equal(HttpStatusCode.Unauthorized, (await api.WithToken(malformed).GetAsync(Path)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await api.WithToken(malformed).GetAsync(Path)).StatusCode);
    }

    private static List<(string Type, string Value)> Claims(TestAccount fan) =>
        [("sub", fan.UserId.ToString()), ("user_type", "supporter"), ("scope", "supporter"), ("sid", Guid.NewGuid().ToString()), ("email", fan.Email)];

    private static (string Header, string Payload, string Signature) Parts(string token) =>
        token.Split('.') is [var header, var payload, var signature] ? (header, payload, signature) : throw new FormatException(token);

    // A character in the middle: the last one of a base64url signature may carry only padding bits.
    private static string Altered(string signature) =>
        string.Concat(signature[..10], signature[10] == 'A' ? "B" : "A", signature[11..]);
}
