using System.Net.Http.Headers;

namespace Supporter.LoadGen.Accounts;

/// <summary>A real, signed-in supporter account the generator acts as.</summary>
public sealed record VirtualSupporter(string Email, string AccessToken)
{
    public HttpRequestMessage Request(HttpMethod method, string path)
    {
        var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", AccessToken);
        return request;
    }
}
