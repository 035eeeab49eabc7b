using System.Text.Json;
using Npgsql;
using NpgsqlTypes;
using Supporter.Identity;
using Supporter.Grains.Organisations;
using Supporter.Organisations;

namespace Supporter.Grains.Identity;

/// <summary>Keeps <c>users</c>, <c>supporter_profiles</c>, <c>referrals</c> and the organisation tables in step with the grains.</summary>
public sealed class PostgresIdentityDirectory(NpgsqlDataSource dataSource) : IIdentityDirectory
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public async Task UpsertAccountAsync(Guid userId, AccountState account, CancellationToken cancellationToken = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using var batch = new NpgsqlBatch(connection, transaction);

        var user = new NpgsqlBatchCommand("""
            INSERT INTO users (id, email, user_type, display_name, created_at, updated_at, version)
            VALUES (@id, @email, @user_type, @display_name, @created_at, @updated_at, @version)
            ON CONFLICT (id) DO UPDATE SET
                email = EXCLUDED.email, display_name = EXCLUDED.display_name,
                updated_at = EXCLUDED.updated_at, version = EXCLUDED.version
            WHERE users.version < EXCLUDED.version
            """);
        user.Parameters.AddWithValue("id", userId);
        user.Parameters.AddWithValue("email", account.Email);
        user.Parameters.AddWithValue("user_type", account.Type.Name());
        user.Parameters.AddWithValue("display_name", account.Details!.DisplayName);
        user.Parameters.AddWithValue("created_at", account.CreatedAt.ToUniversalTime());
        user.Parameters.AddWithValue("updated_at", account.UpdatedAt.ToUniversalTime());
        user.Parameters.AddWithValue("version", account.Version);
        batch.BatchCommands.Add(user);

        if (account.Type == UserType.Supporter)
        {
            var details = account.Details;
            var profile = new NpgsqlBatchCommand("""
                INSERT INTO supporter_profiles (user_id, display_name, home_city, favourite_genres, marketing_consent, locale,
                    loyalty_tier, referrer_code, referred_by, referral_count, notification_preferences, wallet_tokens,
                    updated_at, version)
                VALUES (@user_id, @display_name, @home_city, @favourite_genres, @marketing_consent, @locale,
                    @loyalty_tier, @referrer_code, @referred_by, @referral_count, @notification_preferences, @wallet_tokens,
                    @updated_at, @version)
                ON CONFLICT (user_id) DO UPDATE SET
                    display_name = EXCLUDED.display_name, home_city = EXCLUDED.home_city,
                    favourite_genres = EXCLUDED.favourite_genres, marketing_consent = EXCLUDED.marketing_consent,
                    locale = EXCLUDED.locale, loyalty_tier = EXCLUDED.loyalty_tier, referrer_code = EXCLUDED.referrer_code,
                    referred_by = EXCLUDED.referred_by, referral_count = EXCLUDED.referral_count,
                    notification_preferences = EXCLUDED.notification_preferences, wallet_tokens = EXCLUDED.wallet_tokens,
                    updated_at = EXCLUDED.updated_at, version = EXCLUDED.version
                WHERE supporter_profiles.version < EXCLUDED.version
                """);
            profile.Parameters.AddWithValue("user_id", userId);
            profile.Parameters.AddWithValue("display_name", details.DisplayName);
            profile.Parameters.AddWithValue("home_city", details.HomeCity);
            profile.Parameters.AddWithValue("favourite_genres", details.FavouriteGenres.ToArray());
            profile.Parameters.AddWithValue("marketing_consent", details.MarketingConsent);
            profile.Parameters.AddWithValue("locale", details.Locale);
            profile.Parameters.AddWithValue("loyalty_tier", account.LoyaltyTier.ToString().ToLowerInvariant());
            // The code is shown (and unique) only once its grain agreed it is this supporter's.
            profile.Parameters.AddWithValue("referrer_code", account.ReferrerCodeClaimed ? account.ReferrerCode! : DBNull.Value);
            profile.Parameters.AddWithValue("referred_by", (object?)account.ReferredBy ?? DBNull.Value);
            profile.Parameters.AddWithValue("referral_count", account.Referred.Count);
            profile.Parameters.AddWithValue("notification_preferences", NpgsqlDbType.Jsonb, JsonSerializer.Serialize(account.Preferences, Json));
            profile.Parameters.AddWithValue("wallet_tokens", NpgsqlDbType.Jsonb, JsonSerializer.Serialize(account.WalletTokens, Json));
            profile.Parameters.AddWithValue("updated_at", account.UpdatedAt.ToUniversalTime());
            profile.Parameters.AddWithValue("version", account.Version);
            batch.BatchCommands.Add(profile);
        }

        if (account.ReferredBy is { } referrer)
        {
            // The referrer's users row may not be copied yet (its grain copies it); the referral waits for it.
            var referral = new NpgsqlBatchCommand("""
                INSERT INTO referrals (referred_id, referrer_id, recorded_at)
                SELECT @referred_id, @referrer_id, @recorded_at WHERE EXISTS (SELECT 1 FROM users WHERE id = @referrer_id)
                ON CONFLICT (referred_id) DO NOTHING
                """);
            referral.Parameters.AddWithValue("referred_id", userId);
            referral.Parameters.AddWithValue("referrer_id", referrer);
            referral.Parameters.AddWithValue("recorded_at", account.UpdatedAt.ToUniversalTime());
            batch.BatchCommands.Add(referral);
        }

        await batch.ExecuteNonQueryAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    public async Task UpsertOrganisationAsync(Guid organisationId, OrganisationState organisation, CancellationToken cancellationToken = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var header = new NpgsqlCommand("""
            INSERT INTO organisations (id, kind, name, created_at, version)
            VALUES (@id, @kind, @name, @created_at, @version)
            ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, version = EXCLUDED.version
            WHERE organisations.version < EXCLUDED.version
            """, connection, transaction))
        {
            header.Parameters.AddWithValue("id", organisationId);
            header.Parameters.AddWithValue("kind", organisation.Kind.Name());
            header.Parameters.AddWithValue("name", organisation.Name);
            header.Parameters.AddWithValue("created_at", organisation.CreatedAt.ToUniversalTime());
            header.Parameters.AddWithValue("version", organisation.Version);
            // Nothing changed: a newer copy is already there, and its members with it.
            if (await header.ExecuteNonQueryAsync(cancellationToken) == 0)
                return;
        }
        await using (var members = new NpgsqlCommand("""
            DELETE FROM organisation_members WHERE organisation_id = @id;
            INSERT INTO organisation_members (organisation_id, user_id, role)
            SELECT @id, member.user_id, member.role FROM unnest(@user_ids, @roles) AS member(user_id, role);
            """, connection, transaction))
        {
            members.Parameters.AddWithValue("id", organisationId);
            members.Parameters.AddWithValue("user_ids", organisation.Members.Keys.ToArray());
            members.Parameters.AddWithValue("roles", organisation.Members.Values.Select(m => m.Role.Name()).ToArray());
            await members.ExecuteNonQueryAsync(cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
    }
}
