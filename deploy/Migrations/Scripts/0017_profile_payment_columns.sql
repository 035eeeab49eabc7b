-- 0017: the supporter profile row never held payment data. Its Stripe customer and default card columns were
-- copied from account fields nothing ever wrote, so they were always NULL; the saved card lives with the supporter's
-- payment methods (PaymentMethodsGrain) and the profile endpoint reads it there.
ALTER TABLE supporter_profiles
    DROP COLUMN IF EXISTS stripe_customer_id,
    DROP COLUMN IF EXISTS default_payment_method_id;
