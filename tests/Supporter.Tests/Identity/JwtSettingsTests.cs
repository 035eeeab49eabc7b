using System.ComponentModel.DataAnnotations;
using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using Supporter.Api.Identity;
using Supporter.Tests.Infrastructure;

namespace Supporter.Tests.Identity;

/// <summary>Signing keys are checked when the Api starts: each key that could not sign ES256 tokens is named.</summary>
public sealed class JwtSettingsTests
{
    private static readonly string GoodPem = TestJwt.ActiveKey.ExportPkcs8PrivateKeyPem();

    private static JwtSettings Settings(string activeKeyId = "a", params SigningKey[] keys) => new()
    {
        Issuer = TestJwt.Issuer,
        Audience = TestJwt.Audience,
        ActiveKeyId = activeKeyId,
        SigningKeys = keys.Length > 0 ? [.. keys] : [new SigningKey { KeyId = "a", PrivateKeyPem = GoodPem }],
    };

    private static List<string> Problems(JwtSettings settings)
    {
        var results = new List<ValidationResult>();
        Validator.TryValidateObject(settings, new ValidationContext(settings), results, validateAllProperties: true);
        return results.Select(r => r.ErrorMessage!).ToList();
    }

    [Fact]
    public void A_P256_key_inline_or_from_a_file_in_either_PEM_form_is_accepted()
    {
        var file = Path.GetTempFileName();
        try
        {
            File.WriteAllText(file, TestJwt.OldKey.ExportECPrivateKeyPem());
            var settings = Settings("b", new SigningKey { KeyId = "a", PrivateKeyPem = GoodPem }, new SigningKey { KeyId = "b", PrivateKeyFile = file });
            Assert.Empty(Problems(settings));
            using var keys = new AccessTokenKeys(Options.Create(settings));
            Assert.Equal("b", keys.Signing.Key.KeyId);
            Assert.Equal(["a", "b"], keys.VerificationKeys.Select(k => k.KeyId));
        }
        finally
        {
            File.Delete(file);
        }
    }

    public static TheoryData<string, string> Faults => new()
    {
        { "not PEM", "not a PEM-encoded EC private key" },
        { "a public key", "not a PEM-encoded EC private key" },
        { "an RSA key", "not a PEM-encoded EC private key" },
        { "a P-384 key", "not P-256" },
        { "no key", "give PrivateKeyPem or PrivateKeyFile" },
        { "inline and a file", "not both" },
        { "a missing file", "cannot read PrivateKeyFile" },
        { "no key id", "needs a KeyId" },
        { "a repeated key id", "Key ids must be unique" },
        { "an unlisted active key", "ActiveKeyId 'z' is not among the signing keys" },
    };

    [Theory]
    [MemberData(nameof(Faults))]
    public void Each_fault_is_named(string fault, string expected)
    {
        using var rsa = RSA.Create(2048);
        using var p384 = ECDsa.Create(ECCurve.NamedCurves.nistP384);
        var good = new SigningKey { KeyId = "a", PrivateKeyPem = GoodPem };
        SigningKey Bad(string? pem = null, string? file = null, string id = "a") => new() { KeyId = id, PrivateKeyPem = pem, PrivateKeyFile = file };
        var settings = fault switch
        {
            "not PEM" => Settings("a", Bad("MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA")),
            "a public key" => Settings("a", Bad(TestJwt.ActiveKey.ExportSubjectPublicKeyInfoPem())),
            "an RSA key" => Settings("a", Bad(rsa.ExportPkcs8PrivateKeyPem())),
            "a P-384 key" => Settings("a", Bad(p384.ExportPkcs8PrivateKeyPem())),
            "no key" => Settings("a", Bad()),
            "inline and a file" => Settings("a", Bad(GoodPem, "/etc/hostname")),
            "a missing file" => Settings("a", Bad(file: $"/nonexistent/{Guid.NewGuid():N}.pem")),
            "no key id" => Settings("a", good, Bad(GoodPem, id: "")),
            "a repeated key id" => Settings("a", good, Bad(GoodPem)),
            _ => Settings("z", good),
        };

        var problems = Problems(settings);

        Assert.True(problems.Any(p => p.Contains(expected, StringComparison.Ordinal)), string.Join(Environment.NewLine, problems));
    }
}
